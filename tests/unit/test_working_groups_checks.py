"""Working groups: a member who left, the invitation's join link and calendar answer, and the small
checks of names, guests and deadlines."""
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from eventapp.formatting import to_riga
from eventapp.models import (
    AuditEntry,
    DecisionKind,
    EventKind,
    MeetingAnswer,
    MeetingAnswerChoice,
    OutboxMessage,
    RegistrationStatus,
)
from eventapp.services.documents import protocol_layout as layout
from eventapp.services.exceptions import DomainError, NotFound
from eventapp.services.working_groups import agenda, attendance, meetings, members, protocols

from ..factories import create_event, future
from .test_working_groups import make_group, make_meeting


def invited(session, now, in_person_only=False):
    group = make_group(session, now)
    if in_person_only:
        event = create_event(session, kind=EventKind.WORKING_GROUP_MEETING, starts_at=future(10),
                             ends_at=future(10) + timedelta(hours=2), remote_allowed=False, venue="Birojs")
        meetings.link_meeting(session, None, event, group, now)
    else:
        event = make_meeting(session, group, now)
    return group, event, meetings.invite_members(session, None, event, now)


def test_a_member_who_left_cannot_answer_through_the_old_link(session):
    now = future(0)
    group, event, made = invited(session, now)
    answer = made[2]
    members.remove_member(session, None, answer.member, now)
    with pytest.raises(DomainError) as refused:
        meetings.answer_meeting(session, answer.member.secret, event.id, MeetingAnswerChoice.IN_PERSON, now)
    assert str(refused.value.message) == "Jūs vairs neesat šīs darba grupas loceklis."
    assert answer.answer is None


def test_leaving_withdraws_the_invitations_to_coming_meetings(session):
    now = future(0)
    group, event, made = invited(session, now)
    answer = made[2]
    member, registration = answer.member, answer.registration
    meetings.remove_member(session, None, member, now)
    # Leaving withdraws the invitations to the coming meetings and cancels those registrations.
    assert registration.status is RegistrationStatus.CANCELLED
    assert session.scalar(select(MeetingAnswer).where(MeetingAnswer.member_id == member.id)) is None
    before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    with pytest.raises(NotFound):
        meetings.answer_meeting(session, member.secret, event.id, MeetingAnswerChoice.IN_PERSON, now)
    assert registration.status is RegistrationStatus.CANCELLED
    assert session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) == before


def test_a_member_who_left_during_a_meeting_cannot_answer_it_either(session):
    now = future(0)
    group, event, made = invited(session, now)
    answer = made[2]
    during = event.starts_at + timedelta(minutes=5)
    meetings.remove_member(session, None, answer.member, during)  # the meeting had started: kept for its protocol
    assert answer.registration.status is RegistrationStatus.CONFIRMED
    with pytest.raises(DomainError) as refused:
        meetings.answer_meeting(session, answer.member.secret, event.id, MeetingAnswerChoice.ABSENT, during)
    assert str(refused.value.message) == "Jūs vairs neesat šīs darba grupas loceklis."
    assert answer.answer is None and answer.registration.status is RegistrationStatus.CONFIRMED


def test_a_member_who_comes_back_is_invited_again_and_confirmed(session):
    now = future(0)
    group, event, made = invited(session, now)
    member, registration = made[2].member, made[2].registration
    meetings.remove_member(session, None, member, now)
    back = meetings.add_member(session, None, group, members.MemberData(
        full_name=member.full_name, email=member.email), now)
    assert back is member
    again = session.scalar(select(MeetingAnswer).where(MeetingAnswer.member_id == member.id))
    assert again.registration is registration and registration.status is RegistrationStatus.CONFIRMED


def invitation_of(session, member):
    return session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == meetings.INVITATION_KIND, OutboxMessage.to_address == member.email)).one()


def test_the_invitation_to_a_hybrid_meeting_carries_the_member_s_own_join_link(session):
    now = future(0)
    _group, _event, made = invited(session, now)
    answer = made[0]
    mail = invitation_of(session, answer.member)
    link = f"/join/{answer.registration.join_secret}"
    assert link in mail.body_text and link in mail.body_html
    assert "zoom.us" not in mail.body_text  # the address itself only through the link


def test_no_join_link_when_the_meeting_is_in_person_only(session):
    now = future(0)
    _group, _event, made = invited(session, now, in_person_only=True)
    mail = invitation_of(session, made[0].member)
    assert "/join/" not in mail.body_text and "/join/" not in mail.body_html


def attendee_partstat(data: bytes) -> str:
    vevent = next(c for c in Calendar.from_ical(data).walk() if c.name == "VEVENT")
    return vevent["attendee"].params["PARTSTAT"]


def test_the_invite_needs_an_answer_until_the_member_gives_one(session):
    now = future(0)
    _group, event, made = invited(session, now)
    mail = invitation_of(session, made[0].member)
    invite = next(a for a in mail.attachments if a.filename == "invite.ics")
    assert attendee_partstat(invite.data) == "NEEDS-ACTION"
    # Once answered, the changed invite (the registration's own mail) accepts.
    meetings.answer_meeting(session, made[0].member.secret, event.id, MeetingAnswerChoice.IN_PERSON, now)
    changed = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == made[0].member.email,
                                                          OutboxMessage.kind != meetings.INVITATION_KIND)).one()
    assert attendee_partstat(next(a for a in changed.attachments if a.filename.endswith(".ics")).data) == "ACCEPTED"


def test_a_group_name_of_invisible_characters_is_refused(session):
    now = future(0)
    with pytest.raises(DomainError) as refused:
        members.create_group(session, None, members.GroupData(name_lv="\u202e\u200b \u2060"), now)
    assert refused.value.field == "name_lv"
    group = members.create_group(session, None, members.GroupData(name_lv="\u200bFinanšu darba grupa\u200b"), now)
    assert group.name_lv == "Finanšu darba grupa"
    with pytest.raises(DomainError):
        members.update_group(session, None, group, members.GroupData(name_lv="\ufeff\u200d"), now)


def test_the_same_guest_twice_is_refused(session):
    now = future(0)
    _group, event, _made = invited(session, now)
    attendance.add_guest(session, None, event, "Guna Ķēniņa", now, organisation_name="Nodibinājums")
    with pytest.raises(DomainError) as refused:
        attendance.add_guest(session, None, event, " guna  ķēniņa ", now)
    assert refused.value.field == "full_name"
    assert str(refused.value.message) == "Guna Ķēniņa jau ir šīs sēdes dalībnieku sarakstā."
    attendance.add_guest(session, None, event, "Guna Ķēniņa", now, email="guna@example.lv")  # an address tells them apart


def test_speakers_are_named_as_reporters_are():
    person = layout.ProtocolPerson("Aigars Šņore", "Biedrība", "valdes priekšsēdētājs")
    assert layout.speakers_line([person]) == layout.reporters_line([person]) == \
        "Aigars Šņore (valdes priekšsēdētājs, Biedrība)"


def test_a_task_s_deadline_cannot_be_before_the_meeting(session):
    now = future(0)
    _group, event, _made = invited(session, now)
    protocol = protocols.start_protocol(session, None, event, now)
    entry = protocol.entries[0] if protocol.entries else protocols.entry_for(
        session, protocol, agenda.add_item(session, None, event, agenda.AgendaItemData("Punkts"), now))
    day = to_riga(event.starts_at).date()
    data = protocols.DecisionData("Sagatavot", kind=DecisionKind.TASK, owner_name="Anna", deadline=day - timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        protocols.add_decision(session, None, entry, data, now)
    assert refused.value.field == "deadline"
    assert str(refused.value.message) == "Termiņš nevar būt pirms sēdes."
    data.deadline = day
    assert protocols.add_decision(session, None, entry, data, now).deadline == day
