"""Tasks a protocol gives: open until marked done, listed on the group's next meeting's agenda and
on the dashboard; a decision to bring a draft decision to the council names that session's event.

Marking a task done is follow-up, not a change of the protocol: it is allowed after approval.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, selectinload

from ...models import (
    AgendaItem,
    Decision,
    DecisionKind,
    Event,
    Protocol,
    ProtocolEntry,
    User,
    WorkingGroup,
)
from ..accounts import audit
from ..exceptions import DomainError


def _tasks_query():
    return (
        select(Decision)
        .join(ProtocolEntry, ProtocolEntry.id == Decision.entry_id)
        .join(AgendaItem, AgendaItem.id == ProtocolEntry.agenda_item_id)
        .join(Protocol, Protocol.id == ProtocolEntry.protocol_id)
        .join(Event, Event.id == Protocol.event_id)
        .where(Decision.kind == DecisionKind.TASK)
        # What the task lists and the dashboard show of each: its item, meeting, group, owner and session.
        .options(contains_eager(Decision.entry).contains_eager(ProtocolEntry.agenda_item),
                 contains_eager(Decision.entry).contains_eager(ProtocolEntry.protocol).contains_eager(Protocol.event)
                 .joinedload(Event.working_group),
                 selectinload(Decision.owner_organisation), selectinload(Decision.linked_event))
        .order_by(Event.starts_at, AgendaItem.position, Decision.position, Decision.id)
    )


def open_tasks(session: Session, group: WorkingGroup, before: datetime | None = None) -> list[Decision]:
    """The group's tasks not done yet, oldest meeting first; with `before`, only those of meetings
    that started before it (the agenda of a meeting lists what earlier ones left open)."""
    query = _tasks_query().where(Event.working_group_id == group.id, Decision.done_at.is_(None))
    if before is not None:
        query = query.where(Event.starts_at < before)
    return list(session.scalars(query))


def group_tasks(session: Session, group: WorkingGroup) -> list[Decision]:
    """All the group's tasks, done or not."""
    return list(session.scalars(_tasks_query().where(Event.working_group_id == group.id)))


def open_tasks_everywhere(session: Session) -> list[Decision]:
    """Every group's open tasks, for the dashboard."""
    return list(session.scalars(
        _tasks_query().where(Event.working_group_id.is_not(None), Decision.done_at.is_(None))
    ))


def meeting_of(decision: Decision) -> Event:
    return decision.entry.protocol.event


def _task(decision: Decision) -> Decision:
    if decision.kind is not DecisionKind.TASK:
        raise DomainError(_l("Only a task can be marked done."))
    return decision


def mark_done(session: Session, actor: User | None, decision: Decision, now: datetime) -> None:
    """Mark the task done; again changes nothing."""
    if _task(decision).done_at is not None:
        return
    decision.done_at, decision.done_by_id = now, actor.id if actor else None
    session.flush()
    audit.record(session, actor, "task.done", decision, meeting_of(decision))


def reopen(session: Session, actor: User | None, decision: Decision, now: datetime) -> None:
    if _task(decision).done_at is None:
        return
    decision.done_at = decision.done_by_id = None
    session.flush()
    audit.record(session, actor, "task.reopen", decision, meeting_of(decision))


def decisions_for_session(session: Session, council_session: Event) -> list[Decision]:
    """The working groups' decisions brought to this council session."""
    return list(session.scalars(
        select(Decision).where(Decision.linked_event_id == council_session.id).order_by(Decision.id)
    ))
