"""Every admin, API and check-in address × every role: the exact answer, from one table.

The table must name every such route the app registers: a new route without an entry fails
`test_the_matrix_names_every_route`.
"""
import io
import re
import uuid
from datetime import timedelta

import pytest
from flask import current_app
from reportlab.pdfgen import canvas

from eventapp.models import CheckIn, CheckInLink, OutboxMessage, OutboxStatus, RegistrantMessage, utcnow
from eventapp.services.checkin.walk_in import walk_in_ticket
from eventapp.services.documents import summaries
from eventapp.services.registration.questions import QuestionData, QuestionKind, add_question
from eventapp.services.working_groups import agenda, members, protocols

from ..factories import create_event, create_organisation, create_registration, create_user
from ..helpers import csrf_token

ROLES = ("anonymous", "participant", "facilitator", "partner_here", "partner_elsewhere", "organiser", "admin")
LOGIN, NO, OK = "sign-in", "403", "ok"

STAFF = (LOGIN, LOGIN, NO, NO, NO, OK, OK)
SIGNED_IN = (LOGIN, LOGIN, OK, OK, OK, OK, OK)
VIEW = (LOGIN, LOGIN, OK, OK, NO, OK, OK)  # the event: its co-host, the facilitator of a track of it
CO_HOST = (LOGIN, LOGIN, NO, OK, NO, OK, OK)  # registrations, check-in, track details
FACILITATOR = (LOGIN, LOGIN, OK, NO, NO, OK, OK)  # a track's people
PUBLIC = (OK,) * 7
LINK = (OK,) * 7  # a check-in link is its own permission: no account needed

MATRIX = {
    "GET /admin/": SIGNED_IN,
    "GET /admin/audit": STAFF,
    "GET /admin/coverage": STAFF,
    "GET /admin/personal-data": STAFF,
    "GET /admin/users": STAFF,
    "POST /admin/users": STAFF,
    "GET /admin/users/<int:user_id>": STAFF,
    "POST /admin/users/<int:user_id>": STAFF,
    "POST /admin/users/<int:user_id>/sign-out": STAFF,
    "GET /admin/events/new": STAFF,
    "POST /admin/events/new": STAFF,
    "GET /admin/events/<slug>": VIEW,
    "GET /admin/events/<slug>/edit": STAFF,
    "POST /admin/events/<slug>/edit": STAFF,
    "POST /admin/events/<slug>/<any(publish, unpublish, cancel):action>": STAFF,
    "POST /admin/events/<slug>/clone": STAFF,
    "GET /admin/events/<slug>/slots/new": STAFF,
    "POST /admin/events/<slug>/slots/new": STAFF,
    "GET /admin/events/<slug>/slots/<int:slot_id>/edit": STAFF,
    "POST /admin/events/<slug>/slots/<int:slot_id>/edit": STAFF,
    "POST /admin/events/<slug>/slots/<int:slot_id>/delete": STAFF,
    "GET /admin/events/<slug>/slots/<int:slot_id>/tracks/new": STAFF,
    "POST /admin/events/<slug>/slots/<int:slot_id>/tracks/new": STAFF,
    "GET /admin/events/<slug>/tracks/<int:track_id>/edit": CO_HOST,
    "POST /admin/events/<slug>/tracks/<int:track_id>/edit": CO_HOST,
    "POST /admin/events/<slug>/tracks/<int:track_id>/delete": STAFF,
    "GET /admin/events/<slug>/questions": STAFF,
    "GET /admin/events/<slug>/questions/new": STAFF,
    "POST /admin/events/<slug>/questions/new": STAFF,
    "GET /admin/events/<slug>/questions/<int:question_id>/edit": STAFF,
    "POST /admin/events/<slug>/questions/<int:question_id>/edit": STAFF,
    "POST /admin/events/<slug>/questions/<int:question_id>/move": STAFF,
    "POST /admin/events/<slug>/questions/<int:question_id>/remove": STAFF,
    "POST /admin/events/<slug>/questions/<int:question_id>/restore": STAFF,
    "GET /admin/events/<slug>/tracks/<int:track_id>/people": FACILITATOR,
    "POST /admin/events/<slug>/tracks/<int:track_id>/delegation-requests": STAFF,
    "GET /admin/events/<slug>/coverage": STAFF,
    "GET /admin/events/<slug>/coverage-report.<any(csv, xlsx, pdf):format>": STAFF,
    "GET /admin/events/<slug>/registrations": CO_HOST,
    "GET /admin/events/<slug>/registrations.<any(csv, xlsx):format>": CO_HOST,
    "GET /admin/events/<slug>/feedback": CO_HOST,
    "GET /admin/events/<slug>/feedback.<any(csv, xlsx):format>": CO_HOST,
    "GET /admin/events/<slug>/attendance": CO_HOST,
    "GET /admin/events/<slug>/attendance.<any(csv, xlsx):format>": CO_HOST,
    "GET /admin/online-meetings/series": STAFF,
    "POST /admin/online-meetings/series": STAFF,
    "POST /admin/events/<slug>/registrations/<int:registration_id>/cancel": STAFF,
    "POST /admin/events/<slug>/registrations/<int:registration_id>/move": STAFF,
    "POST /admin/events/<slug>/registrations/<int:registration_id>/resend": STAFF,
    "POST /admin/events/<slug>/registrations/<int:registration_id>/remote-present": STAFF,
    "POST /admin/events/<slug>/registrations/<int:registration_id>/remote-present/undo": STAFF,
    "POST /admin/events/<slug>/registrations/bulk": STAFF,
    "GET /admin/events/<slug>/badges.pdf": STAFF,
    "GET /admin/events/<slug>/failed-mail": CO_HOST,
    "POST /admin/events/<slug>/failed-mail/<int:message_id>/retry": CO_HOST,
    "GET /admin/events/<slug>/messages": CO_HOST,
    "GET /admin/events/<slug>/messages/new": CO_HOST,
    "POST /admin/events/<slug>/messages/new": CO_HOST,
    "GET /admin/events/<slug>/messages/<int:sent_id>": CO_HOST,
    "GET /admin/events/<slug>/invitations": STAFF,
    "GET /admin/events/<slug>/invitations/new": STAFF,
    "POST /admin/events/<slug>/invitations/new": STAFF,
    "GET /admin/organisations": STAFF,
    "GET /admin/organisations/without-contact.<any(csv, xlsx):format>": STAFF,
    "GET /admin/organisations/<int:organisation_id>": STAFF,
    "POST /admin/organisations/<int:organisation_id>": STAFF,
    "POST /admin/organisations/import": STAFF,
    "GET /admin/events/<slug>/checkin": CO_HOST,
    "GET /admin/events/<slug>/checkin/walk-in": CO_HOST,
    "POST /admin/events/<slug>/checkin/walk-in": CO_HOST,
    "GET /admin/events/<slug>/checkin/walk-in/<ticket>": CO_HOST,
    "POST /admin/events/<slug>/checkin/seat/<int:registration_id>": CO_HOST,
    "GET /admin/events/<slug>/checkin/badges/<int:registration_id>.pdf": CO_HOST,
    "GET /admin/events/<slug>/checkin/manifest.webmanifest": CO_HOST,
    "GET /admin/events/<slug>/checkin/sw.js": CO_HOST,
    "GET /admin/events/<slug>/checkin-links": STAFF,
    "POST /admin/events/<slug>/checkin-links": STAFF,
    "POST /admin/events/<slug>/checkin-links/<int:link_id>/revoke": STAFF,
    "GET /admin/events/<slug>/summaries": VIEW,
    "GET /admin/events/<slug>/tracks/<int:track_id>/summary": VIEW,
    "POST /admin/events/<slug>/tracks/<int:track_id>/summary": VIEW,
    "POST /admin/events/<slug>/tracks/<int:track_id>/summary/<any(publish, unpublish):action>": STAFF,
    "GET /admin/events/<slug>/tracks/<int:track_id>/summary/files/<int:file_id>": VIEW,
    "POST /admin/events/<slug>/tracks/<int:track_id>/summary/files/<int:file_id>/withdraw": VIEW,
    # The working groups (the secretariat's): the "here" event is a meeting of a group of the same slug.
    "GET /admin/meetings/<slug>": STAFF,
    "GET /admin/meetings/<slug>/agenda": STAFF,
    "GET /admin/meetings/<slug>/agenda/<int:item_id>/edit": STAFF,
    "GET /admin/meetings/<slug>/attendance": STAFF,
    "GET /admin/meetings/<slug>/protocol": STAFF,
    "GET /admin/meetings/<slug>/protocol.docx": STAFF,
    "GET /admin/meetings/<slug>/protocol.pdf": STAFF,
    "GET /admin/meetings/<slug>/protocol/decisions/<int:decision_id>/edit": STAFF,
    "GET /admin/meetings/<slug>/protocol/items/<int:item_id>": STAFF,
    "GET /admin/meetings/<slug>/protocol/items/<int:item_id>/decisions/new": STAFF,
    "GET /admin/working-groups": STAFF,
    "GET /admin/working-groups/<slug>": STAFF,
    "GET /admin/working-groups/<slug>/edit": STAFF,
    "GET /admin/working-groups/<slug>/meetings/new": STAFF,
    "GET /admin/working-groups/<slug>/members/<int:member_id>/edit": STAFF,
    "GET /admin/working-groups/<slug>/members/new": STAFF,
    "GET /admin/working-groups/<slug>/tasks": STAFF,
    "GET /admin/working-groups/new": STAFF,
    "POST /admin/meetings/<slug>/agenda": STAFF,
    "POST /admin/meetings/<slug>/agenda/<int:item_id>/edit": STAFF,
    "POST /admin/meetings/<slug>/agenda/<int:item_id>/move": STAFF,
    "POST /admin/meetings/<slug>/agenda/<int:item_id>/remove": STAFF,
    "POST /admin/meetings/<slug>/attendance/<int:registration_id>": STAFF,
    "POST /admin/meetings/<slug>/attendance/guest": STAFF,
    "POST /admin/meetings/<slug>/invite": STAFF,
    "POST /admin/meetings/<slug>/protocol": STAFF,
    "POST /admin/meetings/<slug>/protocol/approve": STAFF,
    "POST /admin/meetings/<slug>/protocol/decisions/<int:decision_id>/edit": STAFF,
    "POST /admin/meetings/<slug>/protocol/decisions/<int:decision_id>/remove": STAFF,
    "POST /admin/meetings/<slug>/protocol/items/<int:item_id>": STAFF,
    "POST /admin/meetings/<slug>/protocol/items/<int:item_id>/decisions/new": STAFF,
    "POST /admin/meetings/<slug>/protocol/start": STAFF,
    "POST /admin/working-groups/<slug>/edit": STAFF,
    "POST /admin/working-groups/<slug>/meetings/new": STAFF,
    "POST /admin/working-groups/<slug>/members/<int:member_id>/edit": STAFF,
    "POST /admin/working-groups/<slug>/members/<int:member_id>/remove": STAFF,
    "POST /admin/working-groups/<slug>/members/<int:member_id>/role": STAFF,
    "POST /admin/working-groups/<slug>/members/new": STAFF,
    "POST /admin/working-groups/<slug>/tasks/<int:decision_id>/done": STAFF,
    "POST /admin/working-groups/<slug>/tasks/<int:decision_id>/reopen": STAFF,
    "POST /admin/working-groups/new": STAFF,
    "GET /admin/login": PUBLIC,
    "POST /admin/login": PUBLIC,
    "POST /admin/logout": SIGNED_IN,
    "GET /admin/forgot-password": PUBLIC,
    "POST /admin/forgot-password": PUBLIC,
    "GET /admin/set-password/<token>": PUBLIC,
    "POST /admin/set-password/<token>": PUBLIC,
    "POST /api/checkin": CO_HOST,
    "POST /api/checkin/undo": CO_HOST,
    "GET /api/events/<slug>/checkin-list": CO_HOST,
    "GET /checkin/<secret>": LINK,
    "GET /checkin/<secret>/walk-in": LINK,
    "POST /checkin/<secret>/walk-in": LINK,
    "GET /checkin/<secret>/walk-in/<ticket>": LINK,
    "POST /checkin/<secret>/seat/<int:registration_id>": LINK,
    "GET /checkin/<secret>/badges/<int:registration_id>.pdf": LINK,
    "GET /checkin/<secret>/manifest.webmanifest": LINK,
    "GET /checkin/<secret>/sw.js": LINK,
}
GUARDED = ("/admin", "/api", "/checkin")


def registered_routes(app) -> set[str]:
    return {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(GUARDED)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_matrix_names_every_route(app):
    assert registered_routes(app) == set(MATRIX)


def build_world(session) -> dict:
    """Two events, each co-hosted by its own NGO; people, a facilitator and a check-in link."""
    here_org, elsewhere_org = create_organisation(session), create_organisation(session)
    here = create_event(session, tracks=2, slug="jekabpils")
    here.co_hosts = [here_org]
    elsewhere = create_event(session, tracks=1, slug="liepaja")
    elsewhere.co_hosts = [elsewhere_org]
    facilitator = create_user(session, role="facilitator")
    here.tracks[0].facilitator_id = facilitator.id
    users = {
        "facilitator": facilitator,
        "partner_here": create_user(session, role="partner", organisation=here_org),
        "partner_elsewhere": create_user(session, role="partner", organisation=elsewhere_org),
        "organiser": create_user(session, role="organiser"),
        "admin": create_user(session, role="admin"),
    }
    person = create_registration(session, here)
    asked = [add_question(session, None, e, QuestionData(kind=QuestionKind.SHORT_TEXT, text_lv="Kas?"), utcnow()) for e in (here, elsewhere)]
    other_person = create_registration(session, elsewhere)
    session.add(CheckIn(registration=person, scan_id="world-scan", scanned_at=utcnow()))
    summary_file = summaries.add_file(session, users["organiser"], here.tracks[0], "Kopsavilkums", "kopsavilkums.pdf",
                                      small_pdf(), current_app.config["UPLOAD_FOLDER"], utcnow()).file
    failed_mail = [
        OutboxMessage(kind="confirmation", to_address=someone.email, registration=someone, event=someone.event, subject="Reģistrācija",
                      body_text="…", status=OutboxStatus.FAILED, last_error="550 No such user", failed_at=utcnow())
        for someone in (person, other_person)
    ]
    session.add_all(failed_mail)
    sent = [RegistrantMessage(event=e, token=e.slug, subject_lv="Ziņa", body_lv="…") for e in (here, elsewhere)]
    session.add_all(sent)
    links = []
    for event in (here, elsewhere):
        link = CheckInLink(event_id=event.id, label="Annas tālrunis", secret=uuid.uuid4().hex,
                           valid_until=utcnow() + timedelta(days=1))
        session.add(link)
        links.append(link)
    session.flush()
    working_group = add_working_group(session, here)
    return {
        "users": {role: user.get_id() for role, user in users.items()},
        "participant_token": person.secret,
        "here": {"question_id": asked[0].id, "slug": here.slug, "registration_id": person.id, "slot_id": here.slots[0].id,
                 "track_id": here.tracks[0].id, "link_id": links[0].id, "user_id": facilitator.id,
                 "secret": links[0].secret, "token": "not-a-token", "action": "publish", "format": "csv",
                 "file_id": summary_file.id, "message_id": failed_mail[0].id, "sent_id": sent[0].id, "organisation_id": here_org.id,
                 "ticket": walk_in_ticket(current_app.secret_key, person)} | working_group,
        "elsewhere": {"question_id": asked[1].id, "registration_id": other_person.id, "slot_id": elsewhere.slots[0].id,
                      "track_id": elsewhere.tracks[0].id, "link_id": links[1].id, "message_id": failed_mail[1].id,
                      "sent_id": sent[1].id},
    }


def add_working_group(session, event) -> dict:
    """A group named like the event, with a member; the event its meeting, with an agenda item and a
    draft protocol that gives a task."""
    now = utcnow()
    group = members.create_group(session, None, members.GroupData("Darba grupa", slug=event.slug), now)
    member = members.add_member(session, None, group, members.MemberData("Ilze Bite", "ilze@example.lv"), now)
    event.working_group = group
    item = agenda.add_item(session, None, event, agenda.AgendaItemData("Par budžetu"), now)
    entry = protocols.entry_for(session, protocols.start_protocol(session, None, event, now), item)
    task = protocols.add_decision(session, None, entry, protocols.DecisionData(
        "Sagatavot atzinumu.", kind=protocols.DecisionKind.TASK, owner_name="Ilze Bite"), now)
    return {"member_id": member.id, "item_id": item.id, "decision_id": task.id}


def small_pdf() -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Kopsavilkums")
    page.save()
    return out.getvalue()


def fill(rule: str, values: dict) -> str:
    def value(match):
        return str(values[match.group(1)])

    return re.sub(r"<(?:[^<>:]+:)?([a-z_]+)>", value, re.sub(r"<any\([^)]*\):(\w+)>", r"<\1>", rule))


def answer(response) -> str:
    response.close()  # a file sent from disk stays open until then
    if response.status_code == 401:
        return LOGIN
    if response.status_code == 302 and response.location.startswith("/admin/login"):
        return LOGIN
    if response.status_code in (403, 404):
        return str(response.status_code)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    return OK


def act_as(client, world: dict, role: str) -> None:
    if role == "participant":
        assert client.get(f"/r/{world['participant_token']}").status_code == 200
    elif role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = world["users"][role]
            session["_fresh"] = True


def request(client, key: str, values: dict):
    method, rule = key.split(" ", 1)
    url = fill(rule, values)
    if method == "GET":
        return client.get(url)
    token = csrf_token(client, "/")
    if rule.startswith("/api"):
        scan_id = "world-scan" if rule.endswith("/undo") else str(uuid.uuid4())
        body = {"event": values["slug"], "code": "EVA1:nav", "scan_id": scan_id, "scanned_at": None}
        return client.post(url, json=body, headers={"X-CSRFToken": token})
    return client.post(url, data={"csrf_token": token})


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_each_role_gets_exactly_its_answer(app, make, key):
    world = make.run(build_world)
    found = {}
    for role in ROLES:
        if key.startswith("POST") and OK in found.values():
            # What an allowed POST changed must not decide the next role's answer: a fresh world.
            make.reset()
            world = make.run(build_world)
        client = app.test_client()
        act_as(client, world, role)
        found[role] = answer(request(client, key, world["here"]))
    assert found == dict(zip(ROLES, MATRIX[key]))


NESTED = [key for key in MATRIX if re.search(r"<int:(question_id|registration_id|slot_id|track_id|link_id|message_id|sent_id)>", key)
          and "/admin/events/<slug>" in key]


@pytest.mark.parametrize("key", NESTED)
def test_another_event_s_object_in_the_address_is_never_found(app, make, key):
    world = make.run(build_world)
    client = app.test_client()
    act_as(client, world, "organiser")
    values = world["here"] | world["elsewhere"]  # this event's address, the other event's ids
    assert request(client, key, values).status_code == 404


# Every action on a user account: (method, address, form).
USER_ACTIONS = {
    "open": ("GET", "/admin/users/{id}", None),
    "change role": ("POST", "/admin/users/{id}", {"role": "facilitator", "organisation_id": "0", "active": "y"}),
    "switch off": ("POST", "/admin/users/{id}", {"role": "{role}", "organisation_id": "0"}),
    "sign out everywhere": ("POST", "/admin/users/{id}/sign-out", {}),
}


def account_state(make, user_id):
    from eventapp.models import User

    return make.run(lambda s: (lambda u: (u.role, u.active, u.session_version))(s.get(User, user_id)))


@pytest.mark.parametrize("action", sorted(USER_ACTIONS))
@pytest.mark.parametrize("actor, target, allowed", [("organiser", "admin", False), ("admin", "organiser", True),
                                                    ("organiser", "organiser", True)])
def test_organisers_manage_every_user_but_administrators(app, make, action, actor, target, allowed):
    def people(s):
        return create_user(s, role=actor).get_id(), create_user(s, role=target).id

    actor_id, target_id = make.run(people)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = actor_id, True
    method, url, form = USER_ACTIONS[action]
    url = url.format(id=target_id)
    before = account_state(make, target_id)
    if method == "GET":
        response = client.get(url)
    else:
        data = {k: v.format(role=target) for k, v in form.items()} | {"csrf_token": csrf_token(client, "/")}
        response = client.post(url, data=data)
    if allowed:
        assert response.status_code in (200, 302)
        assert method == "GET" or account_state(make, target_id) != before
    else:
        assert response.status_code == 403
        assert account_state(make, target_id) == before


def test_the_users_list_offers_no_action_on_administrators_to_organisers(app, make, client):
    def people(s):
        return create_user(s, role="organiser").get_id(), create_user(s, role="admin").id

    actor_id, admin_id = make.run(people)
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = actor_id, True
    page = client.get("/admin/users").get_data(as_text=True)
    assert f"/admin/users/{admin_id}/sign-out" not in page and f'href="/admin/users/{admin_id}"' not in page
