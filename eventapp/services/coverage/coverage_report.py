"""Coverage reports: per track, state administration planned (registrations), actual (in person
from check-ins, remote from joins) and as the participants saw it (the survey after the event), as a table (CSV or workbook), PDF
and SVG, in the language asked for."""
import io
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ...formatting import riga_date
from ...languages import in_language
from ...models import Event
from ...pdf import COUNCIL, column_widths, register_fonts
from ..documents import spreadsheets
from ..feedback.results import PresenceCounts
from .track_coverage import ActualCoverage, YearColumn

CELL_PADDING = 6  # reportlab's own left and right padding of a table cell, in points


# What participants said per track id, or None when nobody was asked (no survey).
Saw = dict[int, PresenceCounts | None] | None


def participants_said(saw: Saw, track_id: int) -> str:
    """"yes 0 · no 4 · don't know 0", "fewer than 3 answers" or "no survey"."""
    if saw is None:
        return _("no survey")
    counts = saw.get(track_id)
    if counts is None:
        return _("fewer than 3 answers")
    return _("yes %(yes)d · no %(no)d · don't know %(dont_know)d", yes=counts.yes, no=counts.no,
             dont_know=counts.dont_know)


def _rows(rows: list[ActualCoverage], with_check_ins: bool, locale: str, saw: Saw) -> list[list]:
    """`with_check_ins`: whether anyone's presence (in person or remote) was recorded at the event."""
    return [
        [
            row.track.slot.local("title", locale), row.track.local("title", locale), row.track.state_admin_minimum,
            row.planned_in_person, row.planned_remote, row.arrived if with_check_ins else "—",
            row.joined if with_check_ins else "—",
            row.state.label if with_check_ins else _("no check-in data"), participants_said(saw, row.track.id),
        ]
        for row in rows
    ]


def _header() -> list[str]:
    return [_("Time block"), _("Track"), _("Minimum"), _("Planned in person"), _("Planned remote"),
            _("Arrived in person"), _("Joined remotely"), _("Actual coverage"),
            _("State administration present, participants say")]


def report_table(event: Event, rows: list[ActualCoverage], with_check_ins: bool,
                 locale: str = "lv", saw: Saw = None) -> spreadsheets.Table:
    """The report as a table: a row per track, numbers as numbers; `saw`: `participants_saw`, or
    None when nobody was invited to the survey."""
    with in_language(locale):
        return spreadsheets.Table(_("State-administration coverage"), _header(),
                                  _rows(rows, with_check_ins, locale, saw))


def report_pdf(event: Event, rows: list[ActualCoverage], with_check_ins: bool, locale: str = "lv",
               saw: Saw = None) -> bytes:
    """A4 landscape: the council, the event, and a row per track: planned, checked in, and what
    participants said."""
    with in_language(locale):
        return _report_pdf(event, rows, with_check_ins, locale, saw)


def _pdf_rows(rows: list[ActualCoverage], with_check_ins: bool, locale: str, saw: Saw) -> list[list[str]]:
    """Seven columns, so that the plan, who came in person, who joined remotely, the state and what
    participants said of a track read side by side."""
    texts = [[_("Time block"), _("Track"), _("Planned: registered / minimum"), _("Checked in: arrived / minimum"),
              _("Joined remotely"), _("Actual coverage"), _("State administration present, participants say")]]
    for row in rows:
        minimum, registered = row.track.state_admin_minimum, row.planned_in_person + row.planned_remote
        planned = f"{registered} / {minimum}"
        if row.planned_remote:
            planned = _("%(registered)d / %(minimum)d (%(remote)d remote)", registered=registered, minimum=minimum,
                        remote=row.planned_remote)
        if with_check_ins:
            checked_in, joined, state = f"{row.arrived} / {minimum}", str(row.joined), row.state.label
        else:
            checked_in, joined, state = "—", "—", _("no check-in data")
        texts.append([row.track.slot.local("title", locale), row.track.local("title", locale), planned, checked_in,
                      joined, state, participants_said(saw, row.track.id)])
    return texts


def _report_pdf(event: Event, rows: list[ActualCoverage], with_check_ins: bool, locale: str, saw: Saw) -> bytes:
    regular, bold = register_fonts()
    out = io.BytesIO()
    title = event.local("title", locale)
    margin = 15 * mm
    page_width, _height = landscape(A4)
    document = SimpleDocTemplate(
        out, pagesize=landscape(A4), leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=_("%(event)s: state-administration coverage", event=title), author=str(COUNCIL),
    )
    small = ParagraphStyle("small", fontName=regular, fontSize=9, leading=12)
    heading = ParagraphStyle("title", fontName=bold, fontSize=15, leading=19)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=9, leading=11)
    place = ", ".join(filter(None, [event.venue, event.city]))
    story = [
        Paragraph(escape(str(COUNCIL)), small),
        Spacer(1, 3 * mm),
        Paragraph(escape(title), heading),
        Paragraph(escape(f"{riga_date(event.starts_at)} · {place}"), small),
        Spacer(1, 2 * mm),
        Paragraph(escape(_("State administration in the working groups: planned (registrations), actual "
                           "(check-ins in person, and joins of those who took part remotely) and as participants "
                           "saw it (the survey after the event; counts are shown only where at least 3 "
                           "answered).")), small),
        Spacer(1, 4 * mm),
    ]
    if not with_check_ins:  # neither a check-in nor a remote join
        story += [Paragraph(escape(_("There are no check-in data for this event yet: only the plan is shown.")), small),
                  Spacer(1, 3 * mm)]
    texts = _pdf_rows(rows, with_check_ins, locale, saw)
    widths = column_widths([list(column) for column in zip(*texts)], regular, cell.fontSize,
                           page_width - 2 * margin, CELL_PADDING)
    table = Table([[Paragraph(escape(text), cell) for text in row] for row in texts], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(table)
    document.build(story)
    return out.getvalue()


def year_chart_svg(columns: list[YearColumn], locale: str = "lv") -> str:
    """State-administration people per track and event over a year, as SVG readable without colour:
    each bar carries its numbers, in-person bars are solid and remote ones hatched; after an
    event, its numbers say who came (from the check-ins) and who joined remotely, and its state is
    the actual one."""
    bar_height, gap, label_width, unit = 18, 6, 330, 28
    rows = [entry for column in columns for entry in column.entries]
    title = escape(_("State administration per track"))
    legend = escape(_("Solid: in person; hatched: remote; | : the minimum"))
    height = 40 + len(rows) * (bar_height + gap) + len(columns) * 24
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="900" height="{height}" viewBox="0 0 900 {height}" '
        f'font-family="DejaVu Sans, sans-serif" font-size="12">',
        f"<title>{title}</title>",
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#1d2430" stroke-width="2"/></pattern></defs>',
        f'<text x="0" y="14" font-weight="bold">{legend}</text>',
    ]
    y = 30
    for column in columns:
        event = column.event
        heading = " · ".join(filter(None, [riga_date(event.starts_at, "medium"), event.city, event.local("title", locale)]))
        heading = heading if len(heading) <= 100 else heading[:99] + "…"
        parts.append(f'<text x="0" y="{y + 14}" font-weight="bold">{escape(heading)}</text>')
        y += 24
        actual = {row.track.id: row for row in column.actual or []} if column.with_check_ins else {}
        for entry in column.entries:
            in_person, remote = len(entry.in_person), len(entry.remote)
            title_text = entry.track.local("title", locale)
            label = title_text if len(title_text) <= 48 else title_text[:47] + "…"
            parts.append(f'<text x="0" y="{y + 13}">{escape(label)}</text>')
            x = label_width
            if in_person:
                parts.append(f'<rect x="{x}" y="{y}" width="{in_person * unit}" height="{bar_height}" fill="#1d2430"/>')
                x += in_person * unit
            if remote:
                parts.append(f'<rect x="{x}" y="{y}" width="{remote * unit}" height="{bar_height}" fill="url(#hatch)" stroke="#1d2430"/>')
                x += remote * unit
            minimum_x = label_width + entry.minimum * unit
            parts.append(f'<line x1="{minimum_x}" y1="{y - 2}" x2="{minimum_x}" y2="{y + bar_height + 2}" stroke="#9e3039" stroke-width="3"/>')
            text = _("%(in_person)d in person, %(remote)d remote, minimum %(minimum)d",
                     in_person=in_person, remote=remote, minimum=entry.minimum)
            row = actual.get(entry.track.id)
            if row is not None:
                text = _("%(planned)s; arrived %(arrived)d, joined remotely %(joined)d", planned=text,
                         arrived=row.arrived, joined=row.joined)
                state = row.state.label
            else:
                state = _("no check-in data") if column.is_over else entry.state.label
            parts.append(f'<text x="{max(x, minimum_x) + 8}" y="{y + 13}">{escape(text)} · {escape(state)}</text>')
            y += bar_height + gap
    parts.append("</svg>")
    return "\n".join(parts)
