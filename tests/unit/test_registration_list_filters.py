"""The organisers' list narrowed by a search and by check-in, as `registrations_query` gives it."""
import pytest

from eventapp.models import AttendanceMode, RegistrationStatus, utcnow
from eventapp.services.checkin.check_ins import Scanner, check_in, undo_check_in
from eventapp.services.registration.registration_list import (
    RegistrationFilters,
    fold_search,
    registration_rows,
    registrations_query,
)

from ..factories import create_event, create_organisation, create_registration, create_user


@pytest.fixture
def event(session):
    event = create_event(session, tracks=2, remote_allowed=True)
    alliance = create_organisation(session, name="Latvijas Pilsoniskā alianse")
    create_registration(session, event, full_name="Anna Bērziņa", email="anna@example.lv",
                        organisation_name="Jēkabpils NVO centrs")
    create_registration(session, event, full_name="Jānis Ozoliņš", email="JANIS.O@example.lv",
                        organisation_name=alliance.name)
    create_registration(session, event, full_name="Līga Kalniņa", email="liga_k@example.lv",
                        organisation_name="Ogres 100% biedrība", attendance_mode=AttendanceMode.REMOTE)
    return event


def found(session, event, **args) -> list[str]:
    filters = RegistrationFilters.from_args(args, event)
    return [r.full_name for r in session.scalars(registrations_query(event, filters))]


def test_fold_search_drops_case_and_latvian_marks():
    assert fold_search("BĒRZIŅA Ģirts Ķesteris Ļoļa Žūžā") == "berzina girts kesteris lola zuza"


@pytest.mark.parametrize(("q", "expected"), [
    ("berzina", ["Anna Bērziņa"]),
    ("BĒRZIŅA", ["Anna Bērziņa"]),
    ("LATVIJAS PILSONISKA", ["Jānis Ozoliņš"]),  # the directory's name of the organisation
    ("pilsoniskā janis", ["Jānis Ozoliņš"]),  # every word, anywhere
    ("janis.o@", ["Jānis Ozoliņš"]),  # email
    ("jekabpils nvo", ["Anna Bērziņa"]),  # organisation as typed
    ("100%", ["Līga Kalniņa"]),  # LIKE's wildcards are plain letters
    ("a_k", ["Līga Kalniņa"]),
    ("%", ["Līga Kalniņa"]),
    (".*", []),  # nor are a regular expression's
    ("[a-z]+ (", []),
    ("kalnina ozolins", []),
    ("  ", ["Anna Bērziņa", "Jānis Ozoliņš", "Līga Kalniņa"]),
])
def test_search_ignores_case_and_diacritics(session, event, q, expected):
    assert found(session, event, q=q) == expected


def test_checkin_filter_counts_door_check_ins_not_undone(session, event):
    anna, janis, _liga = session.scalars(registrations_query(event, RegistrationFilters())).all()
    scanner = Scanner(user=create_user(session))
    check_in(session, event, scanner, utcnow(), scan_id="scan-anna", registration_id=anna.id)
    check_in(session, event, scanner, utcnow(), scan_id="scan-janis", registration_id=janis.id)
    undo_check_in(session, event, scanner, "scan-janis", utcnow())
    session.flush()
    assert found(session, event, checkin="yes") == ["Anna Bērziņa"]
    assert found(session, event, checkin="no") == ["Jānis Ozoliņš", "Līga Kalniņa"]
    rows = {row.full_name: row for row in registration_rows(session, event, RegistrationFilters())}
    assert rows["Anna Bērziņa"].arrived_at is not None
    assert rows["Jānis Ozoliņš"].arrived_at is None


@pytest.mark.parametrize("args", [
    {"q": ["x"]}, {"q": "x" * 5000}, {"checkin": "maybe"}, {"checkin": ["yes"]}, {"q": "\x00\x1b"},
])
def test_junk_is_ignored_or_cut(session, event, args):
    filters = RegistrationFilters.from_args(args, event)
    assert filters.checkin is None
    assert filters.q is None or len(filters.q) <= 100
    session.scalars(registrations_query(event, filters)).all()


def test_filters_survive_the_round_trip(session, event):
    filters = RegistrationFilters.from_args(
        {"q": " Bērziņa   anna ", "checkin": "no", "status": RegistrationStatus.CONFIRMED.value}, event
    )
    assert filters.q == "Bērziņa anna"
    assert filters.as_args() == {"q": "Bērziņa anna", "status": "confirmed", "checkin": "no"}
    assert RegistrationFilters.from_args(filters.as_args(), event) == filters


# Filters on the answers to the event's own questions

@pytest.fixture
def asked(session, event):
    """A yes / no question Anna answered yes and Jānis no; another event's question."""
    from eventapp.models import QuestionKind
    from eventapp.services.registration.answers import AnswerValue, save_answers
    from eventapp.services.registration.questions import QuestionData, add_question

    photos = add_question(session, None, event, QuestionData(kind=QuestionKind.YES_NO, text_lv="Foto?"), utcnow())
    anna, janis, _liga = session.scalars(registrations_query(event, RegistrationFilters())).all()
    save_answers(session, anna, [photos], {photos.id: AnswerValue(yes_no=True)}, utcnow())
    save_answers(session, janis, [photos], {photos.id: AnswerValue(yes_no=False)}, utcnow())
    other = add_question(session, None, create_event(session, tracks=1), QuestionData(
        kind=QuestionKind.YES_NO, text_lv="Cits"), utcnow())
    session.flush()
    return photos, other


def test_an_answer_filter_is_read_from_the_address_and_given_back(session, event, asked):
    photos, _other = asked
    filters = RegistrationFilters.from_args({f"a{photos.id}": "yes", "q": "anna"}, event)  # the questions read here
    assert filters.answers == ((photos, "yes"),)
    assert filters.as_args() == {"q": "anna", f"a{photos.id}": "yes"} and filters.active
    assert filters.answer_value(photos) == "yes"
    assert found(session, event, **{f"a{photos.id}": "no"}) == ["Jānis Ozoliņš"]
    assert found(session, event, **{f"a{photos.id}": "unanswered"}) == ["Līga Kalniņa"]


@pytest.mark.parametrize("args", [
    {"a{photos}": "maybe"}, {"a{photos}": ""}, {"a{other}": "yes"}, {"a0": "yes"}, {"a{photos}x": "yes"},
    {"a{photos}": ["yes"]}, {"a-{photos}": "yes"}, {"a9999999999": "yes"}, {7: "yes"},
])
def test_junk_answer_filters_are_dropped(session, event, asked, args):
    photos, other = asked
    ids = {"photos": photos.id, "other": other.id}
    args = {(key.format(**ids) if isinstance(key, str) else key): value for key, value in args.items()}
    for questions in (None, [photos, other]):  # the other event's question, even when handed in
        filters = RegistrationFilters.from_args(args, event, questions)
        assert filters.answers == () and filters.as_args() == {}


def test_the_rows_carry_the_answers_and_the_export_a_column_per_question(session, event, asked):
    from eventapp.services.registration.answers import question_columns
    from eventapp.services.registration.registration_list import registrations_table

    columns = question_columns(session, event, "lv")
    rows = registration_rows(session, event, RegistrationFilters(), questions=[q for q, _title in columns])
    table = registrations_table(rows, event, "lv", columns)
    assert table.header[-1] == "Foto?"
    assert [row[-1] for row in table.rows] == ["Jā", "Nē", ""]
    assert registration_rows(session, event, RegistrationFilters())[0].answers == {}  # not asked for: not read
