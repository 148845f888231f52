"""The acceptance test of the working groups: the real meeting of 3 October 2025, from the demo data
to its protocol as PDF and DOCX, and its task followed up on the next meeting's agenda."""
import io
from datetime import date, datetime, timedelta, timezone

import docx
import pytest

from eventapp.models import EventKind, MeetingAnswerChoice, OutboxMessage, Registration
from eventapp.services.checkin.check_ins import Scanner, check_in
from eventapp.services.demo import seed_demo
from eventapp.services.documents.protocol_docx import protocol_docx
from eventapp.services.documents.protocol_pdf import protocol_pdf
from eventapp.services.events import EventData
from eventapp.services.exceptions import DomainError
from eventapp.services.remote import joins
from eventapp.services.working_groups import agenda, attendance, meetings, protocols, tasks
from eventapp.services.working_groups_demo import demo_meeting, seed_working_groups

from ..factories import create_event, create_user
from ..pdf_tools import pdf_text

BEFORE = datetime(2025, 9, 26, 9, 0, tzinfo=timezone.utc)
IN_PERSON = ["Kristīne Zariņa", "Elīna Ozola", "Edgars Kļaviņš", "Gunta Pūce"]
REMOTE = ["Mārtiņš Bērziņš", "Laura Krastiņa"]
ABSENT = "Andris Ķēniņš"
GUEST = "Jānis Sproģis"


def section(text: str, heading: str, next_heading: str) -> str:
    start = text.index(heading) + len(heading)
    return text[start:text.index(next_heading, start)]


def registration_of(session, event, name) -> Registration:
    return session.query(Registration).filter_by(event_id=event.id, full_name=name).one()


def test_the_meeting_of_3_october_2025_from_invitation_to_protocol(session, tmp_path):
    seed_demo(session, BEFORE)
    seed_working_groups(session, BEFORE)
    event = demo_meeting(session)
    group = event.working_group
    assert event.kind is EventKind.WORKING_GROUP_MEETING
    assert group.name_lv == "Sabiedrības iesaistes un atvērtās pārvaldības darba grupa"
    items = agenda.items_of(session, event)
    assert [i.position for i in items] == [1, 2, 3]
    assert [s.full_name for s in items[1].reporters] == ["Mārtiņš Bērziņš", "Kristīne Zariņa"]

    # Every member is invited once, with the calendar invite and the answer links.
    invited = meetings.invite_members(session, None, event, BEFORE)
    assert sorted(a.member.full_name for a in invited) == sorted(IN_PERSON + REMOTE + [ABSENT])
    assert meetings.invite_members(session, None, event, BEFORE) == []
    mails = session.query(OutboxMessage).filter_by(kind=meetings.INVITATION_KIND).all()
    assert len(mails) == 7
    assert all(m.attachments[0].filename == "invite.ics" for m in mails)
    assert "Par Atvērtās pārvaldības rīcības plāna īstenošanu" in mails[0].body_text

    by_name = {a.member.full_name: a.member for a in invited}
    for name in REMOTE:
        meetings.answer_meeting(session, by_name[name].secret, event.id, MeetingAnswerChoice.REMOTE, BEFORE)
    meetings.answer_meeting(session, by_name[ABSENT].secret, event.id, MeetingAnswerChoice.ABSENT, BEFORE)
    attendance.add_guest(session, None, event, GUEST, BEFORE, organisation_name="Latvijas Universitāte")

    # The day: four members and the guest at the door, two on Zoom, one absent.
    during = event.starts_at + timedelta(minutes=5)
    for n, name in enumerate(IN_PERSON + [GUEST]):
        result = check_in(session, event, Scanner(), during, scan_id=f"wg-scan-{n}",
                          registration_id=registration_of(session, event, name).id)
        assert result.result == "welcome"
    for name in REMOTE:
        assert joins.record_join(session, registration_of(session, event, name), None, during) is not None

    keeper = create_user(session)
    protocol = protocols.start_protocol(session, keeper, event, during)
    protocols.set_details(session, keeper, protocol, during, number="3",
                          closed_at=event.starts_at + timedelta(hours=2, minutes=13))
    reg = {name: registration_of(session, event, name).id for name in IN_PERSON + REMOTE + [GUEST]}
    with pytest.raises(DomainError):  # the absent member cannot have spoken
        protocols.fill_entry(session, keeper, protocol, items[0], during, reporter_ids=[reg["Laura Krastiņa"]],
                             speaker_ids=[registration_of(session, event, ABSENT).id])
    first = protocols.fill_entry(
        session, keeper, protocol, items[0], during, reporter_ids=[reg["Laura Krastiņa"]],
        speaker_ids=[reg["Kristīne Zariņa"], reg[GUEST], reg["Mārtiņš Bērziņš"]],
        discussion="Diskusija par līdzdalības kārtības grozījumu projektu.",
    )
    protocols.add_decision(session, keeper, first, protocols.DecisionData(
        "Pieņemt zināšanai Tieslietu ministrijas informāciju."), during)
    task = protocols.add_decision(session, keeper, first, protocols.DecisionData(
        "Uzdot Latvijas Pilsoniskajai aliansei izsūtīt darba grupas locekļiem grozījumu projektu.",
        kind=protocols.DecisionKind.TASK, owner_name="Latvijas Pilsoniskā alianse", deadline=date(2025, 10, 31),
    ), during)
    second = protocols.fill_entry(
        session, keeper, protocol, items[1], during, reporter_ids=[reg["Mārtiņš Bērziņš"], reg["Kristīne Zariņa"]],
        speaker_ids=[reg["Edgars Kļaviņš"], reg["Gunta Pūce"]],
    )
    council = create_event(session, kind=EventKind.COUNCIL_SESSION, starts_at=event.starts_at + timedelta(days=30))
    protocols.add_decision(session, keeper, second, protocols.DecisionData(
        "Virzīt protokollēmuma projektu izskatīšanai Memoranda padomes sēdē.", linked_event_id=council.id), during)
    assert [d.number for d in first.decisions + second.decisions] == ["1.1", "1.2", "2.1"]
    assert task.owner == 'biedrība "Latvijas Pilsoniskā alianse"'
    assert tasks.decisions_for_session(session, council)[0].number == "2.1"

    doc = protocols.protocol_document(session, event)
    assert {p.name: p.remote for p in doc.members_present} == {
        **{name: False for name in IN_PERSON}, **{name: True for name in REMOTE}}
    assert [p.name for p in doc.members_absent] == [ABSENT]
    assert [p.name for p in doc.others_present] == [GUEST]
    assert (doc.chair.name, doc.keeper.name) == ("Kristīne Zariņa", "Elīna Ozola")

    everyone = IN_PERSON + REMOTE + [ABSENT]
    pdf = pdf_text(protocol_pdf(doc), tmp_path)
    word = docx.Document(io.BytesIO(protocol_docx(doc)))
    docx_text = " ".join(" ".join(p.text.split()) for p in word.paragraphs)
    docx_text += " " + " ".join(" ".join(cell.text.split()) for t in word.tables for row in t.rows for cell in row.cells)
    for text in (pdf, docx_text):
        listed = section(text, "Piedalās darba grupas locekļi:", "Piedalās arī:")
        assert {name for name in everyone if name in listed} == set(IN_PERSON + REMOTE)
        for name in IN_PERSON:
            assert listed.split(name, 1)[1].split(")", 1)[0].endswith("(klātienē")
        for name in REMOTE:
            assert listed.split(name, 1)[1].split(")", 1)[0].endswith("(attālināti")
        assert GUEST in section(text, "Piedalās arī:", "Nepiedalās:")
        assert ABSENT in text.split("Nepiedalās:", 1)[1]
        for number, words in (("1.1.", "Pieņemt zināšanai"), ("1.2.", "Uzdot Latvijas Pilsoniskajai aliansei"),
                              ("2.1.", "Virzīt protokollēmuma projektu")):
            assert f"{number} {words}" in text
        assert "1.3." not in text and "2.2." not in text and "3.1." not in text

    # Approved: read-only, published on the group's page.
    after = event.ends_at + timedelta(days=3)
    protocols.approve(session, keeper, protocol, after)
    with pytest.raises(DomainError):
        protocols.approve(session, keeper, protocol, after)
    with pytest.raises(DomainError):
        protocols.fill_entry(session, keeper, protocol, items[0], after, reporter_ids=[], speaker_ids=[])
    with pytest.raises(DomainError):
        protocols.add_decision(session, keeper, first, protocols.DecisionData("Vēl viens lēmums."), after)
    with pytest.raises(DomainError):
        agenda.add_item(session, keeper, event, agenda.AgendaItemData("Vēl viens jautājums"), after)
    assert protocols.published_protocols(session, group) == [protocol]

    # The task stays on the next meeting's agenda and the dashboard until it is done.
    starts = event.starts_at + timedelta(days=28)
    following = meetings.create_meeting(session, keeper, group, EventData(
        kind=EventKind.WORKING_GROUP_MEETING, title_lv="", starts_at=starts, ends_at=starts + timedelta(hours=2),
    ), after)
    assert following.working_group is group
    assert [d.number for d in agenda.meeting_agenda(session, following).open_tasks] == ["1.2"]
    assert tasks.open_tasks_everywhere(session) == [task]
    assert protocols.protocol_document(session, event).open_tasks == []  # none before the meeting itself
    tasks.mark_done(session, keeper, task, after)
    assert agenda.meeting_agenda(session, following).open_tasks == []
    assert tasks.open_tasks_everywhere(session) == []
    tasks.reopen(session, keeper, task, after)
    assert agenda.meeting_agenda(session, following).open_tasks == [task]
