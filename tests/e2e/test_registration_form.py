"""The registration form in a real browser: the organisation field searches the directory."""
import re

import pytest
from playwright.sync_api import Page, expect

from eventapp.extensions import db
from eventapp.models import Sector
from eventapp.services.organisations import find_organisation

from ..factories import create_event, create_organisation

pytestmark = pytest.mark.e2e
ALIANSE = "Latvijas Pilsoniskā alianse"


@pytest.fixture
def event_slug(live_app) -> str:
    with live_app.app_context():
        if find_organisation(db.session, ALIANSE) is None:
            create_organisation(db.session, ALIANSE, Sector.NGO)
        slug = create_event(db.session, tracks=2).slug
        db.session.commit()
    return slug


def test_choosing_an_organisation_from_the_directory_sets_the_sector(page: Page, live_server: str, event_slug: str):
    page.goto(f"{live_server}/events/{event_slug}/register")
    organisation = page.get_by_role("combobox", name=re.compile("Organizācija"))
    organisation.press_sequentially("latvijas pilsoniska")
    suggestion = page.get_by_role("option", name=re.compile("^" + ALIANSE))
    expect(suggestion).to_be_visible()
    suggestion.click()

    expect(organisation).to_have_value(ALIANSE)
    expect(page.get_by_test_id("sector-from-directory")).to_be_visible()
    expect(page.get_by_test_id("sector-from-directory")).to_contain_text("Sektors aizpildīts no kataloga")
    expect(page.locator("fieldset#sector")).to_be_hidden()
    expect(page.locator("input[name=sector][value=ngo]")).to_be_checked()

    page.get_by_label("Vārds un uzvārds").fill("Guntis Šmits")
    page.get_by_label("E-pasts").fill("guntis.e2e@example.lv")
    page.locator("input[name^=slot_]").first.check()
    page.locator("#consent_data").check()
    page.get_by_role("button", name="Reģistrēties").click()
    expect(page).to_have_url(re.compile(r"/register/sent$"))


def test_errors_are_summarised_and_the_summary_takes_the_focus(page: Page, live_server: str, event_slug: str):
    page.goto(f"{live_server}/events/{event_slug}/register")
    page.get_by_role("button", name="Reģistrēties").click()
    expect(page).to_have_title(re.compile("^Kļūda: "))
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile("#full_name$"))
