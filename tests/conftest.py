"""The suite runs twice: on SQLite and on PostgreSQL.

PostgreSQL is found at TEST_DATABASE_URL (default: the machine's own server). When it
cannot be reached the PostgreSQL half is skipped with a loud reason, unless
REQUIRE_POSTGRES=1 (set by CI), which turns that into a failure.
"""
import email
import email.policy
import os
import socket
import uuid
from contextlib import contextmanager

import psycopg
import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import event as sa_event
from sqlalchemy import text

from eventapp import create_app
from eventapp.config import TestConfig
from eventapp.extensions import db

from . import factories
from .helpers import csrf_token

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", "postgresql"]
_postgres_problem: list[str] = []


def postgres_admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)


def create_postgres_database() -> tuple[str, str]:
    """A fresh database for this run, so the suite never touches anything else's tables."""
    admin_url = postgres_admin_url()
    name = f"eventapp_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        message = f"PostgreSQL at {admin_url} cannot be reached: {str(error).strip()}"
        _postgres_problem.append(message)
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (REQUIRE_POSTGRES=1)", pytrace=False)
        pytest.skip("NOT TESTED ON POSTGRESQL: " + message)
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}", name


def drop_postgres_database(name: str) -> None:
    with psycopg.connect(postgres_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_terminal_summary(terminalreporter):
    if _postgres_problem:
        terminalreporter.write_sep("!", "PostgreSQL WAS NOT TESTED", red=True, bold=True)
        terminalreporter.write_line(_postgres_problem[0], red=True)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
        return
    url, name = create_postgres_database()
    yield url
    drop_postgres_database(name)


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    """One app per database, its schema made by the migrations (as in production)."""
    instance = tmp_path_factory.mktemp("instance")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        UPLOAD_FOLDER = str(instance / "uploads")
        MAIL_FOLDER = str(instance / "mail")

    app = create_app(Config)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_all_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(_app):
    """The app, with every table emptied after the test."""
    yield _app
    with _app.app_context():
        db.session.rollback()
        empty_all_tables()


def empty_database(app) -> None:
    with app.app_context():
        db.session.rollback()
        empty_all_tables()


@pytest.fixture
def session(app):
    """A database session inside an app context, for testing services without HTTP."""
    with app.app_context():
        yield db.session
        db.session.rollback()


class CountedQueries:
    """The SQL statements sent while a `count_queries` block ran (`len()` is their number)."""

    def __init__(self):
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    @property
    def reads(self) -> int:
        return sum(1 for statement in self.statements if statement.lstrip().upper().startswith("SELECT"))

    def __repr__(self) -> str:
        return f"{len(self)} statements:\n" + "\n".join(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries: ...`, then `len(queries)`: the statements the app's engine
    sent inside the block, from a service called with `session` or a page fetched with `client`."""
    with app.app_context():
        engine = db.engine

    @contextmanager
    def counting():
        counted = CountedQueries()

        def record(_conn, _cursor, statement, _parameters, _context, _executemany):
            counted.statements.append(statement)

        sa_event.listen(engine, "before_cursor_execute", record)
        try:
            yield counted
        finally:
            sa_event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories for web tests: each call commits and returns the object's id-like fields.

    `make.event(...)` returns the event's slug, `make.user(...)` the user's email, and so on;
    use `make.run(fn)` to do anything else inside an app context.
    """
    return factories.CommittingFactories(app)


@pytest.fixture
def login(client, make):
    """Sign the test client in as a new user of the given role."""

    def sign_in(role: str = "organiser", **kwargs) -> str:
        email = make.user(role=role, **kwargs)
        response = client.post(
            "/admin/login",
            data={"email": email, "password": factories.PASSWORD, "csrf_token": csrf_token(client, "/admin/login")},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return email

    return sign_in


class CollectingHandler:
    """An aiosmtpd handler that keeps every message it accepts, parsed and as received.

    `refuse` maps a recipient address to the reply its RCPT TO gets (e.g. "550 No such user");
    `refuse_data` maps one to the reply its message's DATA gets (e.g. "554 Rejected as spam").
    """

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.raw: list[bytes] = []
        self.refuse: dict[str, str] = {}
        self.refuse_data: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for address in envelope.rcpt_tos:
            if address in self.refuse_data:
                return self.refuse_data[address]
        if envelope.smtp_utf8:  # headers in UTF-8, which the parser reads only from text
            message = email.message_from_string(envelope.original_content.decode(), policy=email.policy.default)
        else:
            message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        self.raw.append(envelope.original_content)
        return "250 Message accepted for delivery"


class SMTPServer:
    """A real SMTP server on loopback that can be stopped and started again on the same port."""

    def __init__(self, smtputf8: bool = False):
        self.handler = CollectingHandler()
        self.smtputf8 = smtputf8
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    @property
    def raw(self):
        return self.handler.raw

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=self.smtputf8)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtputf8_server():
    """An SMTP server that offers SMTPUTF8 (addresses with non-ASCII letters before the @)."""
    server = SMTPServer(smtputf8=True)
    server.start()
    yield server
    server.stop()


def sending_app(database_url: str, port: int, folder):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        MAIL_SERVER = "127.0.0.1"
        MAIL_PORT = port
        MAIL_SUPPRESS_SEND = False
        MAIL_FOLDER = str(folder)

    return create_app(Config)


@pytest.fixture
def mail_app(app, smtp_server, database_url, tmp_path):
    """The app sending real mail to `smtp_server` (same database as `app`, whose tables it empties)."""
    mailing = sending_app(database_url, smtp_server.port, tmp_path / "mail")
    yield mailing
    with mailing.app_context():
        db.engine.dispose()


@pytest.fixture
def smtputf8_mail_app(app, smtputf8_server, database_url, tmp_path):
    """The app sending real mail to `smtputf8_server`."""
    mailing = sending_app(database_url, smtputf8_server.port, tmp_path / "mail")
    yield mailing
    with mailing.app_context():
        db.engine.dispose()
