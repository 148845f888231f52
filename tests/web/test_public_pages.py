"""The participant's public pages: the event page, the page after registering, the footer, the privacy notice."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.labels import label
from eventapp.models import EventKind, OutboxMessage, Registration, utcnow
from eventapp.services.accounts.retention import retention_months

from ..factories import create_event
from ..helpers import csrf_token

MAP = "https://www.openstreetmap.org/search?query=Br%C4%ABv%C4%ABbas%20iela%20120%2C%20J%C4%93kabpils"


def english(client, back_to="/"):
    token = csrf_token(client, back_to)
    return client.post("/lang/en", data={"csrf_token": token, "next": back_to}, follow_redirects=True)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_event_page_links_the_street_address_to_openstreetmap(client, make):
    slug = make.event(venue="Jēkabpils Kultūras nams", address="Brīvības iela 120", city="Jēkabpils")
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    assert "Brīvības iela 120" in page
    assert f'href="{MAP}"' in page
    assert "<script" not in page.split("<body>")[1].replace('src="/static/js/', "")  # no map scripts or embeds
    assert "<iframe" not in page


def test_event_page_shows_each_track_s_room_facilitator_description_and_time(client, make):
    def build(session):
        event = create_event(session, tracks=2)
        track = event.tracks[0]
        track.room, track.facilitator_name, track.description_lv = "Zāle 2", "Inese Kalniņa", "Par senioru līdzdalību."
        return event.slug

    page = text_of(client.get(f"/events/{make.run(build)}").get_data(as_text=True))
    assert "Telpa: Zāle 2" in page and "Moderators: Inese Kalniņa" in page and "Par senioru līdzdalību." in page


DAY = timedelta(days=1)


@pytest.mark.parametrize("values, latvian, english_words, register_button", [
    ({"registration_closes_at": "+20"}, "Reģistrācija ir atvērta līdz ", "Registration is open until ", True),
    ({"registration_closes_at": "+2"}, "Reģistrācija drīz beigsies:", "Registration closes soon:", True),
    ({"registration_closes_at": "-1"}, "Reģistrācija ir beigusies.", "Registration has closed.", False),
    ({"registration_opens_at": "+5"}, "Reģistrācija vēl nav sākusies. Sākums:", "Registration has not opened yet; it opens", False),
    ({"starts_at": "-3"}, "Pasākums ir noticis.", "The event is over.", False),
])
def test_event_page_says_the_registration_state_in_words(client, make, values, latvian, english_words, register_button):
    moments = {name: utcnow() + int(days) * DAY for name, days in values.items()}
    slug = make.event(**moments)
    page = text_of(client.get(f"/events/{slug}").get_data(as_text=True))
    assert latvian in page
    assert ("Reģistrēties" in page) is register_button
    assert english_words in text_of(english(client, f"/events/{slug}").get_data(as_text=True))


@pytest.mark.parametrize("path", ["/", "/privacy", "/events/{slug}", "/events/{slug}/register", "/events/nav-tada"])
def test_every_page_s_footer_says_who_runs_the_service_and_how_to_reach_the_secretariat(client, make, path):
    slug = make.event(tracks=1)
    page = client.get(path.format(slug=slug)).get_data(as_text=True)
    footer = page.split('class="site-footer"')[1]
    assert 'href="mailto:memorands@example.lv"' in footer
    assert "Nevalstisko organizāciju un Ministru kabineta sadarbības memoranda īstenošanas padomes sekretariāts" in footer
    assert 'href="/privacy"' in footer


def test_the_footer_s_address_comes_from_the_configuration(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SECRETARIAT_EMAIL", "sekretariats@mk.gov.lv")
    assert 'href="mailto:sekretariats@mk.gov.lv"' in client.get("/").get_data(as_text=True)


def register(client, slug, slot_id, track_id, email="anna@example.lv"):
    data = {
        "csrf_token": csrf_token(client, f"/events/{slug}/register"), "full_name": "Anna Bērziņa", "email": email,
        "sector": "ngo", f"slot_{slot_id}": str(track_id), "consent_data": "y", "language": "lv",
    }
    response = client.post(f"/events/{slug}/register", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(response.location).get_data(as_text=True)


@pytest.fixture
def event_with_a_track(make):
    def build(session):
        event = create_event(session, tracks=1, venue="Kultūras nams", address="Brīvības iela 120", city="Jēkabpils")
        return event.slug, event.slots[0].id, event.tracks[0].id

    return make.run(build)


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token"(?: type="hidden")? value="[^"]+"', "", page)


def test_after_registering_the_page_says_what_comes_next(client, event_with_a_track):
    slug, slot_id, track_id = event_with_a_track
    page = text_of(register(client, slug, slot_id, track_id))
    for words in ("Pārbaudiet savu e-pastu", "anna@example.lv", "privāto saiti", "nozīmīti", "kalendāra",
                  "surogātpasta", "reģistrējieties vēlreiz ar to pašu adresi", "Kultūras nams, Brīvības iela 120, Jēkabpils"):
        assert words in page, words
    html = register(client, slug, slot_id, track_id, email="janis@example.lv")
    assert f'href="/events/{slug}.ics"' in html and f'href="{MAP}"' in html
    page = text_of(english(client, f"/events/{slug}/register/sent").get_data(as_text=True))
    for words in ("Check your email", "private link", "badge", "calendar", "spam", "register again with the same address"):
        assert words in page, words


def test_after_registering_the_page_is_the_same_for_a_new_and_an_already_registered_address(app, event_with_a_track):
    slug, slot_id, track_id = event_with_a_track
    first = without_tokens(register(app.test_client(), slug, slot_id, track_id))
    again = without_tokens(register(app.test_client(), slug, slot_id, track_id))
    assert first == again
    assert "Darba grupa 1" not in first and "nr. 1" not in first  # nothing of the registration itself


def test_the_confirmation_mail_says_what_is_attached_and_where(app, client, event_with_a_track):
    slug, slot_id, track_id = event_with_a_track
    register(client, slug, slot_id, track_id)
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage)).one()
        assert {a.filename for a in message.attachments} == {"invite.ics", "badge.pdf"}
        text, html = message.body_text, message.body_html
    assert "Pielikumā: ielūgums kalendāram (invite.ics) un jūsu dalībnieka nozīmīte ar QR kodu (badge.pdf)" in " ".join(text.split())
    assert MAP in text and f'href="{MAP}"' in html
    assert "badge.pdf" in html and "invite.ics" in html


def test_a_remote_participant_s_mail_attaches_no_badge_and_gives_the_remote_link(app, client, make):
    def build(session):
        event = create_event(session, tracks=1, remote_allowed=True, remote_link="https://zoom.example/j/1")
        return event.slug, event.slots[0].id, event.tracks[0].id

    slug, slot_id, track_id = make.run(build)
    data = {
        "csrf_token": csrf_token(client, f"/events/{slug}/register"), "full_name": "Anna Bērziņa", "email": "a@example.lv",
        "sector": "ngo", f"slot_{slot_id}": str(track_id), "consent_data": "y", "language": "lv", "attendance_mode": "remote",
    }
    assert client.post(f"/events/{slug}/register", data=data).status_code == 302
    with app.app_context():
        text = " ".join(db.session.scalars(select(OutboxMessage)).one().body_text.split())
        join_secret = db.session.scalars(select(Registration.join_secret)).one()
    assert "Pielikumā: ielūgums kalendāram (invite.ics)." in text and "badge.pdf" not in text
    assert f"/join/{join_secret}" in text and "zoom.example" not in text


def test_privacy_notice_shows_the_retention_months_from_the_configuration(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_MONTHS", {"regional_session": 24, "forum": 21})
    page = text_of(client.get("/privacy").get_data(as_text=True))
    for kind in EventKind:
        months = retention_months(app.config, kind)
        with app.test_request_context():
            assert f"{label(kind)}: {months} " in page
    assert "Izbraukuma sēde: 24 mēneši" in page and "Forums: 21 mēnesis" in page and "Padomes sēde: 12 mēneši" in page


def test_privacy_notice_names_the_controller_rights_and_the_supervisory_authority(client):
    page = client.get("/privacy").get_data(as_text=True)
    words = text_of(page)
    assert 'href="https://www.dvi.gov.lv"' in page and "Datu valsts inspekcij" in words
    assert "Nevalstisko organizāciju un Ministru kabineta sadarbības memoranda īstenošanas padomes sekretariāts" in words
    assert 'href="mailto:memorands@example.lv"' in page
    assert "6. panta 1. punkta e) apakšpunkt" in words
    page = text_of(english(client, "/privacy").get_data(as_text=True))
    for words in ("Article 6(1)(e)", "Article 6(1)(a)", "Datu valsts inspekcija", "portability", "12 months", "co-host"):
        assert words in page, words


def test_the_agenda_shows_the_times_its_lines_give(client, make):
    slug = make.event(agenda_lv="10:00 Reģistrācija\n10.30-11.00 – Atklāšana\nDiskusija")
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    assert '<span class="agenda-time">10:00</span> <span>Reģistrācija</span>' in page
    assert '<span class="agenda-time">10:30–11:00</span> <span>Atklāšana</span>' in page
    assert "<li><span>Diskusija</span></li>" in page
