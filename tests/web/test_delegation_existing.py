"""A delegated expert who had already registered accepts the request through its link."""
from sqlalchemy import select

from eventapp.models import (
    AttendanceMode,
    DelegationRequest,
    DelegationStatus,
    Registration,
    RegistrationStatus,
    Sector,
    utcnow,
)
from eventapp.services.coverage import delegation

from ..factories import create_event, create_organisation, create_registration
from ..helpers import csrf_token


def test_a_registered_remote_expert_accepting_through_the_link_takes_the_request_s_track(client, make):
    def setup(s):
        welfare = create_organisation(s, name="Labklājības ministrija", sector=Sector.STATE_ADMINISTRATION)
        event = create_event(s, tracks=2, track_capacity=3, state_admin_minimum=1, remote_allowed=True)
        requested, other = event.tracks
        create_registration(s, event, email="ilze@lm.gov.lv", full_name="Ilze Eksperte", sector=Sector.NGO,
                            organisation_name="Kāda biedrība", attendance_mode=AttendanceMode.REMOTE,
                            track_ids={other.slot_id: other.id})
        delegation_request = delegation.send_request(s, None, requested, welfare, "kanceleja@lm.gov.lv", "", utcnow())
        return delegation_request.secret, requested.slot_id, requested.id, welfare.id

    secret, slot_id, track_id, welfare_id = make.run(setup)
    link = f"/delegate/{secret}"
    response = client.post(link, data={
        "csrf_token": csrf_token(client, link), "full_name": "Ilze Eksperte", "email": "Ilze@LM.gov.lv",
        "organisation": "Labklājības ministrija", "sector": "state_administration", f"slot_{slot_id}": track_id,
        "attendance_mode": "in_person", "consent_data": "y", "language": "lv",
    })
    assert response.status_code == 302

    def check(s):
        person = s.scalar(select(Registration))
        delegation_request = s.scalar(select(DelegationRequest))
        return (delegation_request.status, person.sector, person.organisation_id, person.attendance_mode, person.status,
                [(c.track_id, c.status) for c in person.choices], person.delegation_request_id == delegation_request.id)

    assert make.run(check) == (
        DelegationStatus.ACCEPTED, Sector.STATE_ADMINISTRATION, welfare_id, AttendanceMode.IN_PERSON,
        RegistrationStatus.CONFIRMED, [(track_id, RegistrationStatus.CONFIRMED)], True,
    )



def test_a_registered_expert_whose_requested_track_is_full_keeps_her_seat_and_is_told(client, make):
    def setup(s):
        welfare = create_organisation(s, name="Labklājības ministrija", sector=Sector.STATE_ADMINISTRATION)
        event = create_event(s, tracks=2, track_capacity=1, state_admin_minimum=1, remote_allowed=True)
        requested, other = event.tracks
        create_registration(s, event, email="cits@vm.gov.lv", sector=Sector.STATE_ADMINISTRATION,
                            organisation_name="Veselības ministrija", track_ids={requested.slot_id: requested.id})
        create_registration(s, event, email="ilze@lm.gov.lv", sector=Sector.STATE_ADMINISTRATION,
                            organisation_name="Labklājības ministrija", track_ids={other.slot_id: other.id})
        delegation_request = delegation.send_request(s, None, requested, welfare, "kanceleja@lm.gov.lv", "", utcnow())
        return delegation_request.secret, requested.slot_id, requested.id, other.id

    secret, slot_id, track_id, other_id = make.run(setup)
    link = f"/delegate/{secret}"
    response = client.post(link, data={
        "csrf_token": csrf_token(client, link), "full_name": "Ilze Eksperte", "email": "ilze@lm.gov.lv",
        "organisation": "Labklājības ministrija", "sector": "state_administration", f"slot_{slot_id}": track_id,
        "attendance_mode": "in_person", "consent_data": "y", "language": "lv",
    })
    assert response.status_code == 200 and "brīvu vietu nav; jums saglabājas līdzšinējā vieta" in response.get_data(as_text=True)

    def check(s):
        person = s.scalar(select(Registration).where(Registration.email == "ilze@lm.gov.lv"))
        return s.scalar(select(DelegationRequest.status)), [(c.track_id, c.status) for c in person.choices]

    assert make.run(check) == (DelegationStatus.SENT, [(other_id, RegistrationStatus.CONFIRMED)])
