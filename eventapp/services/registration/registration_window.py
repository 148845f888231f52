"""Whether a person can register for an event now, as the event page tells it.

The same moments as the registration service's own refusal (`lifecycle.registration_closed_reason`):
registration opens at `registration_opens_at` (at once when unset) and closes at
`registration_closes_at` (when the event starts when unset). In the last days before it closes,
the page says so, so that people do not leave it for later.
"""
import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...models import Event, EventStatus

CLOSING_SOON = timedelta(days=3)


class Window(enum.Enum):
    """The page words each state itself (`templates/public/event.html`)."""

    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSING_SOON = "closing_soon"
    CLOSED = "closed"
    OVER = "over"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class WindowState:
    window: Window
    moment: datetime | None = None  # when registration opens (not yet open) or closes (open, closing soon)

    @property
    def accepts(self) -> bool:
        return self.window in (Window.OPEN, Window.CLOSING_SOON)


def registration_window_state(event: Event, now: datetime) -> WindowState:
    if event.status is EventStatus.CANCELLED:
        return WindowState(Window.CANCELLED)
    if now >= event.ends_at:
        return WindowState(Window.OVER)
    if event.status is not EventStatus.PUBLISHED:
        return WindowState(Window.CLOSED)
    if event.registration_opens_at and now < event.registration_opens_at:
        return WindowState(Window.NOT_YET_OPEN, event.registration_opens_at)
    closes = event.registration_closes_at or event.starts_at
    if now >= closes:
        return WindowState(Window.CLOSED)
    if closes - now <= CLOSING_SOON:
        return WindowState(Window.CLOSING_SOON, closes)
    return WindowState(Window.OPEN, closes)
