"""Meetings of a working group, and inviting its members to them.

A meeting is an `Event` of kind `working_group_meeting` that names its group. Each invited member
becomes a confirmed `Registration` of it, made here without the seat rules (a standing member
always has a place), so that badges, check-in at the door and the personal remote join link all
work as for anyone else. `MeetingAnswer` ties the member to that registration and keeps their
answer; inviting again invites only those not invited yet.

The invitation carries the calendar invite and the member's one-click answer links ("in person",
"remotely", "cannot come"), which name the member's own secret and the meeting. Following one
is `answer_meeting`: it sets the registration's attendance mode, or cancels it; the same answer
twice changes nothing. A web page should ask for a POST before calling it (mail scanners open
links). A member who has left the group can no longer answer.

Everything that changes a meeting's invitations and answers first takes the meeting's lock (the
event's row, `seat_allocation.lock_event`) and reads what it checks after it: two clicks at the
same moment take turns, and the second sees what the first did.

A member who leaves (`remove_member`) has their invitations to the group's meetings that have not
started withdrawn and those registrations cancelled, without a mail; if they come back, they are
invited again and the same registration is confirmed again.
"""
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    GroupMember,
    MeetingAnswer,
    MeetingAnswerChoice,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    User,
    WorkingGroup,
)
from ...urls import public_url
from ..accounts import audit
from ..documents import calendar
from ..events import EventData, create_event, publish_event
from ..exceptions import DomainError, NotFound
from ..mail import compose
from ..registration.lifecycle import new_secret, registration_details
from ..registration.seat_allocation import lock_event
from ..remote import joins
from . import agenda as agenda_service
from . import members
from .members import MemberData, member_by_secret

INVITATION_KIND = "working_group_invitation"
INVITATION_SUBJECT = _l("Invitation to the working group meeting: %(event)s")
# Standing members are registered by the secretariat, not through the form's consent.
MEMBER_CONSENT_VERSION = "member"
LEFT_GROUP = _l("You are no longer a member of this working group.")


def create_meeting(
    session: Session, actor: User | None, group: WorkingGroup, data: EventData, now: datetime, publish: bool = True,
) -> Event:
    """A meeting of the group (its kind is set here), published unless `publish` is False."""
    data = replace(data, kind=EventKind.WORKING_GROUP_MEETING)
    if not data.title_lv.strip():
        # "… darba grupa" -> "… darba grupas sēde" (the genitive of the council's group names)
        name = group.name_lv
        data.title_lv = f"{name}s sēde" if name.endswith("grupa") else f"{name}: sēde"
        data.title_en = data.title_en or (f"{group.name_en} meeting" if group.name_en else "")
    event = create_event(session, actor, data)
    event.working_group = group
    if publish:
        publish_event(session, actor, event)
    session.flush()
    return event


def link_meeting(session: Session, actor: User | None, event: Event, group: WorkingGroup, now: datetime) -> None:
    """Make an existing working group meeting (one from before groups existed) a meeting of `group`."""
    if event.kind is not EventKind.WORKING_GROUP_MEETING:
        raise DomainError(_l("Only a working group meeting can belong to a working group."))
    if event.working_group_id not in (None, group.id):
        raise DomainError(_l("This meeting already belongs to another working group."))
    event.working_group = group
    session.flush()
    audit.record(session, actor, "working_group.link_meeting", event, event, group_id=group.id)


def meetings_of(session: Session, group: WorkingGroup) -> list[Event]:
    """The group's meetings, earliest first."""
    return list(session.scalars(
        select(Event).where(Event.working_group_id == group.id).order_by(Event.starts_at, Event.id)
    ))


def next_meeting(session: Session, group: WorkingGroup, after: datetime) -> Event | None:
    """The group's first meeting starting after `after` that is not cancelled."""
    return session.scalar(
        select(Event).where(Event.working_group_id == group.id, Event.starts_at > after,
                            Event.status != EventStatus.CANCELLED)
        .order_by(Event.starts_at, Event.id).limit(1)
    )


def _group_of(event: Event) -> WorkingGroup:
    if event.working_group is None:
        raise DomainError(_l("This meeting belongs to no working group."))
    return event.working_group


def _member_registration(session: Session, event: Event, member: GroupMember, now: datetime) -> Registration:
    """The member's registration of the meeting: the one of their address if they registered
    themselves, else a new confirmed one (remote when the meeting has no place to come to)."""
    registration = session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.email == member.email)
    )
    if registration is not None:
        if registration.status is RegistrationStatus.CANCELLED:  # invited anew: confirmed again
            registration.status, registration.cancelled_at = RegistrationStatus.CONFIRMED, None
            registration.sequence += 1
            registration.updated_at = now
        return registration
    remote_only = event.remote_allowed and not (event.venue or event.address)
    registration = Registration(
        event=event, status=RegistrationStatus.CONFIRMED,
        attendance_mode=AttendanceMode.REMOTE if remote_only else AttendanceMode.IN_PERSON,
        full_name=member.full_name, email=member.email, organisation_id=member.organisation_id,
        organisation_name=member.organisation_name, sector=member.sector, position=member.position,
        language=member.language, consent_data_at=now, consent_wording_version=MEMBER_CONSENT_VERSION,
        secret=new_secret(), badge_secret=new_secret(), created_at=now, updated_at=now,
    )
    session.add(registration)
    session.flush()
    return registration


def invite_members(session: Session, actor: User | None, event: Event, now: datetime) -> list[MeetingAnswer]:
    """Invite each active member of the meeting's group not invited yet: their registration and a
    mail with the calendar invite and their answer links. Returns the new invitations (none when
    another click invited them a moment before)."""
    _group_of(event)
    event = lock_event(session, event.id)
    group = _group_of(event)
    if event.status is EventStatus.CANCELLED:
        raise DomainError(_l("The event has been cancelled."))
    if now >= event.ends_at:
        raise DomainError(_l("The meeting is over."))
    invited = set(session.scalars(select(MeetingAnswer.member_id).where(MeetingAnswer.event_id == event.id)))
    current = session.scalars(select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.left_at.is_(None))
                              .order_by(GroupMember.id).execution_options(populate_existing=True))
    made = []
    for member in current:
        if member.id in invited:
            continue
        registration = _member_registration(session, event, member, now)
        answer = MeetingAnswer(event=event, member=member, registration=registration, invited_at=now)
        session.add(answer)
        made.append(answer)
    session.flush()
    agenda = agenda_service.meeting_agenda(session, event) if made else None  # the same for every member
    for answer in made:
        queue_invitation(session, answer, agenda)
    if made:
        audit.record(session, actor, "working_group.invite", event, event, members=len(made))
    return made


def add_member(session: Session, actor: User | None, group: WorkingGroup, data: MemberData, now: datetime) -> GroupMember:
    """`members.add_member`, and the new member is invited at once to the group's coming meetings whose
    members have been invited already (as they would have been, had they been members then)."""
    member = members.add_member(session, actor, group, data, now)
    for event in meetings_of(session, group):
        invited = session.scalar(select(MeetingAnswer.id).where(MeetingAnswer.event_id == event.id).limit(1))
        if invited is not None and event.status is EventStatus.PUBLISHED and now < event.ends_at:
            invite_members(session, actor, event, now)
    return member


def remove_member(session: Session, actor: User | None, member: GroupMember, now: datetime) -> None:
    """`members.remove_member`, and the member's invitations to the group's meetings that have not
    started are withdrawn, their registrations cancelled (no mail). Meetings under way or past keep
    them, for their protocols."""
    members.remove_member(session, actor, member, now)
    coming = session.scalars(
        select(MeetingAnswer.event_id).join(Event, Event.id == MeetingAnswer.event_id)
        .where(MeetingAnswer.member_id == member.id, Event.starts_at > now)
    )
    for event_id in sorted(set(coming)):
        event = lock_event(session, event_id)
        invitation = session.scalars(select(MeetingAnswer).where(
            MeetingAnswer.member_id == member.id, MeetingAnswer.event_id == event_id,
        ).execution_options(populate_existing=True)).first()
        if invitation is None:
            continue
        registration = _fresh_registration(session, invitation.registration_id)
        if registration is not None and registration.status is not RegistrationStatus.CANCELLED:
            registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
            registration.sequence += 1
            registration.updated_at = now
        audit.record(session, actor, "working_group.withdraw_invitation", invitation, event, member_id=member.id)
        session.delete(invitation)
    session.flush()


def _fresh_registration(session: Session, registration_id: int | None) -> Registration | None:
    if registration_id is None:
        return None
    return session.scalars(select(Registration).where(Registration.id == registration_id)
                           .execution_options(populate_existing=True)).first()


def answer_url(member: GroupMember, event: Event, answer: MeetingAnswerChoice) -> str:
    """The member's one-click answer link for the meeting."""
    return public_url("working_groups.answer", token=member.secret, event_id=event.id, answer=answer.value)


def invitation_context(answer: MeetingAnswer, agenda: agenda_service.MeetingAgenda) -> dict:
    event, member, registration = answer.event, answer.member, answer.registration
    return {
        "event": event,
        "group": event.working_group,
        "member": member,
        "registration": registration,
        "agenda": agenda,
        "place": calendar.event_place(event),
        "answer_urls": [(choice, answer_url(member, event, choice)) for choice in MeetingAnswerChoice],
        "join_links": member_join_links(registration),
        # In person so far: the link leads to the meeting once they answer "remotely".
        "join_after_answer": registration is not None and not joins.joins_remotely(registration),
        "manage_url": public_url("my_registration.show", token=registration.secret) if registration else None,
        "event_url": public_url("public.event", slug=event.slug),
    }


def member_join_links(registration: Registration | None) -> list[tuple[None, str]]:
    """The member's own join link whenever the meeting can be joined remotely: the person's
    registration's links once they join remotely, else their /join/<token> link all the same (an
    invited member may still answer "remotely"; the link leads to the meeting once they have)."""
    if registration is None:
        return []
    found = joins.join_links(registration)
    if found or not (registration.event.remote_allowed and registration.event.remote_link):
        return found
    if registration.status is RegistrationStatus.CANCELLED:
        return []
    return [(None, public_url("join.join", token=registration.join_secret))]


def queue_invitation(session: Session, answer: MeetingAnswer, agenda: agenda_service.MeetingAgenda) -> OutboxMessage:
    """The invitation to one member, with their calendar invite and the meeting's `agenda`, into the
    outbox; the invite asks for an answer (NEEDS-ACTION) until the member has given one."""
    registration = answer.registration
    partstat = "NEEDS-ACTION" if answer.answer is None else None
    attachments = [compose.Attachment(
        filename="invite.ics", content_type="text/calendar; method=REQUEST; charset=UTF-8",
        data=calendar.registration_invite(registration, "REQUEST", partstat=partstat),
    )] if registration is not None else []
    return compose.queue_mail(
        session, INVITATION_KIND, answer.member.email, answer.member.language, invitation_context(answer, agenda),
        registration, attachments=attachments, subject=INVITATION_SUBJECT,
    )


@dataclass
class AnswerResult:
    answer: MeetingAnswer
    changed: bool  # False: the member had already answered so


def find_invitation(session: Session, token: str, event_id: int) -> MeetingAnswer | None:
    member = member_by_secret(session, token)
    if member is None:
        return None
    return session.scalar(
        select(MeetingAnswer).where(MeetingAnswer.member_id == member.id, MeetingAnswer.event_id == event_id)
    )


def answer_meeting(session: Session, token: str, event_id: int, choice: MeetingAnswerChoice, now: datetime) -> AnswerResult:
    """The member's answer from their link: in person or remotely (their registration confirmed in
    that mode, with a changed calendar invite), or cannot come (the registration cancelled)."""
    found = find_invitation(session, token, event_id)
    if found is None:
        raise NotFound(_l("This link is not valid."))
    # Answers of one person take turns on the meeting's lock; what they check is read after it.
    event = lock_event(session, found.event_id)
    invitation = session.scalars(select(MeetingAnswer).where(MeetingAnswer.id == found.id)
                                 .execution_options(populate_existing=True)).first()
    if invitation is None:  # withdrawn a moment ago (the member left)
        raise NotFound(_l("This link is not valid."))
    member = session.scalars(select(GroupMember).where(GroupMember.id == invitation.member_id)
                             .execution_options(populate_existing=True)).one()
    if not member.active:
        raise DomainError(LEFT_GROUP)
    if event.status is EventStatus.CANCELLED:
        raise DomainError(_l("The event has been cancelled."))
    if now >= event.ends_at:
        raise DomainError(_l("The meeting is over."))
    if choice is MeetingAnswerChoice.REMOTE and not event.remote_allowed:
        raise DomainError(_l("This event can only be attended in person."))
    registration = _fresh_registration(session, invitation.registration_id) or _member_registration(
        session, event, member, now)
    invitation.registration = registration
    if invitation.answer is choice:
        return AnswerResult(invitation, changed=False)
    invitation.answer, invitation.answered_at = choice, now
    registration.updated_at = now
    registration.sequence += 1
    if choice is MeetingAnswerChoice.ABSENT:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
    else:
        registration.status, registration.cancelled_at = RegistrationStatus.CONFIRMED, None
        registration.attendance_mode = (
            AttendanceMode.REMOTE if choice is MeetingAnswerChoice.REMOTE else AttendanceMode.IN_PERSON
        )
        session.flush()
        compose.queue_registration_mail(session, "changed", registration, registration_details(session, registration))
    session.flush()
    audit.record(session, None, "working_group.answer", invitation, event, answer=choice.value)
    return AnswerResult(invitation, changed=True)


def answers(session: Session, event: Event) -> list[MeetingAnswer]:
    """The invitations of the meeting and their answers, by member name."""
    return list(session.scalars(
        select(MeetingAnswer).join(GroupMember, GroupMember.id == MeetingAnswer.member_id)
        .where(MeetingAnswer.event_id == event.id).order_by(GroupMember.full_name, GroupMember.id)
    ))
