"""What a visitor sees, in Latvian and in English."""
from datetime import datetime, timedelta, timezone

import pytest

from eventapp.models import EventStatus, utcnow
from eventapp.services.demo import seed_demo

from ..helpers import csrf_token

JEKABPILS = "/events/2025-09-03-jekabpils-regional-session"


@pytest.fixture
def demo(make):
    make.run(lambda s: seed_demo(s, utcnow()))


def switch_to_english(client, back_to="/"):
    token = csrf_token(client, back_to)
    return client.post("/lang/en", data={"csrf_token": token, "next": back_to}, follow_redirects=True)


def test_home_lists_upcoming_and_past_demo_events(client, demo):
    page = client.get("/").get_data(as_text=True)
    upcoming, past = page.split('id="past-heading"')
    assert "PIEMĒRS: izbraukuma sēde reģistrācijas izmēģināšanai" in upcoming
    for title in ("Memoranda padomes izbraukuma sēde Jēkabpilī", "Memoranda padomes izbraukuma sēde Liepājā",
                  "Sabiedrības iesaistes un atvērtās pārvaldības darba grupas sēde"):
        assert title in past
    assert page.index("Liepājā") < page.index("Jēkabpilī")  # most recent past event first


def test_jekabpils_page_shows_four_tracks_co_host_and_riga_time(client, demo):
    page = client.get(JEKABPILS).get_data(as_text=True)
    assert page.count('data-testid="track"') == 4
    for track in ("Senioru līdzdalības jautājumi", "Mazākumtautību biedrību attīstības jautājumi",
                  "Birokrātijas mazināšanas iespējas sadarbībā ar nevalstiskajām organizācijām"):
        assert track in page
    assert "Vidusdaugavas NVO centrs" in page
    assert "2025. gada 3. septembris" in page
    assert "10:00–16:00" in page  # Riga time, although stored as 07:00 UTC
    assert '<html lang="lv">' in page


def test_english_switch_keeps_the_page_and_shows_english(client, demo):
    response = switch_to_english(client, JEKABPILS)
    page = response.get_data(as_text=True)
    assert response.request.path == JEKABPILS
    assert '<html lang="en">' in page
    assert "Memorandum Council visiting session in Jēkabpils" in page
    assert "Participation of seniors" in page
    assert "3 September 2025" in page
    assert "Vidusdaugavas NVO centrs" in page  # names are not translated


def test_language_switch_needs_csrf_token(client, demo):
    assert client.post("/lang/en", data={"next": "/"}).status_code == 400


def test_language_switch_never_redirects_off_site(client, demo):
    token = csrf_token(client, "/")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/lang/en", data={"csrf_token": token, "next": target})
        assert response.status_code == 302
        assert response.location == "/"


def test_seats_left_shown_for_upcoming_event(client, make):
    slug = make.event(tracks=2, track_capacity=7)
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    assert page.count("7 vietas") == 2 or page.count("7 seats left") == 2


def test_draft_event_is_not_public(client, make):
    slug = make.event(status=EventStatus.DRAFT)
    assert client.get(f"/events/{slug}").status_code == 404
    assert slug not in client.get("/").get_data(as_text=True)


def test_cancelled_event_stays_visible_and_says_so(client, make):
    slug = make.event(status=EventStatus.CANCELLED, title_lv="Atceltā sēde")
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    assert "Atceltā sēde" in page
    assert 'role="alert"' in page


def test_event_crossing_midnight_and_dst_shows_riga_wall_clock(client, make):
    # The last Sunday of October 2026: clocks go back from 04:00 to 03:00 in Riga.
    starts = datetime(2026, 10, 24, 21, 0, tzinfo=timezone.utc)  # 00:00 Riga (EEST, +3)
    slug = make.event(starts_at=starts, ends_at=starts + timedelta(hours=4))  # 03:00 Riga (EET, +2)
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    assert "00:00–03:00" in page


def test_unknown_event_is_404_in_the_site_layout(client):
    response = client.get("/events/nav-tada")
    assert response.status_code == 404
    assert "site-header" in response.get_data(as_text=True)


def test_privacy_notice_in_both_languages(client):
    assert "Memoranda padomes sekretariāts apstrādā" in client.get("/privacy").get_data(as_text=True)
    page = switch_to_english(client, "/privacy").get_data(as_text=True)
    assert "The secretariat of the Memorandum Council processes" in page



def event_with_a_held_seat(app, make) -> tuple[str, dict[str, str]]:
    """Three seats in one track, one taken by an NGO person, one held for state administration;
    and the release moment as the pages write it, by language."""
    from flask_babel import force_locale

    from eventapp.formatting import until_date

    from ..factories import create_event, create_registration, future

    release = future(days=40)

    def build(s):
        event = create_event(s, tracks=1, track_capacity=3, state_admin_minimum=1, held_seats_release_at=release,
                             starts_at=future(days=50))
        create_registration(s, event)
        return event.slug

    with app.test_request_context():
        written = {}
        for language, locale in (("lv", "lv"), ("en", "en_GB")):
            with force_locale(locale):
                written[language] = until_date(release, language, with_time=True)
    return make.run(build), written


def test_event_page_says_which_seats_are_held_for_state_administration_and_until_when(app, client, make):
    slug, until = event_with_a_held_seat(app, make)
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    assert f"palikušas 2 vietas, no tām 1 rezervēta valsts pārvaldei {until['lv']}" in page
    assert until["lv"].startswith("līdz ") and " plkst. " in until["lv"]
    english = switch_to_english(client, f"/events/{slug}").get_data(as_text=True)
    assert f"2 seats left, 1 of them held for state administration {until['en']}" in english


def test_registration_form_offers_the_seats_open_to_anyone_and_notes_the_held_ones(app, client, make):
    slug, until = event_with_a_held_seat(app, make)
    page = client.get(f"/events/{slug}/register").get_data(as_text=True)
    assert "Darba grupa 1 (1 brīva vieta; +1 rezervēta valsts pārvaldei)" in page
    assert f"tiek turētas {until['lv']}:" in page
    english = switch_to_english(client, f"/events/{slug}/register").get_data(as_text=True)
    assert "Working group 1 (1 seat free; +1 held for state administration)" in english
    assert f"kept for state administration {until['en']}:" in english


def test_a_form_sent_back_with_errors_still_shows_the_seats(app, client, make):
    """The seats are counted only to show the form: a registration that is refused shows them again."""
    slug, _until = event_with_a_held_seat(app, make)
    page = client.get(f"/events/{slug}/register").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    answer = client.post(f"/events/{slug}/register", data={"csrf_token": token, "full_name": "Anna Bērziņa"})
    assert answer.status_code == 200
    again = answer.get_data(as_text=True)
    assert "Darba grupa 1 (1 brīva vieta; +1 rezervēta valsts pārvaldei)" in again
    assert 'class="error"' in again
