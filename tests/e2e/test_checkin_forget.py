"""A dead check-in link's page, in a real browser: the device forgets what it kept for that link
(static/js/checkin/main.js, which finds no settings there, only #checkin-forget), and nothing else."""
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import CheckInLink, utcnow
from eventapp.services.checkin import check_ins

from ..factories import create_event, create_registration, create_user

pytestmark = pytest.mark.e2e


def test_a_revoked_link_s_page_deletes_what_the_device_kept_for_it(new_page: Page, live_app, live_server):
    with live_app.app_context():
        event = create_event(db.session, tracks=1, title_lv="Sēde ar atsauktu saiti")
        create_registration(db.session, event, full_name="Inese Glabātā")
        now = utcnow()
        link = check_ins.create_link(db.session, event, create_user(db.session), "Vecais telefons",
                                   now + timedelta(hours=6), now)
        db.session.commit()
        slug, secret = event.slug, link.secret
    page = new_page()
    page.goto(f"{live_server}/checkin/{secret}")
    expect(page.locator("body")).to_have_attribute("data-checkin-ready", "true")
    mine = f"eventapp.checkin.{slug}.{secret[:10]}."
    page.evaluate("() => window.localStorage.setItem('eventapp.checkin.other-event.x.list', '{}')")
    kept = page.evaluate("() => Object.keys(window.localStorage)")
    assert any(key.startswith(mine) for key in kept)

    with live_app.app_context():
        revoked = db.session.scalar(select(CheckInLink).where(CheckInLink.secret == secret))
        check_ins.revoke_link(db.session, revoked, None, utcnow())
        db.session.commit()
    page.goto(f"{live_server}/checkin/{secret}")
    expect(page.locator("#checkin-forget")).to_be_visible()
    assert page.evaluate("() => Object.keys(window.localStorage)") == ["eventapp.checkin.other-event.x.list"]
