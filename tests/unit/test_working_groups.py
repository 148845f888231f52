"""Working groups without HTTP: members and their roles, invitations and one-click answers, the
keeper marking presence at the table, the agenda, and the protocol's numbers and rules."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from eventapp.models import (
    AttendanceMode,
    DecisionKind,
    EventKind,
    MeetingAnswerChoice,
    MemberRole,
    OutboxMessage,
    RegistrationStatus,
    Sector,
)
from eventapp.services.exceptions import DomainError, NotFound
from eventapp.services.working_groups import agenda, attendance, meetings, members, protocols, tasks

from ..factories import create_event, create_organisation, create_user, future

ZOOM = "https://zoom.us/j/123"


def make_group(session, now, people=("Anna Bērziņa", "Pēteris Kalniņš", "Ilze Ērgle")):
    group = members.create_group(session, None, members.GroupData(name_lv="Satura plānošanas darba grupa",
                                                                  name_en="Content planning working group"), now)
    roles = [MemberRole.CHAIR, MemberRole.KEEPER] + [MemberRole.MEMBER] * len(people)
    for n, name in enumerate(people):
        members.add_member(session, None, group, members.MemberData(
            full_name=name, email=f"biedrs{n}@example.lv", organisation_name="Valsts kanceleja",
            sector=Sector.STATE_ADMINISTRATION, role=roles[n]), now)
    return group


def make_meeting(session, group, now, **values):
    starts = values.pop("starts_at", future(10))
    event = create_event(session, kind=EventKind.WORKING_GROUP_MEETING, starts_at=starts,
                         ends_at=starts + timedelta(hours=2), remote_allowed=True, remote_link=ZOOM,
                         venue="Latvijas Pilsoniskās alianses birojs", **values)
    meetings.link_meeting(session, None, event, group, now)
    return event


def test_a_group_has_one_chair_and_one_keeper_at_most(session):
    now = future(0)
    group = make_group(session, now)
    chair, keeper, plain = group.active_members
    assert (chair.role, keeper.role, plain.role) == (MemberRole.CHAIR, MemberRole.KEEPER, MemberRole.MEMBER)
    members.set_role(session, None, plain, MemberRole.CHAIR, now)
    assert (chair.role, plain.role) == (MemberRole.MEMBER, MemberRole.CHAIR)
    assert members.holder(group, MemberRole.CHAIR) is plain
    with pytest.raises(DomainError):
        members.add_member(session, None, group, members.MemberData(full_name="Cits", email="BIEDRS0@example.lv"), now)
    members.remove_member(session, None, keeper, now)
    assert members.holder(group, MemberRole.KEEPER) is None and keeper not in group.active_members


def test_members_are_invited_once_and_answer_in_one_click(session):
    now = future(0)
    group = make_group(session, now)
    event = make_meeting(session, group, now)
    agenda.add_item(session, None, event, agenda.AgendaItemData(
        "Par darba plānu", reporters=[agenda.SpeakerData("Anna Bērziņa", "Valsts kanceleja")]), now)
    assert event.agenda_lv == "Par darba plānu (Anna Bērziņa)"

    invited = meetings.invite_members(session, None, event, now)
    assert len(invited) == 3 and meetings.invite_members(session, None, event, now) == []
    assert all(a.registration.status is RegistrationStatus.CONFIRMED for a in invited)
    mail = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == meetings.INVITATION_KIND)).first()
    member = next(a.member for a in invited if a.member.email == mail.to_address)
    assert f"/working-groups/answer/{member.secret}/{event.id}/remote" in mail.body_text
    assert "Par darba plānu" in mail.body_text

    first, second = invited[0], invited[1]
    result = meetings.answer_meeting(session, first.member.secret, event.id, MeetingAnswerChoice.REMOTE, now)
    assert result.changed and first.registration.attendance_mode is AttendanceMode.REMOTE
    assert not meetings.answer_meeting(session, first.member.secret, event.id, MeetingAnswerChoice.REMOTE, now).changed
    meetings.answer_meeting(session, second.member.secret, event.id, MeetingAnswerChoice.ABSENT, now)
    assert second.registration.status is RegistrationStatus.CANCELLED
    with pytest.raises(NotFound):
        meetings.answer_meeting(session, "not-a-token", event.id, MeetingAnswerChoice.IN_PERSON, now)
    with pytest.raises(DomainError):
        meetings.answer_meeting(session, first.member.secret, event.id, MeetingAnswerChoice.IN_PERSON, event.ends_at)

    # A member who joins later is invited by the next call, alone.
    members.add_member(session, None, group, members.MemberData(full_name="Jauns Biedrs", email="jauns@example.lv"), now)
    assert [a.member.full_name for a in meetings.invite_members(session, None, event, now)] == ["Jauns Biedrs"]


def test_the_keeper_marks_presence_at_the_table(session):
    now = future(0)
    group = make_group(session, now)
    event = make_meeting(session, group, now)
    invited = meetings.invite_members(session, None, event, now)
    keeper = create_user(session)
    with pytest.raises(DomainError):  # not before the meeting opens
        attendance.mark_present(session, keeper, event, invited[0].registration, False, now)
    during = event.starts_at + timedelta(minutes=1)
    attendance.mark_present(session, keeper, event, invited[0].registration, False, during)
    attendance.mark_present(session, keeper, event, invited[0].registration, False, during)  # again: nothing new
    attendance.mark_present(session, keeper, event, invited[1].registration, True, during)
    who = attendance.attendance(session, event)
    assert [(a.name, a.remote) for a in who.members_present] == [("Anna Bērziņa", False), ("Pēteris Kalniņš", True)]
    assert [a.name for a in who.members_absent] == ["Ilze Ērgle"]
    assert (who.chair.name, who.keeper.name) == ("Anna Bērziņa", "Pēteris Kalniņš")
    attendance.unmark_present(session, keeper, event, invited[1].registration, during)
    assert [a.name for a in attendance.attendance(session, event).members_present] == ["Anna Bērziņa"]
    with pytest.raises(DomainError):
        attendance.unmark_present(session, keeper, event, invited[1].registration, during)


def test_decisions_are_numbered_per_item_and_tasks_need_an_owner(session):
    now = future(0)
    group = make_group(session, now)
    event = make_meeting(session, group, now)
    first = agenda.add_item(session, None, event, agenda.AgendaItemData("Pirmais"), now)
    second = agenda.add_item(session, None, event, agenda.AgendaItemData("Otrais"), now)
    with pytest.raises(DomainError):  # no protocol for a meeting of no group
        protocols.start_protocol(session, None, create_event(session), now)
    protocol = protocols.start_protocol(session, None, event, now)
    assert protocols.start_protocol(session, None, event, now) is protocol
    one = protocols.entry_for(session, protocol, first)
    two = protocols.entry_for(session, protocol, second)
    made = [protocols.add_decision(session, None, entry, protocols.DecisionData(text), now)
            for entry, text in ((one, "A"), (one, "B"), (two, "C"), (one, "D"))]
    assert [d.number for d in made] == ["1.1", "1.2", "2.1", "1.3"]
    protocols.remove_decision(session, None, made[1], now)
    assert [d.number for d in one.decisions] == ["1.1", "1.2"]
    agenda.move_item(session, None, second, 1, now)
    assert [d.number for d in one.decisions + two.decisions] == ["2.1", "2.2", "1.1"]
    with pytest.raises(DomainError):
        protocols.add_decision(session, None, one, protocols.DecisionData("Uzdot", kind=DecisionKind.TASK), now)
    organisation = create_organisation(session, 'biedrība "Latvijas Pilsoniskā alianse"')
    task = protocols.add_decision(session, None, one, protocols.DecisionData(
        "Uzdot", kind=DecisionKind.TASK, owner_name="Latvijas Pilsoniskā alianse", deadline=date(2030, 1, 31)), now)
    assert task.owner_organisation is organisation
    with pytest.raises(DomainError):  # a decision links only to a council session
        protocols.add_decision(session, None, one, protocols.DecisionData("X", linked_event_id=event.id), now)
    with pytest.raises(DomainError):  # nothing to mark done on a plain decision
        tasks.mark_done(session, None, made[0], now)
    with pytest.raises(DomainError):  # not before the meeting
        protocols.approve(session, None, protocol, now)


def test_a_protocol_without_items_is_not_approved(session):
    now = future(0)
    group = make_group(session, now)
    event = make_meeting(session, group, now, starts_at=future(-2))
    protocol = protocols.start_protocol(session, None, event, now)
    with pytest.raises(DomainError):
        protocols.approve(session, None, protocol, now)


def test_the_demo_seeds_the_four_groups_once(session):
    from eventapp.services.demo import seed_demo
    from eventapp.services.working_groups_demo import demo_meeting, seed_working_groups

    now = future(0)
    assert any(line.startswith("working group") for line in seed_demo(session, now))  # the demo seeds them
    assert [g.name_en for g in members.groups(session)] == [
        "Public engagement and open government working group", "Finance and taxes working group",
        "Content planning working group", "Coordination of delegated representatives working group"]
    first = members.groups(session)[0]
    assert members.holder(first, MemberRole.CHAIR) and members.holder(first, MemberRole.KEEPER)
    assert {m.sector for m in first.active_members} == {Sector.NGO, Sector.STATE_ADMINISTRATION}
    assert demo_meeting(session).working_group is first
    assert seed_working_groups(session, now) == []
