"""The online meetings' organiser pages in a real browser: the attendance report and the season's
meetings (form, then its list of dates) have no serious or critical WCAG 2.1 A/AA violation, at a
phone's width and a desk's, and do not scroll sideways on a phone."""
import pytest
from playwright.sync_api import Page, expect

from . import axe

pytestmark = pytest.mark.e2e

DECEMBER = "piemers-tiessaistes-tiksanas-2025-12-18"  # the demo's meeting with joins
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}


def check(page: Page, where: str) -> list[str]:
    problems = []
    for size in (PHONE, DESK):
        page.set_viewport_size(size)
        problems += axe.describe(f"{where} at {size['width']}px", axe.violations(page))
        if size is PHONE and axe.document_width(page) > PHONE["width"]:
            problems.append(f"{where} scrolls sideways at 360px ({axe.document_width(page)}px)")
    return problems


def test_attendance_and_season_pages_are_accessible(organiser_page: Page, live_server: str):
    page = organiser_page
    axe.install(page.context)
    problems = []

    page.goto(f"{live_server}/admin/events/{DECEMBER}/attendance")
    expect(page.get_by_test_id("organisations")).to_have_text("5")
    problems += check(page, "attendance")

    page.goto(f"{live_server}/admin/online-meetings/series")
    problems += check(page, "season form")
    page.get_by_label("Datumi, ko ierakstu pats").check()
    page.locator("textarea[name=dates]").fill("2030-01-07\n2030-02-04")
    page.locator("input[name=starts]").fill("10:00")
    page.locator("input[name=ends]").fill("11:30")
    page.locator("button[value=preview]").click()
    expect(page.get_by_test_id("series-plan").locator("tbody tr")).to_have_count(2)
    problems += check(page, "season preview")

    page.goto(f"{live_server}/admin/events/{DECEMBER}")
    expect(page.get_by_test_id("attendance")).to_be_visible()
    problems += check(page, "event detail")
    assert problems == []
