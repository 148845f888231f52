"""The pages keep their own content policy in a real browser: nothing they need is blocked, and a
button that asks before it acts still asks (from the static script, not an inline handler)."""
import pytest
from playwright.sync_api import Page, expect

from eventapp.extensions import db
from eventapp.models import Event, EventStatus

from ..factories import create_event, create_registration
from .conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

pytestmark = pytest.mark.e2e

REPORT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def watch(page: Page) -> list[str]:
    """Every policy violation the page reports, in its console or as an event."""
    seen: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    return seen


def visit(page: Page, url: str, seen: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, url
    page.wait_for_load_state("networkidle")
    seen.extend(f"{url}: {v}" for v in page.evaluate("window.__violations"))


@pytest.fixture
def event(live_app) -> dict:
    with live_app.app_context():
        made = create_event(db.session, tracks=2, title_lv="Izbraukuma sēde Valmierā")
        person = create_registration(db.session, made, full_name="Līga Ābele")
        db.session.commit()
        return {"slug": made.slug, "token": person.secret}


def test_public_pages_keep_the_policy(page: Page, live_server, event):
    seen = watch(page)
    for path in ("/", f"/events/{event['slug']}", f"/events/{event['slug']}/register", "/privacy", "/admin/login",
                 f"/r/{event['token']}"):
        visit(page, live_server + path, seen)
    page.goto(f"{live_server}/events/{event['slug']}/register")
    page.locator("form button[type=submit]").last.click()  # an empty form: the errors shown keep it too
    page.wait_for_load_state("networkidle")
    seen.extend(page.evaluate("window.__violations"))
    assert seen == []


def test_admin_pages_keep_the_policy_and_a_confirm_button_asks(organiser_page: Page, live_app, live_server, event):
    page = organiser_page
    seen = watch(page)
    slug = event["slug"]
    for path in ("/admin/", f"/admin/events/{slug}", f"/admin/events/{slug}/edit",
                 f"/admin/events/{slug}/registrations", "/admin/users", f"/admin/events/{slug}/coverage"):
        visit(page, live_server + path, seen)
    assert seen == []

    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.goto(f"{live_server}/admin/events/{slug}")
    page.once("dialog", answer)
    page.locator("form[data-confirm] button.danger").first.click()
    expect(page).to_have_url(f"{live_server}/admin/events/{slug}")
    assert questions and questions[0]
    with live_app.app_context():
        assert db.session.query(Event).filter_by(slug=slug).one().status is EventStatus.PUBLISHED


def test_the_check_in_page_and_its_camera_keep_the_policy(browser, live_app, live_server, event):
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
    )
    try:
        context = camera_browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        context.grant_permissions(["camera"], origin=live_server)
        page = context.new_page()
        seen = watch(page)
        with live_app.app_context():
            from ..factories import PASSWORD, create_user

            email = create_user(db.session).email
            db.session.commit()
        page.goto(live_server + "/admin/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form.form button[type=submit]").click()
        page.wait_for_url(live_server + "/admin/")
        visit(page, f"{live_server}/admin/events/{event['slug']}/checkin", seen)
        expect(page.locator("body")).to_have_attribute("data-checkin-ready", "true")
        page.locator("#camera-start").click()
        expect(page.locator("#camera")).to_be_visible()
        page.wait_for_timeout(1500)  # let the reader take a few frames
        seen.extend(page.evaluate("window.__violations"))
        assert seen == []
    finally:
        camera_browser.close()
