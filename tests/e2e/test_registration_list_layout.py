"""The organisers' registrations list in a browser: the Jēkabpils demo event (four tracks in two
time blocks) fits a 1280 px screen without sideways scrolling, and a 360 px phone too; the row
menu opens without widening the page; "select everyone" ticks the page's rows."""
import os

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import Event

SHOTS = os.environ.get("SCREENSHOTS_DIR")  # set it to look at the pages


@pytest.fixture
def registrations_url(live_app, live_server) -> str:
    with live_app.app_context():
        events = db.session.scalars(select(Event).where(Event.city == "Jēkabpils")).all()
        event = max(events, key=lambda e: (len(e.tracks), len(e.slots)))
        assert len(event.tracks) >= 4
        return f"{live_server}/admin/events/{event.slug}/registrations"


def page_width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (360, 740)])
def test_the_list_fits_without_sideways_scrolling(organiser_page: Page, registrations_url: str, width, height):
    page = organiser_page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(registrations_url)
    expect(page.locator("[data-testid=registrations]")).to_be_visible()
    page.wait_for_load_state("load")
    assert page_width(page) <= width
    shot(page, f"registrations-{width}")
    page.locator("details.menu > summary").first.click()
    expect(page.locator("details.menu[open] .menu-body")).to_be_visible()
    assert page_width(page) <= width
    shot(page, f"registrations-{width}-menu")


def test_select_everyone_ticks_the_rows_of_the_page(organiser_page: Page, registrations_url: str):
    page = organiser_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(registrations_url)
    everyone = page.locator("#select-all")
    expect(everyone).to_be_visible()
    everyone.check()
    rows = page.locator('input[name="ids"]')
    assert rows.count() > 0
    assert all(rows.nth(i).is_checked() for i in range(rows.count()))
    expect(page.locator("[data-selected-count]")).to_contain_text(str(rows.count()))
    rows.first.uncheck()
    assert everyone.evaluate("box => box.indeterminate") is True
