"""A table for spreadsheets, one header row and its rows, written as CSV or as an Excel workbook.

Excel set up for Latvia separates a CSV's columns with `;`, so a comma-separated file opens
there as one column; a workbook opens as a table whatever the settings, so every export is
offered as both. Both guard against formula injection: a cell a spreadsheet would run (one
typed as `=HYPERLINK(...)` into a registration form) stays text. Moments are written in Riga
time: in the workbook as real dates, in CSV in a form spreadsheets read as one.
"""
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ...formatting import to_riga

FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Cell = str | int | float | datetime | date | None

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters that XML 1.0, and so a workbook, cannot hold (tab, line feed and return it can).
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_CELL_LIMIT = 32767
_SHEET_NAME_LIMIT = 31
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
DATE_TIME_FORMAT, DATE_FORMAT = "yyyy-mm-dd hh:mm", "yyyy-mm-dd"


@dataclass(frozen=True)
class Table:
    title: str  # the workbook's sheet name
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]] = field(default_factory=list)


def safe_cell(value) -> str:
    """The cell as CSV text, with a leading ' when a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _riga_wall_clock(moment: datetime) -> datetime:
    """Riga's local time without a zone: what a spreadsheet's date cell holds."""
    return to_riga(moment).replace(tzinfo=None) if moment.tzinfo else moment


def _csv_cell(value: Cell) -> str:
    if isinstance(value, str):  # most cells: the same as `safe_cell`, sooner
        return "'" + value if value.startswith(_FORMULA_START) else value
    if isinstance(value, datetime):
        return _riga_wall_clock(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return safe_cell(value)


def to_csv(table: Table) -> bytes:
    """UTF-8 with a BOM (so that Excel reads the Latvian letters), commas, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(title) for title in table.header])
    writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    return out.getvalue().encode("utf-8-sig")


def _sheet_name(title: str) -> str:
    return _NOT_IN_SHEET_NAME.sub("-", title)[:_SHEET_NAME_LIMIT].strip() or "Sheet1"


def _xlsx_cell(sheet, value: Cell):
    """What the write-only sheet is given for a cell: the value itself, or a cell that carries its
    format (dates) or is kept a string (text a spreadsheet would take for a formula)."""
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, _riga_wall_clock(value))
        cell.number_format = DATE_TIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = _NOT_IN_XML.sub("", str(value))[:_EXCEL_CELL_LIMIT]
    if not text.startswith(_FORMULA_START):
        return text
    # openpyxl makes a formula of any text that starts with "="; this keeps it a string,
    # and the quote prefix keeps it one when somebody edits the cell.
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _width(value: Cell) -> int:
    if isinstance(value, str) and "\n" not in value:
        return len(value)
    if isinstance(value, datetime):
        return len(DATE_TIME_FORMAT)
    return max((len(line) for line in str(value or "").splitlines()), default=0)


def to_xlsx(table: Table) -> bytes:
    """One sheet: the header row bold and frozen, with a filter, and columns wide enough to read.

    Written as a stream (openpyxl's write-only mode): the widths are measured first, as the
    columns come before the rows in the file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name(table.title))
    workbook.properties.creator = "eventapp"
    workbook.properties.title = table.title
    columns = len(table.header)
    widths = [_width(title) for title in table.header]
    for row in table.rows:
        for column, value in enumerate(row[:columns]):
            width = _width(value)
            if width > widths[column]:
                widths[column] = width
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    if table.header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{len(table.rows) + 1}"
    bold = Font(bold=True)
    header = []
    for title in table.header:
        cell = _xlsx_cell(sheet, title)
        if not isinstance(cell, SheetCell):
            cell = WriteOnlyCell(sheet, cell)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write(table: Table, format: str) -> bytes:
    """The table as a file of `format`, one of FORMATS."""
    if format == "csv":
        return to_csv(table)
    if format == "xlsx":
        return to_xlsx(table)
    raise ValueError(f"unknown table format {format!r}; one of {', '.join(FORMATS)}")
