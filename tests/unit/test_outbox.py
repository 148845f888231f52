"""Mail leaves through the outbox: delivered once, retried while the server is down, never lost."""
import email
import email.policy
import importlib
import json
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from wtforms.validators import Email, ValidationError

import eventapp
from eventapp.extensions import db
from eventapp.models import OutboxMessage, OutboxStatus, Sector, utcnow
from eventapp.services.mail import outbox
from eventapp.services.registration import lifecycle as reg

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


def register_three(session, middle: str) -> list[str]:
    """Three people registered for one event, in this order; the middle one with `middle`."""
    event = create_event(session, tracks=1, title_lv="Pieņemšanas pārbaude", title_en="Acceptance test")
    slot = event.slots[0]
    addresses = ["anna@example.lv", middle, "zane@example.lv"]
    for address in addresses:
        data = reg.RegistrationData(
            full_name="Anna Bērziņa", email=address, sector=Sector.NGO, attendance_mode=reg.AttendanceMode.IN_PERSON,
            track_ids={slot.id: slot.tracks[0].id}, consent_data=True, language="lv",
        )
        reg.register(session, event.id, data, utcnow())
    session.commit()
    return addresses


def statuses(session) -> dict[str, tuple[OutboxStatus, str]]:
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    return {row.to_address: (row.status, row.last_error) for row in rows}


def test_an_address_the_server_cannot_carry_fails_alone_and_the_others_are_delivered(mail_app, smtp_server):
    with mail_app.test_request_context():
        addresses = register_three(db.session, "jānis@example.lv")
        report = outbox.deliver_due(db.session, utcnow())
        assert (report.sent, report.retrying, report.failed) == (2, 0, 1)
        found = statuses(db.session)
        assert found["jānis@example.lv"][0] is OutboxStatus.FAILED
        assert "the mail server cannot deliver to a non-ASCII address" in found["jānis@example.lv"][1]
        assert {found[a][0] for a in (addresses[0], addresses[2])} == {OutboxStatus.SENT}
        failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED))
        assert failed.failed_at and failed.attempts == 1
        assert outbox.deliver_due(db.session, utcnow() + timedelta(days=1)).failed == 0  # given up at once
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == ["anna@example.lv", "zane@example.lv"]


def test_a_server_with_smtputf8_gets_every_message(smtputf8_mail_app, smtputf8_server):
    with smtputf8_mail_app.test_request_context():
        addresses = register_three(db.session, "jānis@example.lv")
        assert outbox.deliver_due(db.session, utcnow()).sent == 3
    assert [m["X-Envelope-To"] for m in smtputf8_server.messages] == addresses
    received = smtputf8_server.messages[1]
    assert received["To"].addresses[0].addr_spec == "jānis@example.lv"
    assert received["Subject"] == "Reģistrācija apstiprināta: Pieņemšanas pārbaude"


def test_a_domain_with_latvian_letters_travels_as_idna(mail_app, smtp_server):
    with mail_app.test_request_context():
        register_three(db.session, "anna@rīga.lv")
        assert outbox.deliver_due(db.session, utcnow()).sent == 3
    envelope = smtp_server.messages[1]["X-Envelope-To"]
    assert envelope == "anna@xn--rga-uta.lv"
    assert smtp_server.messages[1]["To"].addresses[0].domain == "xn--rga-uta.lv"


def test_a_recipient_refused_for_good_fails_at_once_one_refused_for_now_is_retried(mail_app, smtp_server):
    smtp_server.handler.refuse = {"anna@example.lv": "550 5.1.1 No such user", "zane@example.lv": "450 4.2.0 Mailbox busy"}
    with mail_app.test_request_context():
        register_three(db.session, "ilze@example.lv")
        now = utcnow()
        report = outbox.deliver_due(db.session, now)
        assert (report.sent, report.retrying, report.failed) == (1, 1, 1)
        found = statuses(db.session)
        assert found["anna@example.lv"][0] is OutboxStatus.FAILED and "550" in found["anna@example.lv"][1]
        assert found["zane@example.lv"][0] is OutboxStatus.PENDING and "450" in found["zane@example.lv"][1]
        smtp_server.handler.refuse = {}
        assert outbox.deliver_due(db.session, now + timedelta(hours=1)).sent == 1
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == ["ilze@example.lv", "zane@example.lv"]


def test_a_message_refused_for_good_after_data_fails_at_once_and_the_round_goes_on(mail_app, smtp_server):
    """A 5xx answer to DATA (content refused) is the message's own fault, not a server out of reach:
    it fails at once with the server's words, and the messages after it are still sent."""
    smtp_server.handler.refuse_data = {"anna@example.lv": "554 5.7.1 Rejected as spam"}
    with mail_app.test_request_context():
        register_three(db.session, "ilze@example.lv")
        report = outbox.deliver_due(db.session, utcnow())
        assert (report.sent, report.retrying, report.failed) == (2, 0, 1)
        found = statuses(db.session)
        assert found["anna@example.lv"][0] is OutboxStatus.FAILED and "554" in found["anna@example.lv"][1]
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == ["ilze@example.lv", "zane@example.lv"]


def test_a_message_that_cannot_be_built_does_not_block_the_others(mail_app, smtp_server, monkeypatch):
    real_build = outbox.build_message

    def build(row, recipient, now):
        if "ilze" in recipient:
            raise ValueError("a broken attachment")
        return real_build(row, recipient, now)

    monkeypatch.setattr(outbox, "build_message", build)
    with mail_app.test_request_context():
        register_three(db.session, "ilze@example.lv")
        report = outbox.deliver_due(db.session, utcnow())
        assert (report.sent, report.retrying) == (2, 1)
        assert "a broken attachment" in statuses(db.session)["ilze@example.lv"][1]


def real_titles() -> list[tuple[str, str]]:
    """Every Latvian and English title of the real 2025 events, their agendas and their tracks."""
    data = json.loads((Path(eventapp.__file__).parent / "data" / "events_2025.json").read_text("utf-8"))
    titles = []
    for event in data["events"]:
        titles += [("lv", event["title_lv"]), ("en", event["title_en"])]
        for language in ("lv", "en"):
            for key in (f"agenda_{language}", f"parallel_tracks_{language}"):
                titles += [(language, title) for title in event.get(key) or []]
    return titles


PREFIXES = {
    "lv": ["Reģistrācija apstiprināta: ", "Lūgums deleģēt ekspertu: ", "Jūs esat gaidītāju sarakstā: "],
    "en": ["Registration confirmed: ", "A seat has freed up for you: ", "Partly seated, a working group is still full: "],
}


def test_subjects_arrive_exactly_as_written(mail_app, smtp_server):
    subjects = [prefix + title for language, title in real_titles() for prefix in PREFIXES[language]]
    subjects += ["Pieņemšanas pārbaude", "Reģistrācija apstiprināta: Pieņemšanas pārbaude", "Setting a new password"]
    assert len(subjects) > 100
    with mail_app.test_request_context():
        for n, subject in enumerate(subjects):
            db.session.add(OutboxMessage(kind="test", to_address=f"anna{n}@example.lv", subject=subject[:300], body_text="Sveiki!"))
        db.session.commit()
        assert outbox.deliver_due(db.session, utcnow()).sent == len(subjects)
    by_address = {m["X-Envelope-To"]: m for m in smtp_server.messages}
    for n, subject in enumerate(subjects):
        assert by_address[f"anna{n}@example.lv"]["Subject"] == subject[:300]
    for raw in smtp_server.raw:
        assert b"\nSubject:\r\n" not in raw and max(len(line) for line in raw.split(b"\r\n")) <= 998


def test_a_message_carries_text_html_invite_and_badge(mail_app, smtp_server):
    with mail_app.test_request_context():
        register_one(db.session)
        db.session.commit()
        outbox.deliver_due(db.session, utcnow())
    [message] = smtp_server.messages
    assert message.get_content_type() == "multipart/mixed"
    assert message["Date"] and message["From"].addresses[0].display_name == "Memoranda padomes sekretariāts"
    attachments = {part.get_filename(): part for part in message.iter_attachments()}
    invite = attachments["invite.ics"]
    assert invite.get_content_type() == "text/calendar"
    assert (invite.get_param("method"), invite.get_param("charset")) == ("REQUEST", "UTF-8")
    assert "BEGIN:VCALENDAR" in invite.get_content()
    assert attachments["badge.pdf"].get_content_type() == "application/pdf"


def test_an_eml_file_for_a_non_ascii_address(app):
    with app.test_request_context():
        register_three(db.session, "jānis@example.lv")
        assert outbox.deliver_due(db.session, utcnow()).sent == 3
        folder = Path(app.config["MAIL_FOLDER"])
    parsed = [email.message_from_string(f.read_text("utf-8"), policy=email.policy.default) for f in folder.glob("*.eml")]
    assert "jānis@example.lv" in {m["To"].addresses[0].addr_spec for m in parsed}


def test_suppressed_sending_sends_nothing_and_keeps_no_message_waiting(mail_app, smtp_server):
    mail_app.config["MAIL_SUPPRESS_SEND"] = True
    with mail_app.test_request_context():
        register_one(db.session)
        db.session.commit()
        assert outbox.deliver_due(db.session, utcnow()).sent == 1
    assert smtp_server.messages == []


EMAIL_FIELDS = [
    ("eventapp.registration.forms", "RegistrationForm", "email"),
    ("eventapp.checkin.forms", "WalkInForm", "email"),
    ("eventapp.admin.forms", "DelegationForm", "contact_email"),
    ("eventapp.admin.forms", "InviteForm", "email"),
    ("eventapp.auth.forms", "LoginForm", "email"),
    ("eventapp.auth.forms", "ForgotPasswordForm", "email"),
]


@pytest.mark.parametrize("module, form, field", EMAIL_FIELDS)
def test_every_form_accepts_what_the_mail_path_carries(app, module, form, field):
    validators = getattr(importlib.import_module(module), form).__dict__[field].kwargs["validators"]
    [check] = [v for v in validators if isinstance(v, Email)]
    with app.test_request_context():
        for address, carried in [("jānis@example.lv", "jānis@example.lv"), ("anna@rīga.lv", "anna@xn--rga-uta.lv")]:
            check(None, SimpleNamespace(data=address, gettext=str))
            assert outbox.carried_address(address) == carried
        with pytest.raises(ValidationError):
            check(None, SimpleNamespace(data="anna@", gettext=str))
        with pytest.raises(outbox.Undeliverable):
            outbox.carried_address("anna@")
