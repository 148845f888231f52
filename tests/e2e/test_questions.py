"""An event's own question in a real browser: an organiser asks it, a participant answers it."""
import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import Answer, Event, Question, Registration, utcnow
from eventapp.services.demo import EXAMPLE_SLUG
from eventapp.services.registration.questions import remove_question

from . import axe

pytestmark = pytest.mark.e2e
QUESTION = "Ko vēlaties pusdienās?"


def assert_accessible(page: Page) -> None:
    """No serious axe violation on a phone or a desk, and nothing wider than the phone."""
    problems = []
    for size in ({"width": 360, "height": 740}, {"width": 1280, "height": 900}):
        page.set_viewport_size(size)
        if size["width"] == 360 and axe.document_width(page) > 360:
            problems.append(f"{page.url} scrolls sideways at 360 px")
        problems += axe.describe(f"{page.url} at {size['width']} px", axe.violations(page))
    assert problems == []


@pytest.fixture
def asked_questions(live_app):
    """Takes the questions this test adds off the demo event afterwards, so other tests see its usual form."""
    yield
    with live_app.app_context():
        for question in db.session.scalars(select(Question).where(Question.text_lv == QUESTION)):
            remove_question(db.session, None, question, utcnow())
        db.session.commit()


def test_an_organiser_adds_a_one_choice_question_and_a_participant_answers_it(
    organiser_page: Page, new_page, live_app, live_server: str, asked_questions
):
    organiser = organiser_page
    axe.install(organiser.context)
    organiser.goto(f"{live_server}/admin/events/{EXAMPLE_SLUG}")
    organiser.get_by_test_id("questions-link").click()
    organiser.get_by_role("link", name="Pievienot jautājumu").click()
    assert_accessible(organiser)
    organiser.get_by_label("Atbildes veids").select_option("one_choice")
    organiser.get_by_label("Jautājums latviski").fill(QUESTION)
    organiser.get_by_label("Jautājums angliski").fill("What would you like for lunch?")
    organiser.get_by_label("Atbilžu varianti latviski").fill("Veģetāri\nZivis\nGaļa")
    organiser.get_by_label("Atbilžu varianti angliski").fill("Vegetarian\nFish\nMeat")
    organiser.get_by_role("button", name="Saglabāt").click()
    expect(organiser).to_have_url(re.compile(rf"/admin/events/{EXAMPLE_SLUG}/questions$"))
    expect(organiser.get_by_test_id("questions")).to_contain_text(QUESTION)
    expect(organiser.get_by_test_id("questions")).to_contain_text("Zivis")
    assert_accessible(organiser)

    person = new_page()
    axe.install(person.context)
    person.goto(f"{live_server}/events/{EXAMPLE_SLUG}/register")
    question = person.get_by_role("group", name=QUESTION)
    expect(question).to_be_visible()
    assert_accessible(person)
    person.get_by_label("Vārds un uzvārds").fill("Ilze Jautātāja")
    person.get_by_label("E-pasts").fill("ilze.jautajumi.e2e@example.lv")
    person.locator("input[name=sector][value=ngo]").check()
    person.locator("input[name^=slot_]").first.check()
    question.get_by_label("Zivis").check()
    person.locator("#consent_data").check()
    person.get_by_role("button", name="Reģistrēties").click()
    expect(person).to_have_url(re.compile(r"/register/sent$"))

    with live_app.app_context():
        registration = db.session.scalar(
            select(Registration).join(Event).where(Event.slug == EXAMPLE_SLUG, Registration.email == "ilze.jautajumi.e2e@example.lv")
        )
        answer = db.session.scalar(select(Answer).where(Answer.registration_id == registration.id))
        assert [option.text_lv for option in answer.options] == ["Zivis"]
        link = f"/r/{registration.secret}"

    person.goto(live_server + link)
    answers = person.get_by_test_id("answers")
    expect(answers.get_by_role("group", name=QUESTION).get_by_label("Zivis")).to_be_checked()
    assert_accessible(person)

    # The organiser reads the answer in the registrations list, filters by it, and downloads it.
    organiser.goto(f"{live_server}/admin/events/{EXAMPLE_SLUG}/registrations?q=Jaut%C4%81t%C4%81ja")
    row = organiser.locator("[data-testid=registrations] tbody tr", has_text="Ilze Jautātāja")
    expect(row).to_have_count(1)
    row.get_by_test_id("answers").locator("summary").click()
    expect(row.get_by_test_id("answers")).to_contain_text(QUESTION)
    expect(row.get_by_test_id("answers")).to_contain_text("Zivis")
    organiser.set_viewport_size({"width": 1280, "height": 900})
    assert organiser.evaluate("() => document.documentElement.scrollWidth") <= 1280
    assert_accessible(organiser)

    def filter_by(answer: str) -> None:
        organiser.goto(f"{live_server}/admin/events/{EXAMPLE_SLUG}/registrations")
        organiser.get_by_test_id("answer-filters").locator("summary").click()
        organiser.get_by_label(QUESTION).select_option(label=answer)
        organiser.get_by_test_id("filters").get_by_role("button", name="Atlasīt", exact=True).click()

    filter_by("Zivis")
    expect(organiser).to_have_url(re.compile(r"[?&]a[0-9]+=[0-9]+"))
    listed = organiser.get_by_test_id("registrations")
    expect(listed.locator("tbody tr")).to_have_count(1)
    expect(listed).to_contain_text("Ilze Jautātāja")
    expect(organiser.get_by_label(QUESTION)).to_have_value(re.compile(r"^[0-9]+$"))

    with organiser.expect_download() as download_info:
        organiser.get_by_role("link", name="Lejupielādēt CSV").click()
    exported = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_bytes().decode("utf-8-sig"))))
    assert exported[0][-1] == QUESTION
    assert [(row[0], row[-1]) for row in exported[1:]] == [("Ilze Jautātāja", "Zivis")]

    xlsx_url = organiser.get_by_role("link", name="Lejupielādēt Excel (.xlsx)").get_attribute("href")
    response = organiser.request.get(live_server + xlsx_url)
    assert response.ok
    values = [[cell.value for cell in line] for line in load_workbook(io.BytesIO(response.body())).active.iter_rows()]
    assert values[0][-1] == QUESTION
    assert [(line[0], line[-1]) for line in values[1:]] == [("Ilze Jautātāja", "Zivis")]

    filter_by("Gaļa")
    expect(organiser.get_by_test_id("registrations")).to_have_count(0)
    expect(organiser.get_by_text("Atlasei neatbilst neviena reģistrācija.")).to_be_visible()
