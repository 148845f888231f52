"""An invitation's registration link forwarded to someone of another organisation, the wording of
the unsubscribe page and of the invitation report, and the unsubscribe page's private headers."""
import re

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from eventapp.models import Organisation, OrganisationInvitation, Registration, Track

from ..helpers import form_values
from .test_organisation_invitations import invite_all, logout, world


def register_through(client, make, url: str, organisation: str, email: str = "ieva@example.lv") -> None:
    page = client.get(url)
    data = MultiDict(form_values(page.get_data(as_text=True), containing="full_name"))
    data.setlist("full_name", ["Ieva Ābele"])
    data.setlist("email", [email])
    data.setlist("organisation", [organisation])
    data.setlist("consent_data", ["y"])
    slot_id, track_id = make.run(lambda s: s.execute(select(Track.slot_id, Track.id)).one())
    data.setlist(f"slot_{slot_id}", [str(track_id)])
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)


def invited(make, name: str):
    return make.run(lambda s: s.execute(
        select(OrganisationInvitation.organisation_id, OrganisationInvitation.registration_id)
        .join(Organisation).where(Organisation.name == name)).one())


def test_a_forwarded_link_does_not_move_the_person_to_the_invited_organisation(client, login, make):
    slug = world(make)
    login("organiser")
    tokens = invite_all(client, slug, make)
    logout(client)
    register_through(client, make, f"/events/{slug}/register?invitation={tokens['Ābeļu biedrība'][0]}",
                     "Pavisam cita biedrība")
    registration = make.run(lambda s: s.execute(
        select(Registration.organisation_id, Registration.organisation_name)).one())
    assert registration.organisation_id is None and registration.organisation_name == "Pavisam cita biedrība"
    assert invited(make, "Ābeļu biedrība").registration_id is None
    login("organiser")
    report = client.get(f"/admin/events/{slug}/invitations").get_data(as_text=True)
    assert re.search(r'data-testid="count-registered">0<', report) and "Ieva Ābele" not in report


def test_a_forwarded_link_and_another_directory_organisation_counts_for_that_one(client, login, make):
    slug = world(make)
    login("organiser")
    tokens = invite_all(client, slug, make)
    logout(client)
    register_through(client, make, f"/events/{slug}/register?invitation={tokens['Ābeļu biedrība'][0]}",
                     "Bebru biedrība")
    bebri = make.run(lambda s: s.scalar(select(Organisation.id).where(Organisation.name == "Bebru biedrība")))
    assert make.run(lambda s: s.scalar(select(Registration.organisation_id))) == bebri
    assert invited(make, "Ābeļu biedrība").registration_id is None


def test_the_invited_name_typed_in_another_case_still_counts_for_the_invited_organisation(client, login, make):
    slug = world(make)
    login("organiser")
    tokens = invite_all(client, slug, make)
    logout(client)
    register_through(client, make, f"/events/{slug}/register?invitation={tokens['Ābeļu biedrība'][0]}",
                     "  ābeļu   BIEDRĪBA ")
    org_id, registration_id = invited(make, "Ābeļu biedrība")
    registration = make.run(lambda s: s.execute(select(Registration.id, Registration.organisation_id)).one())
    assert registration.organisation_id == org_id and registration_id == registration.id


def test_the_unsubscribe_page_words_and_private_headers(client, login, make):
    slug = world(make)
    login("organiser")
    tokens = invite_all(client, slug, make)
    logout(client)
    url = f"/unsubscribe/{tokens['Ābeļu biedrība'][1]}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page.headers["Cache-Control"]
    assert "Vai Ābeļu biedrība turpmāk" not in html
    assert "Vai turpmāk vairs nesūtīt organizācijai “Ābeļu biedrība” ielūgumus" in html and "abeles@example.lv" in html
    data = MultiDict(form_values(html, containing="csrf_token"))
    done = client.post(url, data=data)
    text = done.get_data(as_text=True)
    assert done.headers["Referrer-Policy"] == "no-referrer" and "no-store" in done.headers["Cache-Control"]
    assert "netiks aicināta" not in text
    assert "Organizācijai “Ābeļu biedrība” turpmāk ielūgumi uz Memoranda padomes pasākumiem netiks sūtīti." in text


def test_the_report_counts_sent_invitations_in_the_plural(client, login, make):
    slug = world(make)
    login("organiser")
    invite_all(client, slug, make)
    report = client.get(f"/admin/events/{slug}/invitations").get_data(as_text=True)
    assert "<dt>Nosūtīta</dt>" not in report and "<dt>Nosūtīti</dt>" in report


def test_the_invitation_mail_says_how_to_unsubscribe_in_english_too(client, login, make, app):
    slug = world(make)
    login("organiser")
    invite_all(client, slug, make)
    with app.app_context():
        from eventapp.extensions import db
        from eventapp.models import OutboxMessage, utcnow
        from eventapp.services.mail import invitations

        invitations.expand_invitations(db.session, utcnow())
        db.session.commit()
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "abeles@example.lv")).one()
        text, html = mail.body_text, mail.body_html
    english = "You receive this because Ābeļu biedrība is in the Memorandum Council's directory of organisations."
    assert english in text and english.replace("'", "&#39;") in html
    assert "Jūs saņemat šo vēstuli" in text  # the Latvian sentence stays
