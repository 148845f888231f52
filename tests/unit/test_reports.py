"""The organisers' registration rows, counts and CSV export, without HTTP."""
import csv
import io
from dataclasses import asdict

import pytest

from eventapp.models import AttendanceMode, RegistrationStatus, Sector, utcnow
from eventapp.services.documents.spreadsheets import safe_cell, to_csv
from eventapp.services.registration.lifecycle import cancel_registration
from eventapp.services.registration.registration_list import (
    RegistrationFilters,
    registration_rows,
    registration_summary,
    registrations_table,
)

from ..factories import create_event, create_registration

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED,
)


@pytest.fixture
def event(session):
    """Two tracks of one seat each; the first person takes track 1, the second waits for it."""
    event = create_event(session, tracks=2, track_capacity=1, remote_allowed=True, slug="jekabpils")
    first, second = event.tracks
    create_registration(session, event, full_name="Anna Bērziņa", email="anna@example.lv",
                        organisation_name="Jēkabpils NVO centrs", access_needs="Ratiņkrēsls",
                        consent_photos=True)
    create_registration(session, event, full_name="Jānis Ozoliņš", email="janis@example.lv")
    create_registration(session, event, full_name="Līga Kalniņa", email="liga@example.lv",
                        attendance_mode=AttendanceMode.REMOTE, track_ids={first.slot_id: second.id})
    create_registration(session, event, full_name="Pēteris Zariņš", email="peteris@example.lv",
                        sector=Sector.STATE_ADMINISTRATION, organisation_name="Valsts kanceleja",
                        track_ids={first.slot_id: second.id})
    return event


def names(rows):
    return [row.full_name for row in rows]


def test_rows_show_each_person_with_status_and_waiting_place(session, event):
    first, second = event.tracks
    rows = registration_rows(session, event, RegistrationFilters())
    assert names(rows) == ["Anna Bērziņa", "Jānis Ozoliņš", "Līga Kalniņa", "Pēteris Zariņš"]
    anna, janis, liga, peteris = rows
    assert anna.organisation == "Jēkabpils NVO centrs" and anna.consent_photos is True
    assert anna.choices[first.slot_id].track is first
    assert anna.choices[first.slot_id].status is CONFIRMED
    assert janis.status is CONFIRMED  # the event has no seat limit
    assert janis.choices[first.slot_id].status is WAITLISTED
    assert janis.choices[first.slot_id].position == 1
    assert liga.mode is AttendanceMode.REMOTE and liga.choices[first.slot_id].status is CONFIRMED
    assert peteris.choices[first.slot_id].status is CONFIRMED  # remote Līga takes no seat


@pytest.mark.parametrize("args,expected", [
    ({"status": "confirmed"}, ["Anna Bērziņa", "Jānis Ozoliņš", "Līga Kalniņa", "Pēteris Zariņš"]),
    ({"sector": "state_administration"}, ["Pēteris Zariņš"]),
    ({"mode": "remote"}, ["Līga Kalniņa"]),
    ({"mode": "in_person", "sector": "ngo"}, ["Anna Bērziņa", "Jānis Ozoliņš"]),
    ({"status": "waitlisted"}, []),
])
def test_filters(session, event, args, expected):
    filters = RegistrationFilters.from_args(args, event)
    assert names(registration_rows(session, event, filters)) == expected


def test_track_filter(session, event):
    first, second = event.tracks
    filters = RegistrationFilters.from_args({"track": str(second.id)}, event)
    assert filters.track_id == second.id
    assert names(registration_rows(session, event, filters)) == ["Līga Kalniņa", "Pēteris Zariņš"]


@pytest.mark.parametrize("args", [
    {"status": "\x00x", "track": "abc"},
    {"status": "CONFIRMED", "sector": "ngo\x00", "mode": "remote "},
    {"track": "１"},  # a full-width digit
    {"track": "99999999999999999999"},
    {"track": "-1", "status": "", "sector": "'; drop table registration; --"},
    {"status": ["confirmed"]},  # not a string at all
])
def test_unknown_or_malformed_filters_are_ignored(session, event, args):
    filters = RegistrationFilters.from_args(args, event)
    assert filters == RegistrationFilters()
    assert not filters.active
    assert len(registration_rows(session, event, filters)) == 4


def test_track_of_another_event_is_ignored(session, event):
    other = create_event(session, tracks=1)
    assert RegistrationFilters.from_args({"track": str(other.tracks[0].id)}, event).track_id is None


def test_filters_give_back_their_query_string(session, event):
    args = {"track": str(event.tracks[0].id), "status": "waitlisted", "sector": "municipality", "mode": "in_person"}
    filters = RegistrationFilters.from_args(args, event)
    assert filters.as_args() == args
    assert RegistrationFilters.from_args(filters.as_args(), event) == filters


def test_summary_counts_per_track_and_totals(session, event):
    first, second = event.tracks
    summary = registration_summary(session, event)
    counts = {row.track.id: row for row in summary.tracks}
    assert {k: getattr(counts[first.id], k) for k in ("in_person", "remote", "waiting", "seats_left")} == {
        "in_person": 1, "remote": 0, "waiting": 1, "seats_left": 0}
    assert {k: getattr(counts[second.id], k) for k in ("in_person", "remote", "waiting", "seats_left")} == {
        "in_person": 1, "remote": 1, "waiting": 0, "seats_left": 0}
    assert asdict(summary.totals) == {"registered": 4, "in_person": 3, "remote": 1, "waiting": 0, "cancelled": 0,
                                      "seats_left": None}


def test_rows_take_the_same_number_of_queries_however_many_registered(session, event, count_queries):
    def queries_for_rows() -> int:
        session.flush()  # registrations still pending are not the rows' queries
        session.expire_all()
        with count_queries() as queries:
            for row in registration_rows(session, event, RegistrationFilters()):
                [choice.track.title_lv for choice in row.choices.values()]
            registration_summary(session, event)
        return len(queries)

    before = queries_for_rows()
    for n in range(5):
        create_registration(session, event, email=f"vel{n}@example.lv")
    assert queries_for_rows() == before


def registrations_csv(rows, event, locale: str) -> str:
    return to_csv(registrations_table(rows, event, locale)).decode("utf-8")


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_opens_in_excel_with_latvian_letters_intact(session, event):
    rows = registration_rows(session, event, RegistrationFilters())
    data = registrations_csv(rows, event, "lv").encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    table = parse(text)
    assert table[0] == [
        "Vārds un uzvārds", "E-pasts", "Organizācija", "Sektors", "Dalības veids", "Statuss", "Darba grupas",
        "Piekļūstamības vajadzības", "Ēdināšanas vajadzības", "Piekrišana fotografēšanai", "Reģistrēts",
        "Ierašanās atzīmēta",
    ]
    anna, janis, liga, peteris = table[1:]
    assert anna[:6] == ["Anna Bērziņa", "anna@example.lv", "Jēkabpils NVO centrs", "NVO", "Klātienē",
                        "Vieta nodrošināta"]
    assert anna[6] == "Darba grupa 1 (vieta)"
    assert anna[7:10] == ["Ratiņkrēsls", "", "Jā"]
    assert len(anna[10]) == len("2027-03-04 10:00")
    assert janis[5] == "Vieta daļēji nodrošināta. Gaida vietu grupā “Darba grupa 1”: nr. 1."
    assert janis[6] == "Darba grupa 1 (gaidīšanas sarakstā, nr. 1)"
    assert liga[4] == "Attālināti" and liga[6] == "Darba grupa 2 (attālināti)"
    assert peteris[3] == "Valsts pārvalde" and peteris[9] == "Nē"


def test_csv_english_track_titles(session, event):
    rows = registration_rows(session, event, RegistrationFilters.from_args({"mode": "remote"}, event))
    table = parse(registrations_csv(rows, event, "en").removeprefix("\ufeff"))
    assert table[0][6] == "Working groups"
    assert [row[0] for row in table[1:]] == ["Līga Kalniņa"]
    assert table[1][6] == "Working group 2 (remote)"


def test_csv_neutralises_formulas(session, event):
    create_registration(session, event, full_name="=HYPERLINK(\"http://evil\",\"x\")", email="evil@example.lv",
                        organisation_name="+37120000000", access_needs="@SUM(A1)", dietary_needs="-2+3")
    cancelled = create_registration(session, event, email="tab@example.lv")
    cancelled.full_name = "\tTab"  # the service strips what is typed; an import might not
    cancel_registration(session, cancelled, utcnow())
    rows = registration_rows(session, event, RegistrationFilters())
    evil, tab = parse(registrations_csv(rows, event, "lv").removeprefix("\ufeff"))[-2:]
    assert evil[0] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert evil[2] == "'+37120000000"
    assert evil[7:9] == ["'@SUM(A1)", "'-2+3"]
    assert tab[0] == "'\tTab" and tab[5] == "Atcelts" and tab[6] == "Darba grupa 1 (atcelta)"


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Rīga", "Rīga"), ("a=b", "a=b"), ("", ""), (None, ""), (3, "3"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
