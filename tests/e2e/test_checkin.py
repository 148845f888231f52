"""Check-in at the door in a real browser: typing a badge code as a USB scanner does, searching by
name, undoing, keeping on while the network is down, and reading a printed badge with the camera."""
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import CheckIn, CheckInLink, Event, Registration, User, utcnow
from eventapp.services.accounts import users
from eventapp.services.checkin import badges, check_ins
from eventapp.services.registration.lifecycle import cancel_registration

from ..factories import create_event, create_registration, create_user
from ..pdf_tools import page_images
from .conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

pytestmark = pytest.mark.e2e
VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor" / "jsQR.js"


def people(live_app, *names, track_count=2) -> tuple[str, list[dict]]:
    """A new event with these people registered; (its slug, [{id, name, code}])."""
    with live_app.app_context():
        event = create_event(db.session, tracks=track_count, title_lv="Izbraukuma sēde Jēkabpilī")
        made = [create_registration(db.session, event, full_name=name, organisation_name="Jēkabpils novada pašvaldība")
                for name in names]
        db.session.commit()
        return event.slug, [{"id": r.id, "name": r.full_name, "code": f"EVA1:{r.badge_secret}"} for r in made]


def arrivals(live_app, registration_id: int) -> list[tuple]:
    with live_app.app_context():
        rows = db.session.scalars(
            select(CheckIn).where(CheckIn.registration_id == registration_id).order_by(CheckIn.id)
        ).all()
        return [(c.scan_id, c.scanned_at, c.by_user.name if c.by_user else None,
                 c.by_link.label if c.by_link else None, c.undone_at) for c in rows]


def open_door(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-checkin-ready", "true")  # the list is downloaded


def type_code(page: Page, code: str) -> None:
    """What a USB scanner does: types into the focused field and presses Enter."""
    field = page.locator("#code")
    expect(field).to_be_focused()
    field.press_sequentially(code, delay=2)
    field.press("Enter")


def test_an_organiser_checks_people_in_with_a_usb_scanner_and_by_name(organiser_page: Page, live_app, live_server):
    slug, (eriks, liga) = people(live_app, "Ēriks Ķēniņš-Žagata", "Līga Ābele")
    page = organiser_page
    open_door(page, f"{live_server}/admin/events/{slug}/checkin")
    result = page.locator("[data-testid=result]")
    expect(page.locator("#arrived-total")).to_have_text("0")

    type_code(page, eriks["code"])
    expect(result).to_have_attribute("data-result", "welcome")
    expect(result).to_contain_text("Ēriks Ķēniņš-Žagata")
    expect(result).to_contain_text("Jēkabpils novada pašvaldība")
    expect(page.locator("#arrived-total")).to_have_text("1")
    [(_, _, by_user, _, undone)] = arrivals(live_app, eriks["id"])
    assert by_user == "Anna Bērziņa" and undone is None

    type_code(page, eriks["code"])
    expect(result).to_have_attribute("data-result", "already")
    expect(result).to_contain_text("Anna Bērziņa")
    assert len(arrivals(live_app, eriks["id"])) == 1

    type_code(page, eriks["code"][:-3] + "xyz")  # altered
    expect(result).to_have_attribute("data-result", "invalid")

    # Líga has left her badge at home: found by name (without her accents), and checked in.
    page.locator("#search").fill("liga abe")
    found = page.locator(f'[data-testid=found] li[data-person="{liga["id"]}"]')
    expect(found).to_contain_text("Līga Ābele")
    found.get_by_role("button").first.click()
    expect(result).to_have_attribute("data-result", "welcome")
    expect(result).to_contain_text("Līga Ābele")
    expect(page.locator("#arrived-total")).to_have_text("2")

    # A mistake: undone, and the record kept.
    result.locator("[data-testid=undo]").click()
    expect(result).to_have_attribute("data-result", "undone")
    expect(page.locator("#arrived-total")).to_have_text("1")
    [(_, _, _, _, undone)] = arrivals(live_app, liga["id"])
    assert undone is not None


def test_scans_made_offline_are_sent_when_the_network_returns(new_page, live_app, live_server):
    slug, (anna, peteris, ilze) = people(live_app, "Anna Kalniņa", "Pēteris Ozols", "Ilze Zariņa")
    with live_app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        organiser = create_user(db.session)
        now = utcnow()
        link = check_ins.create_link(db.session, event, organiser, "Annas telefons", now + timedelta(hours=6), now)
        secret, organiser_id = link.secret, organiser.id
        db.session.commit()

    page = new_page()
    open_door(page, f"{live_server}/checkin/{secret}")  # a volunteer's phone: no account
    result = page.locator("[data-testid=result]")
    type_code(page, ilze["code"])  # online: straight to the server
    expect(result).to_have_attribute("data-result", "welcome")

    page.context.set_offline(True)
    expect(page.locator("[data-testid=network]")).to_have_attribute("data-online", "false")
    # Meanwhile the organiser's own phone, still online, checks Pēteris in.
    with live_app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        first = check_ins.check_in(db.session, event, check_ins.Scanner(user=db.session.get(User, organiser_id)),
                                 utcnow(), scan_id="organiser-phone-1", code=peteris["code"])
        assert first.result == "welcome"
        db.session.commit()

    before_offline_scans = utcnow()
    queue = page.locator("[data-testid=queue]")
    type_code(page, anna["code"])
    expect(result).to_have_attribute("data-result", "welcome")  # answered from the downloaded list
    expect(result).to_contain_text("Anna Kalniņa")
    expect(queue).to_have_attribute("data-count", "1")
    result.locator("[data-testid=undo]").click()  # a scan not sent yet is simply forgotten
    expect(result).to_have_attribute("data-result", "undone")
    expect(queue).to_have_attribute("data-count", "0")
    type_code(page, anna["code"])
    expect(result).to_have_attribute("data-result", "welcome")
    type_code(page, peteris["code"])
    expect(result).to_have_attribute("data-result", "welcome")  # this phone cannot know better yet
    type_code(page, ilze["code"])
    expect(result).to_have_attribute("data-result", "already")
    type_code(page, "EVA1:nav-musu-kods")
    expect(result).to_have_attribute("data-result", "invalid")  # not even the shape of a badge: not kept
    expect(queue).to_have_attribute("data-count", "3")
    assert arrivals(live_app, anna["id"]) == []  # nothing reached the server

    page.context.set_offline(False)
    expect(queue).to_have_attribute("data-count", "0")
    conflicts = page.locator("[data-testid=conflicts]")
    expect(conflicts).to_be_visible()
    expect(conflicts).to_contain_text("Pēteris Ozols")
    expect(conflicts).to_contain_text("Anna Bērziņa")  # who checked him in first (the factories' user name)
    expect(conflicts.locator("li")).to_have_count(1)  # Anna's and Ilze's scans came out as answered here
    expect(page.locator("[data-testid=network]")).to_have_attribute("data-online", "true")

    [(_, scanned_at, by_user, by_link, _)] = arrivals(live_app, anna["id"])
    assert (by_user, by_link) == (None, "Annas telefons")
    assert before_offline_scans - timedelta(seconds=5) <= scanned_at <= utcnow()  # when scanned, not when sent
    [(scan_id, _, by_user, _, _)] = arrivals(live_app, peteris["id"])
    assert (scan_id, by_user) == ("organiser-phone-1", "Anna Bērziņa")
    assert len(arrivals(live_app, ilze["id"])) == 1
    with live_app.app_context():
        assert db.session.scalar(select(CheckInLink.label).where(CheckInLink.secret == secret)) == "Annas telefons"


def make_link(live_app, slug: str, label: str) -> str:
    with live_app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        now = utcnow()
        link = check_ins.create_link(db.session, event, create_user(db.session), label,
                                   now + timedelta(hours=6), now)
        db.session.commit()
        return link.secret


def stored_keys(page: Page) -> list[str]:
    return page.evaluate(
        "() => Object.keys(window.localStorage).filter(k => k.startsWith('eventapp.checkin.'))"
    )


def test_the_big_panel_shows_the_server_s_refusal_once_an_offline_scan_is_sent(new_page, live_app,
                                                                               live_server):
    slug, (liene,) = people(live_app, "Liene Atteiktā")
    secret = make_link(live_app, slug, "Durvis")
    page = new_page()
    open_door(page, f"{live_server}/checkin/{secret}")
    result = page.locator("[data-testid=result]")
    page.context.set_offline(True)
    expect(page.locator("[data-testid=network]")).to_have_attribute("data-online", "false")
    with live_app.app_context():  # cancelled meanwhile: this phone's list does not know it yet
        cancel_registration(db.session, db.session.get(Registration, liene["id"]), utcnow())
        db.session.commit()
    type_code(page, liene["code"])
    expect(result).to_have_attribute("data-result", "welcome")  # what this device could tell
    page.context.set_offline(False)
    expect(page.locator("[data-testid=queue]")).to_have_attribute("data-count", "0")
    expect(result).to_have_attribute("data-result", "cancelled")  # the server's final answer, in big
    expect(result).to_contain_text("Šī reģistrācija ir atcelta.")
    expect(result).not_to_contain_text("Laipni lūdzam")
    expect(page.locator("[data-testid=conflicts]")).to_contain_text("Liene Atteiktā")
    assert arrivals(live_app, liene["id"]) == []


def test_a_revoked_link_s_device_forgets_the_list_and_the_scans_it_could_not_send(new_page, live_app,
                                                                                  live_server):
    slug, (olga, ivars) = people(live_app, "Olga Aizmirstā", "Ivars Neaizsūtītais")
    secret = make_link(live_app, slug, "Atsauktā")
    page = new_page()
    open_door(page, f"{live_server}/checkin/{secret}")
    expect(page.locator("[data-testid=kept]")).to_contain_text("līdz pasākuma beigām")
    assert any(".list" in key for key in stored_keys(page))
    stored = page.evaluate("() => Object.entries(window.localStorage).map(e => e[1]).join(' ')")
    assert "Olga Aizmirstā" in stored and "Jēkabpils novada pašvaldība" not in stored  # no organisations kept

    page.context.set_offline(True)
    expect(page.locator("[data-testid=network]")).to_have_attribute("data-online", "false")
    type_code(page, ivars["code"])
    expect(page.locator("[data-testid=queue]")).to_have_attribute("data-count", "1")
    with live_app.app_context():
        link = db.session.scalar(select(CheckInLink).where(CheckInLink.secret == secret))
        check_ins.revoke_link(db.session, link, None, utcnow())
        db.session.commit()
    page.context.set_offline(False)
    forgotten = page.locator("[data-testid=forgotten]")
    expect(forgotten).to_be_visible()
    expect(forgotten).to_contain_text("Šī ierīce vairs neglabā dalībnieku sarakstu")
    expect(forgotten).to_contain_text("dzēsti: 1")
    assert stored_keys(page) == []
    assert arrivals(live_app, ivars["id"]) == []
    page.locator("#search").fill("olga")
    expect(page.locator("[data-testid=found] li")).to_have_count(0)


def test_an_organiser_s_device_forgets_the_list_once_signed_out_elsewhere(organiser_page: Page, live_app,
                                                                           live_server):
    slug, _ = people(live_app, "Olga Organizatora")
    page = organiser_page
    open_door(page, f"{live_server}/admin/events/{slug}/checkin")
    assert stored_keys(page)
    with live_app.app_context():  # signed out on another device: every session of the user ends
        for user in db.session.scalars(select(User)):
            users.end_sessions(user)
        db.session.commit()
    page.context.set_offline(True)
    expect(page.locator("[data-testid=network]")).to_have_attribute("data-online", "false")
    page.context.set_offline(False)
    expect(page.locator("[data-testid=forgotten]")).to_be_visible()
    assert stored_keys(page) == []


def test_a_device_forgets_the_list_by_itself_after_the_event(new_page, live_app, live_server):
    slug, _ = people(live_app, "Pēteris Pēcpasākuma")
    secret = make_link(live_app, slug, "Vēlā")
    page = new_page()
    open_door(page, f"{live_server}/checkin/{secret}")
    assert stored_keys(page)
    page.evaluate("""() => {  // the end kept with the list has passed (a phone opened the day after)
        for (const key of Object.keys(window.localStorage)) {
            if (!key.endsWith('.list')) continue;
            const list = JSON.parse(window.localStorage.getItem(key));
            list.keep_until = '2000-01-01T00:00:00+00:00';
            window.localStorage.setItem(key, JSON.stringify(list));
        }
    }""")
    open_door(page, f"{live_server}/checkin/{secret}")
    expect(page.locator("[data-testid=forgotten]")).to_be_visible()
    assert stored_keys(page) == []


def test_someone_waiting_is_seated_at_the_door_when_a_seat_is_free(organiser_page: Page, live_app,
                                                                     live_server):
    with live_app.app_context():
        event = create_event(db.session, tracks=1, capacity=1, title_lv="Sēde ar rindu")
        create_registration(db.session, event, full_name="Pirmā Sēdvietā")
        waiting = create_registration(db.session, event, full_name="Gatis Gaidītājs")
        event.capacity = 2  # raised, the waiting list not yet filled (as when held seats are let go)
        db.session.commit()
        slug, waiting_id, code = event.slug, waiting.id, f"EVA1:{waiting.badge_secret}"
    page = organiser_page
    open_door(page, f"{live_server}/admin/events/{slug}/checkin")
    result = page.locator("[data-testid=result]")
    type_code(page, code)
    expect(result).to_have_attribute("data-result", "waitlisted")
    expect(result).to_contain_text("Gaidīšanas sarakstā, nr. 1.")
    result.locator("[data-testid=seat]").click()
    expect(result).to_have_attribute("data-result", "welcome")
    expect(result).to_contain_text("Gatis Gaidītājs")
    assert len(arrivals(live_app, waiting_id)) == 1


def write_y4m(image: Image.Image, path: Path, frames: int = 2) -> None:
    """A still picture as a Y4M video (YUV 4:2:0), the format Chromium's fake camera plays."""
    image = image.convert("RGB")
    width, height = (image.width // 2) * 2, (image.height // 2) * 2
    y, cb, cr = image.resize((width, height)).convert("YCbCr").split()
    half = (width // 2, height // 2)
    frame = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + frame)


def test_the_camera_reads_a_printed_badge(browser, live_app, live_server, tmp_path):
    """The phone's camera (Chromium's fake camera, playing the printed badge) and the QR reader
    from static/vendor (this Chromium has no BarcodeDetector) check the person in."""
    if not VENDOR.exists():
        pytest.fail("static/vendor/jsQR.js is missing: run `make static/vendor`.", pytrace=False)
    slug, (maris,) = people(live_app, "Māris Ķirsis")
    with live_app.app_context():
        registration = db.session.get(Registration, maris["id"])
        document = badges.badges_pdf([registration], "label")
        organiser = create_user(db.session)
        now = utcnow()
        link = check_ins.create_link(db.session, registration.event, organiser, "Kamera", now + timedelta(hours=1), now)
        secret = link.secret
        db.session.commit()
    [picture] = page_images(document, tmp_path, dpi=180)
    badge = Image.open(picture)
    frame = Image.new("RGB", (badge.width + 160, badge.height + 120), "white")
    frame.paste(badge, (80, 60))
    video = tmp_path / "badge.y4m"
    write_y4m(frame, video)

    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                              f"--use-file-for-fake-video-capture={video}"],
    )
    try:
        phone = {"width": 390, "height": 844}
        context = camera_browser.new_context(viewport=phone, is_mobile=True, has_touch=True)
        context.set_default_timeout(TIMEOUT_MS)
        context.grant_permissions(["camera"], origin=live_server)
        page = context.new_page()
        open_door(page, f"{live_server}/checkin/{secret}")
        page.locator("#camera-start").click()
        result = page.locator("[data-testid=result]")
        expect(result).to_have_attribute("data-result", "welcome")
        expect(result).to_contain_text("Māris Ķirsis")
        # After the scan the answer and the camera's picture are both on the phone's screen.
        for part in (result, page.locator("#camera")):
            box = part.bounding_box()
            assert box is not None and box["height"] > 0
            assert 0 <= box["y"] and box["y"] + box["height"] <= phone["height"], (part, box)
        context.close()
    finally:
        camera_browser.close()
    [(_, _, _, by_link, _)] = arrivals(live_app, maris["id"])
    assert by_link == "Kamera"
