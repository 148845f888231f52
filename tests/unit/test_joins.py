"""Personal join links: the window, one row per person and meeting, manual marking, and coverage."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventapp.extensions import db
from eventapp.formatting import on_date
from eventapp.models import (
    AttendanceMode,
    AuditEntry,
    EventKind,
    JoinKind,
    RegistrationStatus,
    RemoteJoin,
    Sector,
)
from eventapp.services.coverage.track_coverage import Coverage, actual_coverage
from eventapp.services.exceptions import DomainError
from eventapp.services.registration.lifecycle import cancel_registration
from eventapp.services.remote import joins

from ..factories import create_event, create_registration, create_user

ZOOM = "https://zoom.example/j/123"


def remote_session(session, **values):
    """A regional session with two tracks, each needing one person of state administration."""
    values.setdefault("remote_allowed", True)
    values.setdefault("remote_link", ZOOM)
    return create_event(session, tracks=2, state_admin_minimum=1, **values)


def remote_person(session, event, track=None, **values):
    track = track or event.tracks[0]
    values.setdefault("sector", Sector.STATE_ADMINISTRATION)
    values.setdefault("organisation_name", "Vides aizsardzības un reģionālās attīstības ministrija")
    return create_registration(session, event, attendance_mode=AttendanceMode.REMOTE,
                               track_ids={track.slot_id: track.id}, **values)


def rows(session) -> int:
    return session.scalar(select(func.count()).select_from(RemoteJoin))


def test_the_window_opens_before_the_start_and_closes_at_the_end(session):
    event = remote_session(session)
    assert joins.join_window(event) == (event.starts_at - timedelta(minutes=30), event.ends_at)
    assert joins.join_window(event, {"JOIN_OPENS_MINUTES_BEFORE": 5})[0] == event.starts_at - timedelta(minutes=5)
    person = remote_person(session, event)
    opens, closes = joins.join_window(event)

    assert joins.record_join(session, person, None, opens - timedelta(seconds=1)) is None
    assert joins.record_join(session, person, None, closes + timedelta(seconds=1)) is None
    assert rows(session) == 0
    first = joins.record_join(session, person, None, opens)
    assert first is not None and first.how is JoinKind.LINK and first.joined_at == opens
    assert joins.record_join(session, person, None, closes) is first


def test_following_the_link_again_keeps_the_first_join(session):
    event = remote_session(session)
    person = remote_person(session, event)
    first = joins.record_join(session, person, None, event.starts_at)
    again = joins.record_join(session, person, None, event.starts_at + timedelta(hours=1))
    assert again.id == first.id and again.joined_at == event.starts_at
    assert rows(session) == 1
    assert joins.joined_by_track(session, event) == {None: {person.id}}


def test_a_remote_state_administration_join_covers_its_track_remotely_and_nothing_outside_the_window(session):
    event = remote_session(session)
    first, second = event.tracks
    joined = remote_person(session, event, first)
    late = remote_person(session, event, second)
    assert joins.record_join(session, joined, None, event.starts_at + timedelta(minutes=10)) is not None
    assert joins.record_join(session, late, None, event.ends_at + timedelta(minutes=1)) is None

    after = event.ends_at + timedelta(hours=1)
    states = {entry.track.id: entry.state for entry in actual_coverage(session, event, after)}
    assert states == {first.id: Coverage.COVERED_REMOTELY, second.id: Coverage.UNCOVERED}


def test_a_track_s_own_meeting_is_recorded_for_that_track(session):
    event = remote_session(session)
    first, second = event.tracks
    first.remote_link = "https://teams.example/seniori"
    person = remote_person(session, event, first)
    assert joins.meeting_address(person, first) == "https://teams.example/seniori"
    assert joins.meeting_address(person, None) == ZOOM
    assert joins.meeting_address(person, second) is None  # not their track
    assert [track for track, _address in joins.meetings(person)] == [None, first]
    joins.record_join(session, person, first, event.starts_at)
    assert joins.record_join(session, person, second, event.starts_at) is None
    assert joins.joined_by_track(session, event) == {first.id: {person.id}}


def test_only_confirmed_people_who_meet_online_can_join(session):
    event = remote_session(session)
    in_person = create_registration(session, event)
    cancelled = remote_person(session, event)
    cancel_registration(session, cancelled, event.starts_at - timedelta(days=1), notify=False)
    assert cancelled.status is RegistrationStatus.CANCELLED
    for person in (in_person, cancelled):
        assert joins.meeting_address(person, None) is None and joins.meetings(person) == []
        assert joins.record_join(session, person, None, event.starts_at) is None
    assert rows(session) == 0

    waiting = remote_person(session, event)
    waiting.status = RegistrationStatus.WAITLISTED
    assert joins.record_join(session, waiting, None, event.starts_at) is None
    assert rows(session) == 0

    online = create_event(session, kind=EventKind.ONLINE_MEETING, remote_link=ZOOM)
    # Everyone confirmed for an online meeting joins online, whatever they chose.
    assert joins.record_join(session, create_registration(session, online), None, online.starts_at) is not None
    assert rows(session) == 1


def test_organisers_mark_and_undo_with_an_audit_trail(session):
    event = remote_session(session)
    person = remote_person(session, event)
    organiser = create_user(session)
    with pytest.raises(DomainError):  # not before the meeting opens
        joins.mark_present(session, person, None, organiser, event.starts_at - timedelta(hours=1))
    with pytest.raises(DomainError):
        joins.unmark(session, person, None, organiser, event.starts_at)

    marked = joins.mark_present(session, person, None, organiser, event.starts_at)
    assert (marked.how, marked.marked_by_id) == (JoinKind.MARKED, organiser.id)
    assert joins.mark_present(session, person, None, organiser, event.starts_at).id == marked.id
    assert joins.joined_by_track(session, event) == {None: {person.id}}

    joins.unmark(session, person, None, organiser, event.starts_at + timedelta(minutes=5))
    assert joins.joined_by_track(session, event) == {}
    assert marked.undone_by_id == organiser.id
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "remotejoin")
                              .order_by(AuditEntry.id)).all()
    assert actions == ["remote_join.mark", "remote_join.undo"]

    # Following the link after an undo records the person again, in the same row.
    again = joins.record_join(session, person, None, event.starts_at + timedelta(minutes=10))
    assert again.id == marked.id and again.how is JoinKind.LINK and again.undone_at is None
    assert rows(session) == 1

    in_person = create_registration(session, event)
    with pytest.raises(DomainError):
        joins.mark_present(session, in_person, None, organiser, event.starts_at)


def test_undo_everywhere_undoes_each_meeting(session):
    event = remote_session(session)
    event.tracks[0].remote_link = "https://teams.example/seniori"
    person = remote_person(session, event)
    joins.record_join(session, person, None, event.starts_at)
    joins.record_join(session, person, event.tracks[0], event.starts_at)
    assert joins.present_remotely(session, event) == {person.id}
    assert len(joins.unmark_everywhere(session, person, None, event.starts_at)) == 2
    assert joins.present_remotely(session, event) == set()
    with pytest.raises(DomainError):
        joins.unmark_everywhere(session, person, None, event.starts_at)


def test_joined_by_track_is_one_query(session, count_queries):
    event = remote_session(session)
    people = [remote_person(session, event, track) for track in event.tracks for _ in range(3)]
    for person in people:
        joins.record_join(session, person, None, event.starts_at)
    joins.record_join(session, people[0], event.tracks[0], event.starts_at)
    session.flush()
    with count_queries() as queries:
        found = joins.joined_by_track(session, event)
    assert len(queries) == 1
    assert found == {None: {p.id for p in people}, event.tracks[0].id: {people[0].id}}


def test_two_clicks_at_once_record_one_join(app):
    clicks = 6
    with app.app_context():
        event = remote_session(db.session)
        person = remote_person(db.session, event)
        registration_id, at = person.id, event.starts_at
        db.session.commit()
    start = threading.Barrier(clicks)
    results, errors = [], []

    def click() -> None:
        try:
            with app.app_context():  # its own session and connection
                from eventapp.models import Registration

                start.wait(timeout=60)
                row = joins.record_join(db.session, db.session.get(Registration, registration_id), None, at)
                db.session.commit()
                results.append(row.id)
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(results) == clicks and len(set(results)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RemoteJoin)) == 1


@pytest.mark.parametrize(("address", "web"), [
    ("https://zoom.us/j/123?pwd=x", True),
    ("http://127.0.0.1:8080/meeting", True),
    ("HTTPS://Teams.Example/x", True),
    ("+371 67 000 000, PIN 1234", False),
    ("javascript:alert(1)", False),
    ("https://", False),
    ("https://zoom.us/j/1 extra", False),
    ("https://bad:port/", False),
    ("ftp://files.example/x", False),
    ("", False),
])
def test_only_web_addresses_are_followed(address, web):
    assert joins.is_web_address(address) is web


def test_on_date_is_in_the_locative_in_latvian(session):
    from datetime import datetime, timezone

    moment = datetime(2026, 12, 1, 7, 30, tzinfo=timezone.utc)  # 09:30 in Riga
    assert on_date(moment, "lv", with_time=True) == "2026. gada 1. decembrī plkst. 09:30"
    assert on_date(moment, "en", with_time=True) == "on 1 December 2026 at 09:30"
    assert on_date(datetime(2026, 7, 15, 9, tzinfo=timezone.utc), "lv") == "2026. gada 15. jūlijā"
