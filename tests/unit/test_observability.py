"""Log lines and error reports without personal data: scrubbing, JSON lines, commands, mail failures."""
import json
import logging
import smtplib
import sys

import click
import pytest
from flask import Flask

from eventapp import create_app
from eventapp.config import TestConfig
from eventapp.extensions import db
from eventapp.models import OutboxMessage, OutboxStatus, utcnow
from eventapp.observability import JsonFormatter, _logged, init_sentry, scrub, scrub_sentry_event
from eventapp.services.mail import outbox
from eventapp.services.mail.outbox import Undeliverable, failure_category


def test_scrub_takes_out_addresses_secrets_in_paths_queries_and_sql_values():
    text = (
        "(psycopg.errors.UniqueViolation) duplicate key value violates unique constraint\n"
        "DETAIL:  Key (email)=(ilze@example.lv) already exists.\n"
        "[SQL: INSERT INTO registration (email) VALUES (%(email)s)]\n"
        "[parameters: {'email': 'ilze@example.lv', 'full_name': 'Ilze Kalniņa'}]\n"
        "while serving /r/AbC123secret/cancel?next=/x and /checkin/door-secret-1 for jānis@ēķis.lv"
    )
    scrubbed = scrub(text)
    for private in ("ilze@example.lv", "Ilze Kalniņa", "AbC123secret", "door-secret-1", "jānis", "next=/x"):
        assert private not in scrubbed
    assert "/r/<secret>/cancel?<query>" in scrubbed and "/checkin/<secret>" in scrubbed
    assert "[SQL: INSERT INTO registration" in scrubbed  # the statement itself helps and names no one
    assert scrub("Is the server down? 3 tries") == "Is the server down? 3 tries"


def test_plain_lines_are_scrubbed_too():
    from eventapp.observability import TEXT_FORMAT, ScrubbingFormatter

    record = logging.LogRecord("eventapp.x", logging.WARNING, __file__, 1, "refused %s", ("anna@example.lv",), None)
    assert ScrubbingFormatter(TEXT_FORMAT).format(record).endswith("refused <email>")
    assert json.loads(JsonFormatter().format(record))["message"] == "refused <email>"


def test_a_json_line_carries_the_extra_fields_and_a_scrubbed_traceback():
    try:
        raise ValueError("no seat for anna@example.lv")
    except ValueError:
        record = logging.LogRecord("eventapp.x", logging.ERROR, __file__, 1, "failed %s", ("once",), None)
        record.exc_info = sys.exc_info()
    record.event, record.outbox_id = "mail_failed", 7
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["logger"], line["message"]) == ("error", "eventapp.x", "failed once")
    assert (line["event"], line["outbox_id"], line["error_type"]) == ("mail_failed", 7, "ValueError")
    assert "ValueError: no seat for <email>" in line["traceback"]
    assert line["time"].endswith("Z")


def test_production_logs_json_and_development_plain_text():
    create_app({**vars_of(TestConfig), "LOG_JSON": True})
    ours = [h for h in logging.getLogger("eventapp").handlers if getattr(h, "eventapp", False)]
    assert len(ours) == 1 and isinstance(ours[0].formatter, JsonFormatter)
    create_app(TestConfig)
    assert not isinstance(ours[0].formatter, JsonFormatter)


def vars_of(config) -> dict:
    return {key: getattr(config, key) for key in dir(config) if key.isupper()}


def test_a_command_run_is_one_line_with_its_outcome_and_never_its_arguments(caplog):
    def fine(email):
        return None

    def refused(email):
        raise click.ClickException("no")

    with caplog.at_level(logging.INFO, logger="eventapp"):
        _logged("create-user", fine)(email="ilze@example.lv")
        with pytest.raises(click.ClickException):
            _logged("create-user", refused)(email="ilze@example.lv")
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    assert [(line["event"], line["command"], line["outcome"]) for line in lines] == [
        ("command", "create-user", "ok"), ("command", "create-user", "refused"),
    ]
    assert all(isinstance(line["seconds"], float) for line in lines)
    assert "ilze" not in caplog.text


def test_the_apps_commands_are_logged_once_however_many_apps(app, runner, caplog):
    create_app(TestConfig)  # wraps the same commands again: still one line per run
    with caplog.at_level(logging.INFO, logger="eventapp.commands"):
        result = runner.invoke(args=["anonymise"])
    assert result.exit_code == 0, result.output
    runs = [r for r in caplog.records if getattr(r, "event", None) == "command"]
    assert [(r.command, r.outcome) for r in runs] == [("anonymise", "ok")]


def test_a_mail_failure_is_logged_by_id_kind_and_category_without_the_address(app, caplog):
    with app.app_context():
        message = OutboxMessage(kind="confirmation", to_address="ne derīga adrese@example.lv", subject="s",
                                body_text="b", next_attempt_at=utcnow())
        db.session.add(message)
        db.session.commit()
        with caplog.at_level(logging.INFO, logger="eventapp"):
            report = outbox.deliver_due(db.session, utcnow())
        assert report.failed == 1 and db.session.get(OutboxMessage, message.id).status is OutboxStatus.FAILED
        failures = [r for r in caplog.records if getattr(r, "event", None) == "mail_failed"]
        assert len(failures) == 1
        line = json.loads(JsonFormatter().format(failures[0]))
        assert (line["outbox_id"], line["kind"], line["reason"]) == (message.id, "confirmation", "invalid_address")
        assert "adrese" not in caplog.text


def test_failure_categories():
    assert failure_category(Undeliverable("the address is not valid: x")) == "invalid_address"
    assert failure_category(smtplib.SMTPRecipientsRefused({"a@b.lv": (550, b"no")})) == "recipient_refused"
    assert failure_category(ConnectionRefusedError()) == "server_unreachable"
    assert failure_category(KeyError("x")) == "KeyError"


def test_sentry_events_keep_the_method_and_lose_the_address_user_query_and_local_values():
    event = {
        "request": {"url": "https://events.example.lv/r/AbC123secret", "method": "POST",
                    "query_string": "token=x", "headers": {"Cookie": "session=x"}, "data": {"email": "a@b.lv"},
                    "env": {"REMOTE_ADDR": "203.0.113.7"}},
        "user": {"ip_address": "203.0.113.7", "email": "a@b.lv"},
        "transaction": "/r/AbC123secret",
        "exception": {"values": [{"type": "IntegrityError", "value": "DETAIL: Key (email)=(a@b.lv)\nduplicate for a@b.lv",
                                  "stacktrace": {"frames": [{"function": "register", "vars": {"email": "a@b.lv"}}]}}]},
        "breadcrumbs": {"values": [{"message": "GET /join/AbC123secret", "data": {"url": "/join/AbC123secret"}}]},
        "logentry": {"message": "sent to %s", "params": ["a@b.lv"]},
        "extra": {"email": "a@b.lv"},
    }
    scrubbed = scrub_sentry_event(event)
    assert scrubbed["request"] == {"method": "POST"}
    assert "user" not in scrubbed and "extra" not in scrubbed
    dumped = json.dumps(scrubbed)
    assert "AbC123secret" not in dumped and "a@b.lv" not in dumped and "203.0.113.7" not in dumped
    assert scrubbed["exception"]["values"][0]["type"] == "IntegrityError"
    assert "vars" not in scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]


def test_sentry_is_off_without_a_dsn():
    app = Flask(__name__)
    app.config["SENTRY_DSN"] = None
    assert init_sentry(app) is False


def counted(name: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name) or 0.0


def test_a_check_in_is_counted_when_its_transaction_commits(session):
    from eventapp.services.checkin.check_ins import Scanner, check_in

    from ..factories import create_event, create_registration

    event = create_event(session)
    anna = create_registration(session, event)
    session.commit()
    before = counted("eventapp_check_ins_recorded_total")
    result = check_in(session, event, Scanner(), utcnow(), scan_id="count-1", code=f"EVA1:{anna.badge_secret}")
    assert result.result == "welcome"
    assert counted("eventapp_check_ins_recorded_total") == before  # not yet committed
    session.commit()
    assert counted("eventapp_check_ins_recorded_total") == before + 1
    check_in(session, event, Scanner(), utcnow(), scan_id="count-1", code=f"EVA1:{anna.badge_secret}")
    session.commit()  # the same scan again: no new check-in
    assert counted("eventapp_check_ins_recorded_total") == before + 1
