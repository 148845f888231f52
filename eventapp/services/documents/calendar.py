"""Calendar files (RFC 5545): each registrant's invite, an event's calendar, the public feed.

An invite is an iTIP message (RFC 5546) about one VEVENT per registration. Its UID never
changes and its SEQUENCE only grows (the event's sequence plus the registration's), so a
calendar client updates or removes the entry it already holds instead of adding another.
"""
from datetime import datetime, timedelta, timezone
from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress
from icalendar import Event as CalendarEvent
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...formatting import riga_date, to_riga
from ...languages import in_language
from ...models import (
    AttendanceMode,
    AuditEntry,
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
    Slot,
    Track,
    TrackChoice,
    utcnow,
)
from ...urls import public_url
from ..remote import joins

PRODID = "-//Memoranda padome//eventapp//LV"
TZID = "Europe/Riga"
CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED,
)


def _riga_timezone() -> Timezone:
    """Europe/Riga as the EU's two yearly rules: summer time from the last Sunday of March to the
    last Sunday of October, changing at 01:00 UTC.

    Not `Timezone.from_tzid`: that lists each year's change as an RDATE, which Outlook ignores
    (it reads only RRULE observances), and dates the change to summer time an hour late (RFC 5545
    gives the onset in the offset in force before it). tests/unit/test_calendar.py checks these
    rules against the system's zoneinfo, hour by hour around every change until 2037.
    """
    riga = Timezone()
    riga.add("tzid", TZID)
    for observance, onset, month, before, after, name in (
        (TimezoneDaylight(), datetime(1970, 3, 29, 3), 3, 2, 3, "EEST"),
        (TimezoneStandard(), datetime(1970, 10, 25, 4), 10, 3, 2, "EET"),
    ):
        observance.add("tzname", name)
        observance.add("tzoffsetfrom", timedelta(hours=before))
        observance.add("tzoffsetto", timedelta(hours=after))
        observance.add("dtstart", onset)
        observance.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        riga.add_component(observance)
    return riga


# Written once: every file carries the same VTIMEZONE.
VTIMEZONE = _riga_timezone().to_ical()
_END = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=16)
def _head(method: str, name: str = "") -> bytes:
    """The calendar's own properties and the VTIMEZONE, up to its first VEVENT."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    return calendar.to_ical().removesuffix(_END) + VTIMEZONE


def _document(method: str, components: list[CalendarEvent], name: str = "") -> bytes:
    return _head(method, name) + b"".join(map(_ical, components)) + _END


def _ical(component: CalendarEvent) -> bytes:
    """`component.to_ical()`, byte for byte, folding only the lines that need it: icalendar folds
    every line character by character, which took a quarter of the time of an invite."""
    return b"".join(_fold(line) for line in component.content_lines() if line)


def _fold(line: str) -> bytes:
    """A content line cut into pieces of at most 74 octets, each continued after CRLF and a space
    (RFC 5545 3.1); never inside a character, nor between a backslash and what it escapes."""
    data = line.encode()
    pieces, start = [], 0
    while len(data) - start > 74:
        end = start + 74
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            end -= 1
        if end - start > 1 and data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces) + b"\r\n"


def _host() -> str:
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "eventapp"


def event_uid(event: Event) -> str:
    return f"event-{event.id}@{_host()}"


def place(venue: str, address: str, city: str) -> str:
    """'Venue, address, city', each once (an address often already names the city)."""
    parts = [venue, address if address != venue else "", city if city not in address else ""]
    return ", ".join(part for part in parts if part)


def event_place(event: Event) -> str:
    return place(event.venue, event.address, event.city)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def _clock(slot: Slot) -> str:
    """'13:00–14:30' in Riga time; with the date when the event spans several days."""
    start, end = to_riga(slot.starts_at), to_riga(slot.ends_at)
    times = f"{start:%H:%M}–{end:%H:%M}"
    event = slot.event
    if to_riga(event.starts_at).date() != to_riga(event.ends_at).date():
        return f"{riga_date(slot.starts_at)}, {times}"
    return times


def _vevent(
    event: Event, locale: str, uid: str, sequence: int, stamp: datetime, status: str,
    description: str, url: str,
) -> CalendarEvent:
    return CalendarEvent.new(
        uid=uid, sequence=sequence, stamp=stamp, status=status,
        start=to_riga(event.starts_at), end=to_riga(event.ends_at),
        summary=event.local("title", locale), location=event_place(event) or None,
        description=description or None, url=url,
    )


# --- a registrant's invite ------------------------------------------------------------

def _organizer() -> vCalAddress:
    """The secretariat, as mail comes from it: MAIL_DEFAULT_SENDER, 'Name <address>'."""
    name, address = _name_and_address(current_app.config["MAIL_DEFAULT_SENDER"])
    return vCalAddress.new(address, cn=name or None)


@lru_cache(maxsize=4)
def _name_and_address(sender: str | tuple[str, str]) -> tuple[str, str]:
    return sender if isinstance(sender, tuple) else parseaddr(sender)


def _choice_status(registration: Registration, choice: TrackChoice) -> str:
    if choice.status is CANCELLED:
        return _("cancelled")
    if choice.status is WAITLISTED:
        return _("waiting list")
    if registration.attendance_mode is AttendanceMode.REMOTE:
        return _("remote")
    return _("your seat is confirmed")


def _invite_description(
    registration: Registration, locale: str, url: str, links: list[tuple[Track | None, str]],
) -> str:
    """Attendance, each chosen track with its time and status, the join links, the event page.

    The join links (`joins.join_links`: never the meeting addresses themselves) only for a
    confirmed participant who joins remotely: a track's own link serves that track, the
    event's link everything else.
    """
    remote = registration.attendance_mode is AttendanceMode.REMOTE
    by_track = {track.id: link for track, link in links if track is not None}
    lines = [f"{_('Attendance')}: {_('remote') if remote else _('in person')}"]
    for choice in registration.choices:
        track = choice.track
        slot = track.slot
        lines.append(
            f"{slot.local('title', locale)}, {_clock(slot)}: {track.local('title', locale)} "
            f"({_choice_status(registration, choice)})"
        )
        if track.id in by_track:
            lines.append(f"{_('Remote connection')}: {by_track[track.id]}")
    lines.extend(f"{_('Remote connection')}: {link}" for track, link in links if track is None)
    lines.append("")
    lines.append(url)
    return "\n".join(lines)


def registration_invite(
    registration: Registration, method: str = "REQUEST", now: datetime | None = None, partstat: str | None = None,
) -> bytes:
    """The registrant's own VEVENT as an iTIP REQUEST (or CANCEL), in the registrant's language.

    The registration must have its id (it names the UID): flush a new one first. `partstat`, when
    given, is the attendee's participation status of a confirmed registration instead of ACCEPTED
    (NEEDS-ACTION: an invitation the person has not answered yet).
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"an invite is a REQUEST or a CANCEL, not {method!r}")
    event = registration.event
    locale = registration.language
    if method == "CANCEL" or registration.status is CANCELLED or event.status is EventStatus.CANCELLED:
        status, partstat = "CANCELLED", "DECLINED" if registration.status is CANCELLED else None
    elif registration.status is WAITLISTED:
        status, partstat = "TENTATIVE", "TENTATIVE"
    else:
        status, partstat = "CONFIRMED", partstat or "ACCEPTED"
    url = public_url("public.event", slug=event.slug)
    links = joins.join_links(registration) if method == "REQUEST" else []
    with in_language(locale):
        description = _invite_description(registration, locale, url, links)
    vevent = _vevent(
        event, locale, uid=f"registration-{registration.id}@{_host()}",
        sequence=event.sequence + registration.sequence, stamp=now or utcnow(), status=status,
        description=description, url=url,
    )
    if links and (registration.attendance_mode is AttendanceMode.REMOTE or not event_place(event)):
        # Where a remote participant goes is their join link; calendars make it one click.
        vevent.pop("location", None)
        vevent.add("location", links[0][1])
    vevent.add("organizer", _organizer())
    vevent.add("attendee", vCalAddress.new(
        registration.email, cn=registration.full_name or None, partstat=partstat, rsvp=False,
    ))
    return _document(method, [vevent])


# --- published calendars ----------------------------------------------------------------

def _public_status(event: Event) -> str:
    return "CANCELLED" if event.status is EventStatus.CANCELLED else "CONFIRMED"


def _event_vevent(event: Event, locale: str) -> CalendarEvent:
    url = public_url("public.event", slug=event.slug)
    parts = [event.local("description", locale)]
    agenda = event.agenda(locale)
    if agenda:
        numbered = (f"{n}. {item}" for n, item in enumerate(agenda, start=1))
        parts.append(f"{_('Agenda')}:\n" + "\n".join(numbered))
    parts.append(url)
    vevent = _vevent(
        event, locale, uid=event_uid(event), sequence=event.sequence, stamp=_utc(event.updated_at),
        status=_public_status(event), description="\n\n".join(part for part in parts if part), url=url,
    )
    vevent.add("last-modified", _utc(event.updated_at))
    return vevent


def _track_vevents(event: Event, locale: str) -> list[CalendarEvent]:
    """Each track of each time block as an entry of its own, within the event."""
    found = []
    title, where, host = event.local("title", locale), event_place(event), _host()
    url = public_url("public.event", slug=event.slug)
    for slot in event.slots:
        for track in slot.tracks:
            details = [track.local("description", locale)]
            if track.facilitator_name:
                details.append(f"{_('Facilitator')}: {track.facilitator_name}")
            details.append(url)
            vevent = CalendarEvent.new(
                uid=f"track-{track.id}@{host}", sequence=event.sequence, stamp=_utc(event.updated_at),
                status=_public_status(event), start=to_riga(slot.starts_at), end=to_riga(slot.ends_at),
                summary=f"{track.local('title', locale)} ({title})",
                location=", ".join(part for part in (track.room, where) if part) or None,
                description="\n\n".join(part for part in details if part), url=url,
            )
            vevent.add("related-to", event_uid(event))
            found.append(vevent)
    return found


def event_calendar(event: Event, locale: str) -> bytes:
    """`/events/<slug>.ics`: the event, and each of its tracks as an entry of its own."""
    with in_language(locale):
        return _document("PUBLISH", [_event_vevent(event, locale), *_track_vevents(event, locale)])


def feed(events: list[Event], locale: str) -> bytes:
    """`/calendar.ics`: many events in one calendar to subscribe to."""
    with in_language(locale):
        name = _("Memorandum Council events")
        return _document("PUBLISH", [_event_vevent(event, locale) for event in events], name=name)


def feed_events(session: Session, kinds: set[EventKind] = frozenset()) -> list[Event]:
    """What the public calendars show: published and cancelled events, never drafts."""
    query = select(Event).where(Event.status != EventStatus.DRAFT).order_by(Event.starts_at, Event.id)
    if kinds:
        query = query.where(Event.kind.in_(kinds))
    return list(session.scalars(query))


def last_modified(session: Session, events: list[Event]) -> datetime | None:
    """When the public calendar of these events last changed: the events themselves, or their
    time blocks and tracks (whose changes the audit log dates)."""
    if not events:
        return None
    children = session.scalar(
        select(func.max(AuditEntry.at)).where(
            AuditEntry.event_id.in_([event.id for event in events]),
            AuditEntry.object_type.in_(("slot", "track")),
        )
    )
    return max([event.updated_at for event in events] + ([children] if children else []))


def google_calendar_link(event: Event, locale: str) -> str:
    """A link that opens Google Calendar's form with the event filled in (nothing is sent to Google
    until the visitor follows it)."""
    def utc(moment: datetime) -> str:
        return f"{_utc(moment):%Y%m%dT%H%M%SZ}"

    description = event.local("description", locale).split("\n\n", 1)[0][:500]
    page = public_url("public.event", slug=event.slug)
    query = {
        "action": "TEMPLATE",
        "text": event.local("title", locale),
        "dates": f"{utc(event.starts_at)}/{utc(event.ends_at)}",
        "details": f"{description}\n\n{page}" if description else page,
        "location": event_place(event),
        "ctz": TZID,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)
