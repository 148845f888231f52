"""The working groups through the pages: the secretariat's editor (members, meetings, agenda,
attendance, protocol, tasks), the public group page and its protocols, and a member's one-click answer."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from eventapp.models import (
    Decision,
    DecisionKind,
    Event,
    EventKind,
    GroupMember,
    MeetingAnswer,
    MeetingAnswerChoice,
    MemberRole,
    Organisation,
    OutboxMessage,
    Protocol,
    ProtocolEntry,
    Registration,
    WorkingGroup,
    utcnow,
)
from eventapp.services.events import EventData
from eventapp.services.working_groups import agenda, meetings, members, protocols

from ..factories import create_event, create_organisation
from ..helpers import csrf_token

GROUP = "finanses"
PEOPLE = [("Kristīne Zariņa", "kristine@example.lv", MemberRole.CHAIR),
          ("Elīna Ozola", "elina@example.lv", MemberRole.KEEPER),
          ("Andris Ķēniņš", "andris@example.lv", MemberRole.MEMBER)]


def build_meeting(session, slug=GROUP, starts_in=timedelta(minutes=-15)) -> dict:
    """A group of three members and its meeting (under way unless `starts_in` says otherwise), with
    one agenda item and the members invited."""
    now = utcnow()
    if session.scalar(select(WorkingGroup.id).limit(1)) is None:
        create_organisation(session, 'biedrība "Latvijas Pilsoniskā alianse"')
    group = members.create_group(session, None, members.GroupData(
        name_lv="Finanšu un nodokļu darba grupa", name_en="Finance working group", slug=slug,
        description_lv="Nodokļu politika un NVO finansējums."), now)
    people = [members.add_member(session, None, group, members.MemberData(
        full_name=name, email=f"{slug}-{email}", organisation_name="Finanšu ministrija", role=role), now)
        for name, email, role in PEOPLE]
    starts = now + starts_in
    event = meetings.create_meeting(session, None, group, EventData(
        kind=EventKind.WORKING_GROUP_MEETING, title_lv="", starts_at=starts, ends_at=starts + timedelta(hours=2),
        venue="Latvijas Pilsoniskā alianse", city="Rīga", remote_allowed=True, remote_link="https://zoom.us/j/123"), now)
    item = agenda.add_item(session, None, event, agenda.AgendaItemData(
        "Par nodokļu politiku", reporters=[agenda.SpeakerData(people[0].full_name, member_id=people[0].id)]), now)
    meetings.invite_members(session, None, event, now)
    registrations = {a.member.full_name: a.registration_id for a in meetings.answers(session, event)}
    return {"group": group.slug, "event": event.slug, "event_id": event.id, "item": item.id,
            "members": [p.id for p in people], "secrets": [p.secret for p in people],
            "registrations": [registrations[name] for name, _e, _r in PEOPLE]}


@pytest.fixture
def meeting(make):
    return make.run(build_meeting)


def post(client, url, data=None, token_from=None):
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, token_from or url))
    return client.post(url, data=data)


def admin_urls(m) -> list[str]:
    meeting_url = f"/admin/meetings/{m['event']}"
    return [
        "/admin/working-groups", "/admin/working-groups/new", f"/admin/working-groups/{m['group']}",
        f"/admin/working-groups/{m['group']}/edit", f"/admin/working-groups/{m['group']}/members/new",
        f"/admin/working-groups/{m['group']}/members/{m['members'][0]}/edit",
        f"/admin/working-groups/{m['group']}/meetings/new", f"/admin/working-groups/{m['group']}/tasks",
        meeting_url, f"{meeting_url}/agenda", f"{meeting_url}/agenda/{m['item']}/edit", f"{meeting_url}/attendance",
        f"{meeting_url}/protocol",
    ]


def test_the_secretariat_pages_need_a_signed_in_user(client, meeting):
    for url in admin_urls(meeting):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_a_partner_or_facilitator_sees_none_of_them(client, login, make, meeting):
    organisation = make.organisation()
    make.run(lambda s: create_event(s, slug="co-hosted", co_hosts=[s.get(Organisation, organisation)]))
    login("partner", organisation_id=organisation)
    for url in admin_urls(meeting) + [f"/admin/meetings/{meeting['event']}/protocol.pdf"]:
        assert client.get(url).status_code == 403, url
    response = client.post(f"/admin/meetings/{meeting['event']}/invite", data={})
    assert response.status_code in (400, 403)
    assert 'data-testid="wg-tasks"' not in client.get("/admin/").get_data(as_text=True)


def test_an_organiser_sees_every_page(client, login, meeting):
    login()
    for url in admin_urls(meeting):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/working-groups/{meeting['group']}").get_data(as_text=True)
    assert "Kristīne Zariņa" in page and "kristine@example.lv" in page


def test_ids_of_another_group_or_meeting_are_not_found(client, login, make, meeting):
    other = make.run(lambda s: build_meeting(s, slug="citi"))
    login()
    group, event = meeting["group"], meeting["event"]
    assert client.get(f"/admin/working-groups/{group}/members/{other['members'][0]}/edit").status_code == 404
    assert client.get(f"/admin/meetings/{event}/agenda/{other['item']}/edit").status_code == 404
    assert post(client, f"/admin/meetings/{event}/attendance/{other['registrations'][0]}",
                {"presence": "in_person"}, f"/admin/meetings/{event}/attendance").status_code == 404
    assert client.get("/admin/working-groups/nav-tadas").status_code == 404
    not_a_meeting = make.event()
    assert client.get(f"/admin/meetings/{not_a_meeting}/agenda").status_code == 404
    assert client.get(f"/admin/meetings/{event}/protocol.pdf").status_code == 404  # not started yet


def test_groups_and_members_are_edited_and_the_public_page_shows_no_addresses(client, login):
    login()
    response = post(client, "/admin/working-groups/new", {"name_lv": "Satura plānošanas darba grupa",
                                                          "name_en": "Content planning", "slug": "saturs"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/working-groups/saturs")
    response = post(client, "/admin/working-groups/saturs/members/new", {
        "full_name": "Gunta Pūce", "email": "gunta@example.lv", "organisation_name": "Latvijas Lauku forums",
        "sector": "ngo", "position": "valdes priekšsēdētāja", "role": "chair", "language": "lv"})
    assert response.status_code == 302
    again = post(client, "/admin/working-groups/saturs/members/new", {
        "full_name": "Gunta Pūce", "email": "gunta@example.lv", "sector": "ngo", "role": "member", "language": "lv"})
    assert again.status_code == 200 and '<li><a href="#email">' in again.get_data(as_text=True)
    public = client.get("/working-groups/saturs").get_data(as_text=True)
    assert "Gunta Pūce" in public and "Latvijas Lauku forums" in public
    assert "gunta@example.lv" not in public and "@" not in public.split("<main", 1)[1].split("</main>")[0]
    assert "Satura plānošanas darba grupa" in client.get("/working-groups/").get_data(as_text=True)


def test_a_meeting_is_created_from_the_short_form(client, login, meeting, make):
    login()
    url = f"/admin/working-groups/{meeting['group']}/meetings/new"
    day = (date.today() + timedelta(days=40)).isoformat()
    response = post(client, url, {"day": day, "starts_at": "10:00", "ends_at": "12:00", "venue": "LPA",
                                  "city": "Rīga", "remote_allowed": "y", "remote_link": "https://zoom.us/j/9"})
    assert response.status_code == 302
    slug = response.headers["Location"].rsplit("/", 1)[1]
    event = make.run(lambda s: s.execute(select(Event.kind, Event.title_lv).where(Event.slug == slug)).one())
    assert tuple(event) == (EventKind.WORKING_GROUP_MEETING, "Finanšu un nodokļu darba grupas sēde")
    bad = post(client, url, {"day": "2026-13-45", "starts_at": "25:99", "ends_at": "10:00"})
    assert bad.status_code == 200 and "error-summary" in bad.get_data(as_text=True)
    backwards = post(client, url, {"day": day, "starts_at": "12:00", "ends_at": "10:00"})
    assert '<li><a href="#ends_at">' in backwards.get_data(as_text=True)


def test_the_agenda_editor_adds_moves_and_removes_items(client, login, meeting, make):
    login()
    url = f"/admin/meetings/{meeting['event']}/agenda"
    response = post(client, url, {"title_lv": "Par darba plānu", "reporting_members": str(meeting["members"][1]),
                                  "other_reporters": "Jānis Sproģis, Latvijas Universitāte", "guests": "Ilze Bite"})
    assert response.status_code == 302
    items = make.run(lambda s: [(i.id, i.title_lv, [p.full_name for p in i.reporters])
                                for i in agenda.items_of(s, s.get(Event, meeting["event_id"]))])
    assert items[1][1:] == ("Par darba plānu", ["Elīna Ozola", "Jānis Sproģis"])
    post(client, f"{url}/{items[1][0]}/move", {"direction": "up"}, url)
    titles = make.run(lambda s: [i.title_lv for i in agenda.items_of(s, s.get(Event, meeting["event_id"]))])
    assert titles == ["Par darba plānu", "Par nodokļu politiku"]
    public = client.get(f"/events/{meeting['event']}").get_data(as_text=True)
    assert "Par darba plānu (Elīna Ozola, Jānis Sproģis)" in public
    assert f'href="/working-groups/{meeting["group"]}"' in public
    post(client, f"{url}/{items[1][0]}/remove", {}, url)
    assert make.run(lambda s: len(agenda.items_of(s, s.get(Event, meeting["event_id"])))) == 1
    assert post(client, f"{url}/{items[0][0]}/move", {"direction": "sideways"}, url).status_code == 400


def test_odd_input_gives_form_errors_not_a_server_error(client, login, meeting):
    login()
    url = f"/admin/meetings/{meeting['event']}/agenda"
    long = post(client, url, {"title_lv": "Ā" * 600})
    assert long.status_code == 400 and "error-summary" in long.get_data(as_text=True)
    nul = post(client, url, {"title_lv": "Par\x00 nulli", "guests": "Bez\x00 vārda"})
    assert nul.status_code == 302
    not_a_member = post(client, url, {"title_lv": "X", "reporting_members": "999999"})
    assert not_a_member.status_code == 400
    assert post(client, f"/admin/working-groups/{meeting['group']}/members/new",
                {"full_name": "A" * 300, "email": "not an address"}).status_code == 200
    assert post(client, f"/admin/meetings/{meeting['event']}/attendance/{meeting['registrations'][0]}",
                {"presence": "flying"}, f"/admin/meetings/{meeting['event']}/attendance").status_code == 400
    assert client.post(f"/admin/meetings/{meeting['event']}/invite").status_code == 400  # no CSRF token
    huge = "9" * 20  # more than any row's id; the database would refuse to compare with it
    assert client.get(f"/admin/meetings/{meeting['event']}/agenda/{huge}/edit").status_code == 404
    assert client.get(f"/admin/working-groups/{meeting['group']}/members/{huge}/edit").status_code == 404
    assert client.get(f"/working-groups/answer/{meeting['secrets'][0]}/{huge}/absent").status_code == 404
    assert client.get(f"/working-groups/{meeting['group']}/protocols/{huge}.pdf").status_code == 404


def test_the_one_click_answer_asks_before_it_records(client, make, meeting):
    url = f"/working-groups/answer/{meeting['secrets'][2]}/{meeting['event_id']}/absent"
    page = client.get(url)
    assert page.status_code == 200 and "Andris Ķēniņš" in page.get_data(as_text=True)
    # The link is the member's key: no other site learns it from the Referer, no cache keeps the page.
    assert page.headers["Referrer-Policy"] == "no-referrer" and "no-store" in page.headers["Cache-Control"]

    def answer(s):
        row = s.scalar(select(MeetingAnswer).where(MeetingAnswer.member_id == meeting["members"][2]))
        return row.answer, row.registration.status.value

    assert make.run(answer) == (None, "confirmed")  # opening the link changed nothing
    assert client.post(url, data={}).status_code == 400  # no CSRF token
    response = post(client, url)
    assert response.status_code == 302
    assert make.run(answer) == (MeetingAnswerChoice.ABSENT, "cancelled")
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="confirm-form"' not in after  # nothing left to confirm
    remote = f"/working-groups/answer/{meeting['secrets'][2]}/{meeting['event_id']}/remote"
    assert f'action="{remote}"' in after  # the way to change the answer
    assert post(client, remote, token_from=url).status_code == 302
    assert make.run(answer) == (MeetingAnswerChoice.REMOTE, "confirmed")
    assert client.get(f"/working-groups/answer/wrong-token/{meeting['event_id']}/absent").status_code == 404
    assert client.get(f"/working-groups/answer/{meeting['secrets'][2]}/{meeting['event_id']}/maybe").status_code == 404
    assert client.get(f"/working-groups/answer/{meeting['secrets'][2]}/999999/absent").status_code == 404


def test_the_keeper_fills_the_protocol_approves_it_and_the_group_page_publishes_it(client, login, make, meeting):
    make.run(lambda s: create_event(s, slug="padomes-sede", kind=EventKind.COUNCIL_SESSION,
                                    title_lv="Memoranda padomes sēde"))
    login()
    event_url = f"/admin/meetings/{meeting['event']}"
    chair, keeper, absent = meeting["registrations"]
    post(client, f"{event_url}/attendance/{chair}", {"presence": "in_person"}, f"{event_url}/attendance")
    post(client, f"{event_url}/attendance/{keeper}", {"presence": "remote"}, f"{event_url}/attendance")
    guest = post(client, f"{event_url}/attendance/guest", {"full_name": "Jānis Sproģis",
                                                          "organisation_name": "Latvijas Universitāte"},
                 f"{event_url}/attendance")
    assert guest.status_code == 302
    table = client.get(f"{event_url}/attendance").get_data(as_text=True)
    assert re.search(rf'data-testid="person-{chair}">(?:(?!</tr>).)*aria-pressed="true" data-testid="mark-in_person"',
                     table, re.S)
    assert re.search(rf'data-testid="person-{keeper}">(?:(?!</tr>).)*aria-pressed="true" data-testid="mark-remote"',
                     table, re.S)
    assert re.search(r'Jānis Sproģis(?:(?!</tr>).)*aria-pressed="true" data-testid="mark-in_person"', table, re.S)

    assert post(client, f"{event_url}/protocol/start", {}, f"{event_url}/protocol").status_code == 302
    entry_url = f"{event_url}/protocol/items/{meeting['item']}"
    form = client.get(entry_url).get_data(as_text=True)
    assert re.search(rf'<input checked id="reporters-\d+" name="reporters" type="checkbox" value="{chair}">', form)
    assert not re.search(rf'name="speakers" type="checkbox" value="{absent}"', form)  # only people present
    refused = post(client, entry_url, {"reporters": str(absent), "discussion": "x"})
    assert refused.status_code == 400
    filled = post(client, entry_url, {"reporters": str(chair), "speakers": [str(keeper)],
                                      "discussion": "Diskusija par nodokļiem."})
    assert filled.status_code == 302
    organisation = make.run(lambda s: s.scalar(select(Organisation.id)))
    session_id = make.run(lambda s: s.scalar(select(Event.id).where(Event.slug == "padomes-sede")))
    decision_url = f"{event_url}/protocol/items/{meeting['item']}/decisions/new"
    no_owner = post(client, decision_url, {"text": "Sagatavot priekšlikumus.", "kind": "task",
                                           "owner_organisation_id": "0", "linked_event_id": "0"})
    assert no_owner.status_code == 400 and '<li><a href="#owner_name">' in no_owner.get_data(as_text=True)
    too_early = post(client, decision_url, {"text": "Sagatavot priekšlikumus.", "kind": "task",
                                            "owner_organisation_id": str(organisation), "deadline": "2025-01-31",
                                            "linked_event_id": "0"})
    assert too_early.status_code == 400
    assert "The deadline cannot be before the meeting." in too_early.get_data(as_text=True) or \
        '<li><a href="#deadline">' in too_early.get_data(as_text=True)
    task = post(client, decision_url, {"text": "Sagatavot priekšlikumus.", "kind": "task",
                                       "owner_organisation_id": str(organisation),
                                       "deadline": (date.today() + timedelta(days=30)).isoformat(),
                                       "linked_event_id": "0"})
    assert task.status_code == 302
    post(client, decision_url, {"text": "Virzīt projektu padomei.", "kind": "decision", "owner_organisation_id": "0",
                                "linked_event_id": str(session_id)})
    page = client.get(f"{event_url}/protocol").get_data(as_text=True)
    assert "1.1." in page and "1.2." in page and "Memoranda padomes sēde" in page

    draft = client.get(f"{event_url}/protocol.pdf")
    assert draft.status_code == 200 and draft.mimetype == "application/pdf" and draft.data[:4] == b"%PDF"
    assert "projekts" in draft.headers["Content-Disposition"]
    public_pdf = f"/working-groups/{meeting['group']}/protocols/{meeting['event_id']}.pdf"
    assert client.get(public_pdf).status_code == 404  # a draft is not public
    assert 'data-testid="protocol-pdf"' not in client.get(f"/working-groups/{meeting['group']}").get_data(as_text=True)

    dashboard = client.get("/admin/").get_data(as_text=True)
    assert 'data-testid="wg-task"' in dashboard and "Sagatavot priekšlikumus." in dashboard
    assert 'data-testid="overdue"' not in dashboard

    def months_later(s):  # the deadline has passed since the meeting
        s.scalar(select(Decision).where(Decision.deadline.is_not(None))).deadline = date.today() - timedelta(days=1)

    make.run(months_later)
    assert 'data-testid="overdue"' in client.get("/admin/").get_data(as_text=True)

    assert post(client, f"{event_url}/protocol/approve", {}, f"{event_url}/protocol").status_code == 302
    assert make.run(lambda s: s.scalar(select(Protocol.status))).value == "approved"
    assert post(client, entry_url, {"discussion": "vēlāk"}, f"{event_url}/protocol").status_code == 302
    assert make.run(lambda s: s.scalar(select(ProtocolEntry.discussion))) == "Diskusija par nodokļiem."

    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    group_page = client.get(f"/working-groups/{meeting['group']}").get_data(as_text=True)
    assert 'data-testid="protocol-pdf"' in group_page
    pdf = client.get(public_pdf)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data[:4] == b"%PDF"
    disposition = pdf.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition and "%C4%" in disposition
    word = client.get(public_pdf.replace(".pdf", ".docx"))
    assert word.status_code == 200 and word.data[:2] == b"PK"
    assert word.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert client.get(f"/working-groups/citi/protocols/{meeting['event_id']}.pdf").status_code == 404


def test_an_open_task_stays_on_the_dashboard_until_marked_done(client, login, make, meeting):
    def give_task(s):
        event = s.get(Event, meeting["event_id"])
        protocol = protocols.start_protocol(s, None, event, utcnow())
        entry = protocols.entry_for(s, protocol, agenda.items_of(s, event)[0])
        return protocols.add_decision(s, None, entry, protocols.DecisionData(
            "Izsūtīt grozījumu projektu.", kind=DecisionKind.TASK, owner_name="Elīna Ozola",
            deadline=date.today() + timedelta(days=10)), utcnow()).id

    task = make.run(give_task)
    login()
    page = client.get("/admin/").get_data(as_text=True)
    assert "Izsūtīt grozījumu projektu." in page and 'data-testid="overdue"' not in page
    tasks_url = f"/admin/working-groups/{meeting['group']}/tasks"
    assert post(client, f"{tasks_url}/{task}/done", {}, tasks_url).status_code == 302
    assert make.run(lambda s: s.get(Decision, task).done_at) is not None
    assert "Izsūtīt grozījumu projektu." not in client.get("/admin/").get_data(as_text=True)
    assert post(client, f"{tasks_url}/{task}/reopen", {}, tasks_url).status_code == 302
    assert "Izsūtīt grozījumu projektu." in client.get("/admin/").get_data(as_text=True)
    other = make.run(lambda s: build_meeting(s, slug="citi"))
    assert post(client, f"/admin/working-groups/{other['group']}/tasks/{task}/done", {}, tasks_url).status_code == 404


def test_the_next_meetings_page_lists_the_open_tasks(client, make, meeting):
    def next_meeting(s):
        event = s.get(Event, meeting["event_id"])
        protocol = protocols.start_protocol(s, None, event, utcnow())
        entry = protocols.entry_for(s, protocol, agenda.items_of(s, event)[0])
        protocols.add_decision(s, None, entry, protocols.DecisionData(
            "Sagatavot atzinumu.", kind=DecisionKind.TASK, owner_name="Finanšu ministrija"), utcnow())
        return meetings.create_meeting(s, None, event.working_group, EventData(
            kind=EventKind.WORKING_GROUP_MEETING, title_lv="", starts_at=event.starts_at + timedelta(days=30),
            ends_at=event.starts_at + timedelta(days=30, hours=2)), utcnow()).slug

    slug = make.run(next_meeting)
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    assert 'data-testid="open-tasks"' in page and "Sagatavot atzinumu." in page
    assert 'data-testid="open-tasks"' not in client.get(f"/events/{meeting['event']}").get_data(as_text=True)


def test_members_can_take_roles_and_leave(client, login, make, meeting):
    login()
    base = f"/admin/working-groups/{meeting['group']}"
    post(client, f"{base}/members/{meeting['members'][2]}/role", {"role": "chair"}, base)
    roles = make.run(lambda s: [s.get(GroupMember, i).role.value for i in meeting["members"]])
    assert roles == ["member", "keeper", "chair"]
    assert post(client, f"{base}/members/{meeting['members'][2]}/role", {"role": "boss"}, base).status_code == 302
    post(client, f"{base}/members/{meeting['members'][0]}/remove", {}, base)
    assert make.run(lambda s: s.get(GroupMember, meeting["members"][0]).left_at) is not None
    public = client.get(f"/working-groups/{meeting['group']}").get_data(as_text=True)
    assert "Kristīne Zariņa" not in public.split('data-testid="members"')[1] and "Andris Ķēniņš" in public


def test_the_invite_button_invites_members_added_later(client, login, make, meeting):
    login()
    make.run(lambda s: members.add_member(s, None, members.group_by_slug(s, meeting["group"]), members.MemberData(
        full_name="Laura Krastiņa", email="laura@example.lv"), utcnow()))
    url = f"/admin/meetings/{meeting['event']}"
    assert post(client, f"{url}/invite", {}, url).status_code == 302
    assert make.run(lambda s: s.scalar(select(Registration.id).where(Registration.email == "laura@example.lv")))
    assert "Laura Krastiņa" in client.get(url).get_data(as_text=True)


def test_a_member_added_through_the_page_is_invited_to_the_coming_meeting_at_once(client, login, make, meeting):
    login()
    url = f"/admin/working-groups/{meeting['group']}/members/new"
    answer = post(client, url, {"full_name": "Laura Krastiņa", "email": "laura@example.lv", "sector": "ngo",
                                "role": "member", "language": "lv"})
    assert answer.status_code == 302

    def invited(s):
        registration = s.scalar(select(Registration).where(Registration.email == "laura@example.lv"))
        mails = s.scalars(select(OutboxMessage.kind).where(OutboxMessage.to_address == "laura@example.lv")).all()
        return registration is not None and registration.event.slug == meeting["event"], mails

    assert make.run(invited) == (True, ["working_group_invitation"])


def test_a_member_who_left_is_told_so_and_their_answer_is_not_recorded(client, login, make, meeting):
    login()
    base = f"/admin/working-groups/{meeting['group']}"
    assert post(client, f"{base}/members/{meeting['members'][2]}/remove", {}, base).status_code == 302
    client.get("/admin/logout")
    url = f"/working-groups/answer/{meeting['secrets'][2]}/{meeting['event_id']}/in_person"
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="left-group"' in page and 'data-testid="confirm-form"' not in page
    assert post(client, url, {}, url).status_code == 400

    def answer(s):
        row = s.scalar(select(MeetingAnswer).where(MeetingAnswer.member_id == meeting["members"][2]))
        return row.answer, row.registration.status.value

    assert make.run(answer) == (None, "confirmed")  # nothing recorded (the meeting had started: kept for it)


def test_the_answer_page_gives_the_join_link_once_the_member_joins_remotely(client, make, meeting):
    url = f"/working-groups/answer/{meeting['secrets'][1]}/{meeting['event_id']}/remote"
    assert 'data-testid="join-link"' not in client.get(url).get_data(as_text=True)
    assert post(client, url, {}, url).status_code == 302
    secret = make.run(lambda s: s.get(Registration, meeting["registrations"][1]).join_secret)
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="join-link"' in page and f"/join/{secret}" in page
