"""Seats held for state administration as each person sees them, a delegated expert who had already
registered, and a release moment moved by the organisers."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.models import (
    AttendanceMode,
    AuditEntry,
    DelegationStatus,
    OutboxMessage,
    RegistrationStatus,
    Sector,
    utcnow,
)
from eventapp.services import events
from eventapp.services.coverage import delegation
from eventapp.services.exceptions import DomainError
from eventapp.services.registration import lifecycle as reg
from eventapp.services.registration import seat_holds

from ..factories import create_event, create_organisation, create_registration

CONFIRMED, WAITLISTED = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED


def ministry(session):
    return create_organisation(session, name="Labklājības ministrija", sector=Sector.STATE_ADMINISTRATION)


def test_a_track_tells_seats_open_to_anyone_from_seats_held_for_state_administration(session):
    event = create_event(session, tracks=2, track_capacity=3, state_admin_minimum=1)
    held_track, _ = event.tracks
    create_registration(session, event)  # an NGO person in the first track
    now = utcnow()
    seats = seat_holds.track_seats(session, event, now)
    assert (seats[held_track.id].open, seats[held_track.id].held) == (1, 1)
    assert seats[held_track.id].free == 2 and seats[held_track.id].held_until == seat_holds.release_moment(event)
    after_release = seat_holds.release_moment(event) + timedelta(minutes=1)
    assert (seat_holds.track_seats(session, event, after_release)[held_track.id].open,
            seat_holds.track_seats(session, event, after_release)[held_track.id].held) == (2, 0)


def test_no_limit_means_no_count(session):
    event = create_event(session, tracks=1, track_capacity=None, state_admin_minimum=1)
    seats = seat_holds.track_seats(session, event, utcnow())[event.tracks[0].id]
    assert (seats.open, seats.held, seats.free) == (None, 0, None)


def test_the_event_s_own_seats_limit_what_a_track_offers(session):
    event = create_event(session, tracks=2, track_capacity=5, state_admin_minimum=1, capacity=3)
    create_registration(session, event)
    seats = seat_holds.track_seats(session, event, utcnow())
    # Two event seats left, both held (one per track): nothing is open to an NGO person anywhere.
    assert [(s.open, s.held) for s in seats.values()] == [(0, 2), (0, 2)]


@pytest.mark.parametrize("capacity,minimum,ngos", [(1, 1, 0), (2, 1, 1), (3, 2, 1), (2, 1, 2), (4, 2, 0), (2, 0, 1)])
def test_an_open_seat_is_exactly_one_an_ngo_newcomer_gets(session, capacity, minimum, ngos):
    event = create_event(session, tracks=1, track_capacity=capacity, state_admin_minimum=minimum)
    for _ in range(ngos):
        create_registration(session, event)
    now = utcnow()
    track = event.tracks[0]
    seats = seat_holds.track_seats(session, event, now)[track.id]
    newcomer = create_registration(session, event, now=now)
    assert (newcomer.choices[0].status is CONFIRMED) == (seats.open > 0)
    official = create_registration(session, event, now=now, sector=Sector.STATE_ADMINISTRATION, organisation_name="VARAM")
    seats_after_ngo = seats.free - (1 if newcomer.choices[0].status is CONFIRMED else 0)
    assert (official.choices[0].status is CONFIRMED) == (seats_after_ngo > 0)


def test_after_the_release_a_seat_stays_held_until_the_open_request_s_deadline(session):
    welfare = ministry(session)
    event = create_event(session, tracks=1, track_capacity=2, state_admin_minimum=1)
    track = event.tracks[0]
    now = utcnow()
    delegation_request = delegation.send_request(session, None, track, welfare, "lm@lm.gov.lv", "", now)
    after_release = seat_holds.release_moment(event) + timedelta(minutes=1)
    seats = seat_holds.track_seats(session, event, after_release)[track.id]
    assert (seats.open, seats.held, seats.held_until) == (1, 1, delegation_request.deadline_at)


# A delegated expert who is already registered.

def remote_official(session, event, track):
    return create_registration(session, event, email="ilze@lm.gov.lv", full_name="Ilze Eksperte", sector=Sector.NGO,
                               organisation_name="Kāda biedrība", attendance_mode=AttendanceMode.REMOTE,
                               track_ids={track.slot_id: track.id})


def accept(session, delegation_request, email="ilze@lm.gov.lv", mode=AttendanceMode.IN_PERSON, now=None):
    data = reg.RegistrationData(full_name="Ilze Eksperte", email=email, sector=Sector.NGO, attendance_mode=mode,
                                track_ids={}, consent_data=True)
    return delegation.accept_request(session, delegation_request, data, now or utcnow())


def test_a_registered_expert_accepting_a_request_moves_into_its_track_as_state_administration(session):
    welfare = ministry(session)
    event = create_event(session, tracks=2, track_capacity=2, state_admin_minimum=1, remote_allowed=True)
    requested, other = event.tracks
    expert = remote_official(session, event, other)
    now = utcnow()
    delegation_request = delegation.send_request(session, None, requested, welfare, "kanceleja@lm.gov.lv", "", now)

    result = accept(session, delegation_request, email="ILZE@lm.gov.lv ", now=now)

    assert result.registration is expert and not result.created
    assert expert.sector is Sector.STATE_ADMINISTRATION and expert.organisation_id == welfare.id
    assert expert.attendance_mode is AttendanceMode.IN_PERSON and expert.status is CONFIRMED
    assert [(c.track_id, c.status) for c in expert.choices] == [(requested.id, CONFIRMED)]
    assert expert.delegation_request_id == delegation_request.id
    assert delegation_request.status is DelegationStatus.ACCEPTED and delegation_request.responded_at == now
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "delegation.accept")) is not None
    assert session.scalar(select(OutboxMessage.kind).where(OutboxMessage.registration_id == expert.id)
                          .order_by(OutboxMessage.id.desc()).limit(1)) == "changed"
    assert seat_holds.held_seats(session, event, now) == {requested.id: 0, other.id: 1}


def test_the_seat_an_accepting_expert_leaves_goes_to_the_next_person_waiting(session):
    welfare = ministry(session)
    event = create_event(session, tracks=2, track_capacity=1, state_admin_minimum=0, remote_allowed=True)
    requested, other = event.tracks
    requested.state_admin_minimum = 1
    expert = create_registration(session, event, email="ilze@lm.gov.lv", track_ids={other.slot_id: other.id})
    waiting = create_registration(session, event, track_ids={other.slot_id: other.id})
    assert waiting.choices[0].status is WAITLISTED
    now = utcnow()
    delegation_request = delegation.send_request(session, None, requested, welfare, "kanceleja@lm.gov.lv", "", now)
    accept(session, delegation_request, now=now)
    assert [(c.track_id, c.status) for c in expert.choices] == [(requested.id, CONFIRMED)]
    assert waiting.choices[0].status is CONFIRMED
    assert session.scalar(select(OutboxMessage.kind).where(OutboxMessage.registration_id == waiting.id)
                          .order_by(OutboxMessage.id.desc()).limit(1)) == "promoted"


def test_an_expert_may_accept_remotely_and_a_closed_request_changes_nothing(session):
    welfare = ministry(session)
    event = create_event(session, tracks=2, track_capacity=2, state_admin_minimum=1, remote_allowed=True)
    requested, other = event.tracks
    expert = create_registration(session, event, email="ilze@lm.gov.lv", track_ids={other.slot_id: other.id})
    now = utcnow()
    delegation_request = delegation.send_request(session, None, requested, welfare, "kanceleja@lm.gov.lv", "", now)
    accept(session, delegation_request, mode=AttendanceMode.REMOTE, now=now)
    assert expert.attendance_mode is AttendanceMode.REMOTE and expert.choices[0].track_id == requested.id
    with pytest.raises(DomainError):
        accept(session, delegation_request, now=now)


def test_a_new_expert_still_registers_through_the_request(session):
    welfare = ministry(session)
    event = create_event(session, tracks=1, track_capacity=2, state_admin_minimum=1)
    now = utcnow()
    delegation_request = delegation.send_request(session, None, event.tracks[0], welfare, "kanceleja@lm.gov.lv", "", now)
    result = accept(session, delegation_request, email="jauna@lm.gov.lv", now=now)
    assert result.created and result.registration.sector is Sector.STATE_ADMINISTRATION
    assert delegation_request.status is DelegationStatus.ACCEPTED


# The release moment moved by the organisers.

def test_moving_the_release_moment_into_the_past_seats_the_people_waiting_at_once(session):
    event = create_event(session, tracks=1, track_capacity=2, state_admin_minimum=1)
    create_registration(session, event)
    waiting = create_registration(session, event)
    assert waiting.choices[0].status is WAITLISTED
    now = utcnow()
    events.update_event(session, None, event, events.EventData.of(event, held_seats_release_at=now - timedelta(minutes=1)), now=now)
    assert waiting.choices[0].status is CONFIRMED
    assert session.scalar(select(OutboxMessage.kind).where(OutboxMessage.registration_id == waiting.id)
                          .order_by(OutboxMessage.id.desc()).limit(1)) == "promoted"


def test_lowering_a_track_s_minimum_seats_the_people_waiting_at_once(session):
    event = create_event(session, tracks=1, track_capacity=2, state_admin_minimum=1)
    create_registration(session, event)
    waiting = create_registration(session, event)
    assert waiting.choices[0].status is WAITLISTED
    events.update_track(session, None, event.tracks[0], events.TrackData.of(event.tracks[0], state_admin_minimum=0))
    assert waiting.choices[0].status is CONFIRMED


def test_moving_to_another_track_respects_the_seats_held_there(session):
    """Track 2 has two seats, one held for state administration: an NGO person who moved there
    takes the open one; the next NGO person cannot take the held one through the private page."""
    event = create_event(session, tracks=2, track_capacity=2, state_admin_minimum=1)
    first, second = event.tracks
    slot_id = first.slot_id
    anna = create_registration(session, event, email="anna@example.lv")
    janis = create_registration(session, event, email="janis@example.lv")
    assert [c.status for c in (*anna.choices, *janis.choices)] == [CONFIRMED, WAITLISTED]
    now = utcnow()
    reg.change_registration(session, anna, AttendanceMode.IN_PERSON, {slot_id: second.id}, now)
    assert anna.choices[0].track_id == second.id and anna.choices[0].status is CONFIRMED
    peteris = create_registration(session, event, email="peteris@example.lv")  # Jānis took Anna's seat
    with pytest.raises(DomainError):
        reg.change_registration(session, peteris, AttendanceMode.IN_PERSON, {slot_id: second.id}, now)
    assert peteris.choices[0].track_id == first.id
    official = create_registration(session, event, email="dace@vm.gov.lv", sector=Sector.STATE_ADMINISTRATION,
                                   organisation_name="Valsts kanceleja", track_ids={slot_id: first.id})
    reg.change_registration(session, official, AttendanceMode.IN_PERSON, {slot_id: second.id}, now)
    assert official.choices[0].track_id == second.id and official.choices[0].status is CONFIRMED
