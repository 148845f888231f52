"""Inviting the directory's organisations to an event: once each, never the unsubscribed, by filters."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

import eventapp
from eventapp.extensions import db
from eventapp.models import (
    AuditEntry,
    Organisation,
    OrganisationInvitation,
    OutboxMessage,
    OutboxStatus,
    Sector,
    utcnow,
)
from eventapp.services import organisations as directory
from eventapp.services.exceptions import DomainError
from eventapp.services.mail import invitations, outbox
from eventapp.services.registration import lifecycle

from ..factories import create_event, create_organisation

ALL = directory.DirectoryFilters()


def org(session, name, contact="", sector=Sector.NGO, region="", areas=""):
    organisation = create_organisation(session, name=name, sector=sector, policy_areas=areas)
    organisation.contact_email, organisation.region = contact, region
    session.flush()
    return organisation


def directory_of_four(session):
    return [
        org(session, "Ābeļu biedrība", "abeles@example.lv", region="Latgale", areas="jaunatne; vide"),
        org(session, "Bebru biedrība", "bebri@example.lv", region="Vidzeme", areas="vide"),
        org(session, "Labklājības ministrija", "lm@example.lv", Sector.STATE_ADMINISTRATION, areas="seniori"),
        org(session, "Cēsu biedrība", "", region="Vidzeme", areas="vide"),
    ]


def outbox_count(session):
    return session.scalar(select(func.count()).select_from(OutboxMessage))


def test_invites_each_organisation_with_a_contact_once_however_often_it_is_sent(session):
    event = create_event(session)
    directory_of_four(session)
    sent = invitations.invite(session, event, None, ALL, "form-1", utcnow())
    assert (sent.count, sent.new) == (3, True)
    again = invitations.invite(session, event, None, ALL, "form-1", utcnow())  # the same form, posted twice
    assert (again.count, again.new) == (3, False)
    shown = invitations.audience(session, event, ALL)
    assert (len(shown.to_invite), shown.already_invited) == (0, 3)
    assert [o.name for o in shown.without_contact] == ["Cēsu biedrība"]
    assert session.scalar(select(func.count()).select_from(OrganisationInvitation)) == 3
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.invite")).details["organisations"] == 3


def test_another_form_invites_only_organisations_not_invited_before(session):
    event = create_event(session)
    abeles, *_rest = directory_of_four(session)
    invitations.invite(session, event, None, directory.DirectoryFilters(region="Latgale"), "a", utcnow())
    sent = invitations.invite(session, event, None, ALL, "b", utcnow())
    assert sent.count == 2
    assert session.scalar(
        select(func.count()).select_from(OrganisationInvitation).where(OrganisationInvitation.organisation_id == abeles.id)
    ) == 1


def test_unsubscribed_organisations_are_not_invited(session):
    event = create_event(session)
    abeles, *_rest = directory_of_four(session)
    abeles.unsubscribed_at = utcnow()
    shown = invitations.audience(session, event, ALL)
    assert abeles not in shown.to_invite and shown.unsubscribed == 1
    assert invitations.invite(session, event, None, ALL, "t", utcnow()).count == 2


def test_filters_by_sector_region_and_policy_area(session):
    event = create_event(session)
    directory_of_four(session)

    def names(**filters):
        return [o.name for o in invitations.audience(session, event, directory.DirectoryFilters(**filters)).to_invite]

    assert names(sector=Sector.STATE_ADMINISTRATION) == ["Labklājības ministrija"]
    assert names(region="vidzeme") == ["Bebru biedrība"]
    assert names(policy_area="Vide") == ["Ābeļu biedrība", "Bebru biedrība"]
    assert names(sector=Sector.NGO, policy_area="jaunatne") == ["Ābeļu biedrība"]
    args = directory.DirectoryFilters.from_args({"sector": "party", "region": " Vidzeme ", "contact": "maybe"})
    assert args == directory.DirectoryFilters(region="Vidzeme")


def test_the_sender_writes_one_outbox_message_per_organisation_and_skips_one_unsubscribed_since(app, session):
    event = create_event(session, title_lv="Izbraukuma sēde Jēkabpilī")
    abeles, bebri, ministry, _cesis = directory_of_four(session)
    invitations.invite(session, event, None, ALL, "t", utcnow())
    bebri.unsubscribed_at = utcnow()  # between the organiser's click and the sender's round
    session.commit()
    assert invitations.expand_invitations(session, utcnow()) == 2
    assert invitations.expand_invitations(session, utcnow()) == 0
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert sorted(r.to_address for r in rows) == ["abeles@example.lv", "lm@example.lv"]
    message = next(r for r in rows if r.to_address == "abeles@example.lv")
    invitation = session.scalar(select(OrganisationInvitation).where(OrganisationInvitation.organisation_id == abeles.id))
    assert message.subject == "Ielūgums: Izbraukuma sēde Jēkabpilī"
    assert f"/events/{event.slug}/register?invitation={invitation.token}" in message.body_text
    assert f"/unsubscribe/{invitation.unsubscribe_token}" in message.body_text
    assert "Ābeļu biedrība" in message.body_text and "Register here" in message.body_text  # English below
    assert message.list_unsubscribe.endswith(f"/unsubscribe/{invitation.unsubscribe_token}")
    assert invitation.outbox_message_id == message.id
    report = invitations.report(session, event)
    assert {r.invitation.organisation.name: r.status for r in report.rows}["Bebru biedrība"] == "skipped"


def test_registering_through_the_link_counts_for_the_organisation_in_the_report(session):
    event = create_event(session)
    abeles, *_rest = directory_of_four(session)
    invitations.invite(session, event, None, ALL, "t", utcnow())
    invitation = session.scalar(select(OrganisationInvitation).where(OrganisationInvitation.organisation_id == abeles.id))
    assert invitations.find_invitation(session, event, invitation.token) is invitation
    assert invitations.find_invitation(session, create_event(session), invitation.token) is None
    data = lifecycle.RegistrationData(full_name="Ieva Ābele", email="ieva@example.lv", sector=Sector.NGO,
                                      attendance_mode=lifecycle.AttendanceMode.IN_PERSON, consent_data=True, track_ids={},
                                      organisation_name=" ābeļu  BIEDRĪBA")  # the invited name, typed anew
    result = invitations.register_invited(session, invitation, event.id, data, utcnow())
    assert result.registration.organisation_id == abeles.id
    assert invitation.registration_id == result.registration.id
    report = invitations.report(session, event)
    assert report.registered == 1
    row = next(r for r in report.rows if r.invitation is invitation)
    assert [r.full_name for r in row.registrations] == ["Ieva Ābele"]


def test_a_link_used_for_another_organisation_does_not_count_for_the_invited_one(session):
    event = create_event(session)
    abeles, *_rest = directory_of_four(session)
    invitations.invite(session, event, None, ALL, "t", utcnow())
    invitation = session.scalar(select(OrganisationInvitation).where(OrganisationInvitation.organisation_id == abeles.id))
    data = lifecycle.RegistrationData(full_name="Ieva Ābele", email="ieva@example.lv", sector=Sector.NGO,
                                      attendance_mode=lifecycle.AttendanceMode.IN_PERSON, consent_data=True, track_ids={},
                                      organisation_name="Ābeļu biedrība (valde)")
    result = invitations.register_invited(session, invitation, event.id, data, utcnow())
    assert result.registration.organisation_id is None
    assert result.registration.organisation_name == "Ābeļu biedrība (valde)"
    assert invitation.registration_id is None and invitations.report(session, event).registered == 0


def test_import_reads_contacts_and_regions_and_keeps_a_contact_the_file_leaves_empty(session):
    csv_text = (
        "name,sector,policy_areas,region,contact_email\n"
        "Ābeļu biedrība,ngo,vide,Latgale,Info@Abeles.LV\n"
        "Bebru biedrība,ngo,vide,,\n"
        "Cēsu biedrība,ngo,vide,,not-an-address\n"
    )
    result = directory.import_organisations(session, directory.read_csv(csv_text))
    assert (result.created, len(result.refused)) == (2, 1)
    assert result.refused[0][0] == 4 and "nav derīga" in str(result.refused[0][1])
    abeles = session.scalar(select(Organisation).where(Organisation.name == "Ābeļu biedrība"))
    assert (abeles.contact_email, abeles.region) == ("info@abeles.lv", "Latgale")
    again = directory.import_organisations(session, directory.read_csv(
        "name,sector,policy_areas,contact_email\nĀbeļu biedrība,ngo,vide,\n"))
    assert again.unchanged == 1 and abeles.contact_email == "info@abeles.lv"
    # The council's own file has no contact column: nothing of the contacts changes.
    directory.import_organisations(session, directory.read_csv("name,sector,policy_areas\nĀbeļu biedrība,ngo,vide\n"))
    assert abeles.contact_email == "info@abeles.lv"


def test_the_council_s_directory_file_imports_without_contacts(session):
    path = Path(eventapp.__file__).parent / "data" / "organisations.csv"  # the council's own file, as shipped
    result = directory.import_organisations(session, directory.read_csv(path.read_bytes()))
    assert result.created > 0 and not result.refused
    assert invitations.audience(session, create_event(session), ALL).to_invite == []


def test_update_contact_is_checked_and_audited(session):
    abeles = org(session, "Ābeļu biedrība")
    assert directory.update_contact(session, None, abeles, " info@abeles.lv ", "Latgale")
    assert abeles.contact_email == "info@abeles.lv"
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.contact")).details["fields"] == [
        "contact_email", "region"]
    assert not directory.update_contact(session, None, abeles, "info@abeles.lv", "Latgale")
    with pytest.raises(DomainError) as refused:
        directory.update_contact(session, None, abeles, "nav adrese", "")
    assert refused.value.field == "contact_email"


def test_three_organisations_get_exactly_one_invitation_each_over_smtp(mail_app, smtp_server):
    with mail_app.test_request_context():
        session = db.session
        event = create_event(session, title_lv="Izbraukuma sēde Jēkabpilī")
        directory_of_four(session)
        invitations.invite(session, event, None, ALL, "t", utcnow())
        session.commit()
        assert outbox.deliver_due(session, utcnow()).sent == 3
        assert outbox.deliver_due(session, utcnow()).sent == 0
        assert {m.status for m in session.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}
        tokens = {i.email: i.unsubscribe_token for i in session.scalars(select(OrganisationInvitation))}
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == ["abeles@example.lv", "bebri@example.lv", "lm@example.lv"]
    for message in smtp_server.messages:
        address = message["X-Envelope-To"]
        assert message["List-Unsubscribe"] == f"<http://eventapp.test/unsubscribe/{tokens[address]}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Subject"] == "Ielūgums: Izbraukuma sēde Jēkabpilī"


def test_an_organisation_invited_meanwhile_by_another_request_is_refused_not_duplicated(session, monkeypatch):
    import pytest

    from eventapp.services.exceptions import DomainError

    event = create_event(session)
    directory_of_four(session)
    stale = invitations.audience(session, event, ALL).to_invite
    invitations.invite(session, event, None, directory.DirectoryFilters(region="Latgale"), "first", utcnow())
    monkeypatch.setattr(invitations, "audience", lambda *_args: invitations.Audience(stale, 0, 0, []))  # seen earlier
    with pytest.raises(DomainError):
        invitations.invite(session, event, None, ALL, "second", utcnow())
    assert session.scalar(select(func.count()).select_from(OrganisationInvitation)) == 1
