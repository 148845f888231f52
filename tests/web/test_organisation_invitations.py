"""The directory and the invitations of organisations through the pages: who may, sending once,
unsubscribing, and a registration through the link showing in the report."""
import re

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from eventapp.models import (
    AuditEntry,
    Organisation,
    OrganisationInvitation,
    OutboxMessage,
    Registration,
    Sector,
    Track,
    utcnow,
)
from eventapp.services.mail import outbox

from ..factories import create_event, create_organisation
from ..helpers import csrf_token, form_values


def logout(client):
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})


def world(make):
    """An event, three organisations with a contact address and one without."""
    def build(session):
        event = create_event(session, tracks=1)
        for name, contact, sector in [
            ("Ābeļu biedrība", "abeles@example.lv", Sector.NGO),
            ("Bebru biedrība", "bebri@example.lv", Sector.NGO),
            ("Labklājības ministrija", "lm@example.lv", Sector.STATE_ADMINISTRATION),
            ("Cēsu biedrība", "", Sector.NGO),
        ]:
            create_organisation(session, name=name, sector=sector).contact_email = contact
        return event.slug
    return make.run(build)


def count(make, model):
    return make.run(lambda s: s.scalar(select(func.count()).select_from(model)))


def send_from_page(client, slug, query=""):
    page = client.get(f"/admin/events/{slug}/invitations/new{query}")
    assert page.status_code == 200
    data = MultiDict(form_values(page.get_data(as_text=True), containing="token"))
    return page, data


def test_partners_and_facilitators_may_not_invite_or_see_the_directory(client, login, make):
    slug = world(make)
    for role in ("partner", "facilitator"):
        login(role)
        for url in (f"/admin/events/{slug}/invitations", f"/admin/events/{slug}/invitations/new",
                    "/admin/organisations", "/admin/organisations/without-contact.csv"):
            assert client.get(url).status_code == 403, (role, url)
        logout(client)


def test_count_preview_and_one_send_however_often_it_is_posted(app, client, login, make):
    slug = world(make)
    login("organiser")
    page, data = send_from_page(client, slug)
    html = page.get_data(as_text=True)
    assert re.search(r'data-testid="to-invite">3<', html) and re.search(r'data-testid="without">1\b', html)
    assert "Ābeļu biedrība" in html and "invitation=..." in html  # the preview, for a real organisation
    first = client.post(f"/admin/events/{slug}/invitations/new", data=data)
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/admin/events/{slug}/invitations")
    second = client.post(f"/admin/events/{slug}/invitations/new", data=data)  # a double click
    assert second.status_code == 302
    assert count(make, OrganisationInvitation) == 3
    with app.app_context():
        from eventapp.extensions import db
        outbox.deliver_due(db.session, utcnow())
    assert count(make, OutboxMessage) == 3
    again = client.get(f"/admin/events/{slug}/invitations/new").get_data(as_text=True)  # nobody is left to invite
    assert 'data-testid="nobody"' in again and re.search(r'data-testid="already">3<', again)
    report = client.get(f"/admin/events/{slug}/invitations").get_data(as_text=True)
    assert re.search(r'data-testid="count-invited">3<', report) and re.search(r'data-testid="count-sent">3<', report)


def test_the_sector_filter_and_a_changed_count_is_not_sent(client, login, make):
    slug = world(make)
    login("organiser")
    page, data = send_from_page(client, slug, "?sector=state_administration")
    assert re.search(r'data-testid="to-invite">1<', page.get_data(as_text=True))
    data.setlist("count", ["2"])
    refused = client.post(f"/admin/events/{slug}/invitations/new", data=data)
    assert refused.status_code == 200 and count(make, OrganisationInvitation) == 0
    data.setlist("count", ["1"])
    assert client.post(f"/admin/events/{slug}/invitations/new", data=data).status_code == 302
    names = make.run(lambda s: [i.organisation.name for i in s.scalars(select(OrganisationInvitation))])
    assert names == ["Labklājības ministrija"]


def test_the_send_needs_its_csrf_token(client, login, make):
    slug = world(make)
    login("organiser")
    _page, data = send_from_page(client, slug)
    data.setlist("csrf_token", ["forged"])
    assert client.post(f"/admin/events/{slug}/invitations/new", data=data).status_code == 400
    assert count(make, OrganisationInvitation) == 0


def invite_all(client, slug, make):
    _page, data = send_from_page(client, slug)
    client.post(f"/admin/events/{slug}/invitations/new", data=data)
    return make.run(lambda s: {i.organisation.name: (i.token, i.unsubscribe_token)
                               for i in s.scalars(select(OrganisationInvitation))})


def test_unsubscribe_page_confirms_and_the_organisation_is_never_invited_again(client, login, make):
    slug = world(make)
    login("organiser")
    tokens = invite_all(client, slug, make)
    logout(client)
    url = f"/unsubscribe/{tokens['Ābeļu biedrība'][1]}"
    page = client.get(url)
    assert page.status_code == 200 and "Ābeļu biedrība" in page.get_data(as_text=True)
    assert make.run(lambda s: s.scalar(select(Organisation.unsubscribed_at).where(Organisation.name == "Ābeļu biedrība"))) is None
    assert client.post(url, data={}).status_code == 400  # no CSRF token, no one-click body
    done = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert done.status_code == 200 and 'data-testid="unsubscribed"' in done.get_data(as_text=True)
    assert client.get("/unsubscribe/nonsense").status_code == 404
    # The next event: the organisation is not counted among those to invite.
    other = make.event()
    login("organiser")
    page, _data = send_from_page(client, other)
    html = page.get_data(as_text=True)
    assert re.search(r'data-testid="to-invite">2<', html) and re.search(r'data-testid="unsubscribed">1<', html)


def test_one_click_unsubscribe_from_a_mail_program(client, login, make):
    slug = world(make)
    login("organiser")
    tokens = invite_all(client, slug, make)
    logout(client)
    response = client.post(f"/unsubscribe/{tokens['Bebru biedrība'][1]}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert make.run(lambda s: s.scalar(select(Organisation.unsubscribed_at).where(Organisation.name == "Bebru biedrība")))


def test_the_prefilled_registration_marks_the_organisation_and_shows_in_the_report(client, login, make):
    slug = world(make)
    login("organiser")
    tokens = invite_all(client, slug, make)
    logout(client)
    url = f"/events/{slug}/register?invitation={tokens['Ābeļu biedrība'][0]}"
    page = client.get(url)
    assert page.status_code == 200
    fields = dict(form_values(page.get_data(as_text=True), containing="full_name"))
    assert fields["organisation"] == "Ābeļu biedrība" and fields["sector"] == "ngo"
    data = MultiDict(form_values(page.get_data(as_text=True), containing="full_name"))
    data.setlist("full_name", ["Ieva Ābele"])
    data.setlist("email", ["ieva@example.lv"])
    data.setlist("consent_data", ["y"])
    slot_id, track_id = make.run(lambda s: s.execute(select(Track.slot_id, Track.id)).one())
    data.setlist(f"slot_{slot_id}", [str(track_id)])
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    registration = make.run(lambda s: s.execute(select(Registration.id, Registration.organisation_id)).one())
    org_id = make.run(lambda s: s.scalar(select(Organisation.id).where(Organisation.name == "Ābeļu biedrība")))
    assert registration.organisation_id == org_id
    assert make.run(lambda s: s.scalar(
        select(OrganisationInvitation.registration_id).where(OrganisationInvitation.organisation_id == org_id))) == registration.id
    assert client.get(f"/events/{slug}/register?invitation=forged").status_code == 200  # ignored, not an error
    login("organiser")
    report = client.get(f"/admin/events/{slug}/invitations").get_data(as_text=True)
    assert re.search(r'data-testid="count-registered">1<', report) and "Ieva Ābele" in report
    export = client.get(f"/admin/events/{slug}/invitations?format=csv")
    assert export.status_code == 200 and "Ieva Ābele" in export.get_data(as_text=True)
    assert client.get(f"/admin/events/{slug}/invitations?format=xlsx").status_code == 200
    assert client.get(f"/admin/events/{slug}/invitations?format=pdf").status_code == 404


def test_directory_page_lists_filters_edits_and_exports_those_without_contact(client, login, make):
    world(make)
    login("organiser")
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert re.search(r'data-testid="count-all">4<', page) and re.search(r'data-testid="count-without">1<', page)
    without = client.get("/admin/organisations?contact=no").get_data(as_text=True)
    assert "Cēsu biedrība" in without and "Ābeļu biedrība" not in without
    export = client.get("/admin/organisations/without-contact.csv").get_data(as_text=True)
    assert "Cēsu biedrība" in export and "Bebru biedrība" not in export
    cesis = make.run(lambda s: s.scalar(select(Organisation.id).where(Organisation.name == "Cēsu biedrība")))
    url = f"/admin/organisations/{cesis}"
    data = MultiDict(form_values(client.get(url).get_data(as_text=True)))
    data.setlist("contact_email", ["nav adrese"])
    assert client.post(url, data=data).status_code == 200  # said on the field
    data.setlist("contact_email", ["cesis@example.lv"])
    data.setlist("region", ["Vidzeme"])
    assert client.post(url, data=data).status_code == 302
    assert make.run(lambda s: s.get(Organisation, cesis).contact_email) == "cesis@example.lv"
    assert make.run(lambda s: s.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "organisation.contact"))) == 1
    assert client.get("/admin/organisations/99999").status_code == 404
    assert client.get("/admin/organisations?sector=party&region=<x>&policy_area=" + "a" * 5000).status_code == 200


def test_importing_contacts_from_a_csv_upload(client, login, make):
    world(make)
    login("organiser")
    csv_bytes = "name,sector,policy_areas,contact_email\nCēsu biedrība,ngo,,cesis@example.lv\n".encode()
    import io
    response = client.post("/admin/organisations/import", data={
        "csrf_token": csrf_token(client, "/admin/organisations"), "file": (io.BytesIO(csv_bytes), "kontakti.csv"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    assert make.run(lambda s: s.scalar(select(Organisation.contact_email).where(Organisation.name == "Cēsu biedrība"))) == "cesis@example.lv"
    bad = client.post("/admin/organisations/import", data={
        "csrf_token": csrf_token(client, "/admin/organisations"), "file": (io.BytesIO(b"\xff\xfe\x00"), "x.csv"),
    }, content_type="multipart/form-data")
    assert bad.status_code == 302


def test_event_page_links_to_the_invitations_for_organisers(client, login, make):
    slug = world(make)
    login("organiser")
    assert f"/admin/events/{slug}/invitations" in client.get(f"/admin/events/{slug}").get_data(as_text=True)
    assert create_event  # factories used through `make`
