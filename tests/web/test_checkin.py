"""Check-in through HTTP: the page, the JSON API, check-in links, walk-ins, and badges to download."""
import json
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from eventapp.models import (
    CheckIn,
    CheckInLink,
    Event,
    Registration,
    RegistrationStatus,
    Sector,
    utcnow,
)
from eventapp.services.checkin import check_ins as checkin_service

from ..factories import create_event, create_organisation, create_registration, create_user
from ..helpers import csrf_token
from ..pdf_tools import decode_qr, page_count, page_images, pdf_text

PAGE = "/admin/events/jekabpils/checkin"
API = "/api/checkin"


@pytest.fixture
def setup(make):
    """Jēkabpils, co-hosted by an NGO: two tracks; Ēriks and Anna confirmed, Jānis on the event's waiting list."""

    def build(s):
        co_host = create_organisation(s, name='biedrība "Vidusdaugavas NVO centrs"')
        other_org = create_organisation(s, name='biedrība "Kurzemes NVO centrs"')
        event = create_event(s, tracks=2, slug="jekabpils", capacity=2, city="Jēkabpils",
                             title_lv="Memoranda padomes izbraukuma sēde Jēkabpilī")
        event.co_hosts = [co_host]
        first, second = event.tracks
        eriks = create_registration(s, event, full_name="Ēriks Ķēniņš-Žagata", sector=Sector.MUNICIPALITY,
                                    organisation_name="Jēkabpils novada pašvaldība")
        anna = create_registration(s, event, full_name="Anna Liepa", track_ids={first.slot_id: second.id})
        janis = create_registration(s, event, full_name="Jānis Gaida")
        forum = create_event(s, slug="forums", title_lv="Forums", title_en="Forum")
        stranger = create_registration(s, forum, full_name="Pēteris Forumā")
        return {
            "co_host": co_host.id, "other_org": other_org.id, "first": first.id, "second": second.id,
            "eriks": eriks.id, "anna": anna.id, "janis": janis.id, "stranger": stranger.id,
            "codes": {name: f"EVA1:{r.badge_secret}" for name, r in
                      {"eriks": eriks, "anna": anna, "janis": janis, "stranger": stranger}.items()},
            "tokens": {name: r.secret for name, r in {"eriks": eriks, "anna": anna, "janis": janis}.items()},
        }

    return make.run(build)


def settings_of(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    found = re.search(r'<script type="application/json" id="checkin-settings">(.*?)</script>',
                      response.get_data(as_text=True), re.S)
    return json.loads(found.group(1))


def scan(client, code: str | None = None, *, token: str | None = None, link: str | None = None, **body):
    headers = {}
    if token:
        headers["X-CSRFToken"] = token
    if link:
        headers["X-Checkin-Link"] = link
    payload = {"event": "jekabpils", "scan_id": str(uuid.uuid4()), "scanned_at": utcnow().isoformat()}
    if code is not None:
        payload["code"] = code
    payload.update(body)
    return client.post(API, json=payload, headers=headers)


def check_ins(make, registration_id: int) -> list[CheckIn]:
    return make.run(lambda s: [
        (c.scan_id, c.track_id, c.by_user_id, c.by_link_id, c.undone_at)
        for c in s.scalars(select(CheckIn).where(CheckIn.registration_id == registration_id).order_by(CheckIn.id))
    ])


@pytest.mark.parametrize("url", [
    PAGE, PAGE + "/walk-in", "/admin/events/jekabpils/checkin-links", "/admin/events/jekabpils/badges.pdf",
    f"{PAGE}/badges/1.pdf",
])
def test_the_door_pages_need_sign_in(client, setup, url):
    response = client.get(url)
    assert response.status_code == 302 and response.location.startswith("/admin/login")


def test_the_api_needs_a_user_or_a_link_and_answers_json(client, setup):
    for response in (scan(client, setup["codes"]["eriks"]), client.get("/api/events/jekabpils/checkin-list")):
        assert response.status_code == 401 and response.is_json
        assert response.get_json()["message"]


def test_who_may_check_in(client, login, setup):
    login("partner", organisation_id=setup["co_host"])  # the co-host's people check in, but do not print or make links
    settings = settings_of(client, PAGE)
    assert scan(client, setup["codes"]["eriks"], token=settings["csrf"]).get_json()["result"] == "welcome"
    assert client.get("/admin/events/jekabpils/checkin-links").status_code == 403
    assert client.get("/admin/events/jekabpils/badges.pdf").status_code == 403
    assert client.get("/admin/events/forums/checkin").status_code == 403
    response = scan(client, setup["codes"]["stranger"], token=settings["csrf"], event="forums")
    assert response.status_code == 403 and response.is_json


@pytest.mark.parametrize("role,organisation", [("partner", "other_org"), ("facilitator", None)])
def test_others_may_not(client, login, setup, role, organisation):
    login(role, **({"organisation_id": setup[organisation]} if organisation else {}))
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client, "/")
    response = scan(client, setup["codes"]["eriks"], token=token)
    assert response.status_code == 403 and response.is_json
    assert client.get("/api/events/jekabpils/checkin-list").status_code == 403


def test_an_organiser_scans_and_a_second_scan_says_when_and_by_whom(client, login, make, setup):
    login("organiser")
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="code"' in page and 'data-testid="counts"' in page
    assert '<script type="module" src="/static/js/checkin/main.js">' in page
    settings = settings_of(client, PAGE)
    assert settings["link"] is None and settings["listUrl"] == "/api/events/jekabpils/checkin-list"

    first = scan(client, setup["codes"]["eriks"], token=settings["csrf"], scan_id="device-1-scan-1")
    assert first.status_code == 200
    answer = first.get_json()
    assert answer["result"] == "welcome"
    assert answer["person"] == {
        "id": setup["eriks"], "name": "Ēriks Ķēniņš-Žagata", "organisation": "Jēkabpils novada pašvaldība",
        "sector": "municipality", "sector_label": "Pašvaldība", "mode": "in_person", "tracks": ["Darba grupa 1"],
    }
    assert answer["scan"]["by"] == "Anna Bērziņa" and answer["scan"]["scan_id"] == "device-1-scan-1"

    replay = scan(client, setup["codes"]["eriks"], token=settings["csrf"], scan_id="device-1-scan-1").get_json()
    assert replay.pop("replayed") is True and replay == answer

    second = scan(client, setup["codes"]["eriks"], token=settings["csrf"], scan_id="device-2-scan-1").get_json()
    assert second["result"] == "already"
    assert second["first"]["at"] == answer["scan"]["at"] and second["first"]["by"] == "Anna Bērziņa"
    assert answer["scan"]["time"] in second["message"] and "Anna Bērziņa" in second["message"]
    assert len(check_ins(make, setup["eriks"])) == 1

    refused = {
        "other_event": scan(client, setup["codes"]["stranger"], token=settings["csrf"]).get_json(),
        "waitlisted": scan(client, setup["codes"]["janis"], token=settings["csrf"]).get_json(),
        "invalid": scan(client, "EVA1:" + "x" * 43, token=settings["csrf"]).get_json(),
    }
    for result, body in refused.items():
        assert body["result"] == result and body["message"], body
    assert "Forums" in refused["other_event"]["message"]


def test_scans_in_english_and_by_name(client, login, make, setup):
    login("organiser")
    client.post("/lang/en", data={"csrf_token": csrf_token(client, "/"), "next": "/"})
    settings = settings_of(client, PAGE)
    assert settings["strings"]["welcomeMessage"] == "Welcome, %(name)s!"
    answer = scan(client, registration_id=setup["anna"], token=settings["csrf"]).get_json()
    assert (answer["result"], answer["message"]) == ("welcome", "Welcome, Anna Liepa!")
    at_room = scan(client, registration_id=setup["anna"], token=settings["csrf"], track_id=setup["first"]).get_json()
    assert at_room["result"] == "welcome" and at_room["notes"] == ["Not registered for this working group."]
    assert [c[1] for c in check_ins(make, setup["anna"])] == [None, setup["first"]]


@pytest.mark.parametrize("body,status", [
    ("not json at all", 400),
    ("[1, 2, 3]", 400),
    ('{"code": "EVA1:abc"}', 400),  # no event
    ('{"event": "jekabpils", "scan_id": "abcd-1234"}', 400),  # no code
    ('{"event": "jekabpils", "code": "EVA1:abc"}', 400),  # no scan id
    ('{"event": "jekabpils", "code": "EVA1:abc", "scan_id": "has spaces in it"}', 400),
    ('{"event": "jekabpils", "code": "EVA1:abc", "scan_id": 12345678}', 400),
    ('{"event": "jekabpils", "code": 42, "scan_id": "abcd-1234"}', 400),
    ('{"event": "jekabpils", "code": "EVA1:abc", "scan_id": "abcd-1234", "scanned_at": "yesterday"}', 400),
    ('{"event": "jekabpils", "code": "EVA1:abc", "scan_id": "abcd-1234", "track_id": "one"}', 400),
    ('{"event": "jekabpils", "code": "EVA1:abc", "scan_id": "abcd-1234", "track_id": 999999}', 400),
    ('{"event": "jekabpils", "registration_id": true, "scan_id": "abcd-1234"}', 400),
    ('{"event": "jekabpils", "registration_id": 99999999999999, "scan_id": "abcd-1234"}', 400),
    ('{"event": "jek\\u0000pils", "code": "EVA1:abc", "scan_id": "abcd-1234"}', 404),
    ('{"event": "nav-tada", "code": "EVA1:abc", "scan_id": "abcd-1234"}', 404),
    ('{"event": "jekabpils", "code": "EVA1:\\u0000abc", "scan_id": "abcd-1234"}', 200),
    ('{"event": "jekabpils", "code": "EVA1:abc", "scan_id": "abcd-1234", "scanned_at": "2025-09-03T09:12:00"}', 200),
])
def test_bad_requests_get_a_json_answer_never_a_server_error(client, login, setup, body, status):
    login("organiser")
    token = settings_of(client, PAGE)["csrf"]
    response = client.post(API, data=body.encode("utf-8"), content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json and response.get_json()["message"]
    if status == 200:
        assert response.get_json()["result"] == "invalid"


def test_a_session_caller_needs_the_csrf_token(client, login, setup):
    login("organiser")
    settings_of(client, PAGE)
    for token in (None, "forged-token"):
        response = scan(client, setup["codes"]["eriks"], token=token)
        assert response.status_code == 400 and response.is_json


def test_the_device_list_and_undo(client, login, make, setup):
    login("organiser")
    token = settings_of(client, PAGE)["csrf"]
    made = scan(client, setup["codes"]["eriks"], token=token, scan_id="undo-me-please").get_json()
    listing = client.get("/api/events/jekabpils/checkin-list")
    assert listing.status_code == 200 and listing.headers["Cache-Control"] == "no-store"
    people = {p["id"]: p for p in listing.get_json()["people"]}
    assert set(people) == {setup["eriks"], setup["anna"], setup["janis"]}  # this event's only
    assert people[setup["eriks"]]["checkins"]["door"]["scan_id"] == "undo-me-please"
    assert setup["codes"]["eriks"].removeprefix("EVA1:") not in listing.get_data(as_text=True)

    undone = client.post(API + "/undo", json={"event": "jekabpils", "scan_id": "undo-me-please"},
                         headers={"X-CSRFToken": token})
    assert undone.status_code == 200 and undone.get_json()["person"]["id"] == setup["eriks"]
    assert check_ins(make, setup["eriks"])[0][4] is not None
    assert made["result"] == "welcome"
    missing = client.post(API + "/undo", json={"event": "jekabpils", "scan_id": "no-such-scan"},
                          headers={"X-CSRFToken": token})
    assert missing.status_code == 404 and missing.is_json
    assert scan(client, setup["codes"]["eriks"], token=token).get_json()["result"] == "welcome"


# --- check-in links -------------------------------------------------------------------------

def make_link(make, slug="jekabpils", label="Annas telefons", hours=8, revoked=False) -> str:
    def build(s):
        event = s.scalar(select(Event).where(Event.slug == slug))
        now = utcnow()
        link = checkin_service.create_link(s, event, create_user(s), label, now + timedelta(hours=hours), now)
        if revoked:
            link.revoked_at = now
        return link.secret

    return make.run(build)


def test_an_organiser_makes_and_revokes_a_link_for_a_volunteer(client, login, make, setup):
    login("organiser")
    url = "/admin/events/jekabpils/checkin-links"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "label": "Pētera telefons",
                                      "valid_until": "2099-09-03T18:00"})
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    link_url = re.search(r'data-testid="link-url"[^>]*>([^<]+)<', page).group(1)
    assert link_url.startswith("http://eventapp.test/checkin/") and "data:image/svg+xml;base64," in page
    secret = link_url.rsplit("/", 1)[1]
    link_id, label, valid_until = make.run(lambda s: s.execute(
        select(CheckInLink.id, CheckInLink.label, CheckInLink.valid_until).where(CheckInLink.secret == secret)
    ).one())
    assert label == "Pētera telefons" and valid_until.hour == 15  # 18:00 in Riga in September

    refused = client.post(url, data={"csrf_token": csrf_token(client, url), "label": "Vēlu",
                                     "valid_until": "2001-01-01T10:00"})
    assert refused.status_code == 200 and 'class="error"' in refused.get_data(as_text=True)
    assert make.run(lambda s: s.scalar(select(CheckInLink.id).where(CheckInLink.label == "Vēlu"))) is None

    revoke = f"{url}/{link_id}/revoke"
    assert client.post(revoke, data={"csrf_token": csrf_token(client, url)}).status_code == 302
    assert make.run(lambda s: s.get(CheckInLink, link_id).revoked_at) is not None
    assert client.get(f"/checkin/{secret}").status_code == 403


def test_a_link_device_checks_in_without_an_account(client, make, setup):
    secret = make_link(make)
    settings = settings_of(client, f"/checkin/{secret}")
    assert settings["link"] == secret and settings["event"] == "jekabpils"
    page = client.get(f"/checkin/{secret}").get_data(as_text=True)
    assert "Annas telefons" in page and f"/checkin/{secret}/walk-in" in page

    response = scan(client, setup["codes"]["eriks"], link=secret)  # no CSRF token needed with the header
    assert response.status_code == 200 and response.get_json()["scan"]["by"] == "Annas telefons"
    [(_, _, by_user, by_link, _)] = check_ins(make, setup["eriks"])
    assert by_user is None and by_link is not None
    second = scan(client, setup["codes"]["eriks"], link=secret).get_json()
    assert second["result"] == "already" and second["first"]["by"] == "Annas telefons"
    assert client.get("/api/events/jekabpils/checkin-list", headers={"X-Checkin-Link": secret}).status_code == 200

    # Only its own event, only check-in.
    other = scan(client, setup["codes"]["stranger"], link=secret, event="forums")
    assert other.status_code == 403 and other.is_json
    assert client.get("/api/events/forums/checkin-list", headers={"X-Checkin-Link": secret}).status_code == 403
    assert client.get("/admin/events/jekabpils/registrations").status_code == 302  # sign-in, as for anyone
    assert client.get("/admin/events/jekabpils/badges.pdf").status_code == 302


@pytest.mark.parametrize("kind,status", [("revoked", 403), ("expired", 403), ("unknown", 404)])
def test_a_dead_link_says_so(client, make, setup, kind, status):
    secret = {"revoked": lambda: make_link(make, revoked=True), "expired": lambda: make_link(make, hours=1),
              "unknown": lambda: "x" * 43}[kind]()
    if kind == "expired":
        make.run(lambda s: s.execute(
            CheckInLink.__table__.update().values(valid_until=utcnow() - timedelta(minutes=1))
        ))
    response = client.get(f"/checkin/{secret}")
    assert response.status_code == status and 'data-testid="link-invalid"' in response.get_data(as_text=True)
    api = scan(client, setup["codes"]["eriks"], link=secret)
    assert api.status_code == {"unknown": 403}.get(kind, 410) and api.is_json
    if kind != "unknown":
        assert api.get_json()["reason"] == kind
        listing = client.get("/api/events/jekabpils/checkin-list", headers={"X-Checkin-Link": secret})
        assert listing.status_code == 410 and listing.get_json()["reason"] == kind
        page = response.get_data(as_text=True)  # the page makes the device forget what it kept
        assert 'id="checkin-forget"' in page and 'src="/static/js/checkin/main.js"' in page
        assert f'data-prefix="eventapp.checkin.jekabpils.{secret[:10]}."' in page
    assert check_ins(make, setup["eriks"]) == []


# --- walk-ins -----------------------------------------------------------------------------

def test_a_walk_in_is_registered_checked_in_and_gets_a_badge_at_once(client, login, make, setup, tmp_path):
    login("organiser")
    url = PAGE + "/walk-in"
    page = client.get(url).get_data(as_text=True)
    assert 'name="slot_' in page
    slot_field = re.search(r'name="(slot_\d+)"', page).group(1)
    refused = client.post(url, data={"csrf_token": csrf_token(client, url), "full_name": "", "organisation": "",
                                     "consent_data": "y"})
    assert refused.status_code == 200 and 'class="error"' in refused.get_data(as_text=True)

    response = client.post(url, data={
        "csrf_token": csrf_token(client, url), "full_name": "Ilze Nākošā", "organisation": "Sēlijas kopiena",
        "sector": "ngo", "email": "", slot_field: str(setup["second"]), "consent_data": "y",
    })
    assert response.status_code == 302
    done = client.get(response.location)
    assert done.status_code == 200 and "Ilze Nākošā" in done.get_data(as_text=True)
    person_id, status, email = make.run(lambda s: s.execute(
        select(Registration.id, Registration.status, Registration.email).where(Registration.full_name == "Ilze Nākošā")
    ).one())
    assert status is RegistrationStatus.CONFIRMED and email.endswith("@invalid")
    assert len(check_ins(make, person_id)) == 1

    badge = client.get(f"{PAGE}/badges/{person_id}.pdf?layout=label")
    assert badge.status_code == 200 and badge.mimetype == "application/pdf"
    assert "Ilze Nākošā" in pdf_text(badge.data, tmp_path)
    [image] = page_images(badge.data, tmp_path)
    answer = scan(client, decode_qr(image)[0], token=settings_of(client, PAGE)["csrf"]).get_json()
    assert answer["result"] == "already"  # checked in when registered
    assert make.run(lambda s: s.get(Registration, person_id).badge_printed_at) is not None
    assert client.get(f"{PAGE}/badges/{setup['janis']}.pdf").status_code == 404  # waiting: no badge yet


def test_a_link_device_registers_a_walk_in_too(client, make, setup):
    secret = make_link(make)
    url = f"/checkin/{secret}/walk-in"
    response = client.post(url, data={
        "csrf_token": csrf_token(client, url), "full_name": "Kārlis Ātrais", "organisation": "Valsts kanceleja",
        "sector": "state_administration", "email": "karlis@example.lv", "consent_data": "y",
    })
    assert response.status_code == 302 and response.location.startswith(f"/checkin/{secret}/walk-in/")
    assert "Kārlis Ātrais" in client.get(response.location).get_data(as_text=True)
    person_id = make.run(lambda s: s.scalar(
        select(Registration.id).where(Registration.full_name == "Kārlis Ātrais")
    ))
    [(_, _, by_user, by_link, _)] = check_ins(make, person_id)
    assert by_user is None and by_link is not None
    assert client.get(f"/checkin/{secret}/badges/{person_id}.pdf").status_code == 200
    assert client.get(f"/checkin/{secret}/badges/{setup['stranger']}.pdf").status_code == 404


# --- badges ---------------------------------------------------------------------------------

def test_a_participant_downloads_their_badge_and_it_checks_them_in(client, login, setup, tmp_path):
    response = client.get(f"/r/{setup['tokens']['eriks']}/badge.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert "Ēriks Ķēniņš-Žagata" in text and "Jēkabpils" in text
    [image] = page_images(response.data, tmp_path)
    [code] = decode_qr(image)
    assert code == setup["codes"]["eriks"]
    login("organiser")
    assert scan(client, code, token=settings_of(client, PAGE)["csrf"]).get_json()["result"] == "welcome"


def test_only_a_confirmed_registration_has_a_badge(client, make, setup):
    response = client.get(f"/r/{setup['tokens']['janis']}/badge.pdf")
    assert response.status_code == 404 and 'data-testid="no-badge"' in response.get_data(as_text=True)

    def cancel(s):
        from eventapp.services.registration.lifecycle import cancel_registration

        cancel_registration(s, s.get(Registration, setup["anna"]), utcnow())

    make.run(cancel)
    assert client.get(f"/r/{setup['tokens']['anna']}/badge.pdf").status_code == 404
    assert client.get("/r/no-such-token/badge.pdf").status_code == 404


def test_organisers_print_all_one_track_or_only_the_new_badges(client, login, make, setup, tmp_path):
    login("organiser")
    url = "/admin/events/jekabpils/badges.pdf"
    everyone = client.get(url + "?layout=a6")
    assert everyone.status_code == 200 and everyone.mimetype == "application/pdf"
    assert 'filename="jekabpils-badges-a6.pdf"' in everyone.headers["Content-Disposition"]
    assert page_count(everyone.data, tmp_path) == 2  # Ēriks and Anna; Jānis waits
    second_track = client.get(url + f"?layout=label&track={setup['second']}")
    text = pdf_text(second_track.data, tmp_path)
    assert "Anna Liepa" in text and "Ēriks" not in text

    nothing_new = client.get(url + "?only=new")
    assert nothing_new.status_code == 302 and nothing_new.location.endswith("/admin/events/jekabpils")

    def anna_cancels(s):  # her seat goes to Jānis, whose badge is then the only new one
        from eventapp.services.registration.lifecycle import cancel_registration

        cancel_registration(s, s.get(Registration, setup["anna"]), utcnow())

    make.run(anna_cancels)
    new = client.get(url + "?only=new&layout=a4")
    assert new.status_code == 200
    text = pdf_text(new.data, tmp_path)
    assert "Jānis Gaida" in text and "Anna Liepa" not in text and "Ēriks" not in text

    assert client.get(url + "?layout=a3").status_code == 400
    assert client.get(url + "?track=99999").status_code == 404
    assert client.get(url + "?track=abc").status_code == 404


def test_the_event_page_leads_to_the_door(client, login, setup):
    login("organiser")
    page = client.get("/admin/events/jekabpils").get_data(as_text=True)
    for link in ("/admin/events/jekabpils/checkin", "/admin/events/jekabpils/checkin-links",
                 "/admin/events/jekabpils/badges.pdf"):
        assert link in page


# --- hostile bodies (issue 11, item 15) --------------------------------------------------------

NESTED = b"[" * 1000 + b"]" * 1000
START = b'{"event": "jekabpils", "scan_id": "abcd-1234", '
HOSTILE = {
    "nested arrays": ("application/json", NESTED, 400),
    "nested objects as a value": ("application/json", START + b'"code": ' + b'{"a":' * 2000 + b"1" + b"}" * 2001,
                                  400),
    "huge number": ("application/json", START + b'"registration_id": ' + b"9" * 5000 + b"}", 400),
    "not a number": ("application/json", START + b'"registration_id": NaN}', 400),
    "invalid UTF-8": ("application/json", b'{"event": "jek\xff\xfepils", "scan_id": "abcd-1234"}', 400),
    "not an object": ("application/json", b'"jekabpils"', 400),
    "wrong content type": ("text/plain", START + b'"code": "EVA1:abc"}', 400),
    "too large": ("application/json", START + b'"code": "' + b"x" * 20_000 + b'"}', 413),
}


@pytest.mark.parametrize("url", [API, API + "/undo"])
@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("caller", ["anonymous", "organiser", "link", "revoked link"])
def test_no_body_however_odd_answers_500_and_the_caller_is_asked_first(client, login, make, setup, url, name,
                                                                        caller):
    content_type, body, status = HOSTILE[name]
    headers = {}
    if caller == "organiser":
        login("organiser")
        headers["X-CSRFToken"] = settings_of(client, PAGE)["csrf"]
    elif caller != "anonymous":
        headers["X-Checkin-Link"] = make_link(make, revoked=caller == "revoked link")
    response = client.post(url, data=body, content_type=content_type, headers=headers)
    expected = {"anonymous": 401, "revoked link": 410}.get(caller, status)  # who calls, asked before the body
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    assert response.is_json and response.get_json()["message"]


# --- what a device keeps (issue 11, item 17) ---------------------------------------------------

def test_the_device_list_says_until_when_it_may_be_kept_and_the_page_says_so(client, login, make, setup):
    secret = make_link(make)
    listing = client.get("/api/events/jekabpils/checkin-list", headers={"X-Checkin-Link": secret})
    keep_until = datetime.fromisoformat(listing.get_json()["keep_until"])
    ends_at, valid_until = make.run(lambda s: (
        s.scalar(select(Event.ends_at).where(Event.slug == "jekabpils")),
        s.scalar(select(CheckInLink.valid_until).where(CheckInLink.secret == secret)),
    ))
    assert keep_until == min(valid_until, checkin_service.door_closes_at(ends_at))
    page = client.get(f"/checkin/{secret}").get_data(as_text=True)
    assert "Dalībnieku saraksts tiek glabāts šajā ierīcē līdz pasākuma beigām" in page
    assert "Šī ierīce vairs neglabā dalībnieku sarakstu" in page  # what the page says once it forgot


def test_after_the_event_the_device_list_is_gone(client, login, make, setup):
    def over(s):
        event = s.scalar(select(Event).where(Event.slug == "jekabpils"))
        event.starts_at = utcnow() - timedelta(days=3)
        event.ends_at = utcnow() - timedelta(days=2)

    make.run(over)
    login("organiser")
    listing = client.get("/api/events/jekabpils/checkin-list")
    assert listing.status_code == 410 and listing.get_json()["reason"] == "event_over"
    assert "Ēriks" not in listing.get_data(as_text=True)


def test_the_door_closes_at_the_end_of_the_event_s_last_day_in_riga():
    ends = datetime(2025, 9, 3, 14, 0, tzinfo=timezone.utc)  # 17:00 in Riga
    assert checkin_service.door_closes_at(ends) == datetime(2025, 9, 3, 20, 59, tzinfo=timezone.utc)


# --- someone waiting at the door (issue 11, item 18) --------------------------------------------

def test_a_waiting_person_is_told_their_number_and_why_there_is_no_seat(client, login, make, setup):
    login("organiser")
    token = settings_of(client, PAGE)["csrf"]
    answer = scan(client, setup["codes"]["janis"], token=token).get_json()
    assert answer["result"] == "waitlisted" and answer["waiting"] == 1
    assert answer["seat"]["free"] is False and answer["seat"]["reason"] == "event_full"
    refused = scan(client, registration_id=setup["janis"], token=token, seat=True)
    assert refused.status_code == 409 and refused.get_json()["reason"] == "event_full"

    def more_seats(s):  # raised without filling the list, as if the release moment had just passed
        s.scalar(select(Event).where(Event.slug == "jekabpils")).capacity = 3

    make.run(more_seats)
    assert scan(client, setup["codes"]["janis"], token=token).get_json()["seat"] == {"free": True}
    seated = scan(client, registration_id=setup["janis"], token=token, seat=True)
    assert seated.status_code == 200 and seated.get_json()["result"] == "welcome"
    assert make.run(lambda s: s.get(Registration, setup["janis"]).status) is RegistrationStatus.CONFIRMED
    assert len(check_ins(make, setup["janis"])) == 1


def test_a_walk_in_with_a_waiting_address_is_offered_the_seat(client, make, setup):
    secret = make_link(make)
    url = f"/checkin/{secret}/walk-in"
    email = make.run(lambda s: s.get(Registration, setup["janis"]).email)
    form = {"csrf_token": csrf_token(client, url), "full_name": "Jānis Gaida", "organisation": "Biedrība",
            "sector": "ngo", "email": email, "consent_data": "y"}
    full = client.post(url, data=form)
    text = full.get_data(as_text=True)
    assert full.status_code == 200 and 'data-testid="walk-in-waiting"' in text
    assert "Jānis Gaida" in text and "nr. 1" in text and 'data-testid="seat"' not in text
    assert "pasākums ir pilns" in text

    make.run(lambda s: setattr(s.scalar(select(Event).where(Event.slug == "jekabpils")), "capacity", 3))
    offered = client.post(url, data=form | {"csrf_token": csrf_token(client, url)}).get_data(as_text=True)
    seat_url = re.search(r'<form method="post" action="([^"]+)" data-testid="seat"', offered).group(1)
    assert seat_url == f"/checkin/{secret}/seat/{setup['janis']}"
    done = client.post(seat_url, data={"csrf_token": csrf_token(client, url)})
    assert done.status_code == 302
    done_page = client.get(done.location).get_data(as_text=True)
    assert "Jānis Gaida" in done_page and "Vieta piešķirta, ierašanās atzīmēta" in done_page
    assert "Reģistrācija izveidota" not in done_page  # the registration existed: only the seat is new
    assert make.run(lambda s: s.get(Registration, setup["janis"]).status) is RegistrationStatus.CONFIRMED
    assert len(check_ins(make, setup["janis"])) == 1


# --- what a scanner may see (issue 11, item 26) -------------------------------------------------

def test_a_badge_of_another_event_shows_nothing_about_the_person(client, login, setup):
    login("organiser")
    response = scan(client, setup["codes"]["stranger"], token=settings_of(client, PAGE)["csrf"])
    answer = response.get_json()
    assert answer["result"] == "other_event" and "Forums" in answer["message"] and "person" not in answer
    assert "Pēteris" not in response.get_data(as_text=True)


def test_the_walk_in_page_shows_only_the_walk_in_just_made(client, login, make, setup):
    login("organiser")
    for registration in ("eriks", "janis", "anna"):
        assert client.get(f"{PAGE}/walk-in/{setup[registration]}").status_code == 404
    url = PAGE + "/walk-in"
    made = client.post(url, data={"csrf_token": csrf_token(client, url), "full_name": "Ilze Nākošā",
                                  "organisation": "Sēlijas kopiena", "sector": "ngo", "consent_data": "y"})
    assert client.get(made.location).status_code == 200
    secret = make_link(make)
    ticket = made.location.rsplit("/", 1)[1]
    assert client.get(f"/checkin/{secret}/walk-in/{ticket}").status_code == 200  # the same event
    forum_secret = make_link(make, slug="forums")
    assert client.get(f"/checkin/{forum_secret}/walk-in/{ticket}").status_code == 404
    assert client.get(f"{PAGE}/walk-in/{ticket[:-2]}xx").status_code == 404


@pytest.mark.parametrize("method,path,code", [
    ("post", "/api/nothing-here", 404), ("get", "/api/checkin", 405), ("put", "/api/checkin/undo", 405),
])
def test_the_api_answers_json_even_where_no_route_is(client, method, path, code):
    response = getattr(client, method)(path, data="{}", content_type="application/json")
    assert response.status_code == code
    assert response.is_json and response.get_json()["error"] == code


@pytest.mark.parametrize("scan_id", ["ab\u0000cd", "\udfff", "x" * 500, 12, None, ["a"]])
@pytest.mark.parametrize("url", [API, API + "/undo"])
def test_an_odd_scan_id_is_refused_plainly(client, make, setup, url, scan_id):
    body = json.dumps({"event": "jekabpils", "scan_id": scan_id, "code": "EVA1:nav"})  # \udfff as an escape
    response = client.post(url, data=body, content_type="application/json",
                           headers={"X-Checkin-Link": make_link(make)})
    assert response.status_code in (400, 404), response.get_data(as_text=True)[:300]
    assert response.is_json and response.get_json()["message"]


# --- the page as an installable app ---------------------------------------------------------------

def served(client, url: str) -> bool:
    response = client.get(url)
    response.close()  # a static file's response holds the file open
    return response.status_code == 200


def test_a_link_s_page_is_an_app_with_its_manifest_and_service_worker(client, make, setup):
    secret = make_link(make)
    page = client.get(f"/checkin/{secret}")
    html = page.get_data(as_text=True)
    assert f'<link rel="manifest" href="/checkin/{secret}/manifest.webmanifest">' in html
    csp = page.headers["Content-Security-Policy"]
    assert "manifest-src 'self'" in csp and "worker-src 'self'" in csp
    settings = settings_of(client, f"/checkin/{secret}")
    assert (settings["workerUrl"], settings["scope"]) == (f"/checkin/{secret}/sw.js", f"/checkin/{secret}")

    manifest = client.get(f"/checkin/{secret}/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    assert manifest.headers["Cache-Control"] == "no-store" and "Content-Security-Policy" in manifest.headers
    data = json.loads(manifest.get_data(as_text=True))
    assert data["start_url"] == data["scope"] == f"/checkin/{secret}"
    assert data["display"] == "standalone"
    assert data["name"] == "Ierašanās: Memoranda padomes izbraukuma sēde Jēkabpilī"
    assert {icon["sizes"] for icon in data["icons"]} == {"any", "192x192", "512x512"}
    for icon in data["icons"]:
        assert served(client, icon["src"])

    worker = client.get(f"/checkin/{secret}/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert worker.headers["Service-Worker-Allowed"] == f"/checkin/{secret}"
    assert worker.headers["Cache-Control"] == "no-store"
    config = json.loads(re.match(r"self\.CHECKIN = (.*?);\n", worker.get_data(as_text=True)).group(1))
    assert config["page"] == f"/checkin/{secret}" and config["cache"].startswith(f"eventapp-checkin|/checkin/{secret}|")
    assert f"/checkin/{secret}/manifest.webmanifest" in config["assets"]
    assert "/static/js/checkin/main.js" in config["assets"] and "/static/vendor/jsQR.js" in config["assets"]
    assert not any(asset.startswith("/api/") for asset in config["assets"])  # no personal data is cached
    for asset in config["assets"]:
        assert served(client, asset)


def test_an_organiser_s_page_is_an_app_too(client, login, setup):
    login("organiser")
    manifest = client.get(f"{PAGE}/manifest.webmanifest").get_json(force=True)
    assert manifest["start_url"] == manifest["scope"] == PAGE
    worker = client.get(f"{PAGE}/sw.js")
    assert worker.mimetype == "text/javascript" and worker.headers["Service-Worker-Allowed"] == PAGE


@pytest.mark.parametrize("name", ["manifest.webmanifest", "sw.js"])
def test_a_dead_link_has_no_app(client, make, setup, name):
    secret = make_link(make, revoked=True)
    assert client.get(f"/checkin/{secret}/{name}").status_code == 403
    assert client.get(f"/checkin/{'x' * 43}/{name}").status_code == 404
    assert client.get(f"{PAGE}/{name}").status_code == 302
