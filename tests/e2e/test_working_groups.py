"""The protocol keeper on a phone (390 px wide): marks who is present at the table, fills an agenda
item of the protocol with who reported and spoke, adds a task, approves the protocol; the group's
public page then offers it. No page scrolls sideways."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from eventapp.extensions import db
from eventapp.models import EventKind, utcnow
from eventapp.services.events import EventData
from eventapp.services.working_groups import agenda, meetings, members

WIDTH = 390


@pytest.fixture
def meeting_under_way(live_app) -> dict:
    """A meeting of the demo's first group that started a few minutes ago, its members invited."""
    with live_app.app_context():
        group = members.group_by_slug(db.session, "sabiedribas-iesaiste")
        now = utcnow()
        event = meetings.create_meeting(db.session, None, group, EventData(
            kind=EventKind.WORKING_GROUP_MEETING, title_lv="Sēde telefonā", starts_at=now - timedelta(minutes=10),
            ends_at=now + timedelta(hours=2), venue="Latvijas Pilsoniskā alianse", city="Rīga", remote_allowed=True,
            remote_link="https://zoom.us/j/555"), now)
        chair = members.holder(group, members.MemberRole.CHAIR)
        agenda.add_item(db.session, None, event, agenda.AgendaItemData(
            "Par līdzdalības kārtību", reporters=[agenda.SpeakerData(chair.full_name, member_id=chair.id)]), now)
        meetings.invite_members(db.session, None, event, now)
        names = {a.member.full_name: a.registration_id for a in meetings.answers(db.session, event)}
        db.session.commit()
        return {"slug": event.slug, "group": group.slug, "chair": chair.full_name, "registrations": names}


def fits(page: Page) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH


def test_the_keeper_fills_and_approves_the_protocol_on_a_phone(organiser_page: Page, live_server, meeting_under_way):
    page = organiser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.on("dialog", lambda dialog: dialog.accept())
    base = f"{live_server}/admin/meetings/{meeting_under_way['slug']}"
    chair = meeting_under_way["registrations"][meeting_under_way["chair"]]
    speaker = meeting_under_way["registrations"]["Mārtiņš Bērziņš"]

    page.goto(base + "/attendance")
    fits(page)
    page.locator(f"[data-testid=person-{chair}] [data-testid=mark-in_person]").click()
    expect(page.locator(f"[data-testid=person-{chair}] [data-testid=mark-in_person]")).to_have_attribute(
        "aria-pressed", "true")
    page.locator(f"[data-testid=person-{speaker}] [data-testid=mark-remote]").click()
    expect(page.locator(f"[data-testid=person-{speaker}] [data-testid=mark-remote]")).to_have_attribute(
        "aria-pressed", "true")
    fits(page)

    page.goto(base + "/protocol")
    page.locator("[data-testid=start]").click()
    expect(page.locator("[data-testid=protocol-status]")).to_be_visible()
    fits(page)
    page.locator("[data-testid=fill]").first.click()
    fits(page)
    expect(page.locator(f"input[name=reporters][value='{chair}']")).to_be_checked()
    page.locator(f"input[name=speakers][value='{speaker}']").check()
    page.fill("textarea[name=discussion]", "Diskusija par grozījumu projektu un tā saskaņošanu.")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("[data-testid=spoke]").first).to_contain_text("Mārtiņš Bērziņš")

    page.locator("[data-testid=add-decision]").first.click()
    fits(page)
    page.fill("textarea[name=text]", "Izsūtīt grozījumu projektu darba grupas locekļiem.")
    page.select_option("select[name=kind]", "task")
    page.fill("input[name=owner_name]", "Elīna Ozola")
    page.fill("input[name=deadline]", "2030-01-31")
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("[data-testid=decisions]").first).to_contain_text("1.1.")
    fits(page)

    page.locator("[data-testid=approve]").click()
    expect(page.locator("[data-testid=protocol-status]")).to_have_class(re.compile(r"\btag-published\b"))
    expect(page.locator("[data-testid=add-decision]")).to_have_count(0)

    page.goto(f"{live_server}/working-groups/{meeting_under_way['group']}")
    fits(page)
    expect(page.locator("[data-testid=protocol-pdf]").first).to_be_visible()
