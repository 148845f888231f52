"""Every response says what a browser may do with it: no framing, no sniffing, a content policy
the pages keep, no referrer from private token pages and no copy kept of private ones."""
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Response

from eventapp.models import CheckInLink, utcnow
from eventapp.security import add_security_headers

from ..factories import create_event, create_registration

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
DIRECTIVES = ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
              "form-action 'self'", "base-uri 'none'", "object-src 'none'")


@pytest.fixture
def world(make):
    def build(s):
        event = create_event(s, tracks=1)
        person = create_registration(s, event)
        link = CheckInLink(event_id=event.id, label="Durvis", secret=uuid.uuid4().hex, valid_until=utcnow() + timedelta(days=1))
        s.add(link)
        s.flush()
        return {"slug": event.slug, "token": person.secret, "secret": link.secret}

    return make.run(build)


def pages(world) -> dict[str, bool]:
    """Address: whether it is private (kept by no cache)."""
    return {
        "/": False, f"/events/{world['slug']}": False, f"/events/{world['slug']}/register": False, "/privacy": False,
        f"/events/{world['slug']}/register/sent": True,
        "/admin/login": True, "/admin/": True, f"/admin/events/{world['slug']}/registrations": True,
        f"/admin/events/{world['slug']}/checkin": True, f"/r/{world['token']}": True,
        f"/checkin/{world['secret']}": True, "/admin/nav-tadas-lapas": True, "/nav-tadas-lapas": False,
    }


def test_every_page_forbids_framing_and_sniffing(client, login, world):
    login("organiser")
    for url, private in pages(world).items():
        response = client.get(url)
        assert response.status_code in (200, 302, 404), url
        policy = response.headers.get("Content-Security-Policy", "")
        assert all(d in policy for d in DIRECTIVES), (url, policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response.headers["X-Frame-Options"] == "DENY", url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"] in ("strict-origin-when-cross-origin", "no-referrer"), url
        assert ("no-store" in response.headers.get("Cache-Control", "")) is private, url


def test_the_api_is_never_stored_and_says_so_even_refusing(client, world):
    response = client.post("/api/checkin", json={"code": "x"})
    assert response.status_code in (400, 401, 403)
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("kind", ["token", "secret"])
def test_private_token_pages_send_no_referrer(client, world, kind):
    url = f"/r/{world['token']}" if kind == "token" else f"/checkin/{world['secret']}"
    assert client.get(url).headers["Referrer-Policy"] == "no-referrer"


def test_a_response_s_own_stricter_policy_is_kept(app):
    with app.test_request_context("/events/x/summaries/files/1"):
        response = Response(b"%PDF", headers={"Content-Security-Policy": "default-src 'none'; sandbox",
                                              "Cache-Control": "private, no-store"})
        add_security_headers(response)
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Frame-Options"] == "DENY"


INLINE = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "a style attribute or element": re.compile(r"\sstyle\s*=|<style", re.I),
    "a javascript: address": re.compile(r"javascript:", re.I),
}


def test_page_templates_carry_nothing_inline_the_policy_would_block():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parent.name == "email":
            continue
        text = path.read_text()
        found += [f"{path.relative_to(TEMPLATES)}: {what}" for what, pattern in INLINE.items() if pattern.search(text)]
    assert found == []


def test_a_confirm_button_asks_through_the_static_script(client, login, world):
    login("organiser")
    page = client.get(f"/admin/events/{world['slug']}").get_data(as_text=True)
    assert "data-confirm=" in page and "onsubmit" not in page
    assert re.search(r'<script src="/static/js/confirm\.js[^"]*" defer></script>', page)
    script = client.get("/static/js/confirm.js")
    script.close()
    assert script.status_code == 200
