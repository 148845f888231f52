"""A person's state in one word: seated, partly seated, waiting (for what, at which place) or cancelled.

The mails, the private page and the organisers' list all say it through `state_summary`, so
that nobody reads "a seat is yours" in one place and "waiting" in another.
"""
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...labels import LabelledEnum
from ...models import AttendanceMode, Registration, RegistrationStatus, Track


class State(LabelledEnum):
    # everything chosen is theirs (remote people need no seat)
    SEATED = "seated", _l("Seated")
    # a seat at the event, but waiting for a working group
    PARTLY_SEATED = "partly_seated", _l("Partly seated")
    # no seat at the event yet
    WAITING = "waiting", _l("Waiting")
    CANCELLED = "cancelled", _l("Cancelled")


# The colour the pages give the word (`static/css/app.css`).
CSS = {
    State.SEATED: "status-confirmed", State.PARTLY_SEATED: "status-waitlisted",
    State.WAITING: "status-waitlisted", State.CANCELLED: "status-cancelled",
}


@dataclass(frozen=True)
class Wait:
    """One waiting list the person is on: the event's (`track` None) or a working group's."""

    track: Track | None
    position: int | None


@dataclass(frozen=True)
class StateSummary:
    state: State
    remote: bool
    waits: tuple[Wait, ...] = ()

    @property
    def word(self) -> str:
        if self.state is State.SEATED and self.remote:
            return _("Confirmed (remote)")
        return self.state.label

    @property
    def css(self) -> str:
        return CSS[self.state]

    def explanation(self, locale: str) -> str:
        """What the person waits for, and at which place, said to them; empty when they wait for nothing."""
        parts = [_("You have a seat at the event.")] if self.state is State.PARTLY_SEATED else []
        return " ".join([*parts, self.waits_text(locale)]).strip()

    def waits_text(self, locale: str) -> str:
        """The waiting lists the person is on, with their place in each (as organisers read it)."""
        parts = []
        for wait in self.waits:
            if wait.track is None:
                parts.append(_("Waiting for a seat at the event: number %(n)d.", n=wait.position or 0))
            else:
                parts.append(_("Waiting for a seat in “%(track)s”: number %(n)d.",
                               track=wait.track.local("title", locale), n=wait.position or 0))
        return " ".join(parts)


def state_summary(registration: Registration, event_position: int | None, track_positions: dict[int, int]) -> StateSummary:
    """The state of `registration`; `track_positions` maps a waiting choice's id to its place in its queue."""
    remote = registration.attendance_mode is AttendanceMode.REMOTE
    if registration.status is RegistrationStatus.CANCELLED:
        return StateSummary(State.CANCELLED, remote)
    waits = [
        Wait(choice.track, track_positions.get(choice.id))
        for choice in registration.choices if choice.status is RegistrationStatus.WAITLISTED
    ]
    if registration.status is RegistrationStatus.WAITLISTED:
        return StateSummary(State.WAITING, remote, (Wait(None, event_position), *waits))
    return StateSummary(State.PARTLY_SEATED if waits else State.SEATED, remote, tuple(waits))
