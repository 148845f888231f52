"""Mail leaves through the outbox: delivered once, retried while the server is down, never lost."""
import email
import email.policy
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import OutboxMessage, OutboxStatus, Sector, utcnow
from eventapp.services import outbox
from eventapp.services import registration as reg

from ..factories import create_event


def register_one(session, n=1, language="lv"):
    event = create_event(session, tracks=1, title_lv="Izbraukuma sēde Jēkabpilī", title_en="Visiting session in Jēkabpils")
    slot = event.slots[0]
    data = reg.RegistrationData(
        full_name="Žanis Ēķis-Šņoriņa", email=f"zanis{n}@example.lv", sector=Sector.NGO,
        attendance_mode=reg.AttendanceMode.IN_PERSON, track_ids={slot.id: slot.tracks[0].id},
        consent_data=True, language=language,
    )
    return reg.register(session, event.id, data, utcnow()).registration


def test_a_registration_s_mail_reaches_the_smtp_server_with_latvian_letters(mail_app, smtp_server):
    with mail_app.test_request_context():
        secret = register_one(db.session).secret
        db.session.commit()
        report = outbox.deliver_due(db.session, utcnow())
        assert report.sent == 1
        row = db.session.scalar(select(OutboxMessage))
        assert row.status is OutboxStatus.SENT and row.attempts == 1 and row.sent_at

    [message] = smtp_server.messages
    assert message["Subject"] == "Reģistrācija apstiprināta: Izbraukuma sēde Jēkabpilī"
    assert message["X-Envelope-To"] == "zanis1@example.lv"
    assert message["Message-ID"] == f"<outbox-{row.id}@eventapp.test>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Žanis Ēķis-Šņoriņa" in text and "Žanis Ēķis-Šņoriņa" in html
    assert f"http://eventapp.test/r/{secret}" in text
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    assert set(attachments) == {"invite.ics", "badge.pdf"}
    assert attachments["badge.pdf"].get_content().startswith(b"%PDF")


def test_server_down_during_registration_nothing_lost_nothing_sent_twice(mail_app, smtp_server):
    smtp_server.stop()
    with mail_app.test_request_context():
        register_one(db.session)
        db.session.commit()
        now = utcnow()
        report = outbox.deliver_due(db.session, now)
        assert (report.sent, report.retrying) == (0, 1)
        row = db.session.scalar(select(OutboxMessage))
        assert row.status is OutboxStatus.PENDING and row.attempts == 1 and "Error" in row.last_error
        retry_at = row.next_attempt_at
        assert retry_at > now

        smtp_server.start()
        assert outbox.deliver_due(db.session, now).sent == 0  # not due yet: the pause is kept
        assert outbox.deliver_due(db.session, retry_at).sent == 1
        assert outbox.deliver_due(db.session, retry_at + timedelta(hours=1)).sent == 0
    assert len(smtp_server.messages) == 1


def test_gives_up_after_the_last_attempt_and_says_so(mail_app, smtp_server):
    smtp_server.stop()
    mail_app.config["MAIL_MAX_ATTEMPTS"] = 2
    with mail_app.test_request_context():
        register_one(db.session)
        db.session.commit()
        moment = utcnow()
        outbox.deliver_due(db.session, moment)
        report = outbox.deliver_due(db.session, moment + timedelta(days=1))
        assert report.failed == 1
        assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.FAILED


def test_without_a_mail_server_messages_become_eml_files(app):
    with app.test_request_context():
        register_one(db.session, language="en")
        db.session.commit()
        assert outbox.deliver_due(db.session, utcnow()).sent == 1
        folder = app.config["MAIL_FOLDER"]
    files = sorted(Path(folder).glob("*-confirmation.eml"))
    assert files
    content = files[-1].read_bytes()
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == "Registration confirmed: Visiting session in Jēkabpils"
    assert "Žanis Ēķis-Šņoriņa" in message.get_body(("plain",)).get_content()
