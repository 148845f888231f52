"""Checking people in at the door, or at a workshop room: scans, undoing them, and check-in links.

A scan names a person by the code on their badge (`EVA1:` and the registration's
`badge_secret`: see `services/checkin/badges.py`) or, found by name, by their registration's id. The
device makes a `scan_id` for every scan, so a scan sent twice (a retry, a queue sent again
after the network came back) is one check-in, answered the same way. The time of a check-in
is the moment the device scanned, not when the server heard of it, held within a day before
the server's clock and never after it. Two devices scanning the same person: the first scan
to reach the server is the check-in; the other is told "already", with when and by whom.

Who scans is a signed-in user, or a device holding a check-in link (`CheckInLink`): one
event, check-in only, until it expires or is revoked; its scans are recorded under its label.

A badge of another event says only which event it belongs to: nothing about its person. A
person on the waiting list hears their number, and whether a seat is free for them now
(`walk_in.seat_at_door` then seats and checks them in).
"""
import functools
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached

from ... import observability
from ...formatting import riga_time, to_riga
from ...languages import in_language
from ...models import (
    AttendanceMode,
    CheckIn,
    CheckInLink,
    Event,
    Registration,
    RegistrationStatus,
    Track,
    TrackChoice,
    User,
)
from ..accounts import audit
from ..exceptions import DomainError, NotFound
from ..registration import seat_allocation
from .badges import CODE_PREFIX

RESULTS = ("welcome", "already", "other_event", "cancelled", "waitlisted", "invalid")
# How far back a device's clock is believed: a queue kept offline all day still counts.
OLDEST_SCAN = timedelta(days=1)
_SECRET = re.compile(r"[A-Za-z0-9_-]{16,64}")
SCAN_ID = re.compile(r"[A-Za-z0-9_-]{4,64}")


@dataclass
class Scanner:
    """Who is scanning: a signed-in user, or a device with a check-in link."""

    user: User | None = None
    link: CheckInLink | None = None

    @property
    def label(self) -> str:
        return self.link.label if self.link else (self.user.name if self.user else "")


@dataclass
class ScanResult:
    result: str  # one of RESULTS
    registration: Registration | None = None
    # welcome: this scan's check-in; already: the first one, which stands.
    check_in: CheckIn | None = None
    notes: list[str] = field(default_factory=list)  # keys of NOTES
    replayed: bool = False  # the same scan had been received before
    waiting: int | None = None  # waitlisted: their number on the event's waiting list
    no_seat: str | None = None  # waitlisted: why no seat is free for them (a key of NO_SEAT), or None


def parse_code(code) -> str | None:
    """The badge secret in a scanned code, or None when it is not one of ours.

    The prefix is read in either case (some USB scanners send capitals); the secret is exact.
    """
    if not isinstance(code, str):
        return None
    code = code.strip()
    if code[: len(CODE_PREFIX)].upper() != CODE_PREFIX.upper():
        return None
    secret = code[len(CODE_PREFIX):]
    return secret if _SECRET.fullmatch(secret) else None


def code_hash(secret: str) -> str:
    """What check-in devices are given instead of the secret: they can recognise a badge, not make one."""
    return hashlib.sha256(secret.encode()).hexdigest()


def clamp_scan_time(scanned_at: datetime | None, now: datetime) -> datetime:
    if scanned_at is None:
        return now
    return max(min(scanned_at, now), now - OLDEST_SCAN)


def scanner_label(check_in: CheckIn) -> str:
    if check_in.by_link is not None:
        return check_in.by_link.label
    return check_in.by_user.name if check_in.by_user is not None else ""


# The statements of a scan are built once per process: building one and computing its cache key
# costs more than the database's answer to it.
@functools.cache
def _registration_query(key: str, for_update: bool):
    column = Registration.id if key == "id" else Registration.badge_secret
    query = select(Registration).where(column == bindparam("key")).options(
        joinedload(Registration.organisation), joinedload(Registration.choices).joinedload(TrackChoice.track),
    )
    return query.with_for_update(of=Registration) if for_update else query


@functools.cache
def _empty_write(key: str):
    column = Registration.id if key == "id" else Registration.badge_secret
    return (
        update(Registration).where(column == bindparam("key"))
        .values(badge_secret=Registration.badge_secret, updated_at=Registration.updated_at)
        .execution_options(synchronize_session=False)
    )


@functools.cache
def _check_ins_query(at_track: bool):
    place = CheckIn.track_id == bindparam("track_id") if at_track else CheckIn.track_id.is_(None)
    return (
        select(CheckIn)
        .where(or_(
            CheckIn.scan_id == bindparam("scan_id"),
            and_(CheckIn.registration_id == bindparam("registration_id"), place, CheckIn.undone_at.is_(None)),
        ))
        .options(joinedload(CheckIn.by_user), joinedload(CheckIn.by_link))
        .order_by(CheckIn.scanned_at, CheckIn.id)
    )


_ARRIVAL_COLUMNS = ("registration_id", "track_id", "scan_id", "scanned_at", "recorded_at", "by_user_id", "by_link_id")


@functools.cache
def _insert_check_in(at_track: bool):
    """INSERT ... SELECT ... WHERE NOT EXISTS, RETURNING: the check-in, unless this scan id is known
    already or the person is already checked in at this place. A statement of its own after the
    lock (see `_check_ins`), so it sees what a device that held the lock before has written."""
    place = CheckIn.track_id == bindparam("track_id") if at_track else CheckIn.track_id.is_(None)
    known = select(CheckIn.id).where(or_(
        CheckIn.scan_id == bindparam("scan_id"),
        and_(CheckIn.registration_id == bindparam("registration_id"), place, CheckIn.undone_at.is_(None)),
    ))
    table = CheckIn.__table__
    values = select(*(bindparam(name, type_=table.c[name].type) for name in _ARRIVAL_COLUMNS))
    return insert(table).from_select(list(_ARRIVAL_COLUMNS), values.where(~known.exists())).returning(table.c.id)


def _locked_registration(session: Session, key: str, value) -> Registration | None:
    """The registration (by "id" or by "secret"), with its organisation and tracks, locked until the
    transaction ends, so that two devices scanning the same person at once take turns (PostgreSQL:
    SELECT ... FOR UPDATE OF registration; SQLite: its one writer, taken by an empty write)."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    if not postgresql:
        session.execute(_empty_write(key), {"key": value})
    return session.execute(_registration_query(key, postgresql), {"key": value}).unique().scalar_one_or_none()


def _check_ins(session: Session, registration: Registration, scan_id: str, track: Track | None) -> list[CheckIn]:
    """The check-in of this scan id (whoever it was for), and this person's check-ins here that were
    not undone, oldest first. Read after the lock, in a statement of its own: under PostgreSQL's
    READ COMMITTED only a new statement sees what the device that held the lock before has written."""
    values = {"scan_id": scan_id, "registration_id": registration.id}
    if track is not None:
        values["track_id"] = track.id
    return list(session.scalars(_check_ins_query(track is not None), values))


def check_in(
    session: Session,
    event: Event,
    scanner: Scanner,
    now: datetime,
    *,
    scan_id: str,
    code: str | None = None,
    registration_id: int | None = None,
    scanned_at: datetime | None = None,
    track: Track | None = None,
) -> ScanResult:
    """Check in the person whose badge carries `code` (or, found by name, `registration_id`)
    at the event's door, or at `track`'s room."""
    if not isinstance(scan_id, str) or not SCAN_ID.fullmatch(scan_id):
        raise DomainError(_l("The scan has no valid scan id."))
    if track is not None and track.slot.event_id != event.id:
        raise DomainError(_l("This working group is not part of this event."))
    if registration_id is not None:
        registration = _locked_registration(session, "id", registration_id)
        if registration is None or registration.event_id != event.id:
            return ScanResult("invalid")
    else:
        secret = parse_code(code)
        if secret is None:
            return ScanResult("invalid")
        registration = _locked_registration(session, "secret", secret)
        if registration is None:
            return ScanResult("invalid")
        if registration.event_id != event.id:
            return ScanResult("other_event", registration)
    if registration.anonymised_at is not None:
        return ScanResult("invalid")

    if registration.status is RegistrationStatus.CONFIRMED:
        # The usual scan, a person's first: one statement that checks and writes (a third of a scan's time).
        arrival = _arrive(session, registration, scanner, scan_id, scanned_at, track, now)
        if arrival is not None:
            return ScanResult("welcome", registration, arrival, _notes(registration, track))

    found = _check_ins(session, registration, scan_id, track)
    same_scan = next((c for c in found if c.scan_id == scan_id), None)
    if same_scan is not None:
        if same_scan.registration_id != registration.id:
            raise DomainError(_l("This scan id was already used for another person."))
        return ScanResult("welcome", registration, same_scan, _notes(registration, track), replayed=True)
    if registration.status is RegistrationStatus.CANCELLED:
        return ScanResult("cancelled", registration)
    if registration.status is RegistrationStatus.WAITLISTED:
        return ScanResult("waitlisted", registration,
                          waiting=seat_allocation.event_queue_position(session, registration),
                          no_seat=seat_allocation.door_seat_refusal(session, event, registration, now))
    return ScanResult("already", registration, found[0])


def _arrive(session: Session, registration: Registration, scanner: Scanner, scan_id: str,
            scanned_at: datetime | None, track: Track | None, now: datetime) -> CheckIn | None:
    """The new check-in, or None when this scan id is known or the person is checked in here already."""
    values = {
        "registration_id": registration.id, "track_id": track.id if track else None, "scan_id": scan_id,
        "scanned_at": clamp_scan_time(scanned_at, now), "recorded_at": now,
        "by_user_id": scanner.user.id if scanner.user else None,
        "by_link_id": scanner.link.id if scanner.link else None,
    }
    arrival_id = session.execute(_insert_check_in(track is not None), values).scalar()
    if arrival_id is None:
        return None
    observability.note_new(session, "check_ins")
    # Not read back: the row is what was written. Placed in the session as if loaded (no SELECT, no UPDATE).
    arrival = CheckIn(id=arrival_id, **values, undone_at=None, undone_by_id=None,
                      by_user=scanner.user, by_link=scanner.link)
    make_transient_to_detached(arrival)
    session.add(arrival)
    return arrival


NOTES = {
    "remote": _l("Registered to take part remotely."),
    "other_track": _l("Not registered for this working group."),
    "track_waiting": _l("Still waiting for a seat in a working group (on its waiting list): no seat there yet."),
}
NO_SEAT = {
    "event_full": _l("No seat is free: the event is full."),
    "track_full": _l("No seat is free in their working group."),
    "held": _l("The free seats are held for state administration."),
}


def _notes(registration: Registration, track: Track | None) -> list[str]:
    """What the person at the door should know beyond "welcome" (keys of NOTES)."""
    notes = []
    if registration.attendance_mode is AttendanceMode.REMOTE:
        notes.append("remote")
    if track is not None:
        seated = {c.track_id for c in registration.choices if c.status is RegistrationStatus.CONFIRMED}
        if track.id not in seated:
            notes.append("other_track")
    elif registration.attendance_mode is AttendanceMode.IN_PERSON and any(
        choice.status is RegistrationStatus.WAITLISTED for choice in registration.choices
    ):
        notes.append("track_waiting")
    return notes


def undo_check_in(session: Session, event: Event, scanner: Scanner, scan_id: str, now: datetime) -> CheckIn:
    """Take back a check-in (a wrong person, a wrong room); the record stays, marked undone."""
    arrival = session.scalar(
        select(CheckIn).join(Registration)
        .where(CheckIn.scan_id == scan_id, Registration.event_id == event.id)
    ) if isinstance(scan_id, str) and SCAN_ID.fullmatch(scan_id) else None  # nothing else is ever stored
    if arrival is None:
        raise NotFound(_l("There is no such check-in."))
    if arrival.undone_at is None:
        arrival.undone_at = now
        arrival.undone_by_id = scanner.user.id if scanner.user else None
        audit.record(session, scanner.user, "checkin.undo", arrival, event,
                     link_id=scanner.link.id if scanner.link else None)
    return arrival


# --- what the answers say --------------------------------------------------------------------

def sector_label(registration: Registration) -> str:
    return registration.sector.label


def person(registration: Registration, locale: str) -> dict:
    """The person as the check-in page shows them."""
    return {
        "id": registration.id,
        "name": registration.full_name,
        "organisation": registration.organisation_display,
        "sector": registration.sector.value,
        "sector_label": sector_label(registration),
        "mode": registration.attendance_mode.value,
        "tracks": [
            choice.track.local("title", locale) for choice in registration.choices
            if choice.status is RegistrationStatus.CONFIRMED
        ],
    }


def first_scan(check_in: CheckIn) -> dict:
    return scan_record(check_in.scanned_at, check_in.scan_id, scanner_label(check_in))


def scan_record(scanned_at: datetime, scan_id: str, by: str) -> dict:
    """A check-in as the devices show it: when, by whom, and its scan id."""
    return {"at": scanned_at.isoformat(), "time": riga_time(scanned_at), "by": by, "scan_id": scan_id}


def message(result: ScanResult, locale: str) -> str:
    registration = result.registration
    if result.result == "welcome":
        return _("Welcome, %(name)s!", name=registration.full_name)
    if result.result == "already":
        first = result.check_in
        by = scanner_label(first)
        if by:
            return _("Already checked in at %(time)s by %(by)s.", time=riga_time(first.scanned_at), by=by)
        return _("Already checked in at %(time)s.", time=riga_time(first.scanned_at))
    if result.result == "other_event":
        title = registration.event.local("title", locale)
        return _("This badge belongs to another event: %(event)s.", event=title)
    if result.result == "cancelled":
        return _("This registration was cancelled.")
    if result.result == "waitlisted":
        if result.waiting is None:
            return _("On the waiting list: no confirmed seat.")
        return _("On the waiting list, nr. %(number)s.", number=result.waiting)
    return _("Not a valid code.")


def answer(result: ScanResult, locale: str) -> dict:
    """The JSON answer to a scan, in `locale` ("lv" or "en")."""
    with in_language(locale):
        body = {"result": result.result, "message": message(result, locale),
                "notes": [str(NOTES[note]) for note in result.notes]}
        if result.registration is not None and result.result != "other_event":
            body["person"] = person(result.registration, locale)
        if result.check_in is not None:
            key = "scan" if result.result == "welcome" else "first"
            body[key] = first_scan(result.check_in)
        if result.result == "waitlisted" and result.waiting is not None:
            body["waiting"] = result.waiting
            body["seat"] = seat_offer(result.no_seat)
    if result.replayed:
        body["replayed"] = True
    return body


def seat_offer(no_seat: str | None) -> dict:
    """Whether a seat is free for a waiting person: {"free": True}, or why not."""
    if no_seat is None:
        return {"free": True}
    return {"free": False, "reason": no_seat, "message": str(NO_SEAT[no_seat])}


# --- check-in links --------------------------------------------------------------------------

def new_link_secret() -> str:
    return secrets.token_urlsafe(32)


def create_link(
    session: Session, event: Event, actor: User, label: str, valid_until: datetime, now: datetime
) -> CheckInLink:
    label = " ".join(label.split())
    if not label:
        raise DomainError(_l("Give the link a label, such as the volunteer's name."), "label")
    if valid_until <= now:
        raise DomainError(_l("The link must be valid until a moment in the future."), "valid_until")
    link = CheckInLink(event_id=event.id, label=label[:200], secret=new_link_secret(), valid_until=valid_until,
                       created_by_id=actor.id if actor else None, created_at=now)
    session.add(link)
    session.flush()
    audit.record(session, actor, "checkin_link.create", link, event)
    return link


def revoke_link(session: Session, link: CheckInLink, actor: User, now: datetime) -> None:
    if link.revoked_at is None:
        link.revoked_at = now
        audit.record(session, actor, "checkin_link.revoke", link, session.get(Event, link.event_id))


def is_valid(link: CheckInLink, now: datetime) -> bool:
    return link_refusal(link, now) is None


def link_refusal(link: CheckInLink, now: datetime) -> str | None:
    """Why a link no longer works ("revoked" or "expired"), or None while it does."""
    if link.revoked_at is not None:
        return "revoked"
    if now >= link.valid_until:
        return "expired"
    return None


def door_closes_at(ends_at: datetime) -> datetime:
    """The end of the event's last day, in Riga: links are valid until then unless the organisers say
    otherwise, and devices keep the list of participants until then, not after."""
    end = to_riga(ends_at)
    return max(end, end.replace(hour=23, minute=59, second=0, microsecond=0)).astimezone(timezone.utc)


def find_link(session: Session, secret) -> CheckInLink | None:
    """The link of this secret, valid or not (the caller tells expired from unknown)."""
    if not isinstance(secret, str) or not _SECRET.fullmatch(secret):
        return None
    return session.scalar(select(CheckInLink).where(CheckInLink.secret == secret))


def find_link_and_event(session: Session, secret) -> tuple[CheckInLink | None, Event | None]:
    """The link and its event, in one round trip (a scan's first step)."""
    if not isinstance(secret, str) or not _SECRET.fullmatch(secret):
        return None, None
    row = session.execute(_link_query(), {"secret": secret}).first()
    return (row[0], row[1]) if row else (None, None)


@functools.cache
def _link_query():
    return select(CheckInLink, Event).join(Event, Event.id == CheckInLink.event_id).where(
        CheckInLink.secret == bindparam("secret")
    )
