"""Whether a person can register now, as the event page says it: one rule, no HTTP."""
from datetime import datetime, timedelta, timezone

import pytest

from eventapp.models import Event, EventKind, EventStatus
from eventapp.services.registration.registration_window import Window, registration_window_state

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def event(**values) -> Event:
    starts = values.pop("starts_at", NOW + timedelta(days=30))
    return Event(kind=EventKind.REGIONAL_SESSION, status=values.pop("status", EventStatus.PUBLISHED),
                 title_lv="Sēde", starts_at=starts, ends_at=values.pop("ends_at", starts + timedelta(hours=6)), **values)


@pytest.mark.parametrize("values, expected", [
    ({}, Window.OPEN),
    ({"registration_closes_at": NOW + timedelta(days=10)}, Window.OPEN),
    ({"registration_closes_at": NOW + timedelta(days=3)}, Window.CLOSING_SOON),
    ({"registration_closes_at": NOW + timedelta(hours=1)}, Window.CLOSING_SOON),
    ({"starts_at": NOW + timedelta(days=2)}, Window.CLOSING_SOON),  # closes when the event starts
    ({"registration_closes_at": NOW}, Window.CLOSED),
    ({"registration_closes_at": NOW - timedelta(days=1)}, Window.CLOSED),
    ({"starts_at": NOW - timedelta(hours=1)}, Window.CLOSED),  # under way: no longer open, not over
    ({"starts_at": NOW - timedelta(days=1)}, Window.OVER),
    ({"registration_opens_at": NOW + timedelta(days=5)}, Window.NOT_YET_OPEN),
    ({"registration_opens_at": NOW}, Window.OPEN),
    ({"status": EventStatus.CANCELLED}, Window.CANCELLED),
    ({"status": EventStatus.DRAFT}, Window.CLOSED),
])
def test_each_state(values, expected):
    assert registration_window_state(event(**values), NOW).window is expected


def test_the_state_names_the_moment_it_changes():
    opens, closes = NOW + timedelta(days=5), NOW + timedelta(days=20)
    assert registration_window_state(event(registration_opens_at=opens, registration_closes_at=closes), NOW).moment == opens
    assert registration_window_state(event(registration_closes_at=closes), NOW).moment == closes
    assert registration_window_state(event(), NOW).moment == NOW + timedelta(days=30)


@pytest.mark.parametrize("values", [{}, {"registration_closes_at": NOW + timedelta(days=1)},
                                    {"registration_closes_at": NOW}, {"registration_opens_at": NOW + timedelta(days=1)},
                                    {"status": EventStatus.CANCELLED}, {"starts_at": NOW - timedelta(days=1)}])
def test_open_exactly_when_the_registration_service_accepts(values):
    from eventapp.services.registration.lifecycle import registration_closed_reason

    found = event(**values)
    state = registration_window_state(found, NOW)
    assert state.accepts == (registration_closed_reason(found, NOW) is None)
