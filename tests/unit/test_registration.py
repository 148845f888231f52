"""Registration rules without HTTP: seats, waiting lists in order, changes, cancellations."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.models import (
    AttendanceMode,
    EventStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Sector,
    utcnow,
)
from eventapp.services import events
from eventapp.services.exceptions import DomainError
from eventapp.services.mail import mail_jobs
from eventapp.services.registration import lifecycle as reg
from eventapp.services.registration import registration_state

from ..factories import create_event, create_organisation

CONFIRMED, WAITLISTED, CANCELLED = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED


def person(event, n=1, track=0, mode=AttendanceMode.IN_PERSON, **overrides) -> reg.RegistrationData:
    values = dict(
        full_name=f"Dalībniece Nr. {n} Ērika Šķēle", email=f"dalibnieks{n}@example.lv", sector=Sector.NGO,
        attendance_mode=mode, track_ids={slot.id: slot.tracks[track].id for slot in event.slots if slot.tracks},
        consent_data=True,
    )
    return reg.RegistrationData(**(values | overrides))


def sign_up(session, event, n=1, **kwargs) -> Registration:
    return reg.register(session, event.id, person(event, n, **kwargs), utcnow()).registration


def mails(session, kind=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return session.scalars(query).all()


def test_registration_is_confirmed_with_a_mail_in_the_registrant_s_language(session):
    event = create_event(session, tracks=2)
    registration = sign_up(session, event, language="lv")
    assert registration.status is CONFIRMED
    assert [c.status for c in registration.choices] == [CONFIRMED]
    [message] = mails(session)
    assert message.kind == "confirmation" and message.registration_id == registration.id
    assert message.subject.startswith("Reģistrācija apstiprināta")
    assert "Dalībniece Nr. 1 Ērika Šķēle" in message.body_text
    assert f"/r/{registration.secret}" in message.body_text and f"/r/{registration.secret}" in message.body_html
    assert len(registration.secret) >= 40 and registration.secret != registration.badge_secret


def test_full_track_waitlists_in_order_and_a_cancellation_promotes_the_first(session):
    event = create_event(session, tracks=2, track_capacity=2)
    seated = [sign_up(session, event, n) for n in (1, 2)]
    waiting = [sign_up(session, event, n) for n in (3, 4)]
    assert [r.choices[0].status for r in seated + waiting] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert reg.registration_details(session, waiting[1])["choices"][0][1] == 2  # second in line
    assert [m.kind for m in mails(session)] == ["confirmation", "confirmation", "waitlisted", "waitlisted"]

    reg.cancel_registration(session, seated[0], utcnow())
    assert seated[0].status is CANCELLED and seated[0].choices[0].status is CANCELLED
    assert waiting[0].choices[0].status is CONFIRMED
    assert waiting[1].choices[0].status is WAITLISTED
    assert reg.registration_details(session, waiting[1])["choices"][0][1] == 1
    promoted = mails(session, "promoted")
    assert [m.registration_id for m in promoted] == [waiting[0].id]
    assert [m.registration_id for m in mails(session, "cancelled")] == [seated[0].id]


def test_event_capacity_waitlists_the_whole_registration(session):
    event = create_event(session, tracks=1, track_capacity=None, capacity=1)
    first, second = sign_up(session, event, 1), sign_up(session, event, 2)
    assert (first.status, second.status) == (CONFIRMED, WAITLISTED)
    assert reg.registration_details(session, second)["event_position"] == 1
    reg.cancel_registration(session, first, utcnow())
    assert second.status is CONFIRMED and second.choices[0].status is CONFIRMED


def test_remote_participants_take_no_seat(session):
    event = create_event(session, tracks=1, track_capacity=1, capacity=1, remote_allowed=True)
    sign_up(session, event, 1)
    remote = [sign_up(session, event, n, mode=AttendanceMode.REMOTE) for n in (2, 3)]
    assert all(r.status is CONFIRMED and r.choices[0].status is CONFIRMED for r in remote)
    assert sign_up(session, event, 4).status is WAITLISTED


def test_remote_is_refused_where_the_event_offers_none(session):
    event = create_event(session, tracks=1)
    with pytest.raises(DomainError) as caught:
        sign_up(session, event, mode=AttendanceMode.REMOTE)
    assert caught.value.field == "attendance_mode"


def test_a_second_attempt_resends_the_link_and_changes_nothing(session):
    event = create_event(session, tracks=1)
    first = reg.register(session, event.id, person(event, 1), utcnow())
    again = reg.register(session, event.id, person(event, 1, full_name="Cits Vārds", email="DALIBNIEKS1@example.lv "), utcnow())
    assert again.created is False and again.registration is first.registration
    assert first.registration.full_name.startswith("Dalībniece")
    assert [m.kind for m in mails(session)] == ["confirmation", "link_resent"]


def test_registering_again_after_cancelling_goes_to_the_end_of_the_queue(session):
    event = create_event(session, tracks=1, track_capacity=1)
    first = sign_up(session, event, 1)
    second = sign_up(session, event, 2)
    reg.cancel_registration(session, first, utcnow())
    assert second.choices[0].status is CONFIRMED
    again = sign_up(session, event, 1)
    assert again.id != first.id and again.choices[0].status is WAITLISTED


@pytest.mark.parametrize("change,message", [
    ({"status": EventStatus.DRAFT}, "reģistrācija nav atvērta"),
    ({"status": EventStatus.CANCELLED}, "Pasākums ir atcelts"),
    ({"registration_opens_at": utcnow() + timedelta(days=1)}, "vēl nav sākusies"),
    ({"registration_closes_at": utcnow() - timedelta(minutes=1)}, "ir beigusies"),
])
def test_registration_only_for_published_events_inside_the_window(session, change, message):
    event = create_event(session, tracks=1, **change)
    with pytest.raises(DomainError, match=message):
        sign_up(session, event)
    assert mails(session) == []


def test_every_time_block_needs_a_track_of_its_own(session):
    event = create_event(session, tracks=2)
    other = create_event(session, tracks=1)
    slot = event.slots[0]
    with pytest.raises(DomainError) as caught:
        sign_up(session, event, track_ids={})
    assert caught.value.field == f"slot_{slot.id}"
    with pytest.raises(DomainError):
        sign_up(session, event, track_ids={slot.id: other.tracks[0].id})


def test_state_administration_names_its_institution(session):
    event = create_event(session, tracks=1)
    with pytest.raises(DomainError) as caught:
        sign_up(session, event, sector=Sector.STATE_ADMINISTRATION, organisation_name="  ")
    assert caught.value.field == "organisation"


def test_directory_organisation_is_linked_free_text_kept(session):
    from ..factories import create_organisation

    ministry = create_organisation(session, name="Labklājības ministrija", sector=Sector.STATE_ADMINISTRATION)
    event = create_event(session, tracks=1)
    linked = sign_up(session, event, 1, sector=Sector.NGO, organisation_name="Labklājības  ministrija")
    free = sign_up(session, event, 2, organisation_name="Biedrība, kuras nav sarakstā")
    assert linked.organisation is ministry and linked.organisation_display == "Labklājības ministrija"
    assert linked.sector is Sector.STATE_ADMINISTRATION  # the directory's sector, not the click
    assert free.organisation is None and free.organisation_display == "Biedrība, kuras nav sarakstā"


def test_change_to_a_full_track_keeps_the_seat(session):
    event = create_event(session, tracks=2, track_capacity=1)
    slot = event.slots[0]
    sign_up(session, event, 1, track=1)  # fills the second track
    mine = sign_up(session, event, 2, track=0)
    with pytest.raises(DomainError) as caught:
        reg.change_registration(session, mine, AttendanceMode.IN_PERSON, {slot.id: slot.tracks[1].id}, utcnow())
    assert caught.value.field == f"slot_{slot.id}"
    assert mine.choices[0].track_id == slot.tracks[0].id and mine.choices[0].status is CONFIRMED


def test_change_to_a_free_track_moves_the_seat_and_promotes_who_waited_for_the_old_one(session):
    event = create_event(session, tracks=2, track_capacity=1)
    slot = event.slots[0]
    mine = sign_up(session, event, 1, track=0)
    waiting = sign_up(session, event, 2, track=0)
    changed = reg.change_registration(session, mine, AttendanceMode.IN_PERSON, {slot.id: slot.tracks[1].id}, utcnow())
    assert changed == ["tracks"]
    assert mine.choices[0].track_id == slot.tracks[1].id and mine.choices[0].status is CONFIRMED
    assert waiting.choices[0].status is CONFIRMED
    assert mine.sequence == 1
    assert [m.kind for m in mails(session)][-2:] == ["promoted", "changed"]


def test_going_remote_frees_the_seat_and_coming_back_needs_one(session):
    event = create_event(session, tracks=1, track_capacity=1, remote_allowed=True)
    slot = event.slots[0]
    mine = sign_up(session, event, 1)
    waiting = sign_up(session, event, 2)
    reg.change_registration(session, mine, AttendanceMode.REMOTE, {slot.id: slot.tracks[0].id}, utcnow())
    assert waiting.choices[0].status is CONFIRMED
    with pytest.raises(DomainError) as caught:
        reg.change_registration(session, mine, AttendanceMode.IN_PERSON, {slot.id: slot.tracks[0].id}, utcnow())
    assert caught.value.field == f"slot_{slot.id}"
    assert mine.attendance_mode is AttendanceMode.REMOTE


def test_larger_capacity_promotes_waiting_people_at_once(session):
    event = create_event(session, tracks=1, track_capacity=1)
    sign_up(session, event, 1)
    waiting = [sign_up(session, event, n) for n in (2, 3, 4)]
    events.update_track(session, None, event.tracks[0], events.TrackData.of(event.tracks[0], capacity=3))
    assert [r.choices[0].status for r in waiting] == [CONFIRMED, CONFIRMED, WAITLISTED]
    assert len(mails(session, "promoted")) == 2


def test_cancelled_event_tells_every_active_registrant(session):
    event = create_event(session, tracks=1, track_capacity=1)
    first, second, third = (sign_up(session, event, n) for n in (1, 2, 3))
    reg.cancel_registration(session, third, utcnow())
    events.cancel_event(session, None, event)
    mail_jobs.expand_mail_jobs(session, utcnow())
    told = {m.registration_id for m in mails(session, "event_cancelled")}
    assert told == {first.id, second.id}


def test_export_and_delete_personal_data(session):
    event = create_event(session, tracks=1, track_capacity=1)
    mine = sign_up(session, event, 1, access_needs="Ratiņkrēsls", dietary_needs="Vegāns")
    waiting = sign_up(session, event, 2)
    data = reg.export_personal_data(mine)
    assert data["full_name"].endswith("Ērika Šķēle") and data["access_needs"] == "Ratiņkrēsls"
    assert data["consent"]["wording_version"] == reg.CONSENT_WORDING_VERSION

    old_secret = mine.secret
    reg.delete_personal_data(session, mine, utcnow())
    assert mine.full_name == "" and "dalibnieks1" not in mine.email and mine.access_needs == ""
    assert mine.secret != old_secret and mine.status is CANCELLED and mine.anonymised_at
    assert mine.sector is Sector.NGO  # kept for the counts
    assert waiting.choices[0].status is CONFIRMED
    assert all("Ērika Šķēle Nr. 1" not in m.body_text for m in mails(session))
    assert not [m for m in mails(session) if m.registration_id == mine.id]


def partly_seated_by_a_freed_event_seat(session):
    """Event of two seats, working group 1 of one: Anna holds it, Jānis waits for the event and
    for group 1; Pēteris (group 2) cancels, so Jānis gets the event seat while group 1 stays full."""
    event = create_event(session, tracks=2, track_capacity=None, capacity=2)
    event.tracks[0].capacity = 1
    sign_up(session, event, 1)
    leaving = sign_up(session, event, 2, track=1)
    waiting = sign_up(session, event, 3, language="en")
    assert waiting.status is WAITLISTED
    reg.cancel_registration(session, leaving, utcnow())
    assert waiting.status is CONFIRMED and waiting.choices[0].status is WAITLISTED
    return event, waiting


def test_a_freed_event_seat_alone_makes_the_person_partly_seated_in_one_word(session):
    event, waiting = partly_seated_by_a_freed_event_seat(session)
    state = reg.registration_details(session, waiting)["state"]
    assert state.state is registration_state.State.PARTLY_SEATED
    assert [(w.track, w.position) for w in state.waits] == [(event.tracks[0], 1)]

    [promoted] = mails(session, "promoted")
    assert promoted.registration_id == waiting.id
    text = promoted.body_text
    assert "Partly seated" in text and "it is now yours" not in text
    assert "Partly seated" in promoted.body_html
    assert "waiting list, number 1" in text  # the working group, consistent with the state
    assert "A seat has freed up for you" not in promoted.subject


def test_the_state_word_of_each_case():
    from types import SimpleNamespace as Obj

    def state_of(status, mode=AttendanceMode.IN_PERSON, choices=(), event_position=None, positions=None):
        person = Obj(status=status, attendance_mode=mode, choices=list(choices))
        return registration_state.state_summary(person, event_position, positions or {})

    seat, wait = Obj(id=1, status=CONFIRMED, track="A"), Obj(id=2, status=WAITLISTED, track="B")
    assert state_of(CONFIRMED, choices=[seat]).state is registration_state.State.SEATED
    assert state_of(CONFIRMED, mode=AttendanceMode.REMOTE, choices=[seat]).state is registration_state.State.SEATED
    partly = state_of(CONFIRMED, choices=[seat, wait], positions={2: 3})
    assert partly.state is registration_state.State.PARTLY_SEATED and [(w.track, w.position) for w in partly.waits] == [("B", 3)]
    waiting = state_of(WAITLISTED, choices=[Obj(id=3, status=WAITLISTED, track="A")], event_position=2, positions={3: 1})
    assert waiting.state is registration_state.State.WAITING
    assert [(w.track, w.position) for w in waiting.waits] == [(None, 2), ("A", 1)]
    assert state_of(CANCELLED).state is registration_state.State.CANCELLED


def test_one_person_s_places_in_the_queues_are_those_of_the_organisers_list(session):
    from eventapp.services.registration import registration_list, seat_allocation

    event = create_event(session, tracks=2, track_capacity=1, capacity=3)
    people = [sign_up(session, event, n, track=n % 2) for n in range(1, 8)]
    reg.cancel_registration(session, people[3], utcnow())
    queues = seat_allocation.queue_positions(session, event)
    rows = {row.id: row for row in registration_list.registration_rows(session, event, registration_list.RegistrationFilters())}
    for registration in people:
        details = reg.registration_details(session, registration)
        assert details["event_position"] == queues.of(registration) == rows[registration.id].position
        for choice, position in details["choices"]:
            assert position == queues.of_choice(choice) == rows[registration.id].choices[choice.slot_id].position
    assert sorted(queues.event.values()) == [1, 2, 3] and sorted(queues.tracks.values()) == [1, 1, 2, 3]


def test_a_new_registration_is_built_in_one_place_and_seated_elsewhere(session):
    event = create_event(session, tracks=2)
    ministry = create_organisation(session, "Kultūras ministrija", Sector.STATE_ADMINISTRATION)
    slot, now = event.slots[0], utcnow()
    typed = person(event, email=" Erika@Example.LV ", organisation_name="  Biedrība   Ē  ", track_ids={})
    registration = reg.new_registration(event, typed, now)
    assert registration not in session and registration.status is None  # seating decides; the caller adds
    assert registration.email == "erika@example.lv" and registration.organisation_name == "Biedrība Ē"
    assert registration.choices == [] and registration.created_at == registration.consent_data_at == now

    chosen = person(event, track_ids={slot.id: slot.tracks[1].id}, sector=ministry.sector)
    registration = reg.new_registration(event, chosen, now, organisation_id=ministry.id)
    assert registration.organisation_id == ministry.id and registration.organisation_name == ""
    assert [(c.slot_id, c.track_id, c.queued_at) for c in registration.choices] == [(slot.id, slot.tracks[1].id, now)]
