"""A question whose text, hint and options hold long addresses does not make the form scroll sideways on a phone."""
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import Event, Question, QuestionKind, utcnow
from eventapp.services.demo import EXAMPLE_SLUG
from eventapp.services.registration.questions import QuestionData, add_question, remove_question

from . import axe

pytestmark = pytest.mark.e2e
LONG_URL = "https://www.example.lv/dokumenti?fails=" + "NoteikumiParDalibuPadomesSedes" * 6 + ".pdf"
QUESTION = f"Vai esat izlasījis noteikumus {LONG_URL}?"


@pytest.fixture
def long_url_question(live_app):
    with live_app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == EXAMPLE_SLUG))
        add_question(db.session, None, event, QuestionData(
            kind=QuestionKind.ONE_CHOICE, text_lv=QUESTION, help_lv=f"Sīkāk: {LONG_URL}",
            options_lv=["Jā", f"Nē, lūdzu sūtiet {LONG_URL}"],
        ), utcnow())
        db.session.commit()
    yield
    with live_app.app_context():
        for question in db.session.scalars(select(Question).where(Question.text_lv == QUESTION)):
            remove_question(db.session, None, question, utcnow())
        db.session.commit()


def test_long_addresses_in_a_question_wrap_at_360_px(new_page, live_server: str, long_url_question):
    page: Page = new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{live_server}/events/{EXAMPLE_SLUG}/register")
    expect(page.get_by_role("group", name=QUESTION)).to_be_visible()
    assert axe.document_width(page) <= 360
