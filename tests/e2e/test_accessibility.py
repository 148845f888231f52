"""Every public, participant and organiser page, checked in a real browser: axe-core finds no serious
or critical WCAG 2.1 A/AA violation at a phone's width and a desk's, and no page scrolls sideways
on a 360 px phone.

A failure lists each violation with its rule, its impact and the elements it found.
"""
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import CheckIn, Event, FeedbackInvitation, StateAdminPresence, utcnow
from eventapp.services.checkin import check_ins
from eventapp.services.coverage import delegation
from eventapp.services.demo import EXAMPLE_SLUG
from eventapp.services.feedback import answers as feedback
from eventapp.services.feedback import invitations

from ..factories import create_event, create_registration, create_user
from . import axe
from .conftest import TIMEOUT_MS, sign_in

pytestmark = pytest.mark.e2e

JEKABPILS = "2025-09-03-jekabpils-regional-session"  # the demo's past session: people, check-ins, summaries
GROUP = "sabiedribas-iesaiste"  # the demo's working group, with members
GROUP_MEETING = "2025-10-03-riga-working-group-meeting"  # its meeting, with an agenda
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}


@dataclass(frozen=True)
class Spec:
    path: str
    status: int = 200
    then: Callable[[Page], None] | None = None  # what the person does on the page before it is checked


def submit_empty_registration(page: Page) -> None:
    page.locator("form.form button[type=submit]").last.click()
    expect(page.locator("[data-error-summary]")).to_be_visible()


def sign_in_wrongly(page: Page) -> None:
    page.get_by_label("E-pasts").fill("neviens@example.lv")
    page.get_by_label("Parole").fill("nepareiza parole")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".flash-error, .error").first).to_be_visible()


def survey_shown(page: Page) -> None:
    expect(page.get_by_test_id("feedback-track")).to_have_count(1)


def thanks_shown(page: Page) -> None:
    expect(page.get_by_test_id("answered")).to_be_visible()


def submit_empty_survey(page: Page) -> None:
    page.get_by_test_id("feedback-form").locator("button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary] a")).to_have_count(2)  # the rating and the presence question


def door_ready(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-checkin-ready", "true")


PUBLIC = {
    "index": Spec("/"),
    "event": Spec(f"/events/{EXAMPLE_SLUG}"),
    "event-past-with-summaries": Spec(f"/events/{JEKABPILS}"),
    "register": Spec(f"/events/{EXAMPLE_SLUG}/register"),
    "register-with-errors": Spec(f"/events/{EXAMPLE_SLUG}/register", then=submit_empty_registration),
    "register-closed": Spec(f"/events/{JEKABPILS}/register"),
    "after-registration": Spec(f"/events/{EXAMPLE_SLUG}/register/sent"),
    "privacy": Spec("/privacy"),
    "working-groups": Spec("/working-groups/"),
    "working-group": Spec(f"/working-groups/{GROUP}"),
    "login": Spec("/admin/login"),
    "login-refused": Spec("/admin/login", then=sign_in_wrongly),
    "forgot-password": Spec("/admin/forgot-password"),
    "set-password-dead-link": Spec("/admin/set-password/not-a-token", status=400),
    "not-found": Spec("/no-such-page", status=404),
    "event-not-found": Spec("/events/no-such-event", status=404),
}
PARTICIPANT = {
    "private-page": Spec("/r/{token}"),
    "private-page-dead-link": Spec("/r/not-a-token", status=404),
    "delegated-expert-form": Spec("/delegate/{delegation}"),
    "delegation-decline": Spec("/delegate/{delegation}/decline"),
    "volunteer-checkin": Spec("/checkin/{secret}", then=door_ready),
    "volunteer-walk-in": Spec("/checkin/{secret}/walk-in"),
    "survey-dead-link": Spec("/feedback/not-a-token", status=404),
    "survey": Spec("/feedback/{survey}", then=survey_shown),
    "survey-with-errors": Spec("/feedback/{survey}", then=submit_empty_survey),
    "survey-thanks": Spec("/feedback/{answered_survey}/thanks", then=thanks_shown),
}
ORGANISER = {
    "dashboard": Spec("/admin/"),
    "event-detail": Spec("/admin/events/{slug}"),
    "event-form-new": Spec("/admin/events/new"),
    "event-form-edit": Spec("/admin/events/{slug}/edit"),
    "slot-form": Spec("/admin/events/{slug}/slots/new"),
    "track-form": Spec("/admin/events/{slug}/tracks/{track}/edit"),
    "registrations": Spec("/admin/events/{slug}/registrations"),
    "registrations-past": Spec(f"/admin/events/{JEKABPILS}/registrations"),
    "track-people": Spec("/admin/events/{slug}/tracks/{track}/people"),
    "coverage-board": Spec("/admin/events/{slug}/coverage"),
    "coverage-board-past": Spec(f"/admin/events/{JEKABPILS}/coverage"),
    "coverage-year": Spec("/admin/coverage?year=2025"),
    "summaries": Spec(f"/admin/events/{JEKABPILS}/summaries"),
    "summary-form": Spec(f"/admin/events/{JEKABPILS}/tracks/{{past_track}}/summary"),
    "users": Spec("/admin/users"),
    "user-form": Spec("/admin/users/{user}"),
    "audit": Spec("/admin/audit"),
    "personal-data": Spec("/admin/personal-data"),
    "failed-mail": Spec("/admin/events/{slug}/failed-mail"),
    "messages": Spec("/admin/events/{slug}/messages"),
    "message-form": Spec("/admin/events/{slug}/messages/new"),
    "feedback": Spec(f"/admin/events/{JEKABPILS}/feedback"),
    "checkin": Spec("/admin/events/{slug}/checkin", then=door_ready),
    "checkin-links": Spec("/admin/events/{slug}/checkin-links"),
    "walk-in": Spec("/admin/events/{slug}/checkin/walk-in"),
    "questions": Spec("/admin/events/{slug}/questions"),
    "question-form": Spec("/admin/events/{slug}/questions/new"),
    "organisations": Spec("/admin/organisations"),
    "invitations": Spec("/admin/events/{slug}/invitations"),
    "invitation-form": Spec("/admin/events/{slug}/invitations/new"),
    "meeting-series": Spec("/admin/online-meetings/series"),
    "working-groups-admin": Spec("/admin/working-groups"),
    "working-group-admin": Spec(f"/admin/working-groups/{GROUP}"),
    "working-group-member-form": Spec(f"/admin/working-groups/{GROUP}/members/new"),
    "working-group-tasks": Spec(f"/admin/working-groups/{GROUP}/tasks"),
    "group-meeting": Spec(f"/admin/meetings/{GROUP_MEETING}"),
    "group-meeting-agenda": Spec(f"/admin/meetings/{GROUP_MEETING}/agenda"),
    "group-meeting-attendance": Spec(f"/admin/meetings/{GROUP_MEETING}/attendance"),
    "group-meeting-protocol": Spec(f"/admin/meetings/{GROUP_MEETING}/protocol"),
}


def survey_links(session, now) -> tuple[str, str]:
    """The survey links of two people checked in at an event that ended yesterday; the second has answered."""
    event = create_event(session, tracks=2, starts_at=now - timedelta(days=1, hours=6), title_lv="Sēde Rēzeknē")
    people = []
    for n in range(2):
        person = create_registration(session, event, now=event.starts_at - timedelta(days=7),
                                     full_name=f"Jānis Bērziņš {n}")
        session.add(CheckIn(registration=person, scan_id=f"survey-{event.slug}-{n}", scanned_at=event.starts_at,
                            recorded_at=event.starts_at))
        people.append(person)
    session.flush()
    invitations.invite_attendees(session, event, now)
    links = [session.scalar(select(FeedbackInvitation).where(FeedbackInvitation.registration_id == p.id)) for p in people]
    tracks = feedback.survey_tracks(session, links[1])
    feedback.submit_feedback(session, links[1], feedback.SurveyAnswers(
        [feedback.TrackAnswer(track.id, 4, StateAdminPresence.YES) for track in tracks], "Vairāk laika", ""), now)
    return links[0].token, links[1].token


@pytest.fixture(scope="module")
def site(live_app) -> dict:
    """What the addresses name: the example event with a participant, a delegation request and a
    volunteer's check-in link; an organiser's account."""
    with live_app.app_context():
        now = utcnow()
        event = db.session.scalar(select(Event).where(Event.slug == EXAMPLE_SLUG))
        past = db.session.scalar(select(Event).where(Event.slug == JEKABPILS))
        organiser = create_user(db.session)
        person = create_registration(db.session, event, full_name="Līga Ābele-Ozola",
                                     organisation_name='biedrība "Latgales ūdeņi"')
        institution = delegation.state_institutions(db.session)[0]
        request = delegation.send_request(db.session, organiser, event.tracks[-1], institution,
                                          "kanceleja@example.lv", "", now)
        link = check_ins.create_link(db.session, event, organiser, "Brīvprātīgā Ilze", now + timedelta(hours=6), now)
        survey, answered_survey = survey_links(db.session, now)
        db.session.commit()
        return {
            "survey": survey, "answered_survey": answered_survey,
            "slug": event.slug, "track": event.tracks[0].id, "past_track": past.tracks[0].id,
            "token": person.secret, "delegation": request.secret, "secret": link.secret,
            "user": organiser.id, "email": organiser.email,
        }


@pytest.fixture(scope="module")
def visitor(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    axe.install(context)
    yield context
    context.close()


@pytest.fixture(scope="module")
def organiser(browser: Browser, live_server: str, site: dict) -> BrowserContext:
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    axe.install(context)
    page = context.new_page()
    sign_in(page, live_server, site["email"])
    page.close()
    yield context
    context.close()


def check(context: BrowserContext, url: str, spec: Spec) -> list[str]:
    """The problems found on the page at a phone's width and then at a desk's."""
    page = context.new_page()
    try:
        page.set_viewport_size(PHONE)
        response = page.goto(url)
        assert response is not None and response.status == spec.status, f"{url}: {response and response.status}"
        if spec.then:
            spec.then(page)
        page.wait_for_load_state("load")
        problems = []
        width = axe.document_width(page)
        if width > PHONE["width"]:
            problems.append(f"{url} at 360 px: the page is {width} px wide and scrolls sideways")
        problems += axe.describe(f"{url} at 360 px", axe.violations(page))
        page.set_viewport_size(DESK)
        problems += axe.describe(f"{url} at 1280 px", axe.violations(page))
        return problems
    finally:
        page.close()


def assert_accessible(context: BrowserContext, live_server: str, spec: Spec, site: dict) -> None:
    problems = check(context, live_server + spec.path.format(**site), spec)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


# The same pages in English, the second language (the chosen language is kept in the session).
ENGLISH = ["index", "event", "register-with-errors", "after-registration", "privacy", "not-found"]


@pytest.fixture(scope="module")
def english_visitor(browser: Browser, live_server: str) -> BrowserContext:
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    axe.install(context)
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.close()
    yield context
    context.close()


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_page(name: str, visitor: BrowserContext, live_server: str, site: dict):
    assert_accessible(visitor, live_server, PUBLIC[name], site)


@pytest.mark.parametrize("name", list(PARTICIPANT))
def test_participant_page(name: str, visitor: BrowserContext, live_server: str, site: dict):
    assert_accessible(visitor, live_server, PARTICIPANT[name], site)


@pytest.mark.parametrize("name", list(ORGANISER))
def test_organiser_page(name: str, organiser: BrowserContext, live_server: str, site: dict):
    assert_accessible(organiser, live_server, ORGANISER[name], site)


@pytest.mark.parametrize("name", ENGLISH)
def test_public_page_in_english(name: str, english_visitor: BrowserContext, live_server: str, site: dict):
    assert_accessible(english_visitor, live_server, PUBLIC[name], site)


def test_private_page_in_english(english_visitor: BrowserContext, live_server: str, site: dict):
    assert_accessible(english_visitor, live_server, PARTICIPANT["private-page"], site)


def test_the_checks_find_a_violation_and_a_wide_page(visitor: BrowserContext, live_server: str):
    """The checks above can fail: an image without a text and a table wider than the phone are found."""
    page = visitor.new_page()
    try:
        page.goto(live_server + "/privacy")
        page.evaluate("""() => {
            const img = document.createElement("img");
            img.src = "/static/icons/logo.svg";
            const wide = document.createElement("div");
            wide.textContent = "x";
            wide.className = "probe";
            wide.style.width = "900px";  /* through the CSSOM, which the content policy allows */
            document.querySelector("main").append(img, wide);
        }""")
        expect(page.locator(".probe")).to_be_attached()
        found = axe.violations(page)
        assert "image-alt" in {v["id"] for v in found}
        assert axe.document_width(page) > PHONE["width"]
    finally:
        page.close()
