"""Accounts and roles: invitations, passwords, rate limits, partners' and facilitators' reach, the audit log."""
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from eventapp import create_app
from eventapp.config import TestConfig
from eventapp.extensions import db
from eventapp.models import AuditEntry, Event, Organisation, OutboxMessage, Summary, Track, User, utcnow
from eventapp.services.demo import seed_demo

from ..helpers import csrf_token

JEKABPILS, LIEPAJA = "2025-09-03-jekabpils-regional-session", "2025-10-29-liepaja-regional-session"


def last_mail(make, kind):
    return make.run(lambda s: s.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                        .order_by(OutboxMessage.id.desc())).first().body_text)


def link_in(text: str) -> str:
    return re.search(r"http://eventapp\.test(/admin/set-password/[\w.-]+)", text).group(1)


def test_invitation_sets_a_password_once_and_signs_in(client, login, make, app):
    login("organiser")
    org_id = make.organisation(name='biedrība "Vidusdaugavas NVO centrs"')
    response = client.post("/admin/users", data={
        "csrf_token": csrf_token(client, "/admin/users"), "name": "Ērika Bērziņa", "email": "Erika@Example.lv",
        "role": "partner", "organisation_id": str(org_id), "active": "y"})
    assert response.status_code == 302
    link = link_in(last_mail(make, "invitation"))

    newcomer = app.test_client()
    page = newcomer.get(link).get_data(as_text=True)
    assert "erika@example.lv" in page
    token = csrf_token(newcomer, link)
    short = newcomer.post(link, data={"csrf_token": token, "password": "īsa", "confirm": "īsa"})
    assert 'id="password-error"' in short.get_data(as_text=True)
    done = newcomer.post(link, data={"csrf_token": token, "password": "ļoti drošā parole", "confirm": "ļoti drošā parole"})
    assert done.status_code == 302
    assert newcomer.get(link).status_code == 400  # a link works once
    signed_in = newcomer.post("/admin/login", data={"csrf_token": csrf_token(newcomer, "/admin/login"),
                                                    "email": "erika@example.lv", "password": "ļoti drošā parole"})
    assert signed_in.location == "/admin/"


def test_password_reset_says_nothing_about_unknown_addresses(client, make, app):
    email = make.user()
    for address in (email, "nav-tada@example.lv"):
        response = client.post("/admin/forgot-password", data={"csrf_token": csrf_token(client, "/admin/forgot-password"),
                                                                "email": address}, follow_redirects=True)
        assert response.status_code == 200
    assert make.run(lambda s: s.scalar(select(OutboxMessage.to_address))) == email
    link = link_in(last_mail(make, "password_reset"))
    assert app.test_client().get(link).status_code == 200
    assert client.get("/admin/set-password/viltots.zīmogs").status_code == 400


def test_an_organiser_cannot_make_an_administrator(client, login):
    login("organiser")
    response = client.post("/admin/users", data={
        "csrf_token": csrf_token(client, "/admin/users"), "name": "X", "email": "x@example.lv", "role": "admin",
        "organisation_id": "0", "active": "y"})
    assert 'id="role-error"' in response.get_data(as_text=True)


def test_sign_in_attempts_are_rate_limited(app, database_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        SIGN_IN_RATE_LIMIT = "3 per minute"

    limited = create_app(Config)
    client = limited.test_client()
    token = csrf_token(client, "/admin/login")
    answers = [client.post("/admin/login", data={"csrf_token": token, "email": "a@example.lv", "password": "nē"}).status_code
               for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    with limited.app_context():
        db.engine.dispose()


def test_changing_a_role_signs_the_person_out(app, client, login, make):
    login("admin")
    other = app.test_client()
    email = make.user(role="organiser")
    from ..factories import PASSWORD

    other.post("/admin/login", data={"csrf_token": csrf_token(other, "/admin/login"), "email": email, "password": PASSWORD})
    assert other.get("/admin/").status_code == 200
    user_id = make.run(lambda s: s.scalar(select(User.id).where(User.email == email)))
    client.post(f"/admin/users/{user_id}", data={"csrf_token": csrf_token(client, f"/admin/users/{user_id}"),
                                                 "role": "facilitator", "organisation_id": "0", "active": "y"})
    assert other.get("/admin/").status_code == 302
    assert make.run(lambda s: s.scalar(select(AuditEntry.action).where(AuditEntry.action == "user.update")))


@pytest.fixture
def demo(make):
    make.run(lambda s: seed_demo(s, utcnow()))


def co_host_partner(login, make):
    org_id = make.run(lambda s: s.scalar(select(Organisation.id).where(Organisation.name == 'biedrība "Vidusdaugavas NVO centrs"')))
    return login("partner", organisation_id=org_id)


def test_the_jekabpils_co_host_works_on_jekabpils_only(client, login, make, demo):
    co_host_partner(login, make)
    assert client.get(f"/admin/events/{JEKABPILS}").status_code == 200
    assert client.get(f"/admin/events/{JEKABPILS}/registrations").status_code == 200
    assert client.get(f"/admin/events/{JEKABPILS}/checkin").status_code == 200
    assert client.get(f"/admin/events/{JEKABPILS}/coverage").status_code == 403  # no delegation contacts
    assert client.get("/admin/users").status_code == 403
    for url in (f"/admin/events/{LIEPAJA}", f"/admin/events/{LIEPAJA}/registrations", f"/admin/events/{LIEPAJA}/checkin"):
        assert client.get(url).status_code == 403
    page = client.get("/admin/").get_data(as_text=True)
    assert "Jēkabpilī" in page and "Liepājā" not in page


def test_a_partner_edits_a_track_s_details_but_not_its_seats(client, login, make, demo):
    co_host_partner(login, make)
    track_id, capacity = make.run(lambda s: (lambda e: (e.tracks[0].id, e.tracks[0].capacity))(
        s.scalar(select(Event).where(Event.slug == JEKABPILS))))
    url = f"/admin/events/{JEKABPILS}/tracks/{track_id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="room"' in page and 'name="capacity"' not in page
    client.post(url, data={"csrf_token": csrf_token(client, url), "room": "Lielā zāle", "capacity": "999"})
    assert make.run(lambda s: (s.get(Track, track_id).room, s.get(Track, track_id).capacity)) == ("Lielā zāle", capacity)


def test_a_facilitator_sees_the_people_of_their_track_only(client, login, make, demo):
    email = login("facilitator")

    def assign(s):
        event = s.scalar(select(Event).where(Event.slug == JEKABPILS))
        event.tracks[1].facilitator_id = s.scalar(select(User.id).where(User.email == email))
        return event.tracks[1].id, event.tracks[2].id

    mine, other = make.run(assign)
    page = client.get(f"/admin/events/{JEKABPILS}/tracks/{mine}/people").get_data(as_text=True)
    assert "Māris Ozoliņš" in page
    assert client.get(f"/admin/events/{JEKABPILS}/tracks/{other}/people").status_code == 403
    assert client.get(f"/admin/events/{JEKABPILS}/registrations").status_code == 403


def test_audit_log_is_filterable_and_organisers_see_event_entries_only(client, login, make, demo):
    admin_email = login("admin")
    client.post("/admin/users", data={"csrf_token": csrf_token(client, "/admin/users"), "name": "Jauns", "role": "organiser",
                                      "email": "jauns@example.lv", "organisation_id": "0", "active": "y"})
    make.run(lambda s: s.add(AuditEntry(action="event.update", object_type="event", object_id=1,
                                        event_id=s.scalar(select(Event.id).where(Event.slug == JEKABPILS)), details={})))
    page = client.get("/admin/audit?area=user").get_data(as_text=True)
    assert "user.invite" in page and "event.update" not in page
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert login("organiser") != admin_email
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "event.update" in page and "user.invite" not in page
    assert client.get("/admin/audit?event=abc&area=%3Cscript%3E").status_code == 200


def test_personal_data_page_shows_what_is_due(client, login, demo):
    login("organiser")
    page = client.get("/admin/personal-data").get_data(as_text=True)
    assert "Memoranda padomes izbraukuma sēde Jēkabpilī" in page


SIGN_IN_TWICE = """
import sys
from eventapp import create_app
from eventapp.config import TestConfig
from tests.helpers import csrf_token

class Config(TestConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]
    SIGN_IN_RATE_LIMIT = "3 per minute"
    RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"
    RATELIMIT_KEY_PREFIX = sys.argv[2]

client = create_app(Config).test_client()
token = csrf_token(client, "/admin/login")
for _ in range(2):
    print(client.post("/admin/login", data={"csrf_token": token, "email": "a@example.lv", "password": "x"}).status_code)
"""


def test_the_limit_is_shared_by_processes_through_redis(app, database_url):
    """Two processes, as two gunicorn workers would be, counting in one Redis."""
    prefix = f"eventapp-test-{uuid.uuid4().hex}"
    root = Path(__file__).resolve().parents[2]
    runs = [subprocess.run([sys.executable, "-c", SIGN_IN_TWICE, database_url, prefix], cwd=root,
                           capture_output=True, text=True, timeout=120) for _ in range(2)]
    assert [run.stdout.split() for run in runs] == [["200", "200"], ["200", "429"]], runs[-1].stderr[-2000:]


def test_the_jekabpils_co_host_writes_a_summary_there_and_not_in_liepaja(client, login, make, demo):
    co_host_partner(login, make)

    def first_tracks(s):
        return [s.scalar(select(Event).where(Event.slug == slug)).tracks[0].id for slug in (JEKABPILS, LIEPAJA)]

    jekabpils_track, liepaja_track = make.run(first_tracks)
    url = f"/admin/events/{JEKABPILS}/tracks/{jekabpils_track}/summary"
    form = client.get(url).get_data(as_text=True)
    assert 'name="conclusions"' in form
    saved = client.post(url, data={"csrf_token": csrf_token(client, url), "action": "save",
                                   "conclusions": "Sēlijas salās sadarbība jāturpina ar ministrijām."})
    assert saved.status_code == 302
    stored = make.run(lambda s: s.scalar(select(Summary.conclusions).where(Summary.track_id == jekabpils_track)))
    assert stored == "Sēlijas salās sadarbība jāturpina ar ministrijām."
    assert client.get(f"/admin/events/{LIEPAJA}/tracks/{liepaja_track}/summary").status_code == 403


def test_only_an_administrator_is_offered_the_administrator_role(client, login):
    login("organiser")
    assert 'value="admin"' not in client.get("/admin/users").get_data(as_text=True)
    assert 'value="organiser"' in client.get("/admin/users").get_data(as_text=True)
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/users")})
    login("admin")
    assert 'value="admin"' in client.get("/admin/users").get_data(as_text=True)
