"""State-administration coverage: the states, the held seats, the delegation requests, the reminders."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.models import (
    AttendanceMode,
    DelegationStatus,
    OutboxMessage,
    RegistrationStatus,
    Sector,
    SentReminder,
    utcnow,
)
from eventapp.services.coverage import delegation, reminders, track_coverage, words
from eventapp.services.coverage.track_coverage import Coverage, coverage_state
from eventapp.services.exceptions import DomainError
from eventapp.services.registration import lifecycle as reg
from eventapp.services.registration import seat_holds

from ..factories import create_event, create_organisation, create_registration, create_user

CONFIRMED, WAITLISTED = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED


@pytest.mark.parametrize("minimum,in_person,remote,requests,expected", [
    (1, 1, 0, 0, Coverage.COVERED),
    (2, 1, 1, 0, Coverage.AT_RISK),  # met only with a remote participant
    (1, 0, 0, 1, Coverage.AT_RISK),  # short, but a request is open
    (2, 1, 0, 0, Coverage.UNCOVERED),
    (1, 0, 0, 0, Coverage.UNCOVERED),
    (0, 0, 0, 0, Coverage.NOT_REQUIRED),
])
def test_coverage_state(minimum, in_person, remote, requests, expected):
    assert coverage_state(minimum, in_person, remote, requests) is expected


def ministry(session, name="Labklājības ministrija", areas="seniori; sociālā aizsardzība"):
    return create_organisation(session, name=name, sector=Sector.STATE_ADMINISTRATION, policy_areas=areas)


def official(session, event, n, mode=AttendanceMode.IN_PERSON, organisation="Labklājības ministrija", **kw):
    return create_registration(session, event, email=f"ierednis{n}@example.lv", sector=Sector.STATE_ADMINISTRATION,
                               organisation_name=organisation, attendance_mode=mode, **kw)


def test_event_coverage_counts_in_person_remote_and_waiting_state_administration(session):
    ministry(session)
    event = create_event(session, tracks=3, track_capacity=5, state_admin_minimum=1, remote_allowed=True)
    first, second, third = event.tracks
    official(session, event, 1, track_ids={first.slot_id: first.id})
    official(session, event, 2, mode=AttendanceMode.REMOTE, track_ids={first.slot_id: second.id})
    create_registration(session, event, track_ids={first.slot_id: third.id})  # an NGO person
    by_track = {e.track.id: e for e in track_coverage.event_coverage(session, event, utcnow())}
    assert by_track[first.id].state is Coverage.COVERED and len(by_track[first.id].in_person) == 1
    assert by_track[second.id].state is Coverage.AT_RISK and len(by_track[second.id].remote) == 1
    assert by_track[third.id].state is Coverage.UNCOVERED and by_track[third.id].held == 1


def test_held_seat_stops_an_ngo_before_the_release_and_frees_it_after_in_order(session):
    ministry(session)
    event = create_event(session, tracks=1, track_capacity=2, state_admin_minimum=1)
    slot, track = event.slots[0], event.tracks[0]
    first_ngo = create_registration(session, event, email="a@example.lv")
    second_ngo = create_registration(session, event, email="b@example.lv")
    third_ngo = create_registration(session, event, email="c@example.lv")
    assert first_ngo.choices[0].status is CONFIRMED
    assert second_ngo.choices[0].status is WAITLISTED  # the second seat is held for a ministry
    assert third_ngo.choices[0].status is WAITLISTED

    # A ministry's person still gets the held seat, before the NGOs waiting.
    expert = official(session, event, 1, track_ids={slot.id: track.id})
    assert expert.choices[0].status is CONFIRMED
    reg.cancel_registration(session, expert, utcnow())
    assert second_ngo.choices[0].status is WAITLISTED  # held again: the minimum is no longer met

    # At the release moment the held seat goes to the first person waiting.
    after_release = seat_holds.release_moment(event) + timedelta(minutes=1)
    reg.refill_event(session, event, after_release)
    assert second_ngo.choices[0].status is CONFIRMED
    assert third_ngo.choices[0].status is WAITLISTED
    assert [m.registration_id for m in session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "promoted"))] == [second_ngo.id]


def test_held_seats_count_at_the_event_level_too(session):
    event = create_event(session, tracks=2, track_capacity=5, state_admin_minimum=1, capacity=3)
    people = [create_registration(session, event, email=f"p{n}@example.lv") for n in range(3)]
    # Two event seats are held (one per track): only one NGO person gets in.
    assert [p.status for p in people] == [CONFIRMED, WAITLISTED, WAITLISTED]


def test_latvian_matching_ignores_case_diacritics_and_endings():
    assert words.shared(words.stems("Senioru līdzdalības jautājumi"), words.stems("seniori")) == {"senior"}
    assert "civil" in words.shared(words.stems("civilajā aizsardzībā"), words.stems("CIVILĀ AIZSARDZĪBA"))
    assert words.shared(words.stems("Sēlijas viedā reģiona stratēģija"), words.stems("reģionālā attīstība"))
    assert not words.shared(words.stems("Kopienu veidošanās"), words.stems("nodokļi; budžets"))


def test_suggestions_rank_the_institutions_whose_areas_match(session):
    welfare = ministry(session)
    ministry(session, "Iekšlietu ministrija", "civilā aizsardzība; sabiedriskā kārtība un drošība")
    ministry(session, "Finanšu ministrija", "budžets; nodokļi")
    create_organisation(session, name="biedrība \"Seniori\"", sector=Sector.NGO, policy_areas="seniori")
    event = create_event(session, tracks=1)
    track = event.tracks[0]
    track.title_lv = "Senioru līdzdalības jautājumi"
    assert [s.organisation for s in delegation.suggest_institutions(session, track)] == [welfare]
    track.title_lv = "Sabiedrības līdzdalība civilajā aizsardzībā"
    names = [s.organisation.name for s in delegation.suggest_institutions(session, track)]
    assert names[0] == "Iekšlietu ministrija" and "Finanšu ministrija" not in names


def test_request_holds_the_seat_until_its_deadline_then_is_accepted_through_registration(session):
    welfare = ministry(session)
    event = create_event(session, tracks=1, track_capacity=2, state_admin_minimum=1)
    track = event.tracks[0]
    now = utcnow()
    delegation_request = delegation.send_request(session, None, track, welfare, "Kanceleja@LM.gov.lv", "Lūdzu!", now)
    assert delegation_request.contact_email == "kanceleja@lm.gov.lv" and delegation_request.status is DelegationStatus.SENT
    [message] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "delegation_request")).all()
    assert message.subject.startswith("Lūgums deleģēt") or "deleģ" in message.subject.lower()
    assert f"/delegate/{delegation_request.secret}" in message.body_text and "Labklājības ministrija" in message.body_text
    assert track.title_lv in message.body_text

    # After the release moment the seat stays held for the open request ...
    after_release = seat_holds.release_moment(event) + timedelta(hours=1)
    assert seat_holds.held_seats(session, event, after_release) == {track.id: 1}
    assert track_coverage.event_coverage(session, event, after_release)[0].state is Coverage.AT_RISK
    # ... and the delegated expert registers through it, as state administration of that ministry.
    data = reg.RegistrationData(full_name="Ilze Eksperte", email="ilze@lm.gov.lv", sector=Sector.NGO,
                                attendance_mode=AttendanceMode.IN_PERSON, track_ids={}, consent_data=True)
    expert = reg.register(session, event.id, data, now, delegation=delegation_request).registration
    assert expert.sector is Sector.STATE_ADMINISTRATION and expert.organisation_id == welfare.id
    assert expert.choices[0].track_id == track.id and expert.delegation_request_id == delegation_request.id
    assert delegation_request.status is DelegationStatus.ACCEPTED
    assert track_coverage.event_coverage(session, event, now)[0].state is Coverage.COVERED


def test_declined_and_expired_requests_release_the_seat(session):
    welfare = ministry(session)
    event = create_event(session, tracks=1, track_capacity=1, state_admin_minimum=1)
    track = event.tracks[0]
    now = utcnow()
    delegation_request = delegation.send_request(session, None, track, welfare, "a@lm.gov.lv", "", now)
    waiting = create_registration(session, event)
    assert waiting.choices[0].status is WAITLISTED
    after_release = seat_holds.release_moment(event) + timedelta(hours=1)
    delegation.decline_request(session, delegation_request, after_release)
    assert delegation_request.status is DelegationStatus.DECLINED
    assert waiting.choices[0].status is CONFIRMED

    late = delegation.send_request(session, None, track, welfare, "b@lm.gov.lv", "", now,
                                   deadline=now + timedelta(days=1))
    assert delegation.expire_requests(session, now + timedelta(days=2)) == [late]
    assert late.status is DelegationStatus.EXPIRED
    with pytest.raises(DomainError):
        delegation.send_request(session, None, track, welfare, "c@lm.gov.lv", "", now, deadline=now)


def test_request_goes_only_to_state_institutions(session):
    event = create_event(session, tracks=1)
    ngo = create_organisation(session)
    with pytest.raises(DomainError):
        delegation.send_request(session, None, event.tracks[0], ngo, "x@example.lv", "", utcnow())


def test_reminders_go_once(session):
    welfare = ministry(session)
    organiser = create_user(session, role="organiser")
    create_user(session, role="partner")
    now = utcnow().replace(hour=8, minute=0)  # mid-morning in Riga: three hours later is the same day
    event = create_event(session, tracks=2, state_admin_minimum=1, starts_at=now + timedelta(days=5))
    delegation.send_request(session, None, event.tracks[0], welfare, "a@lm.gov.lv", "", now)
    first = reminders.send_reminders(session, now)
    assert (first.summaries, first.institutions) == (1, 1)
    assert reminders.send_reminders(session, now + timedelta(hours=3)) == reminders.ReminderReport(0, 0)
    summary = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "coverage_summary")).one()
    assert summary.to_address == organiser.email and event.tracks[1].title_lv in summary.body_text
    # Two days before the event, the second reminder to the institution; the next day, a new summary.
    later = reminders.send_reminders(session, event.starts_at - timedelta(days=1, hours=12))
    assert (later.summaries, later.institutions) == (1, 1)
    assert session.scalars(select(SentReminder)).all().__len__() == 4


def test_a_track_s_own_remote_link_goes_only_to_its_remote_participants(session):
    event = create_event(session, tracks=2, remote_allowed=True, remote_link="https://zoom.example/plenary")
    first, second = event.tracks
    first.remote_link = "https://zoom.example/seniori"
    remote = create_registration(session, event, email="r@example.lv", attendance_mode=AttendanceMode.REMOTE,
                                 track_ids={first.slot_id: first.id})
    other_track = create_registration(session, event, email="o@example.lv", attendance_mode=AttendanceMode.REMOTE,
                                      track_ids={first.slot_id: second.id})
    in_person = create_registration(session, event, email="p@example.lv", track_ids={first.slot_id: first.id})
    assert [link for _, link in remote.remote_connections] == ["https://zoom.example/plenary", "https://zoom.example/seniori"]
    assert [link for _, link in other_track.remote_connections] == ["https://zoom.example/plenary"]
    assert in_person.remote_connections == []
    bodies = {m.registration_id: m.body_text for m in session.scalars(select(OutboxMessage))}
    # Mails give each person's join links (one per meeting), never the addresses themselves.
    assert f"/join/{remote.join_secret}/{first.id}" in bodies[remote.id] and "zoom.example" not in bodies[remote.id]
    assert f"/join/{other_track.join_secret}" in bodies[other_track.id] and f"/join/{other_track.join_secret}/" not in bodies[other_track.id]
    assert "/join/" not in bodies[in_person.id]
