"""The two journeys the service exists for, in a real browser on a phone (390 px) and at a desk
(1280 px), asserting what the person sees:

- a participant registers for the demo's open session with Latvian letters, reads the page after
  registering, opens the private link from the message, corrects the spelling of the name, and
  the badge prints the corrected name;
- an organiser goes from the dashboard to an upcoming event's coverage board and asks an
  institution to delegate an expert to a track without state administration.
"""
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import OutboxMessage

from ..pdf_tools import pdf_text
from .axe import document_width

pytestmark = pytest.mark.e2e

VIEWPORTS = {390: 844, 1280: 800}
EXAMPLE_LV = "PIEMĒRS: izbraukuma sēde reģistrācijas izmēģināšanai"  # the demo's session open for registration
SENIORS = "Senioru līdzdalības jautājumi"
NAME = "Jānis Ozoliņš"
CORRECTED = "Jānis Ozoliņš-Bērziņš"
ORGANISATION = 'biedrība "Kurzemes ģimeņu atbalsta centrs"'


@pytest.fixture(params=list(VIEWPORTS), ids=lambda width: f"{width}px")
def width(request) -> int:
    return request.param


def assert_fits(page: Page, width: int) -> None:
    page.wait_for_load_state("load")
    assert document_width(page) <= width, f"{page.url} scrolls sideways at {width} px"


def assert_header_one_row(page: Page) -> None:
    """The council's mark and name and the header's links share one row, on a phone too."""
    brand = page.locator(".site-header .brand").bounding_box()
    switch = page.get_by_test_id("lang-switch").bounding_box()
    assert brand and switch
    assert switch["y"] < brand["y"] + brand["height"] and brand["y"] < switch["y"] + switch["height"], (brand, switch)
    assert switch["x"] > brand["x"] + brand["width"] - 1


def private_link(live_app, email: str) -> str:
    """The path of the private link in the confirmation message sent to this address."""
    with live_app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == email).order_by(OutboxMessage.id)
        ).first()
        assert message is not None, f"no message to {email}"
        found = re.search(r"/r/[A-Za-z0-9_-]+", message.body_text)
        assert found, message.body_text
        return found.group(0)


def test_a_participant_registers_corrects_the_name_and_the_badge_shows_it(
        new_page, live_app, live_server: str, width: int, tmp_path):
    page = new_page(viewport={"width": width, "height": VIEWPORTS[width]})
    email = f"janis.ozolins.{width}@example.lv"

    # The list of events: the open session is among the upcoming ones.
    page.goto(live_server + "/")
    expect(page.get_by_role("link", name="Memoranda padome pasākumi")).to_be_visible()
    assert_header_one_row(page)
    upcoming = page.locator("section", has=page.get_by_role("heading", name="Gaidāmie pasākumi"))
    upcoming.get_by_role("link", name=EXAMPLE_LV).click()

    # The event page: what, when, where, its working groups and the way to register.
    expect(page.get_by_role("heading", level=1)).to_have_text(EXAMPLE_LV)
    expect(page.locator("[data-testid=track]").filter(has_text=SENIORS)).to_be_visible()
    assert_fits(page, width)
    page.get_by_role("link", name="Reģistrēties").click()

    # The form, filled in with Latvian letters.
    expect(page.get_by_role("heading", level=1)).to_have_text("Reģistrācija")
    page.get_by_label("Vārds un uzvārds").fill(NAME)
    page.get_by_label("E-pasts").fill(email)
    page.get_by_role("combobox", name=re.compile("Organizācija")).fill(ORGANISATION)
    page.get_by_role("radio", name="Nevalstiskā organizācija").check()
    page.get_by_role("radio", name="Klātienē").check()
    page.get_by_role("radio", name=re.compile("^" + SENIORS)).check()
    page.get_by_label("Piekrītu, ka mani dati tiek apstrādāti").check()
    assert_fits(page, width)
    page.get_by_role("button", name="Reģistrēties").click()

    # After registering: where the answer went, what it says and what comes next; nothing here tells
    # a new address from one already registered, so the seat is told in the message and the private page.
    expect(page).to_have_url(re.compile(r"/register/sent$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pārbaudiet savu e-pastu")
    expect(page.locator("main")).to_contain_text(email)
    expect(page.locator("main")).to_contain_text(EXAMPLE_LV)
    expect(page.get_by_role("heading", name="Kas notiks tālāk")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Pievienot kalendāram"))).to_be_visible()
    expect(page.get_by_role("link", name="Atpakaļ uz pasākumu")).to_be_visible()
    assert_fits(page, width)

    # The private link from the message: seated, in the chosen working group.
    page.goto(live_server + private_link(live_app, email))
    expect(page.get_by_role("heading", level=1)).to_have_text("Jūsu reģistrācija")
    expect(page.get_by_test_id("status")).to_have_text("Vieta nodrošināta")
    expect(page.locator(".facts")).to_contain_text(NAME)
    expect(page.locator(".facts")).to_contain_text(ORGANISATION)
    expect(page.locator(".facts dd").filter(has_text=SENIORS)).to_contain_text("jūsu vieta apstiprināta")
    expect(page.get_by_role("link", name="Lejupielādēt nozīmīti")).to_be_visible()
    assert_fits(page, width)

    # The name's spelling corrected.
    details = page.locator("section", has=page.get_by_role("heading", name="Labot datus"))
    details.get_by_label("Vārds un uzvārds").fill(CORRECTED)
    details.get_by_role("button", name="Saglabāt datus").click()
    expect(page.get_by_role("status").filter(has_text="Jūsu dati ir saglabāti.")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text(CORRECTED)

    # The badge (a PDF) prints the corrected name.
    badge = page.get_by_role("link", name="Lejupielādēt nozīmīti").get_attribute("href")
    response = page.request.get(live_server + badge)
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    text = pdf_text(response.body(), tmp_path)
    assert CORRECTED in text
    assert SENIORS in text


# Each width asks for a different working group, so that the two runs do not meet.
TRACK_ASKED = {390: "Mazākumtautību biedrību attīstības jautājumi", 1280: SENIORS}


def test_an_organiser_asks_an_institution_to_delegate_an_expert(organiser_page: Page, live_server: str, width: int):
    page = organiser_page
    page.set_viewport_size({"width": width, "height": VIEWPORTS[width]})
    page.goto(live_server + "/admin/")

    # The dashboard: the upcoming events, the demo's open session among them, with its tracks lacking
    # state administration counted.
    expect(page.get_by_role("heading", level=1)).to_have_text("Pasākumi")
    assert_header_one_row(page)
    card = page.get_by_test_id("dash-event").filter(has=page.get_by_role("link", name=EXAMPLE_LV))
    expect(card).to_be_visible()
    expect(card.get_by_test_id("coverage")).to_contain_text(re.compile(r"\d+ nav nodrošinātas?"))
    assert_fits(page, width)
    card.get_by_role("link", name=EXAMPLE_LV).click()

    # The event, then its coverage board.
    expect(page.get_by_role("heading", level=1)).to_contain_text(EXAMPLE_LV)
    page.get_by_role("link", name="Valsts pārvaldes pārstāvība").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Valsts pārvaldes pārstāvība")
    assert_fits(page, width)

    track = page.locator("section", has=page.get_by_role("heading", name=TRACK_ASKED[width], exact=True))
    expect(track).to_contain_text("nav nodrošināta")
    track.get_by_text("Lūgt iestādei deleģēt ekspertu").click()
    institution = track.get_by_label("Iestāde")
    expect(institution).to_be_visible()
    suggested = institution.locator("option").first.inner_text()
    institution.select_option(index=0)
    name = suggested.split(" (")[0]  # "Labklājības ministrija (sociālā politika)": the policy areas matched
    track.get_by_label("Kontaktpersonas e-pasts").fill("kanceleja@example.gov.lv")
    track.get_by_role("button", name="Nosūtīt lūgumu").click()

    expect(page.get_by_role("status").filter(has_text=f"Lūgums nosūtīts: {name}.")).to_be_visible()
    track = page.locator("section", has=page.get_by_role("heading", name=TRACK_ASKED[width], exact=True))
    request = track.get_by_role("listitem").filter(has_text=name)
    expect(request).to_contain_text("gaida atbildi")
    expect(request).to_contain_text("kanceleja@example.gov.lv")
    assert_fits(page, width)
