"""What an address of the working group pages names, or 404 (403 for someone who may not act):
a group by its slug, a meeting by its event's slug, and the rows inside them, each looked up
within its group or meeting so that an id of another one is never found."""
from flask import abort
from sqlalchemy import select

from ...extensions import db
from ...forms import ConfirmForm
from ...models import AgendaItem, Decision, Event, GroupMember, Protocol, ProtocolEntry, WorkingGroup
from ...permissions import event_for, require
from ...services.working_groups import members

ACTION = "manage_working_groups"
# The largest id a row can have (a 32-bit integer); the database refuses to compare with more.
MAX_ID = 2**31 - 1


def known_id(value: int) -> int:
    """An id from an address, or 404 when no row can have it."""
    if not 0 < value <= MAX_ID:
        abort(404)
    return value


def group_for(slug: str) -> WorkingGroup:
    require(ACTION)
    group = members.group_by_slug(db.session, slug)
    if group is None:
        abort(404)
    return group


def meeting_for(slug: str) -> Event:
    """The meeting of a group at this address (an event that belongs to no group is not found)."""
    event = event_for(slug, ACTION)
    if event.working_group is None:
        abort(404)
    return event


def member_of(group: WorkingGroup, member_id: int) -> GroupMember:
    member = db.session.scalar(select(GroupMember).where(GroupMember.id == known_id(member_id), GroupMember.group_id == group.id))
    if member is None:
        abort(404)
    return member


def item_of(event: Event, item_id: int) -> AgendaItem:
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.id == known_id(item_id), AgendaItem.event_id == event.id))
    if item is None:
        abort(404)
    return item


def decision_of_meeting(event: Event, decision_id: int) -> Decision:
    decision = db.session.scalar(
        select(Decision).join(ProtocolEntry, ProtocolEntry.id == Decision.entry_id)
        .join(Protocol, Protocol.id == ProtocolEntry.protocol_id)
        .where(Decision.id == known_id(decision_id), Protocol.event_id == event.id)
    )
    if decision is None:
        abort(404)
    return decision


def decision_of_group(group: WorkingGroup, decision_id: int) -> Decision:
    decision = db.session.scalar(
        select(Decision).join(ProtocolEntry, ProtocolEntry.id == Decision.entry_id)
        .join(Protocol, Protocol.id == ProtocolEntry.protocol_id)
        .join(Event, Event.id == Protocol.event_id)
        .where(Decision.id == known_id(decision_id), Event.working_group_id == group.id)
    )
    if decision is None:
        abort(404)
    return decision


def confirmed() -> None:
    """A button's POST carries its CSRF token, or the request is refused (400)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
