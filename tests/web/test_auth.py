import re
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from eventapp import create_app
from eventapp.config import TestConfig
from eventapp.extensions import db
from eventapp.models import User

from ..factories import PASSWORD
from ..helpers import csrf_token


def test_wrong_password_says_so_without_revealing_which_part_was_wrong(client, make):
    email = make.user()
    token = csrf_token(client, "/admin/login")
    for attempt in ({"email": email, "password": "nepareizi"}, {"email": "nav@example.lv", "password": PASSWORD}):
        page = client.post("/admin/login", data=attempt | {"csrf_token": token}).get_data(as_text=True)
        assert "Wrong email or password." in page or "Nepareizs e-pasts vai parole." in page


def test_sign_in_and_out(client, make):
    email = make.user()
    token = csrf_token(client, "/admin/login")
    response = client.post("/admin/login", data={"email": email.upper(), "password": PASSWORD, "csrf_token": token})
    assert response.location == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert client.get("/admin/").status_code == 302


def test_next_parameter_cannot_leave_the_site(client, make):
    email = make.user()
    token = csrf_token(client, "/admin/login")
    response = client.post("/admin/login?next=https://evil.example/", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.location == "/admin/"


def test_raising_session_version_signs_out_everywhere(client, login, make):
    email = login("organiser")
    assert client.get("/admin/").status_code == 200

    def bump(s):
        s.query(User).filter_by(email=email).one().session_version += 1

    make.run(bump)
    assert client.get("/admin/").status_code == 302


def test_inactive_user_cannot_sign_in(client, make):
    email = make.user()
    make.run(lambda s: setattr(s.query(User).filter_by(email=email).one(), "active", False))
    token = csrf_token(client, "/admin/login")
    response = client.post("/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 200


def sign_in(client, email, **extra):
    token = csrf_token(client, "/admin/login")
    response = client.post("/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": token} | extra)
    assert response.status_code == 302
    return response


def copy_cookie(source, target, name):
    cookie = source.get_cookie(name)
    assert cookie is not None, name
    target.set_cookie(name, cookie.value, domain=cookie.domain)


def test_a_copied_session_cookie_stops_working_at_sign_out(app, client, make):
    sign_in(client, make.user())
    thief = app.test_client()
    copy_cookie(client, thief, "session")
    assert thief.get("/admin/").status_code == 200
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    assert thief.get("/admin/").status_code == 302


def test_a_copied_remember_cookie_stops_working_at_sign_out(app, client, make):
    sign_in(client, make.user(), remember="y")
    thief = app.test_client()
    copy_cookie(client, thief, "remember_token")
    assert thief.get("/admin/").status_code == 200  # signed in by the remember cookie alone
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    later = app.test_client()
    copy_cookie(thief, later, "remember_token")
    assert later.get("/admin/").status_code == 302


def test_the_remember_cookie_is_lax_http_only_and_lasts_a_month(client, make):
    response = sign_in(client, make.user(), remember="y")
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", header).group(1))
    assert timedelta(days=1) < expires - datetime.now(timezone.utc) <= timedelta(days=31)


def test_production_cookies_are_secure():
    from eventapp.config import Config

    assert Config.REMEMBER_COOKIE_SECURE == Config.SESSION_COOKIE_SECURE == Config.PRODUCTION


@pytest.mark.parametrize("case", ["unknown", "switched off", "invited", "known"])
def test_every_sign_in_hashes_a_password_once(client, make, monkeypatch, case):
    """An unknown address costs what a known one costs: the answer's time tells nothing."""
    import eventapp.models.user as user_module

    email = "nav-tada@example.lv" if case == "unknown" else make.user()
    if case == "switched off":
        make.run(lambda s: setattr(s.query(User).filter_by(email=email).one(), "active", False))
    if case == "invited":
        make.run(lambda s: setattr(s.query(User).filter_by(email=email).one(), "password_hash", None))
    token = csrf_token(client, "/admin/login")
    calls = []
    real = user_module.check_password_hash
    monkeypatch.setattr(user_module, "check_password_hash", lambda stored, given: calls.append(stored) or real(stored, given))
    response = client.post("/admin/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == (302 if case == "known" else 200)
    assert len(calls) == 1
    assert calls[0].startswith("pbkdf2:sha256:1000$")  # the configured method, as for a real password


def limited_app(database_url, **settings):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    for name, value in settings.items():
        setattr(Config, name, value)
    return create_app(Config)


def test_one_account_is_limited_whatever_address_the_attempts_come_from(app, database_url):
    limited = limited_app(database_url, SIGN_IN_ACCOUNT_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    token = csrf_token(client, "/admin/login")

    def attempt(email, n):
        return client.post("/admin/login", data={"csrf_token": token, "email": email, "password": "nē"},
                           environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code

    spellings = ["anna@example.lv", " Anna@Example.LV", "ANNA@example.lv ", "anna@EXAMPLE.lv"]
    assert [attempt(email, n) for n, email in enumerate(spellings)] == [200, 200, 200, 429]
    assert attempt("cits@example.lv", 9) == 200  # another account is not locked with it
    with limited.app_context():
        db.engine.dispose()


REDIS_DOWN = """
import sys
from eventapp import create_app
from eventapp.config import TestConfig
from tests.factories import PASSWORD, create_user
from eventapp.extensions import db
from tests.helpers import csrf_token

class Config(TestConfig):
    SQLALCHEMY_DATABASE_URI = sys.argv[1]
    SIGN_IN_RATE_LIMIT = "3 per minute"
    RATELIMIT_STORAGE_URI = "redis://127.0.0.1:1/0"

app = create_app(Config)
with app.app_context():
    email = create_user(db.session, email=sys.argv[2]).email
    db.session.commit()
client = app.test_client()
token = csrf_token(client, "/admin/login")
print(client.post("/admin/login", data={"csrf_token": token, "email": email, "password": PASSWORD}).status_code)
client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
for _ in range(3):
    print(client.post("/admin/login", data={"csrf_token": token, "email": email, "password": "nē"}).status_code)
"""


def test_with_redis_unreachable_sign_in_still_works_and_is_still_limited(app, database_url):
    """Counted in the process's memory until Redis is back: no 500, and no unlimited guessing."""
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-c", REDIS_DOWN, database_url, f"{uuid.uuid4().hex[:8]}@example.lv"],
                         cwd=root, capture_output=True, text=True, timeout=120)
    assert run.stdout.split() == ["302", "200", "200", "429"], run.stderr[-3000:]
