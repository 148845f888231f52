"""Asking institutions to delegate an expert to a track, and what becomes of the requests."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...formatting import riga_date
from ...models import (
    AttendanceMode,
    DelegationRequest,
    DelegationStatus,
    Event,
    EventStatus,
    Organisation,
    Registration,
    RegistrationStatus,
    Sector,
    Track,
    User,
)
from ...urls import public_url
from ..accounts import audit
from ..exceptions import DomainError
from ..mail import compose
from ..registration import lifecycle, seat_allocation
from . import words

ANSWER_BEFORE_EVENT = timedelta(days=1)


@dataclass
class Suggestion:
    organisation: Organisation
    score: int
    matched: list[str]  # the policy areas that matched


def state_institutions(session: Session) -> list[Organisation]:
    return list(session.scalars(
        select(Organisation).where(Organisation.sector == Sector.STATE_ADMINISTRATION).order_by(Organisation.name)
    ))


def suggest_institutions(
    session: Session, track: Track, limit: int = 5, institutions: list[Organisation] | None = None
) -> list[Suggestion]:
    """State institutions whose policy areas match the track's topic, best first.

    For many tracks at once, pass `institutions` (`state_institutions`, read once).
    """
    topic = words.stems(" ".join([track.title_lv, track.description_lv, track.title_en]))
    suggestions = []
    for organisation in state_institutions(session) if institutions is None else institutions:
        overlaps = {area: words.shared(words.stems(area), topic) for area in organisation.policy_area_list}
        matched = [area for area, found in overlaps.items() if found]
        score = sum(len(found) for found in overlaps.values())
        if score:
            suggestions.append(Suggestion(organisation, score, matched))
    suggestions.sort(key=lambda s: (-s.score, s.organisation.name))
    return suggestions[:limit]


def default_deadline(track: Track) -> datetime:
    return track.event.starts_at - ANSWER_BEFORE_EVENT


def requests_closed_reason(event: Event, now: datetime) -> str | None:
    """Why no delegation request can be sent for the event now, or None when one can."""
    if event.status is EventStatus.CANCELLED:
        return str(_l("The event has been cancelled."))
    if now >= event.starts_at - ANSWER_BEFORE_EVENT:
        return str(_l("Delegation requests can no longer be sent for this event: there is no time left for an answer."))
    return None


def send_request(
    session: Session, actor: User | None, track: Track, organisation: Organisation, contact_email: str,
    message: str, now: datetime, deadline: datetime | None = None,
) -> DelegationRequest:
    """Create the request and its mail; the track's held seat waits for the answer until the deadline.

    Refused while the institution has an open request for the track (sent, unanswered, before its
    deadline); the event's row is locked first, so that two requests sent at once make one.
    """
    seat_allocation.lock_event(session, track.event.id)
    reason = requests_closed_reason(track.event, now)
    if reason:
        raise DomainError(reason)
    if organisation.sector is not Sector.STATE_ADMINISTRATION:
        raise DomainError(_l("Delegation requests go to state institutions."), "organisation_id")
    asked = open_request(session, track, organisation, now)
    if asked is not None:
        raise DomainError(
            _l("This institution was already asked on %(date)s and has not answered yet.", date=riga_date(asked.sent_at)),
            "organisation_id",
        )
    deadline = deadline or default_deadline(track)
    if deadline <= now:
        raise DomainError(_l("The deadline for an answer has already passed."), "deadline")
    delegation_request = DelegationRequest(
        track=track, organisation=organisation, contact_email=lifecycle.normalise_email(contact_email),
        message=message.strip(), secret=lifecycle.new_secret(), status=DelegationStatus.SENT,
        deadline_at=deadline, sent_at=now, created_by_id=actor.id if actor else None,
    )
    session.add(delegation_request)
    session.flush()
    queue_request_mail(session, delegation_request, "delegation_request")
    audit.record(session, actor, "delegation.send", delegation_request, track.event, organisation_id=organisation.id, track_id=track.id)
    return delegation_request


def open_request(session: Session, track: Track, organisation: Organisation, now: datetime) -> DelegationRequest | None:
    """The institution's latest request for the track still waiting for its answer, if any."""
    return session.scalar(
        select(DelegationRequest)
        .where(
            DelegationRequest.track_id == track.id, DelegationRequest.organisation_id == organisation.id,
            DelegationRequest.status == DelegationStatus.SENT, DelegationRequest.deadline_at > now,
        )
        .order_by(DelegationRequest.sent_at.desc(), DelegationRequest.id.desc())
        .limit(1)
    )


def queue_request_mail(session: Session, delegation_request: DelegationRequest, kind: str) -> None:
    """The request, or a reminder of it, in Latvian, with the links to accept and to decline."""
    track = delegation_request.track
    message = compose.queue_mail(
        session, kind, delegation_request.contact_email, "lv",
        {
            "event": track.event, "track": track, "delegation_request": delegation_request,
            "accept_url": public_url("registration.delegate", token=delegation_request.secret),
            "decline_url": public_url("registration.decline_delegation", token=delegation_request.secret),
            "event_url": public_url("public.event", slug=track.event.slug),
            "kind_reminder": kind == "delegation_reminder",
        },
        template="delegation_request",
    )
    message.event = track.event


def find_request(session: Session, token: str) -> DelegationRequest | None:
    return session.scalar(select(DelegationRequest).where(DelegationRequest.secret == token))


def is_open(delegation_request: DelegationRequest, now: datetime) -> bool:
    return delegation_request.status is DelegationStatus.SENT and delegation_request.deadline_at > now


def accept_request(
    session: Session, delegation_request: DelegationRequest, data: lifecycle.RegistrationData, now: datetime
) -> lifecycle.RegistrationResult:
    """The institution's answer through the request's link: its expert, in the request's track.

    Someone already registered with that address becomes the expert: their registration moves
    into the track, as state administration of the institution, in the mode they choose, and
    their seats follow the usual rules. Anyone else is registered as the expert.
    """
    event = seat_allocation.lock_event(session, delegation_request.track.event.id)
    session.refresh(delegation_request)
    reason = lifecycle.registration_closed_reason(event, now)
    if reason:
        raise DomainError(reason)
    if not is_open(delegation_request, now):
        raise DomainError(_l("This request is no longer open; please contact the secretariat."))
    existing = session.scalar(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.email == lifecycle.normalise_email(data.email),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )
    if existing is None:
        return lifecycle.register(session, event.id, data, now, delegation=delegation_request)
    _make_expert(session, existing, delegation_request, data.attendance_mode, now)
    return lifecycle.RegistrationResult(existing, created=False)


def _make_expert(
    session: Session, person: Registration, delegation_request: DelegationRequest, mode: AttendanceMode, now: datetime
) -> None:
    person.sector = Sector.STATE_ADMINISTRATION
    person.organisation = delegation_request.organisation
    person.organisation_name = ""
    person.delegation_request_id = delegation_request.id
    _mark_accepted(session, delegation_request, now)
    session.flush()
    track = delegation_request.track
    track_ids = {choice.slot_id: choice.track_id for choice in person.choices} | {track.slot_id: track.id}
    if not lifecycle.change_registration(session, person, mode, track_ids, now):
        # Already in the track in that mode: only whom the person represents changed, which may
        # release a seat held for state administration.
        lifecycle.refill_event(session, track.event, now)
        details = lifecycle.registration_details(session, person) | {"changed": {"delegation"}}
        compose.queue_registration_mail(session, "changed", person, details)


def _mark_accepted(session: Session, delegation_request: DelegationRequest, now: datetime) -> None:
    delegation_request.status = DelegationStatus.ACCEPTED
    delegation_request.responded_at = now
    audit.record(session, None, "delegation.accept", delegation_request, delegation_request.track.event)


def decline_request(session: Session, delegation_request: DelegationRequest, now: datetime) -> None:
    """The institution cannot delegate anyone: the seat held for it may go to others."""
    if delegation_request.status is DelegationStatus.DECLINED:
        return  # a second click
    if delegation_request.status is not DelegationStatus.SENT:
        raise DomainError(_l("This request has already been answered or has expired; nothing was changed."))
    delegation_request.status = DelegationStatus.DECLINED
    delegation_request.responded_at = now
    audit.record(session, None, "delegation.decline", delegation_request, delegation_request.track.event)
    lifecycle.refill_event(session, delegation_request.track.event, now)


def expire_requests(session: Session, now: datetime) -> list[DelegationRequest]:
    """Requests past their deadline without an answer become expired."""
    expired = list(
        session.scalars(
            select(DelegationRequest).where(
                DelegationRequest.status == DelegationStatus.SENT, DelegationRequest.deadline_at <= now
            )
        )
    )
    for delegation_request in expired:
        delegation_request.status = DelegationStatus.EXPIRED
        audit.record(session, None, "delegation.expire", delegation_request, delegation_request.track.event)
    return expired
