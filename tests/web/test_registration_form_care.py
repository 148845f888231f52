"""The registration form and the private page, with GOV.UK's care for forms."""
import re

import pytest

from eventapp.models import Registration, Sector
from eventapp.services.organisations import latvian_sorted

from ..factories import create_event, create_organisation, create_registration
from ..helpers import csrf_token
from ..pdf_tools import pdf_text


@pytest.fixture
def event_slug(session):
    event = create_event(session, tracks=2, slug="forma")
    session.commit()
    return event.slug


def test_errors_are_summarised_with_links_and_the_title_says_so(client, event_slug):
    url = f"/events/{event_slug}/register"
    page = client.post(url, data={"csrf_token": csrf_token(client, url)}).get_data(as_text=True)
    summary = re.search(r'<div class="error-summary"[^>]*role="alert"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "Ir kļūdas" in summary
    for field_id in ("full_name", "email", "sector", "consent_data"):
        assert f'href="#{field_id}"' in summary
    assert re.search(r"<title>Kļūda: ", page)
    assert "<title>Kļūda" not in client.get(url).get_data(as_text=True)


def test_autocomplete_optional_markers_and_hints(client, event_slug):
    page = client.get(f"/events/{event_slug}/register").get_data(as_text=True)
    for name, value in (("full_name", "name"), ("email", "email"), ("organisation", "organization"),
                        ("position", "organization-title")):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert f'autocomplete="{value}"' in tag
    assert page.count("(neobligāts)") >= 4  # organisation, position, access and dietary needs
    email = re.search(r'<input[^>]*name="email"[^>]*>', page).group(0)
    assert 'aria-describedby="email-hint"' in email and 'id="email-hint"' in page
    consent = re.search(r'<label for="consent_data">.*?</label>\s*<span class="required"', page, re.S)
    assert consent or "(obligāti)" in page


def test_search_ignores_case_and_diacritics_and_sorts_in_latvian_order(client, session):
    create_organisation(session, 'Latvijas Pilsoniskā alianse', Sector.NGO)
    create_organisation(session, 'Latvijas Čempionu biedrība', Sector.NGO)
    create_organisation(session, 'Latvijas Cīņas biedrība', Sector.OTHER)
    session.commit()
    found = client.get("/organisations/search?q=latvijas pilsoniska").get_json()
    assert found == [{"name": "Latvijas Pilsoniskā alianse", "sector": "ngo", "sector_label": "NVO"}] or (
        found[0]["name"] == "Latvijas Pilsoniskā alianse" and len(found) == 1 and found[0]["sector"] == "ngo")
    names = [o["name"] for o in client.get("/organisations/search?q=LATVIJAS").get_json()]
    assert names == ["Latvijas Cīņas biedrība", "Latvijas Čempionu biedrība", "Latvijas Pilsoniskā alianse"]


def test_search_returns_at_most_ten_and_survives_odd_queries(client, session):
    for n in range(15):
        create_organisation(session, f"Biedrība {n:02d}")
    session.commit()
    assert len(client.get("/organisations/search?q=biedr").get_json()) == 10
    assert client.get("/organisations/search?q=").get_json() == []
    assert client.get("/organisations/search").get_json() == []
    assert client.get("/organisations/search?q=" + "ā" * 10_000).status_code == 200
    assert client.get("/organisations/search?q=a%00b").status_code == 400


def test_latvian_order_puts_long_vowels_and_caron_letters_after_their_base():
    assert latvian_sorted(["žubīte", "zivs", "ābele", "avots", "čiekurs", "cīrulis", "Ēdene", "egle"]) == [
        "avots", "ābele", "cīrulis", "čiekurs", "egle", "Ēdene", "zivs", "žubīte"]


def test_the_person_corrects_their_details_and_the_badge_shows_them(client, app, session, tmp_path):
    event = create_event(session, tracks=1)
    registration = create_registration(session, event, full_name="Anna Berzina", position="valdes loceklis")
    session.commit()
    token, registration_id = registration.secret, registration.id
    url = f"/r/{token}"
    page = client.get(url).get_data(as_text=True)
    assert "Labot datus" in page and "Saglabāt izmaiņas" in page
    response = client.post(f"{url}/details", data={
        "csrf_token": csrf_token(client, url), "full_name": "Anna Bērziņa",
        "organisation": "Vidusdaugavas NVO centrs", "position": "valdes priekšsēdētāja"})
    assert response.status_code == 302
    session.expire_all()
    corrected = session.get(Registration, registration_id)
    assert (corrected.full_name, corrected.organisation_display, corrected.position) == (
        "Anna Bērziņa", "Vidusdaugavas NVO centrs", "valdes priekšsēdētāja")
    assert "Anna Bērziņa" in pdf_text(client.get(f"{url}/badge.pdf").data, tmp_path)


def test_details_refuse_an_empty_name(client, session):
    event = create_event(session, tracks=1)
    registration = create_registration(session, event, full_name="Anna Bērziņa")
    session.commit()
    url = f"/r/{registration.secret}"
    response = client.post(f"{url}/details", data={"csrf_token": csrf_token(client, url), "full_name": "  "})
    assert response.status_code in (200, 302)
    session.expire_all()
    assert session.get(Registration, registration.id).full_name == "Anna Bērziņa"


def test_a_dead_private_link_explains_how_to_get_it_again(client):
    response = client.get("/r/not-a-real-token")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "reģistrējieties vēlreiz ar to pašu e-pasta adresi" in page
