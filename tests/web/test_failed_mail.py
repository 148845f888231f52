"""Organisers (and the co-hosting partner, for its registrants) see the mail that could not be sent, and try again."""
import pytest
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import AuditEntry, OutboxMessage, OutboxStatus, utcnow
from eventapp.services.mail import outbox

from ..factories import create_event, create_organisation, create_registration
from ..helpers import csrf_token


@pytest.fixture
def world(make, mail_app, smtp_server):
    """Jēkabpils, co-hosted by an NGO: Jānis's confirmation (a non-ASCII address the server cannot take)
    and a delegation request were given up on; so was a message of another event."""

    def build(s):
        co_host = create_organisation(s, name='biedrība "Vidusdaugavas NVO centrs"')
        event = create_event(s, tracks=1, slug="jekabpils", title_lv="Pieņemšanas pārbaude")
        event.co_hosts = [co_host]
        create_registration(s, event, full_name="Anna Bērziņa", email="anna@example.lv")
        create_registration(s, event, full_name="Jānis Ozoliņš", email="jānis@example.lv")
        other = create_event(s, tracks=1, slug="liepaja")
        s.add(OutboxMessage(kind="delegation_request", to_address="kanceleja@vm.gov.lv", event=event,
                            subject="Lūgums deleģēt ekspertu: Pieņemšanas pārbaude", body_text="…",
                            status=OutboxStatus.FAILED, last_error="the server refused the recipient: 550 No such user",
                            failed_at=utcnow()))
        create_registration(s, other, full_name="Ilze Liepiņa", email="ilze@example.lv")
        return co_host.id

    co_host_id = make.run(build)
    with mail_app.test_request_context():
        s = db.session
        other_row = s.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "ilze@example.lv"))
        other_row.status, other_row.last_error, other_row.failed_at = OutboxStatus.FAILED, "550 refused", utcnow()
        s.commit()
        report = outbox.deliver_due(s, utcnow())
        assert (report.sent, report.failed) == (1, 1)
        ids = {row.to_address: row.id for row in s.scalars(select(OutboxMessage))}
    return {"co_host_id": co_host_id, "ids": ids}


def test_organisers_see_what_was_not_delivered_and_why(client, login, world):
    login("organiser")
    detail = client.get("/admin/events/jekabpils").get_data(as_text=True)
    assert "/admin/events/jekabpils/failed-mail" in detail
    page = client.get("/admin/events/jekabpils/failed-mail").get_data(as_text=True)
    assert "jānis@example.lv" in page and "Reģistrācija apstiprināta: Pieņemšanas pārbaude" in page
    assert "pasta serveris nevar piegādāt vēstuli adresei ar burtiem ārpus ASCII" in page
    assert "kanceleja@vm.gov.lv" in page and "serveris atteica adresātu: 550 No such user" in page
    assert "the server refused" not in page
    assert "anna@example.lv" not in page  # delivered
    assert "ilze@example.lv" not in page  # another event's


def test_the_co_host_sees_its_registrants_mail_only(client, login, world):
    login("partner", organisation_id=world["co_host_id"])
    page = client.get("/admin/events/jekabpils/failed-mail").get_data(as_text=True)
    assert "jānis@example.lv" in page and "kanceleja@vm.gov.lv" not in page
    token = csrf_token(client, "/admin/events/jekabpils/failed-mail")
    hidden = world["ids"]["kanceleja@vm.gov.lv"]
    assert client.post(f"/admin/events/jekabpils/failed-mail/{hidden}/retry", data={"csrf_token": token}).status_code == 404


def test_try_again_sends_it_on_the_next_round(app, client, login, world, smtputf8_mail_app, smtputf8_server):
    login("organiser")
    janis = world["ids"]["jānis@example.lv"]
    url = f"/admin/events/jekabpils/failed-mail/{janis}/retry"
    assert client.post(url).status_code == 400  # no CSRF token
    other = world["ids"]["ilze@example.lv"]
    token = csrf_token(client, "/admin/events/jekabpils/failed-mail")
    assert client.post(f"/admin/events/jekabpils/failed-mail/{other}/retry", data={"csrf_token": token}).status_code == 404
    response = client.post(url, data={"csrf_token": token})
    assert response.status_code == 302 and response.location.endswith("/admin/events/jekabpils/failed-mail")
    page = client.get(response.location).get_data(as_text=True)
    assert "jānis@example.lv" not in page
    with app.app_context():
        row = db.session.get(OutboxMessage, janis)
        assert (row.status, row.attempts, row.failed_at) == (OutboxStatus.PENDING, 0, None)
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_id == janis)) == "mail.retry"
    with smtputf8_mail_app.test_request_context():  # the server now offers SMTPUTF8
        assert outbox.deliver_due(db.session, utcnow()).sent == 1
    assert [m["X-Envelope-To"] for m in smtputf8_server.messages] == ["jānis@example.lv"]
