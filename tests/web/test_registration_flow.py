"""Registering through the pages, with every message captured by a real SMTP server."""
import json
import re

import pytest

from eventapp.extensions import db
from eventapp.models import utcnow
from eventapp.services.mail import outbox

from ..factories import create_event
from ..helpers import csrf_token

SENIORS = "Senioru līdzdalības jautājumi"


def jekabpils(session):
    """The Jēkabpils visiting session as it would be announced again, with a one-seat seniors' track."""
    event = create_event(session, tracks=4, track_capacity=10, slug="jekabpils", title_lv="Memoranda padomes izbraukuma sēde Jēkabpilī")
    for track, title in zip(event.tracks, ["Sēlijas salas", SENIORS, "Mazākumtautību biedrības", "Birokrātijas mazināšana"]):
        track.title_lv = title
    event.tracks[1].capacity = 1
    return event.slots[0].id, event.tracks[1].id


def form_data(client, slot_id, track_id, **values):
    data = {
        "csrf_token": csrf_token(client, "/events/jekabpils/register"),
        "full_name": "Anna Bērziņa", "email": "anna@example.lv", "sector": "ngo",
        "organisation": 'biedrība "Vidusdaugavas NVO centrs"', f"slot_{slot_id}": str(track_id),
        "consent_data": "y", "language": "lv",
    }
    return data | values


def deliver(app):
    with app.app_context():
        return outbox.deliver_due(db.session, utcnow())


def private_link(message) -> str:
    return re.search(r"http://eventapp\.test(/r/[\w-]+)", message.get_body(("plain",)).get_content()).group(1)


def test_register_waitlist_cancel_promote_with_a_mail_for_each_step(mail_app, smtp_server):
    with mail_app.app_context():
        slot_id, track_id = jekabpils(db.session)
        db.session.commit()
    anna, janis = mail_app.test_client(), mail_app.test_client()

    response = anna.post("/events/jekabpils/register", data=form_data(anna, slot_id, track_id))
    assert response.status_code == 302 and response.location == "/events/jekabpils/register/sent"
    page = anna.get(response.location).get_data(as_text=True)
    assert "anna@example.lv" in page and "Pārbaudiet savu e-pastu" in page
    response = janis.post("/events/jekabpils/register", data=form_data(
        janis, slot_id, track_id, full_name="Jānis Kalniņš", email="janis@example.lv"))
    assert response.status_code == 302
    assert deliver(mail_app).sent == 2

    confirmed, waitlisted = smtp_server.messages
    assert confirmed["Subject"] == "Reģistrācija apstiprināta: Memoranda padomes izbraukuma sēde Jēkabpilī"
    assert confirmed["To"] == "anna@example.lv"
    assert waitlisted["To"] == "janis@example.lv"
    assert waitlisted["Subject"].endswith(": Memoranda padomes izbraukuma sēde Jēkabpilī")
    assert "gaidīšanas sarakstā, nr. 1" in waitlisted.get_body(("plain",)).get_content()

    janis_page = janis.get(private_link(waitlisted)).get_data(as_text=True)
    assert "gaidīšanas sarakstā, nr. 1" in janis_page and "Jānis Kalniņš" in janis_page

    anna_link = private_link(confirmed)
    assert anna.post(f"{anna_link}/cancel", data={"csrf_token": csrf_token(anna, anna_link)}).status_code == 302
    assert deliver(mail_app).sent == 2
    cancelled, promoted = sorted(smtp_server.messages[2:], key=lambda m: m["To"])
    assert cancelled["To"] == "anna@example.lv" and "atcelta" in cancelled["Subject"].lower()
    assert promoted["To"] == "janis@example.lv"
    assert "jūsu vieta apstiprināta" in promoted.get_body(("plain",)).get_content()
    assert "jūsu vieta apstiprināta" in janis.get(private_link(waitlisted)).get_data(as_text=True)

    assert deliver(mail_app).sent == 0
    assert len(smtp_server.messages) == 4


def test_registering_twice_shows_the_same_page_and_resends_the_link(app, client):
    with app.app_context():
        slot_id, track_id = jekabpils(db.session)
        db.session.commit()
    first = client.post("/events/jekabpils/register", data=form_data(client, slot_id, track_id))
    first_page = client.get(first.location).get_data(as_text=True)
    other = app.test_client()
    second = other.post("/events/jekabpils/register", data=form_data(other, slot_id, track_id, full_name="Kāds cits"))
    assert second.location == first.location
    def without_token(page):  # each visitor's page carries its own CSRF token
        return re.sub(r'name="csrf_token" value="[^"]+"', "", page)

    assert without_token(other.get(second.location).get_data(as_text=True)) == without_token(first_page)
    with app.app_context():
        from eventapp.models import OutboxMessage

        assert [m.kind for m in db.session.query(OutboxMessage).order_by(OutboxMessage.id)] == ["confirmation", "link_resent"]


@pytest.mark.parametrize("values,field", [
    ({"full_name": ""}, "full_name"),
    ({"full_name": "x" * 5000}, "full_name"),
    ({"email": "nav-epasts"}, "email"),
    ({"email": ""}, "email"),
    ({"sector": "party"}, "sector"),
    ({"consent_data": ""}, "consent_data"),
    ({"sector": "state_administration", "organisation": ""}, "organisation"),
])
def test_bad_input_is_named_next_to_its_field_and_nothing_typed_is_lost(app, client, values, field):
    with app.app_context():
        slot_id, track_id = jekabpils(db.session)
        db.session.commit()
    data = form_data(client, slot_id, track_id, position="Valdes priekšsēdētāja 🌻 <script>alert(1)</script>") | values
    response = client.post("/events/jekabpils/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page
    assert 'value="Valdes priekšsēdētāja 🌻 &lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "<script>alert(1)" not in page


def test_odd_but_valid_input_registers(app, client):
    with app.app_context():
        slot_id, track_id = jekabpils(db.session)
        db.session.commit()
    data = form_data(client, slot_id, track_id, full_name="Ādams \x00Ļ̄ 🙂 <b>O'Brien</b>", access_needs="\x07Ratiņkrēsls")
    assert client.post("/events/jekabpils/register", data=data).status_code == 302
    with app.app_context():
        from eventapp.models import Registration

        registration = db.session.query(Registration).one()
        assert registration.full_name == "Ādams Ļ̄ 🙂 <b>O'Brien</b>" and registration.access_needs == "Ratiņkrēsls"


def test_wrong_csrf_token_is_refused_without_500(app, client):
    with app.app_context():
        slot_id, track_id = jekabpils(db.session)
        db.session.commit()
    response = client.post("/events/jekabpils/register", data=form_data(client, slot_id, track_id, csrf_token="viltots"))
    assert response.status_code == 400


def test_nul_in_the_address_is_a_clear_400(client):
    assert client.get("/events/a%00b").status_code == 400
    assert client.get("/events/x/register?next=%00").status_code == 400


def test_closed_registration_says_why_and_offers_no_form(app, client, make):
    slug = make.event(tracks=1, registration_closes_at=utcnow())
    page = client.get(f"/events/{slug}/register").get_data(as_text=True)
    assert "Reģistrācija ir beigusies." in page and "<form method=\"post\" class=\"form\"" not in page


def test_private_page_changes_exports_and_deletes(app, client):
    with app.app_context():
        event = create_event(db.session, tracks=2, remote_allowed=True, remote_link="https://zoom.example/j")
        slot_id, first, second = event.slots[0].id, event.tracks[0].id, event.tracks[1].id
        slug = event.slug
        db.session.commit()
    data = form_data(client, slot_id, first) | {"csrf_token": csrf_token(client, f"/events/{slug}/register"), "attendance_mode": "in_person"}
    client.post(f"/events/{slug}/register", data=data)
    with app.app_context():
        from eventapp.models import Registration

        secret, join_secret = db.session.query(Registration.secret, Registration.join_secret).one()
    link = f"/r/{secret}"
    page = client.get(link).get_data(as_text=True)
    assert "Anna Bērziņa" in page and "zoom.example" not in page  # the remote link only for remote people

    token = csrf_token(client, link)
    client.post(f"{link}/change", data={"csrf_token": token, "attendance_mode": "remote", f"slot_{slot_id}": str(second)})
    page = client.get(link).get_data(as_text=True)
    # The person's own join link, never the meeting address itself.
    assert f"/join/{join_secret}" in page and "zoom.example" not in page and "Darba grupa 2" in page

    exported = client.get(f"{link}/data.json")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(exported.get_data(as_text=True))["full_name"] == "Anna Bērziņa"

    response = client.post(f"{link}/delete", data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 302
    assert client.get(link).status_code == 404
    with app.app_context():
        from eventapp.models import Registration

        assert db.session.query(Registration).one().full_name == ""


def test_unknown_private_link_is_404(client):
    assert client.get("/r/neesoss").status_code == 404


def test_partly_seated_person_reads_the_same_state_on_the_private_page_and_in_the_organisers_list(app, client, make, login):
    """Jānis got the freed event seat while his working group stays full: nowhere does it read as confirmed."""
    from eventapp.services.registration.lifecycle import cancel_registration

    from ..factories import create_registration

    def build(s):
        event = create_event(s, tracks=2, track_capacity=None, capacity=2, slug="partly")
        event.tracks[0].capacity = 1
        create_registration(s, event, email="anna@example.lv")
        leaving = create_registration(s, event, email="peteris@example.lv",
                                      track_ids={event.slots[0].id: event.tracks[1].id})
        janis = create_registration(s, event, email="janis@example.lv", full_name="Jānis Ozoliņš")
        cancel_registration(s, leaving, utcnow())
        return janis.secret, janis.id

    secret, janis_id = make.run(build)
    page = client.get(f"/r/{secret}").get_data(as_text=True)
    status = re.search(r'<p class="status ([\w-]+)" data-testid="status">(.*?)</p>', page, re.S)
    assert status.group(1) == "status-waitlisted"
    assert "Vieta daļēji nodrošināta" in status.group(2) and "apstiprināta" not in status.group(2)
    assert "Gaida vietu grupā “Darba grupa 1”: nr. 1." in status.group(2)

    login("organiser")
    listing = client.get("/admin/events/partly/registrations").get_data(as_text=True)
    row = listing.split(f'data-registration="{janis_id}"')[1].split("</tr>")[0]
    assert "Vieta daļēji nodrošināta" in row and "Apstiprināta" not in row


def test_private_page_offers_the_seats_a_person_can_take(client, make):
    """The change form on the private page counts seats held for state administration as the
    registration form does."""
    from ..factories import create_registration

    def build(s):
        event = create_event(s, tracks=2, track_capacity=2, state_admin_minimum=1, slug="held")
        return create_registration(s, event, email="anna@example.lv").secret

    page = client.get(f"/r/{make.run(build)}").get_data(as_text=True)
    assert "Darba grupa 1 (0 brīvu vietu; +1 rezervēta valsts pārvaldei)" in page
    assert "Darba grupa 2 (1 brīva vieta; +1 rezervēta valsts pārvaldei)" in page
