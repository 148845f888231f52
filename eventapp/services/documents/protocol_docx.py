"""The protocol of a working-group meeting as a Word document (DOCX), in the council's layout.

The same lines as the PDF (`protocol_layout`), for those who edit the draft in Word: a heading,
the agenda as a real table, a paragraph per list entry, decision and discussion paragraph.
Numbers are written into the text rather than left to Word's list numbering, which would run
on from one list to the next.
"""
import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from . import protocol_layout as layout
from .protocol_layout import ProtocolDocument

FONT = "Times New Roman"  # has every Latvian letter, on every machine with Word
HANGING = Cm(1.2)


def _set_font(style, size: float | None = None) -> None:
    style.font.name = FONT
    if size:
        style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(script), FONT)


def _labelled(document, label: str, value: str):
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}:").bold = True
    paragraph.add_run(f" {value}")
    return paragraph


def _numbered(document, number: str, text: str, bold: bool = False):
    """'1.1.<tab>text' with a hanging indent."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = HANGING
    paragraph.paragraph_format.first_line_indent = -HANGING
    paragraph.paragraph_format.tab_stops.add_tab_stop(HANGING)
    run = paragraph.add_run(f"{number}\t{text}")
    run.bold = bold
    return paragraph


def _heading(document, text: str):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(8)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run(text).bold = True
    return paragraph


def _centred(document, text: str, bold: bool = False, size: float | None = None):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    return paragraph


def protocol_docx(doc: ProtocolDocument) -> bytes:
    """The whole protocol as DOCX bytes."""
    w = layout.words(doc)
    document = Document()
    _set_font(document.styles["Normal"], 11)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    properties = document.core_properties
    properties.title = layout.title(doc)
    properties.author = doc.council
    properties.subject = doc.group_name
    properties.language = doc.language

    if not doc.approved:
        draft = document.add_paragraph()
        draft.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        draft.add_run(w["draft"]).bold = True
    _centred(document, doc.council.strip(), bold=True, size=12)
    _centred(document, doc.group_name.strip())
    _centred(document, w["meeting"])
    heading = document.add_heading(w["protocol"].format(number=doc.number.strip()), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER

    day, at = layout.date_line(doc)
    when = document.add_paragraph()
    when.paragraph_format.tab_stops.add_tab_stop(Cm(17), alignment=WD_TAB_ALIGNMENT.RIGHT)
    when.add_run(f"{day}\t{at}")
    place = layout.place_line(doc)
    if place:
        label, _colon, value = place.partition(": ")
        _labelled(document, label, value)
    if doc.chair:
        _labelled(document, w["chair"], layout.person_described(doc.chair))
    if doc.keeper:
        _labelled(document, w["keeper"], layout.person_described(doc.keeper))
    for title, lines in layout.attendance_sections(doc):
        _heading(document, title)
        for n, line in enumerate(lines, 1):
            _numbered(document, f"{n}.", line)

    if doc.items:
        _heading(document, f"{w['agenda']}:")
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, [w["agenda_number"], w["agenda_title"], w["agenda_reporters"]]):
            cell.paragraphs[0].add_run(text).bold = True
        for item in doc.items:
            cells = table.add_row().cells
            for cell, text in zip(cells, [f"{item.number}.", item.title.strip(), layout.agenda_names(item)]):
                cell.text = text
        for row in table.rows:
            for cell, width in zip(row.cells, (Cm(1.5), Cm(10), Cm(5.5))):
                cell.width = width

    for item in doc.items:
        title = _numbered(document, f"{item.number}.", item.title.strip(), bold=True)
        title.paragraph_format.space_before = Pt(12)
        title.paragraph_format.keep_with_next = True
        if item.reporters:
            _labelled(document, w["reported_by"], layout.reporters_line(item.reporters))
        if item.speakers:
            _labelled(document, w["speakers"], layout.speakers_line(item.speakers))
        for text in layout.paragraphs(item.discussion):
            document.add_paragraph(text)
        if item.decisions:
            _heading(document, layout.decisions_heading(item, doc))
            for decision in item.decisions:
                _decision(document, decision, doc)
    if doc.open_tasks:
        _heading(document, w["open_tasks"])
        for task in doc.open_tasks:
            _decision(document, task, doc)

    closing = layout.closing_line(doc)
    if closing:
        document.add_paragraph().paragraph_format.space_before = Pt(6)
        document.add_paragraph(closing)
    for label, name in layout.signatures(doc):
        signature = document.add_paragraph(f"{label} {layout.SIGNATURE_LINE} {name}".rstrip())
        signature.paragraph_format.space_before = Pt(18)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _decision(document, decision, doc: ProtocolDocument) -> None:
    text = decision.text.strip()
    task = layout.decision_task(decision, doc)
    _numbered(document, layout.decision_number(decision), f"{text} {task}" if task else text)
