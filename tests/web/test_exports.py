"""Every export as CSV and as an Excel workbook: its headers, its words, its cells, its links."""
import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from eventapp.formatting import RIGA
from eventapp.models import utcnow
from eventapp.services.demo import seed_demo

from ..factories import create_event, create_registration
from ..pdf_tools import pdf_text

JEKABPILS = "2025-09-03-jekabpils-regional-session"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTRATIONS = "/admin/events/jekabpils/registrations"


@pytest.fixture
def demo(make):
    make.run(lambda s: seed_demo(s, utcnow()))


@pytest.fixture
def people(make):
    """An event whose track and people were typed by a hostile hand, and one honest person."""

    def build(s):
        event = create_event(s, tracks=1, slug="jekabpils", state_admin_minimum=1)
        event.tracks[0].title_lv = "=HYPERLINK(\"http://evil\",\"Darba grupa\")"
        anna = create_registration(s, event, full_name="Anna Bērziņa", email="anna@example.lv",
                                   organisation_name="Jēkabpils NVO centrs", access_needs="Ratiņkrēsls")
        evil = create_registration(s, event, full_name="@SUM(A1)", email="evil@example.lv",
                                   organisation_name="+37120000000", dietary_needs="-2+3")
        return {"anna": anna.id, "evil": evil.id, "registered_at": anna.created_at}

    return make.run(build)


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.data)).active


def sheet_values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("url,name", [
    (f"/admin/events/{JEKABPILS}/coverage-report.csv", f"{JEKABPILS}-coverage.csv"),
    (f"/admin/events/{JEKABPILS}/coverage-report.xlsx", f"{JEKABPILS}-coverage.xlsx"),
])
def test_coverage_report_names_its_type_once(client, login, demo, url, name):
    login("organiser")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] in ("text/csv; charset=utf-8", XLSX)
    assert response.headers["Content-Type"].count("charset") <= 1
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'


def test_coverage_pdf_breaks_no_word(client, login, demo, tmp_path):
    login("organiser")
    text = pdf_text(client.get(f"/admin/events/{JEKABPILS}/coverage-report.pdf").data, tmp_path)
    words = text.split()
    for heading in ("Laika bloks", "Darba grupa", "Plānots: reģistrējušies / minimums", "Ierašanās: ieradušies / minimums",
                    "Pievienojās attālināti", "Faktiskā pārstāvība", "Valsts pārvalde klāt, pēc dalībnieku atbildēm"):
        assert heading in text, f"{heading!r} is broken in: {text}"
    for word in ("minimums", "atbildēm", "attālināti)", "nodrošināta", "Mazākumtautību", "nezina"):
        assert word in words, f"{word!r} is broken in: {text}"


def test_coverage_report_as_a_workbook(client, login, demo):
    login("organiser")
    sheet = workbook(client.get(f"/admin/events/{JEKABPILS}/coverage-report.xlsx"))
    rows = sheet_values(sheet)
    assert rows[0][:3] == ["Laika bloks", "Darba grupa", "Minimums"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    seniors = next(row for row in rows if "Senioru" in row[1])
    # minimum, planned in person, planned remote, arrived in person, joined remotely: numbers as numbers
    assert seniors[2:] == [1, 1, 0, 1, 0, "nodrošināta", "jā 2 · nē 0 · nezina 1"]


def test_registrations_as_a_workbook(client, login, people):
    login("organiser")
    sheet = workbook(client.get(REGISTRATIONS + ".xlsx"))
    rows = sheet_values(sheet)
    header = rows[0]
    assert header[:3] == ["Vārds un uzvārds", "E-pasts", "Organizācija"] and header[-2:] == ["Reģistrēts", "Ierašanās atzīmēta"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    anna = rows[1]
    assert anna[:6] == ["Anna Bērziņa", "anna@example.lv", "Jēkabpils NVO centrs", "NVO", "Klātienē", "Vieta nodrošināta"]
    registered = sheet.cell(row=2, column=len(header) - 1)
    assert isinstance(registered.value, datetime)  # a date Excel can sort and count, not text
    assert registered.is_date and "yy" in registered.number_format and "hh:mm" in registered.number_format
    riga = people["registered_at"].astimezone(RIGA).replace(tzinfo=None, second=0, microsecond=0)
    assert registered.value.replace(second=0, microsecond=0) == riga  # Riga's wall clock


def test_workbook_keeps_typed_formulas_as_text(client, login, people):
    login("organiser")
    sheet = workbook(client.get(REGISTRATIONS + ".xlsx"))
    cells = {cell.value: cell for row in sheet.iter_rows(min_row=1) for cell in row if cell.value is not None}
    for typed in ("@SUM(A1)", "+37120000000", "-2+3"):
        assert cells[typed].data_type == "s", typed  # a string, never a formula
    title = next(cell for cell in cells.values() if str(cell.value).startswith("=HYPERLINK"))
    assert title.data_type == "s"
    coverage = workbook(client.get("/admin/events/jekabpils/coverage-report.xlsx"))
    assert [cell.data_type for cell in coverage[2]][1] == "s"


def test_coverage_csv_neutralises_a_formula_in_a_title(client, login, people):
    login("organiser")
    text = client.get("/admin/events/jekabpils/coverage-report.csv").data.decode("utf-8-sig")
    track = list(csv.reader(io.StringIO(text)))[1][1]
    assert track == "'=HYPERLINK(\"http://evil\",\"Darba grupa\")"


def test_every_csv_link_has_its_workbook_beside_it(client, login, people):
    login("organiser")
    page = client.get(REGISTRATIONS + "?mode=in_person").get_data(as_text=True)
    assert "/registrations.csv?mode=in_person" in page and "/registrations.xlsx?mode=in_person" in page
    board = client.get("/admin/events/jekabpils/coverage").get_data(as_text=True)
    assert "/coverage-report.csv" in board and "/coverage-report.xlsx" in board


def test_workbook_refuses_strangers(client, login, people):
    assert client.get(REGISTRATIONS + ".xlsx").status_code == 302  # sign-in first
    login("facilitator")
    assert client.get(REGISTRATIONS + ".xlsx").status_code == 403


def test_workbook_follows_the_filters(client, login, people):
    login("organiser")
    rows = sheet_values(workbook(client.get(REGISTRATIONS + ".xlsx?sector=state_administration")))
    assert rows[1:] == []
    assert client.get("/admin/events/jekabpils/registrations.ods").status_code == 404


def test_english_export_speaks_english(client, login, people):
    login("organiser")
    with client.session_transaction() as session:
        session["lang"] = "en"
    rows = sheet_values(workbook(client.get(REGISTRATIONS + ".xlsx")))
    assert rows[0][:6] == ["Name", "Email", "Organisation", "Sector", "Attendance", "Status"]
    assert rows[1][3:6] == ["NGO", "In person", "Seated"]
    assert rows[1][6] == "Working group 1 (seat)"
