"""`/healthz` for load balancers and systemd, `/metrics` for Prometheus.

`/healthz` answers 200 when the database answers `SELECT 1` (within HEALTH_DB_TIMEOUT_MS on
PostgreSQL), 503 otherwise, without saying why (the log says which error). No template, no
session, no sign-in.

`/metrics` is 404 unless METRICS_ENABLED, and then answers only a client from
METRICS_ALLOWED_IPS (networks, comma-separated; default the machine itself) carrying
`Authorization: Bearer <METRICS_TOKEN>` when a token is set. With no network allowed, a token
is required: the metrics are never public. Anyone else gets the same 404 as when it is off, so
that the endpoint is not revealed. A token must be printable ASCII without spaces (an HTTP header
carries nothing else reliably); another one stops the app at start with a message naming it.
"""
import functools
import hmac
import ipaddress
import logging
from datetime import datetime, timezone

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

NOT_STORED = {"Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz():
    try:
        with db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                timeout = int(current_app.config.get("HEALTH_DB_TIMEOUT_MS", 2000))
                connection.execute(text(f"SET LOCAL statement_timeout = {timeout}"))
            connection.execute(text("SELECT 1"))
            connection.rollback()
    except SQLAlchemyError as error:
        log.warning("health check: the database does not answer (%s)", type(error).__name__,
                    extra={"event": "health", "error_type": type(error).__name__})
        return {"status": "unavailable"}, 503, NOT_STORED
    return {"status": "ok"}, 200, NOT_STORED


def check_metrics_token(token: str | None) -> None:
    """Refuse, at start, a METRICS_TOKEN that no Authorization header could carry."""
    if token and not (token.isascii() and token.isprintable() and " " not in token):
        raise RuntimeError("METRICS_TOKEN must be printable ASCII without spaces (letters, digits, - _ . ~ and the "
                           "like), as an HTTP header carries it; choose another token.")


@bp.record_once
def _check_settings(state) -> None:
    check_metrics_token(state.app.config.get("METRICS_TOKEN"))


@functools.cache
def allowed_networks(setting: str) -> tuple:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(",") if part.strip())


def metrics_allowed() -> bool:
    config = current_app.config
    networks = allowed_networks(config.get("METRICS_ALLOWED_IPS") or "")
    token = config.get("METRICS_TOKEN") or ""
    if not networks and not token:
        return False
    if networks:
        try:
            address = ipaddress.ip_address(request.remote_addr or "")
        except ValueError:
            return False
        if address.version == 6 and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not any(address in network for network in networks):
            return False
    if token:
        given = request.headers.get("Authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            return False
    return True


class OutboxCollector:
    """The outbox as the database has it when Prometheus asks: the same from every process."""

    def collect(self):
        from .models import OutboxMessage, OutboxStatus

        up = GaugeMetricFamily("eventapp_database_up", "Whether the database answered this scrape.")
        try:
            counts = dict(db.session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]))
                .group_by(OutboxMessage.status)
            ).all())
            oldest_due = db.session.scalar(
                select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == OutboxStatus.PENDING)
            )
            db.session.rollback()
        except SQLAlchemyError as error:
            db.session.rollback()
            log.warning("metrics: the database does not answer (%s)", type(error).__name__,
                        extra={"event": "metrics", "error_type": type(error).__name__})
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("eventapp_outbox_pending", "Messages waiting to be sent (the backlog).",
                                value=counts.get(OutboxStatus.PENDING, 0))
        yield GaugeMetricFamily("eventapp_outbox_failed", "Messages given up on (shown to organisers to retry).",
                                value=counts.get(OutboxStatus.FAILED, 0))
        waited = 0.0
        if oldest_due is not None:
            if oldest_due.tzinfo is None:
                oldest_due = oldest_due.replace(tzinfo=timezone.utc)
            waited = max(0.0, (datetime.now(timezone.utc) - oldest_due).total_seconds())
        yield GaugeMetricFamily("eventapp_outbox_oldest_due_seconds",
                                "How long the oldest waiting message has been due (0: none is late).", value=waited)


class ProcessMetrics:
    """This process's own metrics (single-process mode: `flask run`, tests)."""

    def collect(self):
        return REGISTRY.collect()


def metrics_registry() -> CollectorRegistry:
    """Every process's metrics under gunicorn (PROMETHEUS_MULTIPROC_DIR), this one's otherwise,
    and the outbox counted now."""
    registry = CollectorRegistry()
    from prometheus_client import multiprocess, values

    if values.ValueClass is not values.MutexValue:
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(ProcessMetrics())
    registry.register(OutboxCollector())
    return registry


@bp.get("/metrics")
def metrics():
    if not current_app.config.get("METRICS_ENABLED"):
        abort(404)
    if not metrics_allowed():
        abort(404)  # the same answer as when the metrics are off: the endpoint is not revealed
    return Response(generate_latest(metrics_registry()), 200, {"Content-Type": CONTENT_TYPE_LATEST, **NOT_STORED})
