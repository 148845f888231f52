"""What operators see of the running app: log lines, Prometheus metrics, and Sentry when asked.

Logs. The package's loggers write one line per entry to standard error: plain text in
development, JSON in production (LOG_JSON). There is one line per request that fails with an
error, per message the mail sender gives up on or will retry, and per command run. A line names
the Flask endpoint, never the path: many paths carry a secret (`/r/<token>`,
`/checkin/<secret>`, `/delegate/<token>`, ...). Rows are named by id, never by a person's name
or address; the text of an exception is scrubbed of addresses and SQL parameters (`scrub`).

Metrics. Request latency by endpoint, requests that failed with a 5xx, registrations created
and check-ins recorded (counted when their transaction commits), kept by `prometheus_client`:
under gunicorn in its multiprocess mode (PROMETHEUS_MULTIPROC_DIR, a directory emptied before
the server starts). The outbox backlog and its failed messages are counted in the database
when Prometheus asks (`eventapp/health.py`), so every process reports the same.

Sentry. Only when SENTRY_DSN is set: errors without personal data (no request address, query
string, headers, cookies, body, user or local variables).
"""
import functools
import json
import logging
import re
import secrets
import time
import traceback
from collections import Counter as Tally

import click
from flask import Flask, g, has_request_context, request
from prometheus_client import Counter, Histogram
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

log = logging.getLogger("eventapp.requests")
command_log = logging.getLogger("eventapp.commands")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# --- Scrubbing -----------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A path segment after one of these is a secret that opens someone's data.
TOKEN_PATH = re.compile(
    r"/(r|join|feedback|delegate|unsubscribe|checkin|set-password|walk-in)/[^/\s?#\"'<>]+", re.IGNORECASE
)
QUERY_STRING = re.compile(r"(?<=[\w/])\?[\w.~%+-]+=[^\s\"'<>]*")  # ?key=value...
# SQLAlchemy's "[parameters: ...]" and PostgreSQL's "DETAIL: Key (email)=(...)" repeat the values.
SQL_DETAIL = re.compile(r"^\s*(\[parameters:|DETAIL:).*$", re.MULTILINE)


def scrub(text: str) -> str:
    """Text that may end up in a log or at Sentry, without addresses, secrets in paths or SQL values."""
    text = SQL_DETAIL.sub("", str(text))
    text = EMAIL.sub("<email>", text)
    text = TOKEN_PATH.sub(lambda match: f"/{match.group(1)}/<secret>", text)
    text = QUERY_STRING.sub("?<query>", text)
    return text


# --- Logging -------------------------------------------------------------------------------

_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the fields given as `extra`."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        line.update({key: value for key, value in vars(record).items() if key not in _RECORD_FIELDS})
        if record.exc_info:
            line["error_type"] = line.get("error_type") or record.exc_info[0].__name__
            line["traceback"] = scrub("".join(traceback.format_exception(*record.exc_info)))
        return json.dumps(line, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime


class ScrubbingFormatter(logging.Formatter):
    """The plain format, scrubbed like the JSON one."""

    def format(self, record: logging.LogRecord) -> str:
        line = scrub(super().format(record))
        given = getattr(record, "traceback", None)  # a request error's, already scrubbed
        return f"{line}\n{given.rstrip()}" if given else line


def configure_logging(app: Flask) -> None:
    """The package's loggers (`eventapp`, `eventapp.services.*`, ...) write to standard error."""
    logger = logging.getLogger("eventapp")
    formatter = JsonFormatter() if app.config.get("LOG_JSON") else ScrubbingFormatter(TEXT_FORMAT)
    handler = next((h for h in logger.handlers if getattr(h, "eventapp", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.eventapp = True
        logger.addHandler(handler)
    handler.setFormatter(formatter)
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def endpoint_name() -> str:
    """The Flask endpoint of the request (`my_registration.view`), "other" where no route answered."""
    return (request.endpoint if has_request_context() else None) or "other"


REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


def request_id() -> str:
    """The proxy's X-Request-ID (nginx's $request_id) when it looks like one, else our own."""
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else secrets.token_hex(16)
    return g.request_id


def scrub_request(text: str) -> str:
    """`scrub`, and in a request also without the values taken from its path (a token appears
    bare in an exception's text as easily as in a path)."""
    text = scrub(text)
    if has_request_context():
        for value in (request.view_args or {}).values():
            if isinstance(value, str) and len(value) >= 8:
                text = text.replace(value, "<secret>")
    return text


def log_request_exception(app: Flask, exc_info) -> None:
    """Flask's own line names the path ("Exception on /r/<token> [GET]"): this one names the
    endpoint, and its traceback has the path's values (tokens) taken out wherever they appear."""
    text = scrub_request("".join(traceback.format_exception(*exc_info)))
    log.error(
        "request failed: %s %s (%s)", request.method, endpoint_name(), exc_info[0].__name__,
        extra={"event": "request_error", "endpoint": endpoint_name(), "method": request.method,
               "status": 500, "request_id": request_id(), "error_type": exc_info[0].__name__,
               "traceback": text},
    )


# --- Metrics -------------------------------------------------------------------------------

REQUEST_SECONDS = Histogram(
    "eventapp_request_duration_seconds", "Time to answer a request, by Flask endpoint.", ["endpoint"],
)
SERVER_ERRORS = Counter(
    "eventapp_request_server_errors", "Requests answered with a 5xx status, by Flask endpoint.", ["endpoint"],
)
REGISTRATIONS = Counter("eventapp_registrations_created", "Registrations stored (committed).")
CHECK_INS = Counter("eventapp_check_ins_recorded", "Check-ins stored (committed), at the door or a room.")


def _start_timer() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _observe(response):
    started = g.pop("request_started", None)
    endpoint = endpoint_name()
    if started is not None:
        REQUEST_SECONDS.labels(endpoint).observe(time.perf_counter() - started)
    if response.status_code >= 500:
        SERVER_ERRORS.labels(endpoint).inc()
    response.headers.setdefault("X-Request-ID", request_id())
    return response


_PENDING = "eventapp_new_rows"


def _new_rows(session: Session) -> Tally:
    return session.info.setdefault(_PENDING, Tally())


def _note_flushed(session: Session, _flush_context) -> None:
    """Registrations and check-ins added to the session (`session.add`), before they are committed."""
    from .models import CheckIn, Registration

    for item in session.new:
        if isinstance(item, Registration):
            _new_rows(session)["registrations"] += 1
        elif isinstance(item, CheckIn):
            _new_rows(session)["check_ins"] += 1


def _note_insert(state) -> None:
    """Check-ins and registrations inserted by an INSERT statement of their own, with its values."""
    from .models import CheckIn, Registration

    if not state.is_insert:
        return
    table = getattr(state.statement, "table", None)
    kind = {CheckIn.__table__: "check_ins", Registration.__table__: "registrations"}.get(table)
    if kind and getattr(state.statement, "select", None) is None:  # an INSERT ... SELECT counts itself
        parameters = state.parameters
        note_new(state.session, kind, len(parameters) if isinstance(parameters, list) else 1)


def note_new(session: Session, kind: str, count: int = 1) -> None:
    """`count` new "registrations" or "check_ins" in `session`, counted when it commits: for rows
    written by a statement whose rows are known only from its result (an INSERT ... SELECT)."""
    _new_rows(session)[kind] += count


def _count_committed(session: Session) -> None:
    new = session.info.pop(_PENDING, None)
    if new:
        REGISTRATIONS.inc(new["registrations"])
        CHECK_INS.inc(new["check_ins"])


def _forget(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)


@functools.cache
def _listen_to_sessions() -> None:
    """Once per process: every session of the app counts what it commits."""
    sa_event.listen(Session, "after_flush", _note_flushed)
    sa_event.listen(Session, "do_orm_execute", _note_insert)
    sa_event.listen(Session, "after_commit", _count_committed)
    sa_event.listen(Session, "after_rollback", _forget)


# --- Commands ------------------------------------------------------------------------------


def _logged(name: str, callback):
    @functools.wraps(callback)
    def run(*args, **kwargs):
        started = time.perf_counter()
        outcome = "error"
        try:
            result = callback(*args, **kwargs)
            outcome = "ok"
            return result
        except click.exceptions.Exit as done:
            outcome = "ok" if done.exit_code == 0 else "error"
            raise
        except (click.ClickException, click.Abort):
            outcome = "refused"
            raise
        except KeyboardInterrupt:
            outcome = "interrupted"
            raise
        finally:
            seconds = round(time.perf_counter() - started, 3)
            level = logging.ERROR if outcome == "error" else logging.INFO
            command_log.log(level, "command %s: %s in %.3f s", name, outcome, seconds,
                            extra={"event": "command", "command": name, "outcome": outcome, "seconds": seconds})

    run.eventapp_logged = True
    return run


def log_command_runs(app: Flask) -> None:
    """Each of the app's commands logs one line when it ends: its name, outcome and duration
    (never its arguments: `create-user` takes an address)."""
    for name, command in app.cli.commands.items():
        if command.callback is not None and not getattr(command.callback, "eventapp_logged", False):
            command.callback = _logged(name, command.callback)


# --- Sentry --------------------------------------------------------------------------------

REQUEST_KEYS_KEPT = ("method",)


def scrub_sentry_event(event: dict, _hint=None) -> dict:
    """`before_send`: the request's method only, no user, and scrubbed texts."""
    if "request" in event:
        event["request"] = {key: event["request"][key] for key in REQUEST_KEYS_KEPT if key in event["request"]}
    event.pop("user", None)
    transaction = event.get("transaction")
    if isinstance(transaction, str) and "/" in transaction:
        event["transaction"] = scrub_request(transaction)
    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = scrub_request(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry") or {}
    for key in ("message", "formatted"):
        if logentry.get(key):
            logentry[key] = scrub_request(logentry[key])
    if logentry.get("params"):
        logentry["params"] = [scrub_request(str(param)) for param in logentry["params"]]
    if isinstance(event.get("message"), str):
        event["message"] = scrub_request(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    crumbs = breadcrumbs.get("values", []) if isinstance(breadcrumbs, dict) else breadcrumbs or []
    for crumb in crumbs:
        if crumb.get("message"):
            crumb["message"] = scrub_request(crumb["message"])
        crumb.pop("data", None)
    event.pop("extra", None)
    return event


def init_sentry(app: Flask) -> bool:
    """Errors to Sentry when SENTRY_DSN is set; nothing (not even the import) otherwise."""
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    ignore_logger(log.name)  # the Flask integration reports the exception itself; once is enough

    sentry_sdk.init(
        dsn=dsn,
        environment=app.config.get("SENTRY_ENVIRONMENT"),
        integrations=[FlaskIntegration(transaction_style="endpoint")],
        # What the SDK itself gathers: nothing about people (sentry-sdk 2.x `data_collection`,
        # in place of send_default_pii=False), no local variables, no bodies.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "off"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "graphql": {"document": False, "variables": False},
            "gen_ai": {"inputs": False, "outputs": False},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_sentry_event,
        traces_sample_rate=0,
    )
    return True


# --- Setup ---------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    _listen_to_sessions()
    app.before_request(_start_timer)
    app.after_request(_observe)
    # Flask's line for an unhandled exception names the path, which may be a secret.
    app.log_exception = functools.partial(log_request_exception, app)
    init_sentry(app)
