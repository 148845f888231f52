"""Screenshots of the main pages, at a phone's width and a desk's, for anyone to look at.

    python -m scripts.screenshots [--out screenshots]

Serves the app with the demo data from a temporary SQLite database (nothing else is touched),
registers one example participant, signs in as the demo organiser and saves a full-page PNG of
each page at 390 and 1280 px (`<page>-390.png`, `<page>-1280.png`). Uses Debian's Chromium
(`make browser`); Playwright never downloads a browser.
"""
import argparse
import logging
import sys
import tempfile
import threading
from pathlib import Path

from flask_migrate import upgrade
from playwright.sync_api import Page, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from eventapp import create_app
from eventapp.config import TestConfig
from eventapp.extensions import db
from eventapp.models import AttendanceMode, Event, Sector, utcnow
from eventapp.services.demo import DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_PASSWORD, EXAMPLE_SLUG, seed_demo
from eventapp.services.registration.lifecycle import RegistrationData, register

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
WIDTHS = {390: 844, 1280: 800}
PAST = "2025-09-03-jekabpils-regional-session"

PUBLIC = [
    ("01-index", "/"),
    ("02-event", f"/events/{EXAMPLE_SLUG}"),
    ("03-event-past-with-summaries", f"/events/{PAST}"),
    ("04-register", f"/events/{EXAMPLE_SLUG}/register"),
    ("05-after-registration", f"/events/{EXAMPLE_SLUG}/register/sent"),
    ("06-private-page", "/r/{token}"),
    ("07-privacy", "/privacy"),
    ("08-login", "/admin/login"),
    ("09-not-found", "/no-such-page"),
]
ORGANISER = [
    ("10-dashboard", "/admin/"),
    ("11-event-detail", f"/admin/events/{EXAMPLE_SLUG}"),
    ("12-registrations", f"/admin/events/{EXAMPLE_SLUG}/registrations"),
    ("13-coverage-board", f"/admin/events/{EXAMPLE_SLUG}/coverage"),
    ("14-coverage-past", f"/admin/events/{PAST}/coverage"),
    ("15-coverage-year", "/admin/coverage?year=2025"),
    ("16-summaries", f"/admin/events/{PAST}/summaries"),
    ("17-checkin", f"/admin/events/{EXAMPLE_SLUG}/checkin"),
    ("18-event-form", f"/admin/events/{EXAMPLE_SLUG}/edit"),
]


def make_app(folder: Path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'screenshots.db'}"
        UPLOAD_FOLDER = str(folder / "uploads")
        MAIL_FOLDER = str(folder / "mail")

    app = create_app(Config)
    with app.app_context():
        upgrade()
        now = utcnow()
        seed_demo(db.session, now)
        event = db.session.scalar(select(Event).where(Event.slug == EXAMPLE_SLUG))
        person = register(db.session, event.id, RegistrationData(
            full_name="Jānis Ozoliņš", email="janis.ozolins@example.lv", sector=Sector.NGO,
            organisation_name='biedrība "Kurzemes NVO centrs"', attendance_mode=AttendanceMode.IN_PERSON,
            track_ids={slot.id: slot.tracks[1].id for slot in event.slots if slot.tracks}, consent_data=True,
        ), now).registration
        db.session.commit()
        token = person.secret
        db.session.remove()
    return app, token


def shoot(page: Page, url: str, path: Path) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(path), full_page=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screenshots", help="the folder for the PNG files (default: screenshots)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"Chromium is not installed at {CHROMIUM}: run `make browser`.", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        app, token = make_app(Path(folder))
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per picture is enough
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        saved = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                try:
                    for width, height in WIDTHS.items():
                        visitor = browser.new_context(viewport={"width": width, "height": height})
                        page = visitor.new_page()
                        for name, path in PUBLIC:
                            saved.append(out / f"{name}-{width}.png")
                            shoot(page, base + path.format(token=token), saved[-1])
                        visitor.close()
                        organiser = browser.new_context(viewport={"width": width, "height": height})
                        page = organiser.new_page()
                        page.goto(base + "/admin/login")
                        page.fill("input[name=email]", DEMO_ORGANISER_EMAIL)
                        page.fill("input[name=password]", DEMO_ORGANISER_PASSWORD)
                        page.locator("form.form button[type=submit]").click()
                        page.wait_for_url(base + "/admin/")
                        for name, path in ORGANISER:
                            saved.append(out / f"{name}-{width}.png")
                            shoot(page, base + path, saved[-1])
                        organiser.close()
                finally:
                    browser.close()
        finally:
            server.shutdown()
            server.server_close()
            with app.app_context():
                db.engine.dispose()
    print(f"{len(saved)} screenshots ({', '.join(str(w) for w in WIDTHS)} px wide) in {out.resolve()}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
