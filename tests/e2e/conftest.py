"""Browser tests: the real app, served over HTTP with the demo data, driven by Debian's Chromium.

They run once, on a SQLite file of their own (they do not use the top-level `app` and
`database_url` fixtures, which run every test once per database). The browser is the one
`make browser` installs with apt (/usr/bin/chromium); Playwright never downloads one. When
it is missing, the tests fail (they are not skipped), so that CI cannot pass without them.
"""
import os
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from eventapp import create_app
from eventapp.config import TestConfig
from eventapp.extensions import db
from eventapp.models import utcnow
from eventapp.services.demo import seed_demo

from ..factories import PASSWORD, create_user

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous: the machine running the suite may be slow and shared. Nothing asserts on timing.
TIMEOUT_MS = 60_000


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> Iterator[Flask]:
    """The app the live server serves, with the demo data: tests may add to its database and read it."""
    instance = tmp_path_factory.mktemp("e2e")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{instance / 'e2e.db'}"
        UPLOAD_FOLDER = str(instance / "uploads")
        MAIL_FOLDER = str(instance / "mail")

    app = create_app(Config)
    with app.app_context():
        upgrade()
        seed_demo(db.session, utcnow())
        db.session.commit()
    yield app


def whole_bodies(app):
    """The app with each response body read whole and its file closed before it is sent.

    Werkzeug's development server can leave a streamed file (a static script) open when the
    browser drops the connection halfway, as a service worker's download does when a test
    takes the network away; the open file then fails the test as a ResourceWarning.
    """
    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return wsgi


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    """The app with the demo data, served on a free local port; yields its base URL."""
    app = live_app
    server = make_server("127.0.0.1", 0, whole_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser tests cannot run. "
            "Install it with `make browser` (apt-get install chromium fonts-dejavu-core).",
            pytrace=False,
        )
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator:
    """Opens pages in fresh browser contexts (own cookies) and closes them after the test."""
    contexts = []

    def open_page(**context_options) -> Page:
        context = browser.new_context(**context_options)
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def organiser_page(new_page, live_app, live_server) -> Page:
    """A page signed in as a new organiser (named Anna Bērziņa, as the factories name users)."""
    with live_app.app_context():
        email = create_user(db.session).email
        db.session.commit()
    page = new_page()
    sign_in(page, live_server, email)
    return page


def sign_in(page: Page, live_server: str, email: str, password: str = PASSWORD) -> None:
    """Signs the page's browser context in through the sign-in form; returns on the dashboard."""
    page.goto(live_server + "/admin/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(live_server + "/admin/")
