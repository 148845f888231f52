"""Personal data kept only as long as needed: registrations of past events are anonymised.

What stays is what the reports count: sector, organisation, attendance mode, status, tracks
and check-ins. Names, addresses, positions, needs and the messages sent to the person go.
"""
import calendar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ...models import DelegationRequest, Event, EventKind, OutboxMessage, Registration, Slot, Track
from ..registration.lifecycle import anonymise
from . import audit

DEFAULT_RETENTION_MONTHS = 12


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months later (the last day of a shorter month)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def retention_months(config: dict, kind: EventKind) -> int:
    """RETENTION_MONTHS holds a number per event kind; kinds not named keep the default."""
    return int(config.get("RETENTION_MONTHS", {}).get(kind.value, DEFAULT_RETENTION_MONTHS))


@dataclass
class RetentionRow:
    event: Event
    keep_until: datetime
    waiting: int  # registrations still holding personal data
    anonymised: int
    last_anonymised_at: datetime | None

    def due(self, now: datetime) -> bool:
        return self.waiting > 0 and now >= self.keep_until


def retention_overview(session: Session, config: dict, now: datetime) -> list[RetentionRow]:
    """Every past event: until when its registrations are kept, and what has been done."""
    counts = {
        event_id: (waiting, anonymised, last)
        for event_id, waiting, anonymised, last in session.execute(
            select(
                Registration.event_id,
                func.count().filter(Registration.anonymised_at.is_(None)),
                func.count().filter(Registration.anonymised_at.is_not(None)),
                func.max(Registration.anonymised_at),
            ).group_by(Registration.event_id)
        )
    }
    rows = []
    for event in session.scalars(select(Event).where(Event.ends_at < now).order_by(Event.ends_at)):
        waiting, anonymised, last = counts.get(event.id, (0, 0, None))
        keep_until = _keep_until(config, event)
        rows.append(RetentionRow(event, keep_until, waiting, anonymised, last))
    return rows


def _keep_until(config: dict, event: Event) -> datetime:
    return add_months(event.ends_at, retention_months(config, event.kind))


def anonymise_due(session: Session, config: dict, now: datetime) -> list[tuple[Event, int]]:
    """Anonymise the registrations of every event past its retention; returns (event, how many)."""
    done = []
    for row in retention_overview(session, config, now):
        if not row.due(now):
            continue
        registrations = session.scalars(
            select(Registration).where(Registration.event_id == row.event.id, Registration.anonymised_at.is_(None))
        ).all()
        ids = [r.id for r in registrations]
        session.execute(delete(OutboxMessage).where(OutboxMessage.registration_id.in_(ids)))
        for registration in registrations:
            anonymise(registration, now)
        track_ids = select(Track.id).join(Slot).where(Slot.event_id == row.event.id)
        for delegation_request in session.scalars(select(DelegationRequest).where(DelegationRequest.track_id.in_(track_ids))):
            delegation_request.contact_email = ""
            delegation_request.message = ""
        audit.record(session, None, "event.anonymise", row.event, row.event, registrations=len(ids))
        done.append((row.event, len(ids)))
    session.flush()
    return done
