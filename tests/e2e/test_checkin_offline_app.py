"""The check-in link as an app, in a real browser: once its service worker is installed, the page
opens again without the network (reloaded offline), answers scans from the list kept on the
device, and sends them once the network is back. A revoked link's page deletes the worker's files."""
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import CheckInLink, utcnow
from eventapp.services.checkin import check_ins

from .test_checkin import arrivals, make_link, open_door, people, type_code

pytestmark = pytest.mark.e2e

CACHES = "() => caches.keys()"
CONTROLLED = "() => Boolean(navigator.serviceWorker.controller)"


def open_app(page: Page, url: str) -> None:
    """Opens the link and waits until its service worker controls the page (it claims the page once
    active: no reload is needed)."""
    open_door(page, url)
    page.wait_for_function(CONTROLLED)


def test_the_page_reloads_offline_and_its_scans_are_sent_once_online(new_page, live_app, live_server):
    slug, (karlis, zane) = people(live_app, "Kārlis Šķēle", "Zane Ūdre")
    secret = make_link(live_app, slug, "Zanes telefons")
    url = f"{live_server}/checkin/{secret}"
    page = new_page()
    open_app(page, url)

    page.context.set_offline(True)
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-checkin-ready", "true")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("[data-testid=network]")).to_have_attribute("data-online", "false")
    result = page.locator("[data-testid=result]")
    queue = page.locator("[data-testid=queue]")
    type_code(page, karlis["code"])
    expect(result).to_have_attribute("data-result", "welcome")  # from the list kept on the device
    expect(result).to_contain_text("Kārlis Šķēle")
    type_code(page, zane["code"])
    expect(result).to_have_attribute("data-result", "welcome")
    expect(result).to_contain_text("Zane Ūdre")
    expect(queue).to_have_attribute("data-count", "2")
    assert arrivals(live_app, karlis["id"]) == []

    page.context.set_offline(False)
    expect(queue).to_have_attribute("data-count", "0")
    expect(page.locator("[data-testid=network]")).to_have_attribute("data-online", "true")
    assert len(arrivals(live_app, karlis["id"])) == 1
    assert len(arrivals(live_app, zane["id"])) == 1


def test_a_revoked_link_s_page_deletes_the_files_its_worker_kept(new_page, live_app, live_server):
    slug, _people = people(live_app, "Rūta Vītola")
    secret = make_link(live_app, slug, "Rūtas telefons")
    url = f"{live_server}/checkin/{secret}"
    page = new_page()
    open_app(page, url)
    assert any(f"/checkin/{secret}|" in name for name in page.evaluate(CACHES))

    with live_app.app_context():
        link = db.session.scalar(select(CheckInLink).where(CheckInLink.secret == secret))
        check_ins.revoke_link(db.session, link, None, utcnow() - timedelta(seconds=1))
        db.session.commit()
    page.goto(url)
    expect(page.locator("#checkin-forget")).to_be_visible()
    page.wait_for_function(f"() => caches.keys().then(names => !names.some(n => n.includes('/checkin/{secret}|')))")
    page.wait_for_function("() => navigator.serviceWorker.getRegistrations().then(r => r.length === 0)")
