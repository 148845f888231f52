"""Several organisers pressing “make” on the season form at the same moment, each through its own
connection: nobody gets an error page, and no day ever has two online meetings."""
import threading
from collections import Counter

from eventapp.extensions import db
from eventapp.formatting import to_riga
from eventapp.models import Event, EventKind

from ..factories import PASSWORD
from ..helpers import csrf_token

URL = "/admin/online-meetings/series"


def signed_in_clients(app, make, count: int) -> list:
    email = make.user(role="organiser")
    clients = []
    for _ in range(count):
        client = app.test_client()
        response = client.post("/admin/login", data={
            "email": email, "password": PASSWORD, "csrf_token": csrf_token(client, "/admin/login")})
        assert response.status_code == 302
        clients.append(client)
    return clients


def form(client, title: str) -> dict:
    return {
        "csrf_token": csrf_token(client, URL), "source": "dates", "dates": "2027-04-13\n2027-05-11",
        "starts": "10:00", "ends": "11:30", "title_lv": title, "title_en": "", "action": "create",
    }


def press_at_once(app, clients: list, forms: list) -> list[int]:
    start = threading.Barrier(len(clients))
    answers: list[int] = []
    errors: list[BaseException] = []

    def press(client, data):
        try:
            start.wait(timeout=60)
            answers.append(client.post(URL, data=data).status_code)
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=press, args=pair) for pair in zip(clients, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return answers


def meetings_by_day(app) -> Counter:
    with app.app_context():
        meetings = db.session.query(Event).filter_by(kind=EventKind.ONLINE_MEETING).all()
        return Counter(to_riga(m.starts_at).date().isoformat() for m in meetings)


def test_ten_identical_presses_make_each_meeting_once_without_an_error(app, make):
    clients = signed_in_clients(app, make, 10)
    answers = press_at_once(app, clients, [form(c, "Tikšanās {date}") for c in clients])
    assert 500 not in answers and set(answers) <= {200, 302}
    assert meetings_by_day(app) == {"2027-04-22": 1, "2027-05-20": 1}


def test_four_presses_with_different_titles_make_one_meeting_a_day(app, make):
    clients = signed_in_clients(app, make, 4)
    answers = press_at_once(app, clients, [form(c, f"Tikšanās {n} {{date}}") for n, c in enumerate(clients)])
    assert 500 not in answers
    assert meetings_by_day(app) == {"2027-04-22": 1, "2027-05-20": 1}
