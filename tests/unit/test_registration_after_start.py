"""Once an event has started nobody cancels or changes a registration: who came (in person or
remotely) stays in the coverage figures and the attendance counts."""
from datetime import timedelta

import pytest

from eventapp.models import AttendanceMode, EventKind, RegistrationStatus, utcnow
from eventapp.services.exceptions import DomainError
from eventapp.services.registration.bulk_actions import cancel_many
from eventapp.services.registration.lifecycle import (
    cancel_registration,
    change_registration,
    delete_personal_data,
)

from ..factories import create_event, create_registration


def past_event(session, hours_ago: int, **values):
    """An event that started `hours_ago` hours ago and lasts six hours, with a person registered a week before."""
    starts = utcnow().replace(microsecond=0) - timedelta(hours=hours_ago)
    event = create_event(session, starts_at=starts, **values)
    person = create_registration(session, event, now=starts - timedelta(days=7))
    return event, person


@pytest.mark.parametrize(("hours_ago", "word"), [(1, "sācies"), (30, "beidzies")])
def test_a_registration_cannot_be_cancelled_once_the_event_has_started(session, hours_ago, word):
    _event, person = past_event(session, hours_ago)
    with pytest.raises(DomainError) as refused:
        cancel_registration(session, person, utcnow())
    assert word in str(refused.value.message)
    assert person.status is RegistrationStatus.CONFIRMED


def test_an_online_meeting_s_registration_cannot_be_cancelled_after_it(session):
    starts = utcnow().replace(microsecond=0) - timedelta(hours=30)
    event = create_event(session, starts_at=starts, kind=EventKind.ONLINE_MEETING, remote_allowed=True)
    person = create_registration(session, event, now=starts - timedelta(days=1), attendance_mode=AttendanceMode.REMOTE)
    with pytest.raises(DomainError):
        cancel_registration(session, person, utcnow())
    assert person.status is RegistrationStatus.CONFIRMED


def test_a_registration_cannot_be_changed_once_the_event_has_started(session):
    event, person = past_event(session, 1, tracks=2)
    slot = event.slots[0]
    with pytest.raises(DomainError) as refused:
        change_registration(session, person, AttendanceMode.IN_PERSON, {slot.id: slot.tracks[1].id}, utcnow())
    assert "sācies" in str(refused.value.message)
    assert [choice.track_id for choice in person.choices] == [slot.tracks[0].id]


def test_cancelling_before_the_start_still_works(session):
    starts = utcnow().replace(microsecond=0) + timedelta(hours=1)
    event = create_event(session, starts_at=starts)
    person = create_registration(session, event)
    cancel_registration(session, person, utcnow())
    assert person.status is RegistrationStatus.CANCELLED


def test_the_bulk_cancel_is_refused_the_same_way(session):
    event, person = past_event(session, 30)
    outcome = cancel_many(session, event, [person], utcnow())
    assert outcome.done == []
    assert person.status is RegistrationStatus.CONFIRMED


def test_deleting_one_s_data_after_the_event_anonymises_but_keeps_the_count(session):
    _event, person = past_event(session, 30)
    delete_personal_data(session, person, utcnow())
    assert person.anonymised_at is not None and person.full_name == ""
    assert person.status is RegistrationStatus.CONFIRMED
