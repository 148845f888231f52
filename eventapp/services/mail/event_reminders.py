"""Reminders before an event: to everyone registered, once, `REMINDER_HOURS_BEFORE` its start.

Seated and remote participants get the time, the place with its map link or their remote
link, their badge and the calendar invite; people still waiting get a note of their place.
The periodic command (`send-reminders`) sends what is due. An event's reminder is recorded
(`SentReminder`, kind `event_reminder`, key the event's id) in the same transaction as its
messages, so that running the command again, or two at once, sends nothing twice; whoever
registers after it went out reads the same in their confirmation and gets none. Cancelled
and draft events get none, and neither does an event that has already begun.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from ...models import (
    AttendanceMode,
    Event,
    EventStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    SentReminder,
    Track,
    TrackChoice,
)
from ...urls import public_url
from .. import place
from ..registration import lifecycle, seat_allocation
from . import compose

KIND = "event_reminder"
DEFAULT_HOURS_BEFORE = 48
SUBJECT_SEATED = _l("Reminder: %(event)s")
SUBJECT_WAITING = _l("Your place on the waiting list: %(event)s")


def hours_before(config) -> int:
    return int(config.get("REMINDER_HOURS_BEFORE", DEFAULT_HOURS_BEFORE))


def due_at(event: Event, hours: int) -> datetime:
    return event.starts_at - timedelta(hours=hours)


@dataclass(frozen=True)
class ReminderStatus:
    """What the event page says about the reminder: when it is planned, or when it went and to how many."""

    due_at: datetime
    sent_at: datetime | None
    sent_to: int
    # No reminder will go: the event is cancelled or a draft, or it began before one went.
    none: bool


def reminder_status(session: Session, event: Event, hours: int, now: datetime) -> ReminderStatus:
    sent = session.scalar(select(SentReminder).where(SentReminder.kind == KIND, SentReminder.key == _key(event)))
    sent_to = 0
    if sent is not None:
        sent_to = session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.event_id == event.id, OutboxMessage.kind == KIND)
        )
    none = sent is None and (event.status is not EventStatus.PUBLISHED or event.starts_at <= now)
    return ReminderStatus(due_at(event, hours), sent.sent_at if sent else None, sent_to, none)


@dataclass
class EventRemindersReport:
    events: int = 0
    messages: int = 0


def send_event_reminders(session: Session, now: datetime, hours: int = DEFAULT_HOURS_BEFORE) -> EventRemindersReport:
    """Queue the reminders that are due: published events starting within `hours` from now."""
    report = EventRemindersReport()
    events = session.scalars(
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.starts_at > now, Event.starts_at <= now + timedelta(hours=hours))
        .order_by(Event.starts_at, Event.id)
    ).all()
    for event in events:
        if not _first_time(session, event, now):
            continue
        report.events += 1
        report.messages += remind_event(session, event, now)
    return report


def _key(event: Event) -> str:
    return str(event.id)


def _first_time(session: Session, event: Event, now: datetime) -> bool:
    """Record the event's reminder; False when it was already sent (or is being sent by another run)."""
    insert = (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert
    statement = (
        insert(SentReminder).values(kind=KIND, key=_key(event), sent_at=now)
        .on_conflict_do_nothing().returning(SentReminder.id)
    )
    return session.execute(statement).first() is not None


def remind_event(session: Session, event: Event, now: datetime) -> int:
    """One reminder per person registered now (cancelled and erased ones apart); returns how many.

    The people, their tracks and places in the queues are read in a fixed number of queries."""
    people = session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.CANCELLED,
            Registration.anonymised_at.is_(None),
        )
        .options(
            selectinload(Registration.choices).selectinload(TrackChoice.track).selectinload(Track.slot),
            selectinload(Registration.organisation),
        )
        .order_by(Registration.id)
    ).all()
    queues = seat_allocation.queue_positions(session, event)
    map_link = place.map_link(event)
    for person in people:
        message = queue_reminder(session, person, lifecycle.registration_details(session, person, queues), map_link)
        message.next_attempt_at = now
    return len(people)


def queue_reminder(session: Session, registration: Registration, details: dict, map_link: str | None) -> OutboxMessage:
    """The reminder to one person: what they need on the day, or their place on the waiting list."""
    seated = registration.status is RegistrationStatus.CONFIRMED
    # A seated person's reminder carries what their confirmation did: the invite, and the badge
    # when they come in person.
    attachments = compose.registration_attachments("confirmation", registration) if seated else []
    context = {
        "event": registration.event,
        "registration": registration,
        "seated": seated,
        "remote": registration.attendance_mode is AttendanceMode.REMOTE,
        "map_link": map_link,
        "attached_invite": "REQUEST" if seated else None,
        "attached_badge": any(file.filename == compose.BADGE_FILENAME for file in attachments),
        "manage_url": public_url("my_registration.show", token=registration.secret),
        "event_url": public_url("public.event", slug=registration.event.slug),
        **details,
    }
    return compose.queue_mail(
        session, KIND, registration.email, registration.language, context, registration,
        attachments=attachments, template="reminder", subject=SUBJECT_SEATED if seated else SUBJECT_WAITING,
    )
