"""The protocol of a working group meeting: filled by the keeper, approved, then read-only.

Per agenda item it says who reported and who spoke, both picked from the people present (their
registrations, checked against `attendance.present` when picked), the discussion, and numbered
decisions ("1.1", "1.2", "2.1": the item's number and the decision's own). A decision may be a
task for an organisation or a person, with a deadline. `protocol_document` gives what the PDF
and the DOCX draw (`documents.protocol_pdf`, `documents.protocol_docx`).

Every change takes the meeting's lock first (`seat_allocation.lock_event` on the protocol's event)
and checks the protocol's status after it (`_lock_editable`): two keepers at once take turns, a
decision's next number is counted under the lock, and once one approval has gone through nothing
changes the protocol any more (a second approval is refused like any other change).
"""
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...formatting import to_riga
from ...models import (
    AgendaItem,
    Decision,
    DecisionKind,
    EntryPerson,
    EntryRole,
    Event,
    EventKind,
    GroupMember,
    Organisation,
    Protocol,
    ProtocolEntry,
    ProtocolStatus,
    User,
    WorkingGroup,
)
from ..accounts import audit
from ..documents import calendar
from ..documents.protocol_layout import (
    ProtocolDecision,
    ProtocolDocument,
    ProtocolItem,
    ProtocolPerson,
)
from ..exceptions import DomainError
from ..registration.seat_allocation import lock_event
from . import tasks
from .agenda import items_of
from .attendance import Attendee, attendance, present

COUNCIL = {"lv": "Memoranda padome", "en": "Memorandum Council"}


@dataclass
class DecisionData:
    text: str
    kind: DecisionKind = DecisionKind.DECISION
    # The directory's organisation, by id or by name ("Latvijas Pilsoniskā alianse" finds
    # 'biedrība "Latvijas Pilsoniskā alianse"'); otherwise `owner_name` as typed (a person, say).
    owner_organisation_id: int | None = None
    owner_name: str = ""
    deadline: date | None = None
    linked_event_id: int | None = None


def protocol_of(session: Session, event: Event) -> Protocol | None:
    return session.scalar(select(Protocol).where(Protocol.event_id == event.id))


def _editable(protocol: Protocol) -> None:
    if protocol.status is ProtocolStatus.APPROVED:
        raise DomainError(_l("The protocol is approved and can no longer be changed."))


def _lock_editable(session: Session, protocol: Protocol) -> None:
    """Take the meeting's lock, then read the protocol's status again: refused once approved."""
    lock_event(session, protocol.event_id)
    session.scalars(select(Protocol).where(Protocol.id == protocol.id)
                    .execution_options(populate_existing=True)).one()
    _editable(protocol)


def _decisions_of(session: Session, entry: ProtocolEntry) -> list[Decision]:
    """The entry's decisions as they are now (read after the lock), in their order."""
    found = list(session.scalars(select(Decision).where(Decision.entry_id == entry.id)
                                 .order_by(Decision.position, Decision.id).execution_options(populate_existing=True)))
    session.expire(entry, ["decisions"])
    return found


def default_number(session: Session, event: Event) -> str:
    """The meeting's number in its group's year: the first meeting of the year is "1"."""
    year = to_riga(event.starts_at).year
    starts = [to_riga(s) for s in session.scalars(
        select(Event.starts_at).where(Event.working_group_id == event.working_group_id, Event.starts_at <= event.starts_at)
    )]
    return str(sum(1 for moment in starts if moment.year == year))


def start_protocol(session: Session, actor: User | None, event: Event, now: datetime, number: str = "") -> Protocol:
    """The meeting's protocol, made as a draft the first time (with an entry per agenda item)."""
    if event.working_group is None:
        raise DomainError(_l("This meeting belongs to no working group."))
    lock_event(session, event.id)
    protocol = session.scalars(select(Protocol).where(Protocol.event_id == event.id)
                               .execution_options(populate_existing=True)).first()
    if protocol is None:
        protocol = Protocol(event=event, number=number.strip() or default_number(session, event),
                            status=ProtocolStatus.DRAFT, created_at=now, updated_at=now)
        session.add(protocol)
        session.flush()
        audit.record(session, actor, "protocol.start", protocol, event)
    if protocol.status is ProtocolStatus.DRAFT:
        have = {entry.agenda_item_id for entry in protocol.entries}
        for item in items_of(session, event):
            if item.id not in have:
                protocol.entries.append(ProtocolEntry(agenda_item=item))
        session.flush()
    return protocol


def set_details(
    session: Session, actor: User | None, protocol: Protocol, now: datetime, *, number: str | None = None,
    chair: GroupMember | None = None, keeper: GroupMember | None = None, closed_at: datetime | None = None,
) -> None:
    """The protocol's number, its chair and keeper for this meeting, and when the meeting closed."""
    _lock_editable(session, protocol)
    group_id = protocol.event.working_group_id
    for member in (chair, keeper):
        if member is not None and member.group_id != group_id:
            raise DomainError(_l("This person is not a member of the group."))
    if number is not None:
        if not number.strip():
            raise DomainError(_l("Give the protocol a number."), "number")
        protocol.number = number.strip()
    if chair is not None:
        protocol.chair = chair
    if keeper is not None:
        protocol.keeper = keeper
    if closed_at is not None:
        if closed_at < protocol.event.starts_at:
            raise DomainError(_l("The meeting cannot close before it starts."), "closed_at")
        protocol.closed_at = closed_at
    protocol.updated_at = now
    session.flush()
    audit.record(session, actor, "protocol.details", protocol, protocol.event)


def entry_for(session: Session, protocol: Protocol, item: AgendaItem) -> ProtocolEntry:
    if item.event_id != protocol.event_id:
        raise DomainError(_l("This agenda item is not part of this meeting."))
    entry = next((e for e in protocol.entries if e.agenda_item_id == item.id), None)
    if entry is None:
        _lock_editable(session, protocol)
        session.expire(protocol, ["entries"])
        entry = next((e for e in protocol.entries if e.agenda_item_id == item.id), None)
    if entry is None:
        entry = ProtocolEntry(agenda_item=item)
        protocol.entries.append(entry)
        session.flush()
    return entry


def fill_entry(
    session: Session, actor: User | None, protocol: Protocol, item: AgendaItem, now: datetime, *,
    reporter_ids: list[int], speaker_ids: list[int], discussion: str = "",
) -> ProtocolEntry:
    """What the protocol says about an agenda item: who reported and who spoke (registration ids of
    people present, in the order given) and the discussion."""
    _lock_editable(session, protocol)
    here = present(session, protocol.event)
    for registration_id in list(reporter_ids) + list(speaker_ids):
        if registration_id not in here:
            raise DomainError(_l("Only people present at the meeting can be named as reporting or speaking."),
                              "speakers")
    entry = entry_for(session, protocol, item)
    people = [(EntryRole.REPORTED, rid) for rid in dict.fromkeys(reporter_ids)]
    people += [(EntryRole.SPOKE, rid) for rid in dict.fromkeys(speaker_ids)]
    entry.people = [EntryPerson(registration_id=rid, role=role, position=n) for n, (role, rid) in enumerate(people, 1)]
    entry.discussion = discussion.strip()
    protocol.updated_at = now
    session.flush()
    audit.record(session, actor, "protocol.fill", entry, protocol.event, agenda_item_id=item.id)
    return entry


def _find_owner(session: Session, name: str) -> Organisation | None:
    name = " ".join(name.split())
    if not name:
        return None
    exact = session.scalar(select(Organisation).where(Organisation.name == name))
    if exact is not None:
        return exact
    quoted = session.scalars(select(Organisation).where(Organisation.name.like(f'%"{name}"'))).all()
    return quoted[0] if len(quoted) == 1 else None


def _apply(session: Session, decision: Decision, data: DecisionData, event: Event) -> None:
    if not data.text.strip():
        raise DomainError(_l("Write the decision."), "text")
    if data.deadline is not None and data.deadline < to_riga(event.starts_at).date():
        raise DomainError(_l("The deadline cannot be before the meeting."), "deadline")
    organisation = (session.get(Organisation, data.owner_organisation_id) if data.owner_organisation_id
                    else _find_owner(session, data.owner_name))
    if data.kind is DecisionKind.TASK and organisation is None and not data.owner_name.strip():
        raise DomainError(_l("A task needs an owner: an organisation or a person."), "owner_name")
    decision.text, decision.kind, decision.deadline = data.text.strip(), data.kind, data.deadline
    decision.owner_organisation = organisation
    decision.owner_organisation_id = organisation.id if organisation else None
    decision.owner_name = "" if organisation else " ".join(data.owner_name.split())
    linked = session.get(Event, data.linked_event_id) if data.linked_event_id is not None else None
    if linked is not None and linked.kind is not EventKind.COUNCIL_SESSION:
        raise DomainError(_l("Choose a session of the council."), "linked_event_id")
    decision.linked_event = linked
    decision.linked_event_id = linked.id if linked else None


def add_decision(session: Session, actor: User | None, entry: ProtocolEntry, data: DecisionData, now: datetime) -> Decision:
    """A decision at the end of the item's list: its number is the next one ("2.3"), counted under
    the meeting's lock."""
    _lock_editable(session, entry.protocol)
    position = (session.scalar(select(func.max(Decision.position)).where(Decision.entry_id == entry.id)) or 0) + 1
    decision = Decision(position=position, created_at=now)
    _apply(session, decision, data, entry.protocol.event)
    decision.entry = entry
    session.add(decision)
    session.flush()
    audit.record(session, actor, "protocol.decision_add", decision, entry.protocol.event)
    return decision


def add_item_decision(
    session: Session, actor: User | None, protocol: Protocol, item: AgendaItem, data: DecisionData, now: datetime,
) -> Decision:
    """`add_decision` to the protocol's entry of the agenda item (made when it has none yet)."""
    return add_decision(session, actor, entry_for(session, protocol, item), data, now)


def update_decision(session: Session, actor: User | None, decision: Decision, data: DecisionData, now: datetime) -> None:
    _lock_editable(session, decision.entry.protocol)
    _apply(session, decision, data, decision.entry.protocol.event)
    session.flush()
    audit.record(session, actor, "protocol.decision_update", decision, decision.entry.protocol.event)


def remove_decision(session: Session, actor: User | None, decision: Decision, now: datetime) -> None:
    """Take a decision out; the ones after it move up a number. One removed a moment ago by
    someone else is left as it is."""
    entry = decision.entry
    _lock_editable(session, entry.protocol)
    found = _decisions_of(session, entry)
    if decision not in found:
        return
    audit.record(session, actor, "protocol.decision_remove", decision, entry.protocol.event)
    session.delete(decision)
    session.flush()
    for position, other in enumerate((d for d in found if d is not decision), start=1):
        other.position = position
    session.flush()
    session.expire(entry, ["decisions"])


def approve(session: Session, actor: User | None, protocol: Protocol, now: datetime) -> None:
    """Approve the protocol: from now on it is read-only, and published on the group's page. Of
    approvals at the same moment the first goes through; the others are refused."""
    _lock_editable(session, protocol)
    if not protocol.entries:
        raise DomainError(_l("A protocol needs at least one agenda item before it is approved."))
    if now < protocol.event.starts_at:
        raise DomainError(_l("The meeting has not taken place yet."))
    protocol.status, protocol.approved_at = ProtocolStatus.APPROVED, now
    protocol.approved_by_id = actor.id if actor else None
    session.flush()
    audit.record(session, actor, "protocol.approve", protocol, protocol.event)


def published_protocols(session: Session, group: WorkingGroup) -> list[Protocol]:
    """The group's approved protocols, newest meeting first."""
    return list(session.scalars(
        select(Protocol).join(Event, Event.id == Protocol.event_id)
        .where(Event.working_group_id == group.id, Protocol.status == ProtocolStatus.APPROVED)
        .order_by(Event.starts_at.desc(), Protocol.id.desc())
    ))


# --- the document ------------------------------------------------------------------------------

def remote_platform(event: Event) -> str:
    """'Zoom', 'Microsoft Teams', or the meeting address's host; '' when there is no remote meeting."""
    if not event.remote_allowed:
        return ""
    host = (urlsplit(event.remote_link).hostname or "") if event.remote_link else ""
    for known, name in (("zoom", "Zoom"), ("teams", "Microsoft Teams"), ("meet.google", "Google Meet")):
        if known in host:
            return name
    return host.removeprefix("www.")


def meeting_place(event: Event) -> str:
    """Venue, address and city, the venue once when the address already names it."""
    if event.venue and event.venue in event.address:
        return calendar.place("", event.address, event.city)
    return calendar.event_place(event)


def _person(attendee: Attendee | None) -> ProtocolPerson | None:
    if attendee is None:
        return None
    return ProtocolPerson(attendee.name, attendee.organisation, attendee.position, attendee.remote)


def _decision(decision: Decision) -> ProtocolDecision:
    return ProtocolDecision(decision.number, decision.text, decision.owner if decision.is_task else "", decision.deadline)


def protocol_document(session: Session, event: Event, language: str = "lv") -> ProtocolDocument:
    """What the meeting's protocol says, for the PDF and the DOCX (a draft until approved)."""
    protocol = protocol_of(session, event)
    if protocol is None:
        raise DomainError(_l("This meeting has no protocol yet."))
    who = attendance(session, event)
    by_registration = {a.registration.id: a for a in who.members_present + who.others_present}

    def people(entry: ProtocolEntry, role: EntryRole) -> list[ProtocolPerson]:
        return [_person(by_registration.get(p.registration_id)) or ProtocolPerson(p.registration.full_name)
                for p in entry.people if p.role is role]

    entries = sorted(protocol.entries, key=lambda e: e.agenda_item.position)
    items = [ProtocolItem(
        number=entry.agenda_item.position, title=entry.agenda_item.local("title", language),
        reporters=people(entry, EntryRole.REPORTED), speakers=people(entry, EntryRole.SPOKE),
        discussion=entry.discussion, decisions=[_decision(d) for d in entry.decisions],
    ) for entry in entries]
    group = event.working_group
    return ProtocolDocument(
        council=COUNCIL.get(language, COUNCIL["lv"]), group_name=group.local("name", language), number=protocol.number,
        starts_at=event.starts_at, ends_at=protocol.closed_at or event.ends_at,
        place=meeting_place(event), remote_platform=remote_platform(event),
        chair=_person(who.chair), keeper=_person(who.keeper),
        members_present=[_person(a) for a in who.members_present],
        others_present=[_person(a) for a in who.others_present],
        members_absent=[_person(a) for a in who.members_absent],
        items=items,
        open_tasks=[_decision(d) for d in tasks.open_tasks(session, group, before=event.starts_at)],
        approved=protocol.status is ProtocolStatus.APPROVED, language=language,
    )
