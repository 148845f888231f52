"""People who come without registering: registered at the door, checked in at once, badge printable.

The person is standing at the door, so the organiser admits them: the registration is
confirmed and in person, with the tracks chosen for them (if any), even when the event or a
track is full (nobody waiting loses a seat: seats are only ever given, not taken back).
The email address is optional. Without one, the registration gets a placeholder that can
never receive mail, `walk-in-<random>@invalid` (`.invalid` is reserved, RFC 2606), because the
model needs a unique address, and no message is written; with one, the person gets the
usual confirmation with their private link.

Someone on the waiting list who turns up is not a walk-in: they keep their place in the queue,
and are seated at the door only when the normal rule would seat them now (`seat_at_door`).
"""
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import (
    AttendanceMode,
    CheckIn,
    Event,
    EventStatus,
    Organisation,
    Registration,
    RegistrationStatus,
    Sector,
)
from ..accounts import audit
from ..exceptions import DomainError
from ..mail import compose
from ..registration import seat_allocation
from ..registration.lifecycle import (
    RegistrationData,
    is_fully_seated,
    new_registration,
    normalise_email,
    notify_promotions,
    registration_details,
)
from .check_ins import NO_SEAT, Scanner, ScanResult, check_in

PLACEHOLDER_DOMAIN = "@invalid"
TICKET_MAX_AGE = 24 * 3600  # the device that registered the walk-in may print the badge later that day
CONFIRMED = RegistrationStatus.CONFIRMED


@dataclass
class WalkInData:
    full_name: str
    organisation_name: str
    sector: Sector
    consent_data: bool
    email: str = ""
    track_ids: dict[int, int] = field(default_factory=dict)  # slot id -> track id, only where chosen
    language: str = "lv"


class AlreadyWaiting(DomainError):
    """The address is registered and on the waiting list: the door may seat that registration instead."""

    def __init__(self, registration: Registration):
        super().__init__(_l("This address is already registered for the event, on the waiting list."),
                         "email")
        self.registration = registration


class NoSeat(DomainError):
    def __init__(self, reason: str):
        super().__init__(NO_SEAT[reason])
        self.reason = reason


def _tickets(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="walk-in-done")


def walk_in_ticket(secret_key: str, registration: Registration) -> str:
    """What the address of the page after a walk-in carries: that registration, signed, for its event only."""
    return _tickets(secret_key).dumps([registration.event_id, registration.id])


def read_walk_in_ticket(secret_key: str, ticket: str, event_id: int) -> int | None:
    """The registration of a ticket made for this event within TICKET_MAX_AGE, or None."""
    try:
        value = _tickets(secret_key).loads(ticket, max_age=TICKET_MAX_AGE)
    except BadData:
        return None
    if not isinstance(value, list) or len(value) != 2 or value[0] != event_id:
        return None
    return value[1] if isinstance(value[1], int) else None


def placeholder_email() -> str:
    return f"walk-in-{secrets.token_hex(8)}{PLACEHOLDER_DOMAIN}"


def has_real_email(registration: Registration) -> bool:
    return not registration.email.endswith(PLACEHOLDER_DOMAIN)


def register_walk_in(session: Session, event: Event, data: WalkInData, scanner: Scanner, now: datetime) -> Registration:
    """Register and check in someone at the door; returns the new registration."""
    event = seat_allocation.lock_event(session, event.id)
    if event.status is EventStatus.CANCELLED:
        raise DomainError(_l("The event has been cancelled."))
    full_name = " ".join(data.full_name.split())
    organisation_name = " ".join(data.organisation_name.split())
    if not full_name:
        raise DomainError(_l("Write the person's name."), "full_name")
    if not organisation_name:
        raise DomainError(_l("Write the organisation or institution."), "organisation")
    if not data.consent_data:
        raise DomainError(
            _l("Registration needs the person's consent to the processing of their data."), "consent_data"
        )
    tracks = {track.id: track for track in event.tracks}
    for slot_id, track_id in data.track_ids.items():
        if track_id not in tracks or tracks[track_id].slot_id != slot_id:
            raise DomainError(_l("This working group is not part of this time block."), f"slot_{slot_id}")

    email = normalise_email(data.email) if data.email.strip() else placeholder_email()
    existing = session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.email == email)
    )
    if existing is not None:
        if existing.status is RegistrationStatus.WAITLISTED:
            raise AlreadyWaiting(existing)
        if existing.status is not RegistrationStatus.CANCELLED:
            raise DomainError(_l("This address is already registered for the event: find the person by name."), "email")
        session.delete(existing)  # as when registering again after cancelling
        session.flush()
    organisation = session.scalar(select(Organisation).where(Organisation.name == organisation_name))

    registration = new_registration(event, RegistrationData(
        full_name=full_name, email=email, sector=organisation.sector if organisation else data.sector,
        attendance_mode=AttendanceMode.IN_PERSON, track_ids=data.track_ids, consent_data=True,
        organisation_name=organisation_name, language=data.language,
    ), now, organisation_id=organisation.id if organisation else None)
    seat_allocation.admit(registration)
    session.add(registration)
    session.add(CheckIn(
        registration=registration, scan_id=f"walk-in-{uuid4().hex}", scanned_at=now, recorded_at=now,
        by_user=scanner.user, by_link=scanner.link,
    ))
    session.flush()
    if has_real_email(registration):
        compose.queue_registration_mail(session, "confirmation", registration, registration_details(session, registration))
    audit.record(session, scanner.user, "registration.walk_in", registration, event,
                 link_id=scanner.link.id if scanner.link else None)
    return registration


def seat_at_door(
    session: Session, event: Event, scanner: Scanner, now: datetime, *, scan_id: str, registration_id: int,
    track=None,
) -> ScanResult:
    """Seat a waiting person who came, when the normal rule would seat them now, and check them in.

    Under the event's lock: the seats are given by `fill_seats` (whoever is ahead first, the seats
    held for state administration kept), with the usual mail to everyone it seats. NoSeat says why not.
    """
    event = seat_allocation.lock_event(session, event.id)
    registration = session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id or registration.anonymised_at is not None:
        raise DomainError(_l("Not a valid code."))
    if registration.status is RegistrationStatus.WAITLISTED:
        reason = seat_allocation.door_seat_refusal(session, event, registration, now)
        if reason is not None:
            raise NoSeat(reason)
        notify_promotions(session, seat_allocation.fill_seats(session, event, now))
        if registration.status is not CONFIRMED or not is_fully_seated(registration):
            raise NoSeat("event_full")  # never: the refusal above walks the same rule
        audit.record(session, scanner.user, "registration.seat_at_door", registration, event,
                     link_id=scanner.link.id if scanner.link else None)
    return check_in(session, event, scanner, now, scan_id=scan_id, registration_id=registration.id,
                    track=track)
