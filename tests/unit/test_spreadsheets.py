"""The tables every export writes: the workbook as a stream, the CSV, and the times in them."""
import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from flask_babel import format_time
from openpyxl import load_workbook

from eventapp.formatting import riga_time
from eventapp.languages import in_language
from eventapp.services.documents.spreadsheets import Table, to_csv, to_xlsx

TABLE = Table(
    "Reģistrācijas: [visi]",
    ["Vārds", "=Jautājums", "Reģistrēts", "Diena", "Skaits", "Piekrīt"],
    [
        ["Anna Bērziņa", "=HYPERLINK(\"http://evil\")", datetime(2026, 7, 1, 9, 5, tzinfo=timezone.utc), date(2026, 7, 2), 3, True],
        ["Ēriks\x01 Ozols ar ļoti garu vārdu", None, None, None, 2.5, False],
        ["-2+3", "Otrā\nrinda", None, None, None, None],
    ],
)


def test_the_workbook_has_a_bold_frozen_header_a_filter_and_readable_widths():
    sheet = load_workbook(io.BytesIO(to_xlsx(TABLE))).active
    assert sheet.title == "Reģistrācijas- -visi-"  # what a sheet name cannot hold is replaced
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F4"
    assert all(cell.font.bold for cell in sheet[1]) and not any(cell.font.bold for cell in sheet[2])
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    assert widths["A"] == len("Ēriks\x01 Ozols ar ļoti garu vārdu") + 2  # the longest cell of the column
    assert widths["B"] == len("=HYPERLINK(\"http://evil\")") + 2 and widths["E"] == 8  # at least 8


def test_the_workbook_keeps_values_typed_and_formulas_as_text():
    sheet = load_workbook(io.BytesIO(to_xlsx(TABLE))).active
    rows = [[cell for cell in row] for row in sheet.iter_rows()]
    header, anna, eriks, third = rows
    for cell in (header[1], anna[1], third[0]):
        assert cell.data_type == "s", cell.value  # a string, never a formula
    assert header[1].quotePrefix and anna[1].quotePrefix and third[0].quotePrefix
    assert anna[2].value == datetime(2026, 7, 1, 12, 5) and anna[2].number_format == "yyyy-mm-dd hh:mm"  # Riga's clock
    assert anna[3].value == datetime(2026, 7, 2) and anna[3].number_format == "yyyy-mm-dd"
    assert (anna[4].value, eriks[4].value) == (3, 2.5) and anna[5].value == "True"
    assert eriks[0].value == "Ēriks Ozols ar ļoti garu vārdu"  # a character XML cannot hold is left out
    assert eriks[1].value is None and third[1].value == "Otrā\nrinda"


def test_the_csv_neutralises_formulas_and_writes_riga_time():
    rows = list(csv.reader(io.StringIO(to_csv(TABLE).decode("utf-8-sig"))))
    assert rows[0][1] == "'=Jautājums"
    assert rows[1] == ["Anna Bērziņa", "'=HYPERLINK(\"http://evil\")", "2026-07-01 12:05", "2026-07-02", "3", "True"]
    assert rows[2][1:] == ["", "", "", "2.5", "False"] and rows[3][0] == "'-2+3"


@pytest.mark.parametrize("language", ["lv", "en"])
def test_riga_time_says_what_babel_says(app, language):
    moments = [datetime(2025, 3, 30, 0, 30, tzinfo=timezone.utc) + timedelta(minutes=17 * n) for n in range(300)]
    moments += [datetime(2025, 10, 26, 0, 0, tzinfo=timezone.utc) + timedelta(minutes=13 * n) for n in range(300)]
    with app.test_request_context(), in_language(language):
        assert [riga_time(moment) for moment in moments] == [format_time(moment, "HH:mm") for moment in moments]
        assert riga_time(datetime(2026, 1, 1, 8, 0)) == "10:00"  # no zone: UTC
        assert riga_time(None) == ""
