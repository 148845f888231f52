"""Online meetings: everyone remote, no seats, no badges; their season made at once from the council's
sessions; their attendance report."""
from datetime import date, datetime, time, timedelta, timezone

import pytest

from eventapp.formatting import RIGA
from eventapp.models import (
    AttendanceMode,
    AuditEntry,
    CheckIn,
    Event,
    EventKind,
    EventStatus,
    JoinKind,
    RegistrationStatus,
    RemoteJoin,
    Sector,
)
from eventapp.services import events, meeting_series, online_meetings
from eventapp.services.exceptions import DomainError
from eventapp.services.mail.compose import registration_attachments

from ..factories import create_event, create_organisation, create_registration


def riga(moment: datetime) -> datetime:
    return moment.astimezone(RIGA).replace(tzinfo=None)


# --- the day of the meeting ----------------------------------------------------------------

@pytest.mark.parametrize("session_day,meeting", [
    (date(2026, 1, 5), date(2026, 1, 15)),     # Monday: the Thursday of the next week
    (date(2026, 1, 8), date(2026, 1, 15)),     # Thursday: a week later
    (date(2026, 1, 11), date(2026, 1, 15)),    # Sunday ends its week: the next Thursday, four days on
    (date(2026, 12, 28), date(2027, 1, 7)),    # year end: into the new year
    (date(2026, 12, 31), date(2027, 1, 7)),
    (date(2026, 3, 23), date(2026, 4, 2)),     # across the change to summer time (29 March 2026)
])
def test_the_meeting_is_on_the_thursday_of_the_week_after_the_session(session_day, meeting):
    assert meeting_series.meeting_date_after(session_day) == meeting
    assert meeting.weekday() == 3 and 4 <= (meeting - session_day).days <= 10


def test_the_time_is_riga_wall_clock_on_both_sides_of_a_change_of_summer_time(session):
    settings = meeting_series.SeriesSettings(starts=time(10), ends=time(11, 30))
    plan = meeting_series.plan_series(session, [date(2026, 3, 16), date(2026, 3, 23)], settings)
    assert [p.meeting_date for p in plan] == [date(2026, 3, 26), date(2026, 4, 2)]
    assert [riga(p.starts_at) for p in plan] == [datetime(2026, 3, 26, 10), datetime(2026, 4, 2, 10)]
    # 10:00 is 08:00 UTC in winter, 07:00 UTC in summer
    assert [p.starts_at.astimezone(timezone.utc).hour for p in plan] == [8, 7]
    assert plan[0].title_lv == "Tiešsaistes tikšanās ar memoranda parakstītājām organizācijām, 2026. gada 26. marts"
    assert plan[1].title_en == "Online meeting with the memorandum's signatory organisations, 2 April 2026"


def test_dates_are_read_in_both_ways_and_a_wrong_one_is_named():
    assert meeting_series.parse_dates("2026-01-15\n 12.02.2026, 2026-01-15") == [date(2026, 1, 15), date(2026, 2, 12)]
    with pytest.raises(DomainError) as error:
        meeting_series.parse_dates("2026-01-15 31.02.2026")
    assert "31.02.2026" in str(error.value.message)
    with pytest.raises(DomainError):
        meeting_series.parse_dates("rīt")


def test_a_title_pattern_without_a_date_gets_the_date_at_its_end():
    assert meeting_series.meeting_title("Tikšanās", date(2026, 1, 15), "lv") == "Tikšanās, 2026. gada 15. janvāris"
    assert meeting_series.meeting_title("{date}: meeting", date(2026, 1, 15), "en") == "15 January 2026: meeting"


# --- the season ----------------------------------------------------------------------------

def test_a_season_from_the_council_sessions_is_made_once(session):
    for day in (date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9)):
        create_event(session, kind=EventKind.COUNCIL_SESSION, starts_at=datetime.combine(day, time(14), RIGA))
    create_event(session, kind=EventKind.COUNCIL_SESSION, status=EventStatus.CANCELLED,
                 starts_at=datetime(2027, 2, 23, 14, tzinfo=RIGA))
    create_event(session, kind=EventKind.COUNCIL_SESSION, starts_at=datetime(2027, 6, 1, 14, tzinfo=RIGA))
    # Already there: the February meeting, made by hand.
    by_hand = create_event(session, kind=EventKind.ONLINE_MEETING, status=EventStatus.DRAFT,
                           starts_at=datetime(2027, 2, 18, 15, tzinfo=RIGA))
    days = meeting_series.council_session_dates(session, date(2027, 1, 1), date(2027, 3, 31))
    assert days == [date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9)]
    settings = meeting_series.SeriesSettings(starts=time(10), ends=time(11, 30),
                                             remote_link="https://meet.example.lv/m", publish=True)

    plan = meeting_series.plan_series(session, days, settings)
    assert [(p.meeting_date, p.to_create) for p in plan] == [
        (date(2027, 1, 21), True), (date(2027, 2, 18), False), (date(2027, 3, 18), True)]
    assert plan[1].existing.id == by_hand.id

    made = meeting_series.create_series(session, None, days, settings)
    assert [riga(e.starts_at) for e in made] == [datetime(2027, 1, 21, 10), datetime(2027, 3, 18, 10)]
    assert {(e.kind, e.status, e.remote_link, e.remote_allowed, e.capacity) for e in made} == {
        (EventKind.ONLINE_MEETING, EventStatus.PUBLISHED, "https://meet.example.lv/m", True, None)}
    assert len({e.slug for e in made}) == 2
    assert session.query(AuditEntry).filter_by(action="event.create").count() == 2

    again = meeting_series.create_series(session, None, days, settings)
    assert again == []
    assert session.query(Event).filter_by(kind=EventKind.ONLINE_MEETING).count() == 3


def test_a_season_is_made_as_drafts_unless_published(session):
    settings = meeting_series.SeriesSettings(starts=time(10), ends=time(11))
    made = meeting_series.create_series(session, None, [date(2027, 4, 13)], settings)
    assert [(e.status, riga(e.starts_at)) for e in made] == [(EventStatus.DRAFT, datetime(2027, 4, 22, 10))]


def test_a_meeting_must_end_after_it_starts(session):
    with pytest.raises(DomainError):
        meeting_series.plan_series(session, [date(2027, 4, 13)], meeting_series.SeriesSettings(starts=time(11), ends=time(10)))


# --- the rules of an online meeting ---------------------------------------------------------

def test_an_online_meeting_keeps_no_seats_and_is_remote(session):
    starts = datetime(2027, 1, 21, 10, tzinfo=RIGA)
    data = events.EventData(kind=EventKind.ONLINE_MEETING, title_lv="Tikšanās", starts_at=starts,
                            ends_at=starts + timedelta(hours=1), capacity=20, remote_allowed=False,
                            held_seats_release_at=starts - timedelta(days=1))
    event = events.create_event(session, None, data)
    assert (event.capacity, event.remote_allowed, event.held_seats_release_at) == (None, True, None)
    events.update_event(session, None, event, events.EventData.of(event, capacity=5))
    assert event.capacity is None
    forum = events.create_event(session, None, events.EventData(
        kind=EventKind.FORUM, title_lv="Forums", starts_at=starts, ends_at=starts + timedelta(hours=1), capacity=20))
    assert forum.capacity == 20 and not forum.remote_allowed


def test_registering_for_an_online_meeting_is_remote_and_seatless_with_no_badge(session):
    event = create_event(session, kind=EventKind.ONLINE_MEETING, capacity=1, remote_allowed=False)
    people = [create_registration(session, event, attendance_mode=AttendanceMode.IN_PERSON) for _ in range(3)]
    assert {(r.attendance_mode, r.status) for r in people} == {(AttendanceMode.REMOTE, RegistrationStatus.CONFIRMED)}
    assert [f.filename for f in registration_attachments("confirmation", people[0])] == ["invite.ics"]
    # Changing the way of taking part is not possible either: it stays remote.
    from eventapp.services.registration import lifecycle
    lifecycle.change_registration(session, people[0], AttendanceMode.IN_PERSON, {}, datetime.now(timezone.utc))
    assert people[0].attendance_mode is AttendanceMode.REMOTE


def test_an_in_person_seat_elsewhere_still_carries_a_badge(session):
    event = create_event(session)
    person = create_registration(session, event)
    assert "badge.pdf" in [f.filename for f in registration_attachments("confirmation", person)]


def test_the_form_asks_the_way_of_taking_part_only_where_there_is_a_choice(session):
    online = create_event(session, kind=EventKind.ONLINE_MEETING, remote_allowed=True)
    hybrid = create_event(session, remote_allowed=True)
    room = create_event(session)
    assert [online_meetings.asks_attendance_mode(e) for e in (online, hybrid, room)] == [False, True, False]
    assert online_meetings.attendance_mode_for(online, AttendanceMode.IN_PERSON) is AttendanceMode.REMOTE
    assert online_meetings.attendance_mode_for(room, AttendanceMode.REMOTE) is AttendanceMode.IN_PERSON
    assert online_meetings.attendance_mode_for(hybrid, AttendanceMode.REMOTE) is AttendanceMode.REMOTE
    assert not online_meetings.has_badges(online) and online_meetings.has_badges(room)


# --- attendance ------------------------------------------------------------------------------

def joined(session, registration, at=None, undone=False):
    row = RemoteJoin(registration_id=registration.id, track_id=None, joined_at=at or datetime.now(timezone.utc),
                     how=JoinKind.LINK, undone_at=datetime.now(timezone.utc) if undone else None)
    session.add(row)
    session.flush()
    return row


def attendance_scene(session):
    """Three meetings: an earlier one (one organisation joined, another only registered), one with
    an in-person event between, and the meeting reported on."""
    alianse = create_organisation(session, "biedrība \"Latvijas Pilsoniskā alianse\"")
    teici = create_organisation(session, "nodibinājums \"Teiču Dabas Fonds\"")
    ministry = create_organisation(session, "Valsts kanceleja", sector=Sector.STATE_ADMINISTRATION)
    novads = create_organisation(session, "Jēkabpils novada pašvaldība", sector=Sector.MUNICIPALITY)
    earlier = create_event(session, kind=EventKind.ONLINE_MEETING, starts_at=datetime(2020, 1, 16, 10, tzinfo=RIGA))
    session_day = create_event(session, starts_at=datetime(2020, 2, 3, 10, tzinfo=RIGA))
    meeting = create_event(session, kind=EventKind.ONLINE_MEETING, starts_at=datetime(2020, 3, 19, 10, tzinfo=RIGA))
    later = create_event(session, kind=EventKind.ONLINE_MEETING, starts_at=datetime(2020, 4, 16, 10, tzinfo=RIGA))

    def reg(event, org=None, name="", **kw):
        return create_registration(session, event, now=event.starts_at - timedelta(days=1),
                                   organisation_name=org.name if org else name, **kw)

    joined(session, reg(earlier, alianse))                       # alianse attended before
    reg(earlier, teici)                                          # teici only registered before
    joined(session, reg(earlier, name="Biedrība Zaļā Sēta"), undone=True)  # an undone join is no attendance
    door = reg(session_day, ministry)
    session.add(CheckIn(registration_id=door.id, scan_id="s1", scanned_at=session_day.starts_at))  # checked in before
    joined(session, reg(earlier, name="kopiena «Sēlija»"))        # free text, attended before

    present = [
        reg(meeting, alianse, full_name="Anna"), reg(meeting, alianse, full_name="Pēteris"),
        reg(meeting, teici, full_name="Ilze"), reg(meeting, ministry, full_name="Jānis"),
        reg(meeting, novads, full_name="Marta"),
        reg(meeting, name="biedrība zaļā sēta", full_name="Zane"),
        reg(meeting, name="Kopiena «Sēlija»", full_name="Laura"),
        reg(meeting, name="", full_name="Bez organizācijas"),
    ]
    for r in present:
        joined(session, r)
    reg(meeting, teici, full_name="Only registered")
    joined(session, reg(later, novads))   # a later first attendance does not count against this one
    return meeting, {"alianse": alianse, "teici": teici, "ministry": ministry, "novads": novads}


def test_the_attendance_report_counts_organisations_sectors_and_first_timers(session):
    from eventapp.services.remote.joins import joined_by_track

    meeting, orgs = attendance_scene(session)
    report = online_meetings.attendance_report(session, meeting, joined_by_track(session, meeting))

    assert report.registered == 9 and len(report.attendees) == 8
    names = {line.name: line for line in report.organisations}
    assert sorted(names) == sorted([orgs["alianse"].name, orgs["teici"].name, orgs["ministry"].name,
                                    orgs["novads"].name, "biedrība zaļā sēta", "Kopiena «Sēlija»"])
    assert names[orgs["alianse"].name].people == ["Anna", "Pēteris"]
    assert sorted(line.name for line in report.first_time) == sorted(
        [orgs["teici"].name, orgs["novads"].name, "biedrība zaļā sēta"])
    assert report.by_sector[Sector.NGO] == (4, 6)
    assert report.by_sector[Sector.STATE_ADMINISTRATION] == (1, 1)
    assert report.by_sector[Sector.MUNICIPALITY] == (1, 1)
    assert report.by_sector[Sector.OTHER] == (0, 0)

    table = online_meetings.attendance_table(report)
    assert len(table.rows) == 6 and table.rows[0][2] in (1, 2)


def test_a_meeting_nobody_joined_has_an_empty_report(session):
    meeting = create_event(session, kind=EventKind.ONLINE_MEETING)
    create_registration(session, meeting)
    report = online_meetings.attendance_report(session, meeting, {})
    assert (report.registered, report.attendees, report.organisations, report.first_time) == (1, [], [], [])


def test_the_demo_has_online_meetings_whose_report_has_first_timers(session):
    from eventapp.models import utcnow
    from eventapp.services.demo import seed_demo
    from eventapp.services.remote.joins import joined_by_track

    seed_demo(session, utcnow())
    december = session.query(Event).filter_by(slug="piemers-tiessaistes-tiksanas-2025-12-18").one()
    report = online_meetings.attendance_report(session, december, joined_by_track(session, december))
    assert len(report.attendees) == 5 and len(report.organisations) == 5
    first = {line.name for line in report.first_time}
    assert first == {'nodibinājums "Teiču Dabas Fonds"'}  # the others came to Jēkabpils or in November
    assert 'biedrība "Latvijas Pilsoniskā alianse"' not in first  # joined in November
    assert all(r.attendance_mode is AttendanceMode.REMOTE for r in december_registrations(session, december))
    upcoming = session.query(Event).filter(Event.kind == EventKind.ONLINE_MEETING, Event.starts_at > utcnow()).one()
    assert upcoming.starts_at.astimezone(RIGA).weekday() == 3 and upcoming.is_published


def december_registrations(session, event):
    from eventapp.models import Registration
    return session.query(Registration).filter_by(event_id=event.id).all()
