"""A visitor browses the demo events in a real browser."""
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

JEKABPILS_LV = "Memoranda padomes izbraukuma sēde Jēkabpilī"
JEKABPILS_EN = "Memorandum Council visiting session in Jēkabpils"


def test_browse_event_and_switch_to_english(page: Page, live_server: str):
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    expect(page.get_by_role("link", name=re.compile("Jēkabpilī")).first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Liepājā")).first).to_be_visible()

    page.get_by_role("link", name=JEKABPILS_LV, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(JEKABPILS_LV)
    tracks = page.locator("[data-testid=track]")
    expect(tracks).to_have_count(4)
    expect(tracks.filter(has_text="Senioru līdzdalības jautājumi")).to_have_count(1)
    expect(page.get_by_text("Vidusdaugavas NVO centrs")).to_be_visible()

    page.locator("[data-testid=lang-switch]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(JEKABPILS_EN)
    expect(tracks).to_have_count(4)
    expect(tracks.filter(has_text="Participation of seniors")).to_have_count(1)


def document_width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_no_horizontal_overflow_on_a_phone(new_page, live_server: str):
    page = new_page(viewport={"width": 360, "height": 740})

    page.goto(live_server + "/")
    expect(page.get_by_role("link", name=JEKABPILS_LV, exact=True)).to_be_visible()
    page.wait_for_load_state("load")
    assert document_width(page) <= 360

    page.get_by_role("link", name=JEKABPILS_LV, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(JEKABPILS_LV)
    page.wait_for_load_state("load")
    assert document_width(page) <= 360
