"""Checking in: scans and their answers, undoing, per-track check-in, links, walk-ins, the device list, counts."""
import hashlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventapp.extensions import db
from eventapp.models import (
    AttendanceMode,
    AuditEntry,
    CheckIn,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Sector,
    utcnow,
)
from eventapp.services.checkin import arrivals, check_ins
from eventapp.services.checkin.check_ins import Scanner, check_in, undo_check_in
from eventapp.services.checkin.walk_in import (
    AlreadyWaiting,
    WalkInData,
    has_real_email,
    register_walk_in,
    seat_at_door,
)
from eventapp.services.exceptions import DomainError, NotFound
from eventapp.services.registration.lifecycle import anonymise, cancel_registration

from ..factories import create_event, create_organisation, create_registration, create_user


@pytest.fixture
def door(session):
    """An event with two tracks of one seat; Anna seated in track 1, Jānis waiting for it; an organiser."""
    event = create_event(session, tracks=2, track_capacity=1, remote_allowed=True, title_lv="Izbraukuma sēde Jēkabpilī")
    anna = create_registration(session, event, full_name="Anna Bērziņa")
    janis = create_registration(session, event, full_name="Jānis Ozoliņš")
    organiser = create_user(session)
    organiser.name = "Marta Organizatore"
    return event, anna, janis, Scanner(user=organiser)


def code(registration: Registration) -> str:
    return f"EVA1:{registration.badge_secret}"


def scan(session, event, scanner, registration=None, *, scan_id="s-00000001", code_text=None, **kwargs):
    now = kwargs.pop("now", utcnow())
    return check_in(session, event, scanner, now, scan_id=scan_id,
                    code=code_text if code_text is not None else code(registration), **kwargs)


def test_a_first_scan_welcomes_and_a_second_says_when_and_by_whom(session, door):
    event, anna, _, scanner = door
    now = utcnow()
    first = scan(session, event, scanner, anna, scan_id="device-a-1", now=now, scanned_at=now - timedelta(minutes=3))
    assert first.result == "welcome" and first.registration is anna
    assert first.check_in.scanned_at == now - timedelta(minutes=3)  # the device's moment, not the server's
    assert first.check_in.recorded_at == now and first.check_in.by_user is scanner.user

    link = check_ins.create_link(session, event, scanner.user, "Annas telefons", now + timedelta(hours=8), now)
    second = scan(session, event, Scanner(link=link), anna, scan_id="device-b-1")
    assert second.result == "already" and second.check_in is first.check_in
    answer = check_ins.answer(second, "en")
    assert answer["first"]["by"] == "Marta Organizatore"
    assert answer["first"]["at"] == first.check_in.scanned_at.isoformat()
    assert "Marta Organizatore" in answer["message"] and answer["first"]["time"] in answer["message"]
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_the_same_scan_sent_twice_is_one_check_in_answered_the_same_way(session, door):
    event, anna, _, scanner = door
    first = check_ins.answer(scan(session, event, scanner, anna, scan_id="retry-me"), "lv")
    again = check_ins.answer(scan(session, event, scanner, anna, scan_id="retry-me"), "lv")
    assert again.pop("replayed") is True
    assert again == first and first["result"] == "welcome"
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 1
    with pytest.raises(DomainError):  # the same scan id for someone else: a broken device, refused
        scan(session, event, scanner, door[2], scan_id="retry-me")


@pytest.mark.parametrize("make_code", [
    lambda r: "EVA1:" + "A" * 43,  # forged: the right shape, no such badge
    lambda r: "EVA1:" + r.badge_secret[:-1] + ("B" if r.badge_secret[-1] != "B" else "C"),  # altered
    lambda r: r.badge_secret,  # the secret without our prefix
    lambda r: "https://example.org/EVA1:" + r.badge_secret,  # someone else's QR code
    lambda r: "EVA1:" + r.badge_secret + "'; DROP TABLE registration; --",
    lambda r: "",
    lambda r: "EVA1:" + "ā" * 43,
])
def test_a_forged_or_altered_code_is_not_valid(session, door, make_code):
    event, anna, _, scanner = door
    result = scan(session, event, scanner, code_text=make_code(anna))
    assert result.result == "invalid" and result.registration is None
    assert check_ins.answer(result, "en")["message"] == "Not a valid code."
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_the_prefix_may_come_in_capitals_from_a_usb_scanner(session, door):
    event, anna, _, scanner = door
    assert scan(session, event, scanner, code_text=f"  eva1:{anna.badge_secret}\n").result == "welcome"


def test_other_event_cancelled_and_waiting_are_refused_with_their_reason(session, door):
    event, anna, janis, scanner = door
    other_event = create_event(session, title_lv="Forums", title_en="Forum")
    stranger = create_registration(session, other_event, full_name="Pēteris Cits")
    result = scan(session, event, scanner, stranger, scan_id="x-other-1")
    assert result.result == "other_event"
    assert check_ins.answer(result, "en")["message"] == "This badge belongs to another event: Forum."

    assert janis.choices[0].status is RegistrationStatus.WAITLISTED  # waiting for a track only: still confirmed
    full_event = create_event(session, capacity=1)
    create_registration(session, full_event)
    waiting = create_registration(session, full_event)
    assert waiting.status is RegistrationStatus.WAITLISTED
    answer = check_ins.answer(scan(session, full_event, scanner, waiting, scan_id="x-wait-1"), "en")
    assert (answer["result"], answer["message"]) == ("waitlisted", "On the waiting list, nr. 1.")

    cancel_registration(session, anna, utcnow())
    answer = check_ins.answer(scan(session, event, scanner, anna, scan_id="x-cancel-1"), "en")
    assert (answer["result"], answer["message"]) == ("cancelled", "This registration was cancelled.")
    assert answer["person"]["name"] == "Anna Bērziņa"
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_an_anonymised_registration_has_no_valid_badge(session, door):
    event, anna, _, scanner = door
    old_code = code(anna)
    anonymise(anna, utcnow())
    assert scan(session, event, scanner, code_text=old_code).result == "invalid"
    assert check_in(session, event, scanner, utcnow(), scan_id="by-id-1", registration_id=anna.id).result == "invalid"


def test_the_device_clock_is_believed_within_a_day_and_never_ahead(session, door):
    event, anna, janis, scanner = door
    now = utcnow()
    ahead = scan(session, event, scanner, anna, scan_id="clock-1", now=now, scanned_at=now + timedelta(hours=3))
    assert ahead.check_in.scanned_at == now
    old = scan(session, event, scanner, janis, scan_id="clock-2", now=now, scanned_at=now - timedelta(days=40))
    assert old.check_in.scanned_at == now - check_ins.OLDEST_SCAN


def test_checking_in_by_name_uses_the_registration_of_this_event_only(session, door):
    event, anna, _, scanner = door
    other = create_registration(session, create_event(session), full_name="Cita Persona")
    assert check_in(session, event, scanner, utcnow(), scan_id="name-1", registration_id=anna.id).result == "welcome"
    assert check_in(session, event, scanner, utcnow(), scan_id="name-2", registration_id=other.id).result == "invalid"


def test_a_workshop_room_has_check_ins_of_its_own(session, door):
    event, anna, _, scanner = door
    first_track, second_track = event.tracks
    assert scan(session, event, scanner, anna, scan_id="door-1").result == "welcome"
    at_room = scan(session, event, scanner, anna, scan_id="room-1", track=first_track)
    assert at_room.result == "welcome" and at_room.notes == [] and at_room.check_in.track_id == first_track.id
    assert scan(session, event, scanner, anna, scan_id="room-2", track=first_track).result == "already"
    elsewhere = scan(session, event, scanner, anna, scan_id="room-3", track=second_track)
    assert elsewhere.result == "welcome" and elsewhere.notes == ["other_track"]
    assert check_ins.answer(elsewhere, "en")["notes"] == ["Not registered for this working group."]
    foreign_track = create_event(session, tracks=1).tracks[0]
    with pytest.raises(DomainError):
        scan(session, event, scanner, anna, scan_id="room-4", track=foreign_track)


def test_undo_keeps_the_record_and_lets_the_person_be_checked_in_again(session, door):
    event, anna, _, scanner = door
    first = scan(session, event, scanner, anna, scan_id="undo-1")
    now = utcnow()
    undone = undo_check_in(session, event, scanner, "undo-1", now)
    assert undone is first.check_in and undone.undone_at == now and undone.undone_by_id == scanner.user.id
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin.undo")).object_id == undone.id
    assert scan(session, event, scanner, anna, scan_id="undo-2").result == "welcome"
    with pytest.raises(NotFound):
        undo_check_in(session, event, scanner, "never-made", now)
    with pytest.raises(NotFound):  # another event's check-in cannot be undone from here
        undo_check_in(session, create_event(session), scanner, "undo-2", now)


def test_two_devices_scanning_the_same_badge_at_once_make_one_check_in(app):
    devices = 8
    with app.app_context():
        event = create_event(db.session)
        person = create_registration(db.session, event)
        event_id, badge = event.id, code(person)
        db.session.commit()
    start = threading.Barrier(devices)
    results, errors = [], []

    def device(n: int) -> None:
        try:
            with app.app_context():  # its own session and connection
                from eventapp.models import Event

                start.wait(timeout=60)
                result = check_in(db.session, db.session.get(Event, event_id), Scanner(), utcnow(),
                                  scan_id=f"device-{n}-scan", code=badge)
                results.append(result.result)
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=device, args=(n,)) for n in range(devices)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(results) == ["already"] * (devices - 1) + ["welcome"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1


# --- links --------------------------------------------------------------------------------

def test_check_in_links_are_labelled_limited_in_time_and_revocable(session, door):
    event, anna, _, scanner = door
    now = utcnow()
    with pytest.raises(DomainError):
        check_ins.create_link(session, event, scanner.user, "   ", now + timedelta(hours=1), now)
    with pytest.raises(DomainError):
        check_ins.create_link(session, event, scanner.user, "Pēteris", now - timedelta(minutes=1), now)
    link = check_ins.create_link(session, event, scanner.user, "  Annas   telefons ", now + timedelta(hours=1), now)
    assert link.label == "Annas telefons" and len(link.secret) >= 40
    assert check_ins.find_link(session, link.secret) is link and check_ins.is_valid(link, now)
    assert not check_ins.is_valid(link, now + timedelta(hours=2))
    assert check_ins.find_link(session, "no-such-secret-at-all") is None and check_ins.find_link(session, None) is None

    result = scan(session, event, Scanner(link=link), anna, scan_id="link-1")
    assert result.check_in.by_link is link and result.check_in.by_user is None
    assert check_ins.answer(result, "lv")["scan"]["by"] == "Annas telefons"

    check_ins.revoke_link(session, link, scanner.user, now)
    assert link.revoked_at == now and not check_ins.is_valid(link, now)


# --- walk-ins -----------------------------------------------------------------------------

def walk_in(**values) -> WalkInData:
    data = {"full_name": "Ilze Nāca-Bez-Reģistrācijas", "organisation_name": "biedrība \"Sēlijas salas\"",
            "sector": Sector.NGO, "consent_data": True}
    data.update(values)
    return WalkInData(**data)


def test_a_walk_in_without_email_is_registered_and_checked_in_and_gets_no_mail(session, door):
    event, _, _, scanner = door
    first_track = event.tracks[0]
    data = walk_in(track_ids={first_track.slot_id: first_track.id})
    person = register_walk_in(session, event, data, scanner, utcnow())
    assert person.status is RegistrationStatus.CONFIRMED and person.attendance_mode is AttendanceMode.IN_PERSON
    assert person.email.startswith("walk-in-") and person.email.endswith("@invalid") and not has_real_email(person)
    assert [c.track_id for c in person.choices] == [first_track.id]  # admitted though the track is full
    assert person.choices[0].status is RegistrationStatus.CONFIRMED
    [arrival] = session.scalars(select(CheckIn).where(CheckIn.registration_id == person.id)).all()
    assert arrival.by_user is scanner.user and arrival.track_id is None
    assert session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == person.id)).all() == []
    # Their badge scans as "already": they are in.
    assert scan(session, event, scanner, person, scan_id="walk-1").result == "already"
    second = register_walk_in(session, event, walk_in(full_name="Otrs Bez Adreses"), scanner, utcnow())
    assert second.email != person.email


def test_a_walk_in_with_email_gets_the_confirmation_and_the_directory_sector(session, door):
    event, anna, _, scanner = door
    ministry = create_organisation(session, name="Labklājības ministrija", sector=Sector.STATE_ADMINISTRATION)
    data = walk_in(email=" Ilze@Example.LV ", organisation_name="Labklājības ministrija")
    person = register_walk_in(session, event, data, scanner, utcnow())
    assert person.email == "ilze@example.lv" and person.organisation is ministry
    assert person.sector is Sector.STATE_ADMINISTRATION
    [message] = session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == person.id)).all()
    assert message.kind == "confirmation"
    with pytest.raises(DomainError) as refused:
        register_walk_in(session, event, walk_in(email=anna.email), scanner, utcnow())
    assert refused.value.field == "email"
    with pytest.raises(DomainError) as refused:
        register_walk_in(session, event, walk_in(consent_data=False), scanner, utcnow())
    assert refused.value.field == "consent_data"
    with pytest.raises(DomainError) as refused:
        register_walk_in(session, event, walk_in(organisation_name="  "), scanner, utcnow())
    assert refused.value.field == "organisation"


# --- what devices are given, and the counts -------------------------------------------------

def test_the_device_list_has_hashes_of_the_secrets_never_the_secrets(session, door):
    event, anna, janis, scanner = door
    scan(session, event, scanner, anna, scan_id="list-1")
    listing = arrivals.checkin_list(session, event, "lv", utcnow())
    people = {p["id"]: p for p in listing["people"]}
    assert people[anna.id]["hash"] == hashlib.sha256(anna.badge_secret.encode()).hexdigest()
    assert people[anna.id]["checkins"]["door"]["by"] == "Marta Organizatore"
    assert people[janis.id]["checkins"] == {} and people[janis.id]["status"] == "confirmed"
    flat = repr(listing)
    for registration in (anna, janis):
        assert registration.badge_secret not in flat and registration.secret not in flat
        assert registration.email not in flat
    assert [t["id"] for t in listing["tracks"]] == [t.id for t in event.tracks]


def test_counts_of_arrivals_by_sector_and_track(session, door):
    event, anna, janis, scanner = door
    first_track, second_track = event.tracks
    slot = first_track.slot_id
    expert = create_registration(session, event, full_name="Valsts Eksperte", sector=Sector.STATE_ADMINISTRATION,
                                 organisation_name="Kultūras ministrija", track_ids={slot: second_track.id})
    create_registration(session, event, full_name="Attālinātais", attendance_mode=AttendanceMode.REMOTE,
                        track_ids={slot: second_track.id})
    scan(session, event, scanner, anna, scan_id="count-1")
    scan(session, event, scanner, expert, scan_id="count-2")
    scan(session, event, scanner, expert, scan_id="count-3", track=second_track)

    counts = arrivals.arrival_counts(session, event)
    assert (counts.total.arrived, counts.total.expected) == (2, 3)  # the remote one is not expected
    state, ngo = counts.sectors[Sector.STATE_ADMINISTRATION], counts.sectors[Sector.NGO]
    assert (state.arrived, state.expected, ngo.arrived, ngo.expected) == (1, 1, 1, 2)
    by_track = {row.track.id: row for row in counts.tracks}
    assert (by_track[first_track.id].tally.arrived, by_track[first_track.id].tally.expected) == (1, 1)  # Jānis waits
    second = by_track[second_track.id]
    assert (second.tally.arrived, second.tally.expected, second.in_room) == (1, 1, 1)
    assert (second.state_administration.arrived, second.state_administration.expected) == (1, 1)

    undo_check_in(session, event, scanner, "count-2", utcnow())
    assert arrivals.arrival_counts(session, event).total.arrived == 1


# --- a badge of another event ---------------------------------------------------------------

def test_a_badge_of_another_event_says_which_event_and_nothing_about_the_person(session, door):
    event, _, _, scanner = door
    forum = create_event(session, tracks=1, title_lv="Forums", title_en="Forum")
    stranger = create_registration(session, forum, full_name="Pēteris Cits",
                                   organisation_name="Rīgas biedrība")
    answer = check_ins.answer(scan(session, event, scanner, stranger, scan_id="x-other-2"), "lv")
    assert answer["result"] == "other_event" and "Forums" in answer["message"]
    assert "person" not in answer
    flat = repr(answer)
    for detail in ("Pēteris", "Rīgas biedrība", "Darba grupa", str(stranger.id)):
        assert detail not in flat


# --- someone waiting turns up at the door -----------------------------------------------------

@pytest.fixture
def waiting(session):
    """Two seats, one held for state administration until three days before: Anna has one, Ilze waits."""
    event = create_event(session, tracks=1, capacity=2, state_admin_minimum=1, title_lv="Sēde Jēkabpilī")
    anna = create_registration(session, event, full_name="Anna Sēdvietā")
    ilze = create_registration(session, event, full_name="Ilze Gaida", email="ilze@example.lv")
    organiser = create_user(session)
    return event, anna, ilze, Scanner(user=organiser)


def test_a_waiting_person_hears_their_number_and_why_no_seat_is_free(session, waiting):
    event, anna, ilze, scanner = waiting
    assert ilze.status is RegistrationStatus.WAITLISTED
    before_release = event.starts_at - timedelta(days=5)
    result = scan(session, event, scanner, ilze, scan_id="wait-1", now=before_release)
    answer = check_ins.answer(result, "en")
    assert answer["result"] == "waitlisted" and answer["waiting"] == 1
    assert answer["message"] == "On the waiting list, nr. 1."
    assert answer["seat"] == {"free": False, "reason": "held",
                              "message": "The free seats are held for state administration."}
    with pytest.raises(DomainError) as refused:
        seat_at_door(session, event, scanner, before_release, scan_id="seat-1", registration_id=ilze.id)
    assert refused.value.reason == "held"
    assert ilze.status is RegistrationStatus.WAITLISTED

    # The other way round: both seats taken, then nobody may take one.
    full = create_event(session, capacity=1)
    create_registration(session, full)
    late = create_registration(session, full, sector=Sector.STATE_ADMINISTRATION,
                               organisation_name="Kultūras ministrija")
    answer = check_ins.answer(scan(session, full, scanner, late, scan_id="wait-2"), "en")
    assert answer["seat"] == {"free": False, "reason": "event_full",
                              "message": "No seat is free: the event is full."}


def test_a_free_event_seat_is_not_enough_when_their_working_group_is_full(session):
    event = create_event(session, tracks=1, capacity=2, track_capacity=1)
    first = create_registration(session, event)
    second = create_registration(session, event)  # an event seat, waiting for the working group
    third = create_registration(session, event)
    assert (first.choices[0].status, second.choices[0].status, third.status) == (
        RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.WAITLISTED)
    event.capacity = 3  # raised, the waiting list not yet filled
    session.flush()
    scanner = Scanner(user=create_user(session))
    answer = check_ins.answer(scan(session, event, scanner, third, scan_id="track-full-1"), "en")
    assert answer["seat"]["reason"] == "track_full"
    with pytest.raises(DomainError) as refused:
        seat_at_door(session, event, scanner, utcnow(), scan_id="seat-2", registration_id=third.id)
    assert refused.value.reason == "track_full"


def test_seating_a_waiting_person_at_the_door_when_a_seat_is_free_for_them(session, waiting):
    event, anna, ilze, scanner = waiting
    after_release = event.starts_at - timedelta(days=1)  # the held seat is free for anyone now
    answer = check_ins.answer(scan(session, event, scanner, ilze, scan_id="wait-3", now=after_release), "en")
    assert answer["seat"] == {"free": True}
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 0  # only offered

    result = seat_at_door(session, event, scanner, after_release, scan_id="seat-3", registration_id=ilze.id)
    assert result.result == "welcome" and result.check_in.registration_id == ilze.id
    assert ilze.status is RegistrationStatus.CONFIRMED
    assert all(choice.status is RegistrationStatus.CONFIRMED for choice in ilze.choices)
    kinds = session.scalars(select(OutboxMessage.kind).where(OutboxMessage.registration_id == ilze.id)).all()
    assert "promoted" in kinds
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "registration.seat_at_door"))
    assert audit.object_id == ilze.id and audit.user_id == scanner.user.id
    again = seat_at_door(session, event, scanner, after_release, scan_id="seat-3", registration_id=ilze.id)
    assert again.replayed  # the same request sent twice: one check-in


def test_a_walk_in_with_a_waiting_address_leads_to_the_choice(session, waiting):
    event, _, ilze, scanner = waiting
    with pytest.raises(AlreadyWaiting) as found:
        register_walk_in(session, event, walk_in(email="Ilze@example.lv"), scanner, utcnow())
    assert found.value.registration is ilze


def test_someone_seated_at_the_event_but_waiting_for_a_group_is_told_so_at_the_door(session, door):
    event, _, janis, scanner = door
    result = scan(session, event, scanner, janis, scan_id="partly-1")
    assert result.result == "welcome" and result.notes == ["track_waiting"]
    assert check_ins.answer(result, "lv")["notes"] == [
        "Darba grupā vēl gaida vietu (gaidīšanas sarakstā): tur vietas vēl nav."]
