"""Who took part in a meeting, as its protocol lists them.

Presence comes from the same records as everywhere else: a check-in at the door (in person) or a
remote join by the person's link (remotely), or either marked by the protocol keeper at the
table. Someone both checked in and joined remotely counts as in person. The people present are
then split as the protocol needs them: the members present (each in person or remotely), the
other participants (invited speakers, guests), the members absent, the chair and the keeper.
"""
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ...models import (
    AttendanceMode,
    CheckIn,
    Event,
    GroupMember,
    MeetingAnswer,
    MemberRole,
    Protocol,
    Registration,
    RegistrationStatus,
    RemoteJoin,
    Sector,
    User,
)
from ..accounts import audit
from ..checkin.walk_in import placeholder_email
from ..exceptions import DomainError
from ..registration.lifecycle import new_secret, normalise_email
from ..remote import joins
from .meetings import MEMBER_CONSENT_VERSION
from .members import holder, visible


@dataclass
class Attendee:
    name: str
    organisation: str = ""
    position: str = ""
    remote: bool = False
    registration: Registration | None = None
    member: GroupMember | None = None


@dataclass
class Attendance:
    chair: Attendee | None
    keeper: Attendee | None
    members_present: list[Attendee] = field(default_factory=list)
    others_present: list[Attendee] = field(default_factory=list)
    members_absent: list[Attendee] = field(default_factory=list)


def present(session: Session, event: Event) -> dict[int, bool]:
    """The ids of the registrations present at the meeting, each with whether only remotely."""
    in_person = set(session.scalars(
        select(CheckIn.registration_id).join(Registration, Registration.id == CheckIn.registration_id)
        .where(Registration.event_id == event.id, CheckIn.undone_at.is_(None))
    ))
    remote = joins.present_remotely(session, event)
    return {registration_id: registration_id not in in_person for registration_id in in_person | remote}


def meeting_members(session: Session, event: Event) -> dict[GroupMember, Registration | None]:
    """The members the meeting is about, with their registrations: those invited to it, and those
    who were members while it took place."""
    group = event.working_group
    if group is None:
        return {}
    # The meeting's registrations and the group's members first: the answers then find theirs loaded.
    registrations = {r.email: r for r in session.scalars(select(Registration).where(Registration.event_id == event.id))}
    members = group.members
    found: dict[GroupMember, Registration | None] = {}
    for answer in session.scalars(select(MeetingAnswer).where(MeetingAnswer.event_id == event.id)):
        found[answer.member] = answer.registration
    for member in members:
        was_member = member.joined_at <= event.ends_at and (member.left_at is None or member.left_at > event.starts_at)
        if member not in found and was_member:
            found[member] = None
    for member, registration in found.items():
        if registration is None:
            found[member] = registrations.get(member.email)
    return found


def _attendee(member: GroupMember | None, registration: Registration | None, remote: bool = False) -> Attendee:
    if member is not None:
        return Attendee(member.full_name, member.organisation_display, member.position, remote, registration, member)
    return Attendee(registration.full_name, registration.organisation_display, registration.position, remote,
                    registration, None)


def attendance(session: Session, event: Event) -> Attendance:
    here = present(session, event)
    members = meeting_members(session, event)
    protocol = session.scalar(select(Protocol).where(Protocol.event_id == event.id))
    group = event.working_group
    chair = (protocol.chair if protocol and protocol.chair else None) or (holder(group, MemberRole.CHAIR) if group else None)
    keeper = (protocol.keeper if protocol and protocol.keeper else None) or (holder(group, MemberRole.KEEPER) if group else None)

    result = Attendance(chair=None, keeper=None)
    member_registrations = set()
    for member, registration in sorted(members.items(), key=lambda pair: (pair[0].full_name, pair[0].id)):
        if registration is not None:
            member_registrations.add(registration.id)
        if registration is not None and registration.id in here:
            result.members_present.append(_attendee(member, registration, here[registration.id]))
        else:
            result.members_absent.append(_attendee(member, registration))
    by_member = {a.member.id: a for a in result.members_present + result.members_absent}
    result.chair = by_member.get(chair.id) if chair else None
    result.keeper = by_member.get(keeper.id) if keeper else None
    if chair is not None and result.chair is None:
        result.chair = _attendee(chair, None)
    if keeper is not None and result.keeper is None:
        result.keeper = _attendee(keeper, None)
    others = [rid for rid in here if rid not in member_registrations]
    if others:
        people = session.scalars(select(Registration).where(Registration.id.in_(others)))
        result.others_present = sorted((_attendee(None, r, here[r.id]) for r in people),
                                       key=lambda a: (a.name, a.registration.id))
    return result


def _own(event: Event, registration: Registration) -> None:
    if registration.event_id != event.id:
        raise DomainError(_l("This person is not registered for this meeting."))
    if registration.status is RegistrationStatus.WAITLISTED:
        raise DomainError(_l("On the waiting list: no confirmed seat."))


def mark_present(
    session: Session, actor: User | None, event: Event, registration: Registration, remote: bool, now: datetime,
) -> None:
    """The keeper marks someone present at the table, in person or remotely (a member who said
    they could not come and came after all is confirmed again)."""
    _own(event, registration)
    if now < joins.join_window(event)[0]:
        raise DomainError(_l("The meeting has not opened yet."))
    if registration.status is RegistrationStatus.CANCELLED:
        registration.status, registration.cancelled_at = RegistrationStatus.CONFIRMED, None
    if remote:
        if not event.remote_allowed:
            raise DomainError(_l("This event can only be attended in person."))
        registration.attendance_mode = AttendanceMode.REMOTE
        session.flush()
        joins.mark_present(session, registration, None, actor, now)
        return
    checked_in = session.scalar(select(CheckIn.id).where(
        CheckIn.registration_id == registration.id, CheckIn.undone_at.is_(None)).limit(1))
    if checked_in is None:
        session.execute(insert(CheckIn).values(
            registration_id=registration.id, track_id=None, scan_id=f"table-{secrets.token_urlsafe(12)}",
            scanned_at=now, recorded_at=now, by_user_id=actor.id if actor else None,
        ))
        audit.record(session, actor, "working_group.mark_present", registration, event)
    session.flush()


def unmark_present(session: Session, actor: User | None, event: Event, registration: Registration, now: datetime) -> None:
    """Undo the person's presence, in person and remote; the records stay, undone."""
    _own(event, registration)
    undone = 0
    for row in session.scalars(select(CheckIn).where(CheckIn.registration_id == registration.id,
                                                     CheckIn.undone_at.is_(None))):
        row.undone_at, row.undone_by_id = now, actor.id if actor else None
        undone += 1
    joined = session.scalar(select(RemoteJoin.id).where(RemoteJoin.registration_id == registration.id,
                                                        RemoteJoin.undone_at.is_(None)).limit(1))
    if joined is not None:
        joins.unmark_everywhere(session, registration, actor, now)
    elif not undone:
        raise DomainError(_l("This person is not recorded as present."))
    session.flush()
    audit.record(session, actor, "working_group.unmark_present", registration, event)


def add_guest(
    session: Session, actor: User | None, event: Event, full_name: str, now: datetime, *,
    organisation_name: str = "", position: str = "", email: str = "", sector: Sector = Sector.OTHER,
    remote: bool = False,
) -> Registration:
    """Register an invited speaker or guest for the meeting, without the seat rules (no mail)."""
    full_name = visible(full_name)
    if not full_name:
        raise DomainError(_l("Give the guest's name."), "full_name")
    if not email.strip():
        # Without an address only the name tells people apart: the same name twice is one guest.
        same = session.scalars(select(Registration.full_name).where(
            Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED))
        known = next((name for name in same if visible(name).casefold() == full_name.casefold()), None)
        if known is not None:
            raise DomainError(_l("%(name)s is already registered for this meeting.", name=known), "full_name")
    email = normalise_email(email) or placeholder_email()
    if session.scalar(select(Registration.id).where(Registration.event_id == event.id, Registration.email == email)):
        raise DomainError(_l("This address is already registered for this meeting."), "email")
    registration = Registration(
        event=event, status=RegistrationStatus.CONFIRMED,
        attendance_mode=AttendanceMode.REMOTE if remote else AttendanceMode.IN_PERSON,
        full_name=full_name.strip(), email=email, organisation_name=" ".join(organisation_name.split()),
        sector=sector, position=position.strip(), consent_data_at=now, consent_wording_version=MEMBER_CONSENT_VERSION,
        secret=new_secret(), badge_secret=new_secret(), created_at=now, updated_at=now,
    )
    session.add(registration)
    session.flush()
    audit.record(session, actor, "working_group.add_guest", registration, event)
    return registration
