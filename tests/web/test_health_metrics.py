"""/healthz, /metrics, and what the log says about a failing request."""
import json
import logging
import re
import socket
from datetime import timedelta

import pytest

from eventapp import create_app
from eventapp.config import TestConfig
from eventapp.extensions import db
from eventapp.models import OutboxMessage, OutboxStatus, utcnow
from eventapp.observability import JsonFormatter

from ..factories import create_event, create_registration


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthz_says_ok_when_the_database_answers_without_a_session_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_says_unavailable_without_details_when_the_database_is_down(caplog):
    class Down(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"postgresql://eventapp:secret-password@127.0.0.1:{closed_port()}/nothing"

    app = create_app(Down)
    with caplog.at_level(logging.WARNING, logger="eventapp"):
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
    assert "secret-password" not in response.get_data(as_text=True)
    assert any("does not answer (OperationalError)" in r.getMessage() for r in caplog.records)
    assert not any("secret-password" in r.getMessage() for r in caplog.records)
    with app.app_context():
        db.engine.dispose()


def test_metrics_are_not_found_unless_enabled(client):
    assert client.get("/metrics").status_code == 404


@pytest.fixture
def metrics_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ENABLED", True)
    return app


def test_metrics_are_not_found_from_an_address_outside_the_allowed_networks(metrics_on, client):
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert response.status_code == 404
    assert "eventapp_" not in response.get_data(as_text=True)


def test_metrics_with_a_token_are_not_found_with_a_wrong_or_missing_one(metrics_on, client, monkeypatch):
    monkeypatch.setitem(metrics_on.config, "METRICS_TOKEN", "a-long-scrape-token")
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Basic a-long-scrape-token"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer a-long-scrape-token"}).status_code == 200


def test_metrics_with_a_token_and_no_network_listed_take_any_address_with_the_token(metrics_on, client, monkeypatch):
    monkeypatch.setitem(metrics_on.config, "METRICS_ALLOWED_IPS", "")
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    assert client.get("/metrics", environ_base=outside).status_code == 404  # neither: never public
    monkeypatch.setitem(metrics_on.config, "METRICS_TOKEN", "a-long-scrape-token")
    ok = client.get("/metrics", environ_base=outside, headers={"Authorization": "Bearer a-long-scrape-token"})
    assert ok.status_code == 200


def test_a_metrics_token_that_is_not_plain_ascii_is_refused_at_start():
    class Accented(TestConfig):
        METRICS_ENABLED = True
        METRICS_TOKEN = "slepenā-atslēga"

    with pytest.raises(RuntimeError, match="METRICS_TOKEN"):
        create_app(Accented)


def metric(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name}{labels} not in the metrics"
    return float(match.group(1))


def test_metrics_report_latency_by_endpoint_registrations_and_the_outbox(metrics_on, client, make):
    before = client.get("/metrics").get_data(as_text=True)
    registrations_before = metric(before, "eventapp_registrations_created_total")

    def setup(session):
        event = create_event(session)
        create_registration(session, event)
        create_registration(session, event)
        session.add_all([
            OutboxMessage(kind="test", to_address="a@example.lv", subject="s", body_text="b",
                          next_attempt_at=utcnow() - timedelta(minutes=10)),
            OutboxMessage(kind="test", to_address="b@example.lv", subject="s", body_text="b",
                          status=OutboxStatus.FAILED),
        ])

    make.run(setup)
    client.get("/healthz")
    client.get("/r/not-a-real-token-1234")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    text = response.get_data(as_text=True)
    assert metric(text, "eventapp_registrations_created_total") == registrations_before + 2
    assert metric(text, "eventapp_outbox_pending") >= 1  # the two registrations' mail too
    assert metric(text, "eventapp_outbox_failed") == 1
    assert metric(text, "eventapp_outbox_oldest_due_seconds") >= 600
    assert metric(text, "eventapp_database_up") == 1
    assert metric(text, "eventapp_request_duration_seconds_count", '{endpoint="health.healthz"}') >= 1
    assert "eventapp_check_ins_recorded_total" in text
    assert "not-a-real-token" not in text  # labels are endpoints, never paths
    assert 'endpoint="/r/' not in text


def test_a_registration_rolled_back_is_not_counted(metrics_on, client, session):
    before = metric(client.get("/metrics").get_data(as_text=True), "eventapp_registrations_created_total")
    event = create_event(session)
    create_registration(session, event)
    session.rollback()
    after = metric(client.get("/metrics").get_data(as_text=True), "eventapp_registrations_created_total")
    assert after == before


def test_a_request_error_is_one_line_naming_the_endpoint_not_the_secret_path(caplog, tmp_path):
    class Failing(TestConfig):
        PROPAGATE_EXCEPTIONS = False
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'failing.db'}"

    app = create_app(Failing)
    with app.app_context():
        db.create_all()

    @app.get("/r/<token>/boom", endpoint="boom")
    def boom(token):
        raise RuntimeError(f"no registration {token} for anna.berzina@example.lv")

    with caplog.at_level(logging.INFO, logger="eventapp"):
        response = app.test_client().get("/r/s3cr3t-link-token/boom?email=anna.berzina@example.lv")
        not_found = app.test_client().get("/r/s3cr3t-link-token-2")
    assert (response.status_code, not_found.status_code) == (500, 404)
    errors = [r for r in caplog.records if getattr(r, "event", None) == "request_error"]
    assert len(errors) == 1
    line = json.loads(JsonFormatter().format(errors[0]))
    assert (line["endpoint"], line["method"], line["status"], line["error_type"]) == ("boom", "GET", 500, "RuntimeError")
    assert line["request_id"] == response.headers["X-Request-ID"]
    everything = "\n".join(JsonFormatter().format(r) for r in caplog.records) + caplog.text
    assert "s3cr3t" not in everything
    assert "anna.berzina" not in everything
    with app.app_context():
        db.engine.dispose()
