"""Who is asked for feedback after an event, and when.

The day after an event ends (at FEEDBACK_SEND_HOUR, Riga time) everyone who attended gets one
survey link, in their registration's language. "Attended" is decided in one place,
`attended_registrations`; the invitation row is unique per registration, so running the daily
command again, or two of them at once, never sends a second link.
"""
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from ...formatting import riga_datetime_from_local, to_riga
from ...models import (
    CheckIn,
    Event,
    EventStatus,
    FeedbackInvitation,
    Registration,
    RegistrationStatus,
    RemoteJoin,
    Track,
)
from ...urls import public_url
from ..mail import compose

DEFAULT_SEND_HOUR = 10
OPEN_DAYS = 30  # the survey takes answers this long after the event ends
SUBJECT = _l("How was it? A short survey: %(event)s")


@dataclass
class Attendance:
    registration: Registration
    tracks: list[Track] = field(default_factory=list)


def attended_tracks(session: Session, registration: Registration) -> list[Track]:
    """The tracks a person attended: their confirmed choices and any room they were checked in at,
    in the event's order."""
    chosen = {c.track_id for c in registration.choices if c.status is RegistrationStatus.CONFIRMED}
    rooms = set(session.scalars(
        select(CheckIn.track_id).where(
            CheckIn.registration_id == registration.id, CheckIn.track_id.is_not(None), CheckIn.undone_at.is_(None)
        )
    ))
    rooms |= set(session.scalars(
        select(RemoteJoin.track_id).where(
            RemoteJoin.registration_id == registration.id, RemoteJoin.track_id.is_not(None),
            RemoteJoin.undone_at.is_(None),
        )
    ))
    return [track for track in registration.event.tracks if track.id in chosen | rooms]


def attended_registrations(session: Session, event: Event) -> list[Attendance]:
    """Those who attended `event`, each with the tracks they attended.

    In person: a confirmed registration with an active (not undone) check-in, at the door or at a
    room; its tracks are its confirmed choices and the rooms it was checked in at.
    Remote: a confirmed registration that joined by its join link (/join/<token>) or was marked
    present by an organiser, not undone; its tracks are its confirmed choices and the tracks whose
    own meetings it joined.
    """
    checked_in = exists().where(CheckIn.registration_id == Registration.id, CheckIn.undone_at.is_(None))
    joined = exists().where(RemoteJoin.registration_id == Registration.id, RemoteJoin.undone_at.is_(None))
    registrations = session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED,
            Registration.anonymised_at.is_(None), or_(checked_in, joined),
        )
        .options(selectinload(Registration.choices))
        .order_by(Registration.id)
    ).all()
    rooms: dict[int, set[int]] = {}
    for registration_id, track_id in session.execute(
        select(CheckIn.registration_id, CheckIn.track_id)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(Registration.event_id == event.id, CheckIn.track_id.is_not(None), CheckIn.undone_at.is_(None))
    ):
        rooms.setdefault(registration_id, set()).add(track_id)
    for registration_id, track_id in session.execute(
        select(RemoteJoin.registration_id, RemoteJoin.track_id)
        .join(Registration, Registration.id == RemoteJoin.registration_id)
        .where(Registration.event_id == event.id, RemoteJoin.track_id.is_not(None), RemoteJoin.undone_at.is_(None))
    ):
        rooms.setdefault(registration_id, set()).add(track_id)
    attendances = []
    for registration in registrations:
        ids = {c.track_id for c in registration.choices if c.status is RegistrationStatus.CONFIRMED}
        ids |= rooms.get(registration.id, set())
        attendances.append(Attendance(registration, [track for track in event.tracks if track.id in ids]))
    return attendances


def send_moment(event: Event, send_hour: int = DEFAULT_SEND_HOUR) -> datetime:
    """The day after the event ends, at `send_hour` in Riga."""
    day = to_riga(event.ends_at).date() + timedelta(days=1)
    return riga_datetime_from_local(day, time(send_hour))


def closes_at(event: Event) -> datetime:
    return event.ends_at + timedelta(days=OPEN_DAYS)


def is_open(event: Event, now: datetime) -> bool:
    return event.status is EventStatus.PUBLISHED and event.ends_at <= now < closes_at(event)


def due_events(session: Session, now: datetime, send_hour: int = DEFAULT_SEND_HOUR) -> list[Event]:
    """Published events whose survey should go out now: past their send moment, still open."""
    recent = session.scalars(
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at <= now,
               Event.ends_at > now - timedelta(days=OPEN_DAYS))
        .order_by(Event.ends_at, Event.id)
    )
    return [event for event in recent if send_moment(event, send_hour) <= now < closes_at(event)]


@dataclass
class FeedbackReport:
    events: int = 0
    sent: int = 0


def _claim(session: Session, registration: Registration, now: datetime) -> str | None:
    """Record the invitation; its token, or None when the registration already has one."""
    insert = (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert
    token = secrets.token_urlsafe(32)
    statement = (
        insert(FeedbackInvitation)
        .values(registration_id=registration.id, event_id=registration.event_id, token=token, sent_at=now)
        .on_conflict_do_nothing(index_elements=["registration_id"])
        .returning(FeedbackInvitation.id)
    )
    return token if session.execute(statement).first() is not None else None


def invite_attendees(session: Session, event: Event, now: datetime) -> int:
    """Queue the survey mail to each attendee of `event` not invited yet; how many were."""
    sent = 0
    for attendance in attended_registrations(session, event):
        registration = attendance.registration
        token = _claim(session, registration, now)
        if token is None:
            continue
        compose.queue_mail(
            session, "feedback_request", registration.email, registration.language,
            {"event": event, "registration": registration, "tracks": attendance.tracks,
             "link": public_url("feedback.survey", token=token), "closes_at": closes_at(event)},
            registration, template="feedback_request", subject=SUBJECT,
        )
        sent += 1
    return sent


def send_feedback_requests(session: Session, now: datetime, send_hour: int = DEFAULT_SEND_HOUR) -> FeedbackReport:
    """Run daily (or hourly): the survey of every event that ended yesterday or earlier and is still open."""
    report = FeedbackReport()
    for event in due_events(session, now, send_hour):
        report.events += 1
        report.sent += invite_attendees(session, event, now)
    return report
