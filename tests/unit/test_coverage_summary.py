"""The coverage board's summary: counts by state, and the next deadline that still lies ahead."""
from datetime import timedelta

from eventapp.models import Sector, utcnow
from eventapp.services.coverage import delegation, track_coverage
from eventapp.services.coverage.track_coverage import Deadline, next_deadline, summarise
from eventapp.services.registration import seat_holds

from ..factories import create_event, create_organisation, create_registration


def board(session, event):
    now = utcnow()
    entries = track_coverage.event_coverage(session, event, now)
    return entries, seat_holds.release_moment(event), now


def test_the_seat_release_is_the_deadline_while_seats_are_held(session):
    event = create_event(session, tracks=2, state_admin_minimum=1, starts_at=utcnow() + timedelta(days=30))
    entries, release, now = board(session, event)
    assert next_deadline(entries, release, now) == Deadline("seats", event.starts_at - timedelta(days=3))
    assert summarise(entries) == track_coverage.BoardSummary(2, 0, 0, 2, 0, None)


def test_an_earlier_answer_comes_first_and_a_later_one_waits(session):
    event = create_event(session, tracks=2, state_admin_minimum=1, starts_at=utcnow() + timedelta(days=30))
    ministry = create_organisation(session, "Labklājības ministrija", Sector.STATE_ADMINISTRATION)
    soon, later = utcnow() + timedelta(days=5), event.starts_at - timedelta(days=2)
    delegation.send_request(session, None, event.tracks[0], ministry, "a@lm.gov.lv", "", utcnow(), deadline=later)
    delegation.send_request(session, None, event.tracks[1], ministry, "b@lm.gov.lv", "", utcnow(), deadline=soon)
    entries, release, now = board(session, event)
    assert next_deadline(entries, release, now) == Deadline("answer", soon)
    assert (summarise(entries).at_risk, summarise(entries).uncovered) == (2, 0)


def test_no_deadline_when_nothing_is_held_or_awaited(session):
    event = create_event(session, tracks=1, state_admin_minimum=1, starts_at=utcnow() + timedelta(days=30))
    create_registration(session, event, sector=Sector.STATE_ADMINISTRATION, organisation_name="Kultūras ministrija")
    entries, release, now = board(session, event)
    assert summarise(entries).covered == 1
    assert next_deadline(entries, release, now) is None  # covered: no seat is held
    assert next_deadline(entries, now - timedelta(hours=1), now) is None


def test_after_the_release_only_an_open_answer_holds_a_seat(session):
    event = create_event(session, tracks=1, state_admin_minimum=1, starts_at=utcnow() + timedelta(days=2))
    entries, release, now = board(session, event)
    assert release <= now and next_deadline(entries, release, now) is None
