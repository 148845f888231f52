"""A meeting's agenda: numbered items, each with who reports and who is invited to it.

The items' titles (with their reporters) are also written into the event's own agenda lines, so
the event page and the calendar show them without knowing about working groups. A group's next
meeting's agenda lists its open tasks (`tasks.open_tasks`) until they are marked done. Once the
meeting's protocol is approved, its agenda no longer changes. Every change takes the meeting's
lock first (`seat_allocation.lock_event`), so that items added at the same moment get numbers one
after another and nothing changes once the protocol's approval has gone through.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...models import AgendaItem, AgendaSpeaker, Decision, Event, Protocol, ProtocolStatus, SpeakerRole, User
from ..accounts import audit
from ..exceptions import DomainError
from ..registration.seat_allocation import lock_event
from . import tasks


@dataclass
class SpeakerData:
    full_name: str
    organisation_name: str = ""
    member_id: int | None = None
    registration_id: int | None = None


@dataclass
class AgendaItemData:
    title_lv: str
    title_en: str = ""
    reporters: list[SpeakerData] = field(default_factory=list)
    guests: list[SpeakerData] = field(default_factory=list)


@dataclass
class MeetingAgenda:
    items: list[AgendaItem]
    open_tasks: list[Decision]  # the group's tasks from earlier meetings, not done yet


def items_of(session: Session, event: Event) -> list[AgendaItem]:
    return list(session.scalars(
        select(AgendaItem).where(AgendaItem.event_id == event.id).order_by(AgendaItem.position, AgendaItem.id)
        .options(selectinload(AgendaItem.speakers)).execution_options(populate_existing=True)
    ))


def meeting_agenda(session: Session, event: Event) -> MeetingAgenda:
    """What the meeting's page and its invitation show: the items, and the group's open tasks."""
    open_tasks = tasks.open_tasks(session, event.working_group, before=event.starts_at) if event.working_group else []
    return MeetingAgenda(items_of(session, event), open_tasks)


def _refuse_when_approved(session: Session, event: Event) -> None:
    """Take the meeting's lock, then refuse when its protocol is approved (read after the lock)."""
    lock_event(session, event.id)
    status = session.scalar(select(Protocol.status).where(Protocol.event_id == event.id))
    if status is ProtocolStatus.APPROVED:
        raise DomainError(_l("The protocol is approved: the agenda can no longer be changed."))


def _speakers(data: AgendaItemData) -> list[AgendaSpeaker]:
    people = [(SpeakerRole.REPORTER, s) for s in data.reporters] + [(SpeakerRole.GUEST, s) for s in data.guests]
    found = []
    for position, (role, speaker) in enumerate(people, start=1):
        if not speaker.full_name.strip():
            continue
        found.append(AgendaSpeaker(
            role=role, position=position, full_name=speaker.full_name.strip(),
            organisation_name=" ".join(speaker.organisation_name.split()),
            member_id=speaker.member_id, registration_id=speaker.registration_id,
        ))
    return found


def _check(data: AgendaItemData) -> None:
    if not data.title_lv.strip():
        raise DomainError(_l("Give the agenda item a title."), "title_lv")


def sync_event_agenda(session: Session, event: Event) -> None:
    """Write the items into the event's agenda lines ("Title (Name, Name)")."""
    def line(item: AgendaItem, locale: str) -> str:
        names = ", ".join(s.full_name for s in item.reporters)
        title = item.local("title", locale)
        return f"{title} ({names})" if names else title

    items = items_of(session, event)
    event.agenda_lv = "\n".join(line(item, "lv") for item in items)
    event.agenda_en = "\n".join(line(item, "en") for item in items) if any(i.title_en for i in items) else ""


def add_item(session: Session, actor: User | None, event: Event, data: AgendaItemData, now: datetime) -> AgendaItem:
    _check(data)
    _refuse_when_approved(session, event)
    position = len(items_of(session, event)) + 1
    item = AgendaItem(event=event, position=position, title_lv=data.title_lv.strip(), title_en=data.title_en.strip(),
                      created_at=now, speakers=_speakers(data))
    session.add(item)
    session.flush()
    sync_event_agenda(session, event)
    audit.record(session, actor, "agenda.add", item, event)
    return item


def update_item(session: Session, actor: User | None, item: AgendaItem, data: AgendaItemData, now: datetime) -> None:
    _check(data)
    _refuse_when_approved(session, item.event)
    item.title_lv, item.title_en = data.title_lv.strip(), data.title_en.strip()
    item.speakers = _speakers(data)
    session.flush()
    sync_event_agenda(session, item.event)
    audit.record(session, actor, "agenda.update", item, item.event)


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position


def remove_item(session: Session, actor: User | None, item: AgendaItem, now: datetime) -> None:
    """Take an item off the agenda (with what the draft protocol says about it); the rest are renumbered."""
    event = item.event
    _refuse_when_approved(session, event)
    audit.record(session, actor, "agenda.remove", item, event)
    session.delete(item)
    session.flush()
    _renumber(items_of(session, event))
    session.flush()
    sync_event_agenda(session, event)


def move_item(session: Session, actor: User | None, item: AgendaItem, position: int, now: datetime) -> None:
    """Put the item at `position` (1 is first); the decisions' numbers follow their items."""
    event = item.event
    _refuse_when_approved(session, event)
    items = [other for other in items_of(session, event) if other.id != item.id]
    position = max(1, min(position, len(items) + 1))
    items.insert(position - 1, item)
    _renumber(items)
    session.flush()
    sync_event_agenda(session, event)
    audit.record(session, actor, "agenda.move", item, event, position=position)
