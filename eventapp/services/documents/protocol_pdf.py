"""The protocol of a working-group meeting as PDF, in the council's layout (see `protocol_layout`).

A4, set in DejaVu Sans (every Latvian letter), "page / pages" at the foot of every page, the
title in the file's metadata. Everything typed is escaped before it goes into Paragraph markup.
"""
import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ...pdf import register_fonts
from . import protocol_layout as layout
from .protocol_layout import ProtocolDocument

MARGIN = 20 * mm
CONTENT = A4[0] - 2 * MARGIN - 12  # the frame keeps 6 pt of padding on either side
NUMBER_WIDTH = 12 * mm  # the hanging numbers of lists and decisions


class _NumberedCanvas(Canvas):
    """Writes "page / pages" at the foot once the number of pages is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        regular, _bold = register_fonts()
        for state in self._pages:
            self.__dict__.update(state)
            self.saveState()
            self.setFont(regular, 8)
            self.setFillColor(colors.grey)
            self.drawCentredString(A4[0] / 2, 12 * mm, f"{self._pageNumber} / {total}")
            self.restoreState()
            super().showPage()
        super().save()


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=14.5, spaceAfter=1.5 * mm)
    numbered = ParagraphStyle("numbered", parent=body, leftIndent=NUMBER_WIDTH, bulletIndent=0,
                              bulletFontName=regular, bulletFontSize=10.5, spaceAfter=0.8 * mm)
    return {
        "draft": ParagraphStyle("draft", fontName=bold, fontSize=11, leading=14, alignment=TA_RIGHT,
                                textColor=colors.darkred),
        "council": ParagraphStyle("council", fontName=bold, fontSize=12, leading=16, alignment=TA_CENTER),
        "group": ParagraphStyle("group", fontName=regular, fontSize=11, leading=15, alignment=TA_CENTER),
        "protocol": ParagraphStyle("protocol", fontName=bold, fontSize=14, leading=18, alignment=TA_CENTER,
                                   spaceBefore=4 * mm, spaceAfter=4 * mm),
        "body": body,
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "heading": ParagraphStyle("heading", fontName=bold, fontSize=10.5, leading=14.5, spaceBefore=3 * mm,
                                  spaceAfter=1 * mm, keepWithNext=1),
        "item": ParagraphStyle("item", fontName=bold, fontSize=11.5, leading=15, leftIndent=NUMBER_WIDTH,
                               bulletIndent=0, bulletFontName=bold, bulletFontSize=11.5, spaceBefore=5 * mm,
                               spaceAfter=1.5 * mm),
        "numbered": numbered,
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=10, leading=13),
        "cell_head": ParagraphStyle("cell_head", fontName=bold, fontSize=10, leading=13),
    }


def _text(value: str) -> str:
    """Typed text for a Paragraph: escaped, its line breaks kept."""
    return "<br/>".join(escape(line) for line in value.strip().splitlines())


def _labelled(label: str, value: str) -> str:
    """'<bold>Label:</bold> value' as Paragraph markup."""
    _regular, bold = register_fonts()
    return f'<font name="{bold}">{escape(label)}:</font> {_text(value)}'


def protocol_pdf(doc: ProtocolDocument) -> bytes:
    """The whole protocol as PDF bytes."""
    styles = _styles()
    w = layout.words(doc)
    out = io.BytesIO()
    template = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                 bottomMargin=MARGIN, title=layout.title(doc), author=doc.council,
                                 subject=doc.group_name)
    story = []
    if not doc.approved:
        story.append(Paragraph(escape(w["draft"]), styles["draft"]))
    story += [
        Paragraph(_text(doc.council), styles["council"]),
        Paragraph(_text(doc.group_name), styles["group"]),
        Paragraph(escape(w["meeting"]), styles["group"]),
        Paragraph(escape(w["protocol"].format(number=doc.number.strip())), styles["protocol"]),
    ]
    day, at = layout.date_line(doc)
    when = Table([[Paragraph(escape(day), styles["body"]), Paragraph(escape(at), styles["right"])]],
                 colWidths=[CONTENT * 0.7, CONTENT * 0.3])
    when.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story += [when, Spacer(1, 2 * mm)]
    place = layout.place_line(doc)
    if place:
        label, _colon, value = place.partition(": ")
        story.append(Paragraph(_labelled(label, value), styles["body"]))
    if doc.chair:
        story.append(Paragraph(_labelled(w["chair"], layout.person_described(doc.chair)), styles["body"]))
    if doc.keeper:
        story.append(Paragraph(_labelled(w["keeper"], layout.person_described(doc.keeper)), styles["body"]))
    for heading, lines in layout.attendance_sections(doc):
        story.append(Paragraph(escape(heading), styles["heading"]))
        story += [Paragraph(_text(line), styles["numbered"], bulletText=f"{n}.") for n, line in enumerate(lines, 1)]
    story += _agenda(doc, styles)
    for item in doc.items:
        story += _item(item, doc, styles)
    if doc.open_tasks:
        story.append(Paragraph(escape(w["open_tasks"]), styles["heading"]))
        story += [_decision(task, doc, styles) for task in doc.open_tasks]
    story += _closing(doc, styles)
    template.build(story, canvasmaker=_NumberedCanvas)
    return out.getvalue()


def _agenda(doc: ProtocolDocument, styles) -> list:
    w = layout.words(doc)
    if not doc.items:
        return []
    head = [w["agenda_number"], w["agenda_title"], w["agenda_reporters"]]
    rows = [[f"{item.number}.", item.title.strip(), layout.agenda_names(item)] for item in doc.items]
    _regular, bold = register_fonts()
    number_width = max(pdfmetrics.stringWidth(text, bold, 10) for text in [head[0]] + [row[0] for row in rows]) + 12
    rest = CONTENT - number_width
    widths = [number_width, rest * 0.62, rest * 0.38]
    cells = [[Paragraph(escape(text), styles["cell_head"]) for text in head]]
    cells += [[Paragraph(_text(text), styles["cell"]) for text in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return [Paragraph(escape(f"{w['agenda']}:"), styles["heading"]), table]


def _item(item, doc: ProtocolDocument, styles) -> list:
    w = layout.words(doc)
    heading = Paragraph(_text(item.title), styles["item"], bulletText=f"{item.number}.")
    parts = []
    if item.reporters:
        parts.append(Paragraph(_labelled(w["reported_by"], layout.reporters_line(item.reporters)), styles["body"]))
    if item.speakers:
        parts.append(Paragraph(_labelled(w["speakers"], layout.speakers_line(item.speakers)), styles["body"]))
    # The item's title never stands alone at the foot of a page.
    flowables = [KeepTogether([heading, *parts[:1]]), *parts[1:]]
    flowables += [Paragraph(_text(text), styles["body"]) for text in layout.paragraphs(item.discussion)]
    if item.decisions:
        flowables.append(Paragraph(escape(layout.decisions_heading(item, doc)), styles["heading"]))
        flowables += [_decision(decision, doc, styles) for decision in item.decisions]
    return flowables


def _decision(decision, doc: ProtocolDocument, styles) -> Paragraph:
    text = _text(decision.text)
    task = layout.decision_task(decision, doc)
    if task:
        text += f" {escape(task)}"
    return Paragraph(text, styles["numbered"], bulletText=layout.decision_number(decision))


def _closing(doc: ProtocolDocument, styles) -> list:
    parts = [Spacer(1, 4 * mm)]
    closing = layout.closing_line(doc)
    if closing:
        parts.append(Paragraph(escape(closing), styles["body"]))
    rows = [[Paragraph(escape(label), styles["body"]), layout.SIGNATURE_LINE, Paragraph(_text(name), styles["body"])]
            for label, name in layout.signatures(doc)]
    regular, _bold = register_fonts()
    table = Table(rows, colWidths=[45 * mm, 55 * mm, CONTENT - 100 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), regular),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("TOPPADDING", (0, 0), (-1, -1), 6 * mm),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
    ]))
    parts.append(Spacer(1, 4 * mm))
    parts.append(KeepTogether([table]))
    return parts
