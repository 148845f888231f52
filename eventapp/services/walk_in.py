"""People who come without registering: registered at the door, checked in at once, badge printable.

The person is standing at the door, so the organiser admits them: the registration is
confirmed and in person, with the tracks chosen for them (if any), even when the event or a
track is full (nobody waiting loses a seat: seats are only ever given, not taken back).
The email address is optional. Without one, the registration gets a placeholder that can
never receive mail, `walk-in-<random>@invalid` (`.invalid` is reserved, RFC 2606), because the
model needs a unique address, and no message is written; with one, the person gets the
usual confirmation with their private link.
"""
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    AttendanceMode,
    CheckIn,
    Event,
    EventStatus,
    Organisation,
    Registration,
    RegistrationStatus,
    Sector,
    TrackChoice,
)
from . import audit, mail, seating
from .checkin import Scanner
from .exceptions import DomainError
from .registration import CONSENT_WORDING_VERSION, new_secret, normalise_email, registration_details

PLACEHOLDER_DOMAIN = "@invalid"
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


def placeholder_email() -> str:
    return f"walk-in-{secrets.token_hex(8)}{PLACEHOLDER_DOMAIN}"


def has_real_email(registration: Registration) -> bool:
    return not registration.email.endswith(PLACEHOLDER_DOMAIN)


def register_walk_in(session: Session, event: Event, data: WalkInData, scanner: Scanner, now: datetime) -> Registration:
    """Register and check in someone at the door; returns the new registration."""
    event = seating.lock_event(session, event.id)
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
        if existing.status is not RegistrationStatus.CANCELLED:
            raise DomainError(_l("This address is already registered for the event: find the person by name."), "email")
        session.delete(existing)  # as when registering again after cancelling
        session.flush()
    organisation = session.scalar(select(Organisation).where(Organisation.name == organisation_name))

    registration = Registration(
        event=event, status=CONFIRMED, attendance_mode=AttendanceMode.IN_PERSON,
        full_name=full_name, email=email,
        organisation=organisation, organisation_name="" if organisation else organisation_name,
        sector=organisation.sector if organisation else data.sector,
        language=data.language if data.language in ("lv", "en") else "lv",
        consent_data_at=now, consent_wording_version=CONSENT_WORDING_VERSION,
        secret=new_secret(), badge_secret=new_secret(), created_at=now, updated_at=now,
        choices=[
            TrackChoice(track=tracks[track_id], track_id=track_id, slot_id=slot_id, status=CONFIRMED, queued_at=now)
            for slot_id, track_id in sorted(data.track_ids.items())
        ],
    )
    session.add(registration)
    session.add(CheckIn(
        registration=registration, scan_id=f"walk-in-{uuid4().hex}", scanned_at=now, recorded_at=now,
        by_user=scanner.user, by_link=scanner.link,
    ))
    session.flush()
    if has_real_email(registration):
        mail.queue_registration_mail(session, "confirmation", registration, registration_details(session, registration))
    audit.record(session, scanner.user, "registration.walk_in", registration, event,
                 link_id=scanner.link.id if scanner.link else None)
    return registration
