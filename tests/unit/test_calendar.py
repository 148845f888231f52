"""Calendar files: every one is read back by two independent parsers, icalendar and vobject."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from sqlalchemy import select

from eventapp.formatting import RIGA
from eventapp.models import AttendanceMode, EventKind, EventStatus, OutboxMessage, RegistrationStatus, utcnow
from eventapp.services import events
from eventapp.services.documents import calendar
from eventapp.services.mail import mail_jobs
from eventapp.services.registration import lifecycle as registrations

from ..factories import create_event, create_registration, future

UTC = timezone.utc


def parse(data: bytes):
    """The file as icalendar and as vobject read it, after checking the two agree on the essentials."""
    assert data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "content lines are folded at 75 octets"
    ical = icalendar.Calendar.from_ical(data)
    vcal = vobject.readOne(data.decode("utf-8"))
    assert ical["VERSION"] == vcal.version.value == "2.0"
    assert ical["PRODID"] == vcal.prodid.value
    assert [str(e["UID"]) for e in ical.events] == [e.uid.value for e in vcal.vevent_list]
    for ievent, vevent in zip(ical.events, vcal.vevent_list):
        assert str(ievent["SUMMARY"]) == vevent.summary.value
        assert ievent.start.astimezone(UTC) == vevent.dtstart.value.astimezone(UTC)
        assert ievent.end.astimezone(UTC) == vevent.dtend.value.astimezone(UTC)
    return ical, vcal


def invite(registration, method="REQUEST"):
    ical, vcal = parse(calendar.registration_invite(registration, method))
    [event] = ical.events
    return ical, event, vcal


def jekabpils(session, **values):
    """A visiting session with four tracks, remote attendance allowed, one track with a link of its own."""
    values = {
        "tracks": 4, "slug": "jekabpils", "title_lv": "Izbraukuma sēde Jēkabpilī",
        "title_en": "Visiting session in Jēkabpils", "venue": "Jēkabpils kultūras nams",
        "address": "Brīvības iela 120, Jēkabpils", "city": "Jēkabpils", "remote_allowed": True,
        "remote_link": "https://meet.example.lv/plenary",
    } | values
    event = create_event(session, **values)
    event.tracks[1].remote_link = "https://meet.example.lv/seniori"
    event.tracks[1].title_lv = "Senioru līdzdalība"
    session.flush()
    return event


def outbox(session, kind):
    """The messages of `kind` as the sender finds them: the mail to everyone about an event change
    is written out first (and the session committed)."""
    mail_jobs.expand_mail_jobs(session, utcnow())
    return session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)).all()


def attached_invite(message):
    [attachment] = [a for a in message.attachments if a.filename == "invite.ics"]
    ical, _ = parse(attachment.data)
    return attachment.content_type, ical


# --- the invite -------------------------------------------------------------------------

def test_an_invite_is_a_request_with_everything_a_client_needs(session):
    event = jekabpils(session)
    person = create_registration(session, event, full_name="Žanis Ēķis-Šņoriņa")
    ical, vevent, vcal = invite(person)

    assert ical["METHOD"] == vcal.method.value == "REQUEST"
    assert ical["PRODID"].startswith("-//")
    [zone] = ical.timezones
    assert zone["TZID"] == "Europe/Riga"
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert vevent["UID"] == f"registration-{person.id}@eventapp.test"
    assert vevent["SEQUENCE"] == 0
    assert vevent["DTSTART"].params["TZID"] == vevent["DTEND"].params["TZID"] == "Europe/Riga"
    assert vevent["DTSTAMP"].dt.tzinfo is not None
    assert vevent["SUMMARY"] == "Izbraukuma sēde Jēkabpilī"
    assert vevent["LOCATION"] == "Jēkabpils kultūras nams, Brīvības iela 120, Jēkabpils"
    assert vevent["URL"] == "http://eventapp.test/events/jekabpils"
    assert vevent["STATUS"] == "CONFIRMED"
    assert vevent["ORGANIZER"] == "mailto:sekretariats@memorandums.lv"
    assert vevent["ORGANIZER"].params["CN"] == "Memoranda padomes sekretariāts"
    attendee = vevent["ATTENDEE"]
    assert attendee == f"mailto:{person.email}"
    assert (attendee.params["CN"], attendee.params["PARTSTAT"], attendee.params["RSVP"]) == (
        "Žanis Ēķis-Šņoriņa", "ACCEPTED", "FALSE")
    assert vcal.vevent.attendee.params["CN"] == ["Žanis Ēķis-Šņoriņa"]
    description = str(vevent["DESCRIPTION"])
    slot = to_riga_clock(event.slots[0].starts_at) + "–" + to_riga_clock(event.slots[0].ends_at)
    assert f"Darba grupas, {slot}: Darba grupa 1 (jūsu vieta apstiprināta)" in description
    assert vcal.vevent.description.value == description
    assert "meet.example.lv" not in description  # in person: no remote link


def to_riga_clock(moment):
    return f"{moment.astimezone(RIGA):%H:%M}"


def riga_day(moment):
    """'3 September 2025' as the English mails write a date."""
    local = moment.astimezone(RIGA)
    return f"{local.day} {local:%B %Y}"


def test_an_english_registrant_gets_english_text(session):
    person = create_registration(session, jekabpils(session), language="en")
    _, vevent, _ = invite(person)
    assert vevent["SUMMARY"] == "Visiting session in Jēkabpils"
    assert "Working groups" in vevent["DESCRIPTION"] and "your seat is confirmed" in vevent["DESCRIPTION"]


@pytest.mark.parametrize("day,utc_hour", [
    (date(2027, 3, 28), 7),    # the last Sunday of March: summer time (UTC+3) from 04:00
    (date(2027, 10, 31), 8),   # the last Sunday of October: winter time (UTC+2) from 03:00
    (date(2027, 1, 14), 8),
    (date(2027, 7, 15), 7),
])
def test_times_keep_riga_and_land_on_the_right_instant_across_summer_time(session, day, utc_hour):
    starts = datetime(day.year, day.month, day.day, 10, tzinfo=RIGA)
    person = create_registration(session, jekabpils(session, starts_at=starts, ends_at=starts + timedelta(hours=6)))
    data = calendar.registration_invite(person, "REQUEST")
    assert f"DTSTART;TZID=Europe/Riga:{day:%Y%m%d}T100000".encode() in data
    ical, vcal = parse(data)
    expected = datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)
    assert ical.events[0].start.astimezone(UTC) == expected
    # vobject reads the time zone from the file's own VTIMEZONE, not from a zone database.
    assert type(vcal.vevent.dtstart.value.tzinfo).__module__.startswith("dateutil")
    assert vcal.vevent.dtstart.value.astimezone(UTC) == expected
    # And so does icalendar, when told not to look the TZID up.
    own_zone = ical.timezones[0].to_tz(lookup_tzid=False)
    assert datetime(day.year, day.month, day.day, 10, tzinfo=own_zone).astimezone(UTC) == expected


def test_the_vtimezone_agrees_with_zoneinfo_around_every_change_until_2037():
    vcal = vobject.readOne(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n".decode() + calendar.VTIMEZONE.decode() + "END:VCALENDAR\r\n"
    )
    zones = [
        icalendar.Timezone.from_ical(calendar.VTIMEZONE).to_tz(lookup_tzid=False),
        vcal.vtimezone.gettzinfo(),
    ]
    riga = ZoneInfo("Europe/Riga")
    checked = 0
    for year in range(2025, 2038):
        for month in (3, 10):
            start = datetime(year, month, 24, tzinfo=UTC)
            for hour in range(0, 9 * 24):
                instant = start + timedelta(hours=hour)
                expected = instant.astimezone(riga).utcoffset()
                for zone in zones:
                    assert instant.astimezone(zone).utcoffset() == expected, (instant, zone)
                checked += 1
    assert checked == 13 * 2 * 9 * 24


def test_the_uid_never_changes_and_the_sequence_only_grows(session):
    event = jekabpils(session)
    anna = create_registration(session, event)
    janis = create_registration(session, event)
    _, first, _ = invite(anna)
    _, janis_first, _ = invite(janis)

    # Anna moves to another track: her invite goes up, Jānis's stays.
    now = datetime.now(UTC)
    registrations.change_registration(
        session, anna, AttendanceMode.IN_PERSON, {event.slots[0].id: event.tracks[2].id}, now)
    _, second, _ = invite(anna)
    assert second["UID"] == first["UID"]
    assert second["SEQUENCE"] > first["SEQUENCE"]
    assert "Darba grupa 3" in second["DESCRIPTION"]
    assert invite(janis)[1]["SEQUENCE"] == janis_first["SEQUENCE"]
    content_type, mailed = attached_invite(outbox(session, "changed")[-1])
    assert content_type == "text/calendar; method=REQUEST; charset=UTF-8"
    assert mailed.events[0]["SEQUENCE"] == second["SEQUENCE"]

    # The organisers move the event: everyone's invite goes up, and everyone is told.
    later = event.starts_at + timedelta(days=7)
    events.update_event(session, None, event, events.EventData.of(event, starts_at=later, ends_at=later + timedelta(hours=6)))
    _, third, _ = invite(anna)
    _, janis_second, _ = invite(janis)
    assert third["UID"] == first["UID"] and third["SEQUENCE"] > second["SEQUENCE"]
    assert janis_second["UID"] == janis_first["UID"] and janis_second["SEQUENCE"] > janis_first["SEQUENCE"]
    assert third.start.astimezone(UTC) == later


def test_moving_the_event_mails_every_active_registrant_the_updated_invite(session):
    event = jekabpils(session)
    anna, janis, gone = (create_registration(session, event, language="en") for _ in range(3))
    registrations.cancel_registration(session, gone, datetime.now(UTC))
    before = event.starts_at
    later = before + timedelta(days=7)

    events.update_event(session, None, event, events.EventData.of(event, starts_at=later, ends_at=later + timedelta(hours=6), venue="Jaunā zāle"))

    changed = outbox(session, "changed")
    assert sorted(m.to_address for m in changed) == sorted([anna.email, janis.email])
    for message in changed:
        content_type, mailed = attached_invite(message)
        assert content_type == "text/calendar; method=REQUEST; charset=UTF-8"
        assert mailed.events[0].start.astimezone(UTC) == later
        assert mailed.events[0]["LOCATION"].startswith("Jaunā zāle")
        assert mailed.events[0]["SEQUENCE"] == 1
        assert "The organisers have changed the time or place" in message.body_text
        assert f"before the change: {riga_day(before)}" in message.body_text
        assert "before the change: Jēkabpils kultūras nams, Brīvības iela 120, Jēkabpils" in message.body_text
        assert "before the change: Jēkabpils kultūras nams" in message.body_html


@pytest.mark.parametrize("values", [
    {"title_lv": "Jauns nosaukums"},  # the title: a higher SEQUENCE, but no mail to everyone
    {"description_lv": "Cits apraksts"},
])
def test_other_changes_mail_nobody(session, values):
    event = jekabpils(session)
    create_registration(session, event)
    events.update_event(session, None, event, events.EventData.of(event, **values))
    assert outbox(session, "changed") == []


def test_changes_to_a_cancelled_or_past_event_mail_nobody(session):
    event = jekabpils(session)
    create_registration(session, event)
    events.update_event(session, None, event, events.EventData.of(event, city="Rīga"), now=event.ends_at + timedelta(days=1))
    events.cancel_event(session, None, event)
    events.update_event(session, None, event, events.EventData.of(event, city="Liepāja"))
    assert outbox(session, "changed") == []


def test_cancelling_a_registration_sends_a_cancel_with_the_same_uid(session):
    event = jekabpils(session)
    person = create_registration(session, event)
    _, before, _ = invite(person)
    registrations.cancel_registration(session, person, datetime.now(UTC))

    [message] = outbox(session, "cancelled")
    content_type, mailed = attached_invite(message)
    assert content_type == "text/calendar; method=CANCEL; charset=UTF-8"
    assert mailed["METHOD"] == "CANCEL"
    [vevent] = mailed.events
    assert vevent["UID"] == before["UID"]
    assert vevent["SEQUENCE"] > before["SEQUENCE"]
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "DECLINED"


def test_cancelling_the_event_sends_everyone_a_cancel(session):
    event = jekabpils(session)
    people = [create_registration(session, event) for _ in range(2)]
    before = {p.email: invite(p)[1] for p in people}
    events.cancel_event(session, None, event)

    messages = outbox(session, "event_cancelled")
    assert len(messages) == 2
    for message in messages:
        content_type, mailed = attached_invite(message)
        assert content_type == "text/calendar; method=CANCEL; charset=UTF-8"
        [vevent] = mailed.events
        assert vevent["UID"] == before[message.to_address]["UID"]
        assert vevent["SEQUENCE"] > before[message.to_address]["SEQUENCE"]
        assert vevent["STATUS"] == "CANCELLED"


def test_the_remote_link_is_only_for_remote_participants_and_a_track_s_own_link_for_its_people(session):
    event = jekabpils(session)
    slot = event.slots[0].id
    in_person = create_registration(session, event, track_ids={slot: event.tracks[1].id})
    remote_own_link = create_registration(
        session, event, attendance_mode=AttendanceMode.REMOTE, track_ids={slot: event.tracks[1].id})
    remote_plain = create_registration(
        session, event, attendance_mode=AttendanceMode.REMOTE, track_ids={slot: event.tracks[0].id})

    # Each person's own join links, never the meeting addresses themselves.
    assert "/join/" not in invite(in_person)[1]["DESCRIPTION"]
    own = f"http://eventapp.test/join/{remote_own_link.join_secret}"
    vevent = invite(remote_own_link)[1]
    description = vevent["DESCRIPTION"]
    assert f"Senioru līdzdalība (attālināti)\nSaite attālinātai dalībai: {own}/{event.tracks[1].id}" in description
    assert f"Saite attālinātai dalībai: {own}/event" in description and "meet.example.lv" not in description
    assert vevent["LOCATION"] == f"{own}/event"
    description = invite(remote_plain)[1]["DESCRIPTION"]
    plain = f"http://eventapp.test/join/{remote_plain.join_secret}"
    assert f"Saite attālinātai dalībai: {plain}\n" in description and "meet.example.lv" not in description
    # A cancelled invite carries no link.
    assert "/join/" not in invite(remote_plain, "CANCEL")[1]["DESCRIPTION"]


def test_waiting_is_tentative_and_a_seat_confirms_it_with_a_higher_sequence(session):
    event = jekabpils(session, capacity=1)
    seated = create_registration(session, event)
    waiting = create_registration(session, event, language="en")
    assert waiting.status is RegistrationStatus.WAITLISTED
    _, vevent, _ = invite(waiting)
    assert vevent["STATUS"] == "TENTATIVE" and vevent["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"
    assert "Working group 1 (waiting list)" in vevent["DESCRIPTION"]
    content_type, mailed = attached_invite(outbox(session, "waitlisted")[0])
    assert content_type.startswith("text/calendar; method=REQUEST")

    registrations.cancel_registration(session, seated, datetime.now(UTC))
    [promoted] = outbox(session, "promoted")
    _, mailed = attached_invite(promoted)
    assert mailed.events[0]["STATUS"] == "CONFIRMED"
    assert mailed.events[0]["UID"] == vevent["UID"] and mailed.events[0]["SEQUENCE"] > vevent["SEQUENCE"]


def test_only_requests_and_cancels_are_invites(session):
    person = create_registration(session, jekabpils(session))
    with pytest.raises(ValueError):
        calendar.registration_invite(person, "PUBLISH")


# --- the public calendars ---------------------------------------------------------------

def test_an_event_s_calendar_holds_the_event_and_each_track(session):
    event = jekabpils(session, agenda_lv="Atklāšana\nDarba grupas")
    event.tracks[0].room = "Zāle 2"
    event.tracks[0].facilitator_name = "Līga Ozola"
    ical, vcal = parse(calendar.event_calendar(event, "lv"))

    assert ical["METHOD"] == "PUBLISH"
    assert {c.name for c in ical.timezones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    main, *tracks = ical.events
    assert main["UID"] == f"event-{event.id}@eventapp.test" and main["STATUS"] == "CONFIRMED"
    assert "1. Atklāšana\n2. Darba grupas" in main["DESCRIPTION"]
    assert [t["UID"] for t in tracks] == [f"track-{t.id}@eventapp.test" for t in event.tracks]
    assert tracks[0]["SUMMARY"] == "Darba grupa 1 (Izbraukuma sēde Jēkabpilī)"
    assert tracks[0]["LOCATION"].startswith("Zāle 2, Jēkabpils kultūras nams")
    assert "Līga Ozola" in tracks[0]["DESCRIPTION"]
    assert tracks[0].start.astimezone(UTC) == event.slots[0].starts_at
    assert all(t["RELATED-TO"] == main["UID"] for t in tracks)
    assert "meet.example.lv" not in calendar.event_calendar(event, "lv").decode()  # links only for registrants
    assert len(vcal.vevent_list) == 5


def test_a_cancelled_event_is_published_as_cancelled(session):
    event = jekabpils(session)
    events.cancel_event(session, None, event)
    ical, _ = parse(calendar.event_calendar(event, "en"))
    assert {str(e["STATUS"]) for e in ical.events} == {"CANCELLED"}
    assert ical.events[0]["SUMMARY"] == "Visiting session in Jēkabpils"


def test_the_feed_holds_published_and_cancelled_events_never_drafts(session):
    cancelled = create_event(session, status=EventStatus.CANCELLED, starts_at=future(10))
    published = create_event(session, kind=EventKind.ONLINE_MEETING, starts_at=future(20))
    create_event(session, status=EventStatus.DRAFT, starts_at=future(15))
    listed = calendar.feed_events(session)
    assert [e.id for e in listed] == [cancelled.id, published.id]
    assert [e.id for e in calendar.feed_events(session, {EventKind.ONLINE_MEETING})] == [published.id]
    ical, vcal = parse(calendar.feed(listed, "lv"))
    assert ical["METHOD"] == "PUBLISH"
    assert ical["X-WR-CALNAME"]
    assert len(ical.events) == 2 and len(vcal.vevent_list) == 2


def test_the_google_link_carries_the_utc_times_and_the_place(session):
    starts = datetime(2027, 3, 28, 10, tzinfo=RIGA)
    event = jekabpils(session, starts_at=starts, ends_at=starts + timedelta(hours=6))
    link = calendar.google_calendar_link(event, "lv")
    assert link.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&")
    assert "dates=20270328T070000Z%2F20270328T130000Z" in link
    assert "text=Izbraukuma+s%C4%93de+J%C4%93kabpil%C4%AB" in link
    assert "location=J%C4%93kabpils+kult%C5%ABras+nams" in link


def test_our_folding_is_icalendar_s_byte_for_byte():
    """`calendar._ical` folds only long lines, for speed; what it writes must not differ."""
    import random

    chance = random.Random(7)
    alphabet = "abc ,;:\\\n^\"āčēģīķļņšūžĀŽ–€🙂"
    for _ in range(300):
        text = "".join(chance.choice(alphabet) for _ in range(chance.randrange(0, 400)))
        component = icalendar.Event.new(
            uid="registration-1@eventapp.test", summary=text or None, description=text[::-1] or None,
            attendees=[icalendar.vCalAddress.new("anna@example.lv", cn=text[:60] or None)],
        )
        assert calendar._ical(component) == component.to_ical()
