"""Daily reminders about coverage: organisers get a summary, institutions a reminder of open requests.

Each reminder is recorded when it is queued, so that running the command again sends nothing twice.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...formatting import to_riga
from ...models import DelegationRequest, DelegationStatus, Event, EventStatus, SentReminder, User, UserRole
from ...urls import public_url
from ..mail import compose
from . import delegation, track_coverage

SUMMARY_AHEAD = timedelta(days=14)
REQUEST_REMINDERS = ((timedelta(days=2), "2d"), (timedelta(days=7), "7d"))  # the nearest first


def _first_time(session: Session, kind: str, key: str) -> bool:
    """Record the reminder; False when it was already sent."""
    insert = (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert
    statement = insert(SentReminder).values(kind=kind, key=key).on_conflict_do_nothing().returning(SentReminder.id)
    return session.execute(statement).first() is not None


@dataclass
class ReminderReport:
    summaries: int = 0
    institutions: int = 0


def send_reminders(session: Session, now: datetime) -> ReminderReport:
    report = ReminderReport()
    delegation.expire_requests(session, now)
    soon = list(
        session.scalars(
            select(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.starts_at > now, Event.starts_at <= now + SUMMARY_AHEAD)
            .order_by(Event.starts_at)
        )
    )
    needing = []
    for event in soon:
        tracks = [e for e in track_coverage.event_coverage(session, event, now)
                  if e.state in (track_coverage.Coverage.UNCOVERED, track_coverage.Coverage.AT_RISK)]
        if tracks:
            needing.append((event, tracks, public_url("admin.coverage_board", slug=event.slug)))
    if needing:
        day = to_riga(now).date().isoformat()
        organisers = session.scalars(
            select(User).where(User.active.is_(True), User.role.in_([UserRole.ADMIN, UserRole.ORGANISER]))
        )
        for user in organisers:
            if _first_time(session, "coverage_summary", f"{user.id}:{day}"):
                compose.queue_mail(session, "coverage_summary", user.email, "lv", {"events": needing, "user": user})
                report.summaries += 1

    open_requests = session.scalars(
        select(DelegationRequest).where(DelegationRequest.status == DelegationStatus.SENT, DelegationRequest.deadline_at > now)
    )
    for delegation_request in open_requests:
        left = delegation_request.track.event.starts_at - now
        due = next((label for limit, label in REQUEST_REMINDERS if left <= limit), None)
        if due and _first_time(session, "delegation_reminder", f"{delegation_request.id}:{due}"):
            delegation.queue_request_mail(session, delegation_request, "delegation_reminder")
            report.institutions += 1
    return report
