"""Services whose number of SQL statements must not grow with the data: one registrant or fifty,
one track or eight, one event of the year or ten."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventapp.models import (
    AttendanceMode,
    DelegationRequest,
    DelegationStatus,
    Event,
    Organisation,
    OutboxMessage,
    Sector,
    Slot,
    Track,
    utcnow,
)
from eventapp.services import events
from eventapp.services.coverage import delegation, track_coverage
from eventapp.services.mail import mail_jobs
from eventapp.services.registration import seat_holds

from ..factories import create_event, create_organisation, create_registration, create_user

FEW, MANY = 1, 50


def organisation(session, name: str, sector: Sector) -> Organisation:
    return session.scalar(select(Organisation).where(Organisation.name == name)) or create_organisation(
        session, name=name, sector=sector)


def registrants(session, event: Event, n: int, now=None) -> None:
    """`n` people spread over the tracks of each time block (those who find no seat wait): every third
    from a ministry, the first one too, the others from an NGO; every fourth remote; every second
    writes in English."""
    ministry = organisation(session, "Labklājības ministrija", Sector.STATE_ADMINISTRATION)
    ngo = organisation(session, "Latvijas Pilsoniskā alianse", Sector.NGO)
    for i in range(n):
        official = i % 3 == 0
        create_registration(
            session, event, now, track_ids={slot.id: slot.tracks[i % len(slot.tracks)].id for slot in event.slots},
            sector=Sector.STATE_ADMINISTRATION if official else Sector.NGO,
            organisation_name=(ministry if official else ngo).name,
            attendance_mode=AttendanceMode.REMOTE if i % 4 == 3 else AttendanceMode.IN_PERSON,
            language="en" if i % 2 else "lv",
        )


def more_time_blocks(session, event: Event, tracks: int) -> None:
    """`tracks` more tracks for the event, in time blocks of two after its first one."""
    first = event.slots[0]
    for n in range(0, tracks, 2):
        slot = Slot(title_lv=f"Darba grupas {n}", title_en=f"Working groups {n}", starts_at=first.ends_at,
                    ends_at=first.ends_at + timedelta(hours=1))
        event.slots.append(slot)
        for position in range(1, min(2, tracks - n) + 1):
            slot.tracks.append(Track(position=position, title_lv=f"Grupa {n + position}", title_en=f"Group {n + position}",
                                     capacity=2, state_admin_minimum=first.tracks[0].state_admin_minimum))
    session.flush()


def fresh(session, event: Event) -> Event:
    """The event as a request finds it (`permissions.event_for`): with its time blocks and tracks, nothing else."""
    session.flush()
    session.expunge_all()
    return session.get(Event, event.id, options=[selectinload(Event.slots).selectinload(Slot.tracks)])


def statements(session, count_queries, event: Event, action):
    event = fresh(session, event)
    with count_queries() as queries:
        action(event)
        session.flush()
    return queries


def full_event(session, people: int) -> Event:
    """One seat at the event and in its one track: the first person is seated, everyone else
    waits (or takes part remotely), however many they are."""
    event = create_event(session, tracks=1, track_capacity=1, capacity=1, remote_allowed=True)
    registrants(session, event, people)
    return event


def cancel(session):
    return lambda event: events.cancel_event(session, None, event)


def move(session):
    def one_day_later(event):
        start = event.starts_at + timedelta(days=1)
        events.update_event(session, None, event, events.EventData.of(event, starts_at=start, ends_at=start + timedelta(hours=6)))

    return one_day_later


@pytest.mark.parametrize("change", [cancel, move])
def test_telling_everyone_of_an_event_change_takes_the_same_statements_for_1_and_50_registrants(
    session, count_queries, change
):
    few = statements(session, count_queries, full_event(session, FEW), change(session))
    many = statements(session, count_queries, full_event(session, MANY), change(session))
    assert many.reads == few.reads
    # The request records one mail job; the sender writes the messages (see the test below).
    assert len(many) == len(few)
    assert [s.split("(")[0].strip() for s in many.statements if s.lstrip().upper().startswith("INSERT")] == [
        "INSERT INTO audit_entry", "INSERT INTO mail_job"]


@pytest.mark.parametrize("change", [cancel, move])
def test_the_sender_expands_an_event_change_with_the_same_reads_for_1_and_50_registrants(
    session, count_queries, change
):
    def expansion(people: int):
        event = fresh(session, full_event(session, people))
        event_id = event.id
        change(session)(event)
        session.commit()
        session.expunge_all()
        with count_queries() as queries:
            assert mail_jobs.expand_mail_jobs(session, utcnow()) == 1
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind.in_(["changed", "event_cancelled"]), OutboxMessage.event_id == event_id)) == people
        return queries

    assert expansion(MANY).reads == expansion(FEW).reads


def covered_event(session, tracks: int, **values) -> Event:
    """Each track (four to a time block) with three people, the last one waiting, and an open delegation request."""
    event = create_event(session, tracks=min(tracks, 4), track_capacity=2, state_admin_minimum=2, remote_allowed=True,
                         **values)
    if tracks > 4:
        more_time_blocks(session, event, tracks - 4)
    registrants(session, event, 3 * tracks, now=event.starts_at - timedelta(days=10))
    organiser = create_user(session)
    ministry = organisation(session, "Labklājības ministrija", Sector.STATE_ADMINISTRATION)
    for track in event.tracks:
        delegation.send_request(session, organiser, track, ministry, "kanceleja@lm.gov.lv", "",
                                event.starts_at - timedelta(days=9), deadline=event.starts_at - timedelta(hours=1))
    return event


def test_event_coverage_takes_the_same_statements_for_1_and_8_tracks(session, count_queries):
    def board(event):
        for entry in track_coverage.event_coverage(session, event, utcnow()):
            shown = [(p.full_name, p.organisation.name) for p in entry.in_person + entry.remote + entry.waiting]
            shown += [(r.organisation.name, r.status) for r in entry.requests]
            shown.append((entry.track.slot.title_lv, entry.state, entry.held))

    one = statements(session, count_queries, covered_event(session, 1), board)
    eight = statements(session, count_queries, covered_event(session, 8), board)
    assert len(eight) == len(one)


def test_actual_coverage_takes_the_same_statements_for_1_and_8_tracks(session, count_queries):
    def after(event):
        for entry in track_coverage.actual_coverage(session, event, utcnow()):
            [p.full_name for p in entry.arrived_people + entry.not_arrived]

    past = {"starts_at": utcnow() - timedelta(days=2)}
    one = statements(session, count_queries, covered_event(session, 1, **past), after)
    eight = statements(session, count_queries, covered_event(session, 8, **past), after)
    assert len(eight) == len(one)


def test_the_year_s_coverage_takes_the_same_statements_for_1_and_10_events(session, count_queries):
    def year_view(n: int, year: int) -> int:
        for week in range(n):
            covered_event(session, 2, starts_at=utcnow().replace(year=year, month=3, day=1) + timedelta(weeks=week))
        session.flush()
        session.expunge_all()
        with count_queries() as queries:
            for _event, entries in track_coverage.year_coverage(session, year, utcnow()):
                [(entry.state, entry.held, len(entry.open_requests)) for entry in entries]
        return len(queries)

    assert year_view(10, utcnow().year + 2) == year_view(1, utcnow().year + 1)


@pytest.mark.parametrize("released", [False, True])
def test_the_board_holds_the_seats_the_seating_rule_holds(session, released):
    """The board counts held seats from what it has loaded; they are the ones `seat_holds.held_seats` keeps."""
    start = utcnow() + (timedelta(days=1) if released else timedelta(days=30))
    event = covered_event(session, 4, starts_at=start)
    by_track = {entry.track.id: entry.held for entry in track_coverage.event_coverage(session, event, utcnow())}
    assert by_track == {track.id: seat_holds.held_seats(session, event, utcnow()).get(track.id, 0) for track in event.tracks}
    assert any(by_track.values())
    delegation_request = session.scalars(select(DelegationRequest)).first()
    delegation_request.status = DelegationStatus.DECLINED
    by_track = {entry.track.id: entry.held for entry in track_coverage.event_coverage(session, event, utcnow())}
    assert by_track == {track.id: seat_holds.held_seats(session, event, utcnow()).get(track.id, 0) for track in event.tracks}


def with_questions(session, event: Event) -> int:
    """Two questions (one choice, yes / no) and a removed one, answered by every registrant of the
    event; the removed one's id."""
    from eventapp.models import QuestionKind, Registration
    from eventapp.services.registration.answers import AnswerValue, save_answers
    from eventapp.services.registration.questions import QuestionData, add_question, remove_question

    menu = add_question(session, None, event, QuestionData(
        kind=QuestionKind.ONE_CHOICE, text_lv="Ēdienkarte", options_lv=["Veģetārā", "Zivis"]), utcnow())
    photos = add_question(session, None, event, QuestionData(kind=QuestionKind.YES_NO, text_lv="Foto?"), utcnow())
    old = add_question(session, None, event, QuestionData(kind=QuestionKind.SHORT_TEXT, text_lv="Transports"), utcnow())
    questions = [menu, photos, old]
    for n, registration in enumerate(session.scalars(select(Registration).where(Registration.event_id == event.id))):
        answers = {menu.id: AnswerValue(option_ids=(menu.options[n % 2].id,)), photos.id: AnswerValue(yes_no=n % 3 == 0),
                   old.id: AnswerValue(text=f"Vilciens {n}")}
        save_answers(session, registration, questions, answers, utcnow())
    session.flush()
    remove_question(session, None, old, utcnow())
    session.flush()
    return old.id


@pytest.mark.parametrize("answer_filter", [False, True])
def test_the_registrations_page_and_export_read_answers_with_the_same_statements_for_1_and_50(
    session, count_queries, answer_filter
):
    from eventapp.services.registration.answers import question_columns
    from eventapp.services.registration.registration_list import (
        RegistrationFilters,
        registration_page,
        registration_rows,
        registrations_table,
    )

    def listed(people: int):
        event = create_event(session, tracks=2, track_capacity=10, remote_allowed=True)
        registrants(session, event, people)
        with_questions(session, event)
        event = fresh(session, event)
        with count_queries() as queries:
            columns = question_columns(session, event, "lv")
            questions = [question for question, _title in columns]
            args = {f"a{questions[0].id}": str(questions[0].options[1].id)} if answer_filter else {}
            filters = RegistrationFilters.from_args(args, event, questions)
            page = registration_page(session, event, filters, 1, questions=questions)
            rows = registration_rows(session, event, filters, questions=questions)
            table = registrations_table(rows, event, "lv", columns)
        assert page.rows and all(row.answers for row in page.rows)
        assert len(table.rows) == len(rows)
        return queries

    few, many = listed(FEW + 1), listed(MANY)
    assert len(many) == len(few)
