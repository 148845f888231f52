"""Monthly meetings: each one a copy of the last, an event of its own."""
from datetime import date, datetime, timedelta

import pytest

from eventapp.formatting import RIGA
from eventapp.models import AuditEntry, EventKind, EventStatus, Registration
from eventapp.services import events

from ..factories import create_event, create_organisation, create_registration


@pytest.mark.parametrize("council_session,meeting", [
    (date(2025, 9, 9), date(2025, 9, 18)),    # a Tuesday: the Thursday of the next week
    (date(2025, 10, 16), date(2025, 10, 23)),  # a Thursday: a week later
    (date(2025, 11, 30), date(2025, 12, 4)),   # a Sunday ends its week: the next Thursday
    (date(2025, 12, 29), date(2026, 1, 8)),    # a Monday, across the new year
])
def test_the_meeting_is_on_the_thursday_of_the_week_after_the_council_session(council_session, meeting):
    assert events.thursday_after_council_session(council_session) == meeting
    assert meeting.weekday() == 3


def test_a_copy_is_a_draft_of_its_own_with_time_blocks_and_tracks_at_the_same_riga_time(session):
    # February (winter time, UTC+2) copied to April (summer time, UTC+3): 10:00 stays 10:00.
    starts = datetime(2027, 2, 18, 10, tzinfo=RIGA)
    original = create_event(
        session, tracks=2, kind=EventKind.ONLINE_MEETING, title_lv="Tiešsaistes sanāksme", starts_at=starts,
        ends_at=starts + timedelta(hours=2), remote_allowed=True, remote_link="https://meet.example.lv/m",
        registration_closes_at=starts - timedelta(days=1), capacity=40, sequence=3,
    )
    original.co_hosts = [create_organisation(session)]
    original.slots[0].tracks[1].remote_link = "https://meet.example.lv/t2"
    original.slots[0].tracks[1].room = "Zāle 2"
    create_registration(session, original)

    copy = events.clone_event(session, None, original, datetime(2027, 4, 15, 10, tzinfo=RIGA))

    assert copy.id != original.id and copy.slug == "2027-04-15-tiessaistes-sanaksme"
    assert copy.status is EventStatus.DRAFT and copy.sequence == 0
    assert (copy.kind, copy.title_lv, copy.capacity, copy.remote_link) == (
        EventKind.ONLINE_MEETING, "Tiešsaistes sanāksme", 40, "https://meet.example.lv/m")
    assert [o.id for o in copy.co_hosts] == [o.id for o in original.co_hosts]
    riga = lambda moment: moment.astimezone(RIGA).replace(tzinfo=None)  # noqa: E731
    assert riga(copy.starts_at) == datetime(2027, 4, 15, 10) and riga(copy.ends_at) == datetime(2027, 4, 15, 12)
    assert riga(copy.registration_closes_at) == datetime(2027, 4, 14, 10)
    assert [riga(s.starts_at) for s in copy.slots] == [datetime(2027, 4, 15, 13)]
    assert [riga(s.starts_at) for s in original.slots] == [datetime(2027, 2, 18, 13)]
    tracks = copy.slots[0].tracks
    assert [t.title_lv for t in tracks] == ["Darba grupa 1", "Darba grupa 2"]
    assert [t.id for t in tracks] != [t.id for t in original.tracks]
    assert (tracks[1].remote_link, tracks[1].room, tracks[1].capacity) == ("https://meet.example.lv/t2", "Zāle 2", 10)
    assert session.query(Registration).filter_by(event_id=copy.id).count() == 0
    assert session.query(AuditEntry).filter_by(action="event.clone", event_id=copy.id).one().details == {
        "source_event_id": original.id}


def test_copying_twice_to_the_same_day_gives_two_slugs(session):
    original = create_event(session, title_lv="Sanāksme")
    new_start = original.starts_at + timedelta(days=28)
    first = events.clone_event(session, None, original, new_start)
    second = events.clone_event(session, None, original, new_start)
    assert first.slug != second.slug


def test_the_next_online_meeting_is_suggested_after_the_next_council_session(session):
    meeting = create_event(session, kind=EventKind.ONLINE_MEETING, starts_at=datetime(2027, 1, 14, 10, tzinfo=RIGA))
    create_event(session, kind=EventKind.COUNCIL_SESSION, status=EventStatus.CANCELLED,
                 starts_at=datetime(2027, 1, 26, 10, tzinfo=RIGA))
    create_event(session, kind=EventKind.COUNCIL_SESSION, starts_at=datetime(2027, 2, 9, 10, tzinfo=RIGA))
    create_event(session, kind=EventKind.COUNCIL_SESSION, starts_at=datetime(2027, 3, 9, 10, tzinfo=RIGA))
    assert events.suggested_clone_date(session, meeting) == date(2027, 2, 18)
    assert events.suggested_clone_date(session, create_event(session, kind=EventKind.FORUM)) is None
