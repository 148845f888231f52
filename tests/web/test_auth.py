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
