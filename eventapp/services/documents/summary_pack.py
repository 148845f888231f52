"""The consolidated summary document of an event: one PDF of all its published summaries.

A cover (the council, the event, its date, place and co-hosts), the contents, each track's
summary on pages of its own, then the uploaded PDF files appended whole (pypdf). Other files
(DOCX, ODT, PPTX, images) are listed with their public download addresses. The contents give
page numbers for the appended files too, so the document is laid out twice: once to count its
own pages, once with the numbers filled in.

Whatever the uploaded PDFs carry, the pack carries no active content (pdf_safety). It is built
when what it shows changes, not on every download: `kept_pack` keys it by a fingerprint of
exactly what it shows (computed from the rows, without any PDF work), builds it once under a
lock, writes it whole and renames it into place, so a half-written pack is never served.
"""
import fcntl
import hashlib
import io
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ...formatting import riga_date, time_range
from ...models import Event, Summary, SummaryFile
from ...pdf import register_fonts
from . import pdf_safety, uploads
from .summaries import TEXT_FIELDS, current_files

log = logging.getLogger(__name__)

COUNCIL = "Nevalstisko organizāciju un Ministru kabineta sadarbības memoranda īstenošanas padome"


def section_labels() -> list[tuple[str, str]]:
    return [
        ("conclusions", _("Key conclusions")),
        ("proposals", _("Proposals")),
        ("responsible_bodies", _("Who should act")),
        ("follow_up", _("Follow-up")),
    ]


@dataclass
class Appendix:
    file: SummaryFile
    track_title: str
    reader: PdfReader
    number: int = 0
    first_page: int = 0  # 1-based, in the whole document


class _Document(BaseDocTemplate):
    """Remembers the page each track's heading landed on."""

    def __init__(self, out, **kwargs):
        super().__init__(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                         bottomMargin=20 * mm, **kwargs)
        self.section_pages: dict[int, int] = {}
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._footer)])

    def afterFlowable(self, flowable):
        summary_id = getattr(flowable, "summary_id", None)
        if summary_id is not None:
            self.section_pages.setdefault(summary_id, self.page)

    def _footer(self, canvas, document):
        if document.page > 1:
            regular, _bold = register_fonts()
            canvas.saveState()
            canvas.setFont(regular, 8)
            canvas.setFillColor(colors.grey)
            canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, str(document.page))
            canvas.restoreState()


def _readable_pdf(file: SummaryFile, upload_folder: str) -> PdfReader | None:
    """The uploaded PDF, or None when it cannot be appended (missing, damaged, password-protected)."""
    try:
        reader = PdfReader(uploads.blob_path(upload_folder, file.content_hash))
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        if len(reader.pages) == 0:
            return None
        return reader
    except Exception as error:  # noqa: BLE001 — a file stored before uploads were read may fail in any way
        log.warning("summary file %s cannot be appended: %r", file.id, error)
        return None


def consolidated_pdf(event: Event, summaries: list[Summary], upload_folder: str,
                     file_link: Callable[[SummaryFile], str]) -> bytes:
    """The whole document; `file_link` gives a file's absolute public address."""
    appendices: dict[int, Appendix] = {}
    for summary in summaries:
        for file in current_files(summary):
            if file.media_type == "application/pdf":
                reader = _readable_pdf(file, upload_folder)
                if reader is not None:
                    appendices[file.id] = Appendix(file, summary.track.title_lv, reader,
                                                   number=len(appendices) + 1)
    section_pages: dict[int, int] = {}
    own_pages = 0
    for _attempt in range(3):  # the page numbers in the contents rarely move anything; when they do, again
        body, pages, counted = _layout(event, summaries, appendices, file_link, section_pages, own_pages)
        next_page = counted + 1
        for appendix in appendices.values():
            appendix.first_page = next_page
            next_page += len(appendix.reader.pages)
        if (pages, counted) == (section_pages, own_pages):
            break
        section_pages, own_pages = pages, counted
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(body)), import_outline=False)
    for appendix in appendices.values():
        writer.append(appendix.reader, import_outline=False)
    pdf_safety.strip_active_content(writer)
    for summary in summaries:
        if summary.id in section_pages:
            writer.add_outline_item(title=summary.track.title_lv, page_number=section_pages[summary.id] - 1)
    for appendix in appendices.values():
        writer.add_outline_item(title=_appendix_title(appendix), page_number=appendix.first_page - 1)
    writer.add_metadata({"/Title": _document_title(event), "/Author": COUNCIL})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _document_title(event: Event) -> str:
    return _("%(event)s: summaries", event=event.title_lv)


def _appendix_title(appendix: Appendix) -> str:
    return _("Appendix %(number)d: %(title)s", number=appendix.number, title=appendix.file.title)


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    return {
        "small": ParagraphStyle("small", fontName=regular, fontSize=9, leading=12),
        "council": ParagraphStyle("council", fontName=bold, fontSize=12, leading=16),
        "cover": ParagraphStyle("cover", fontName=bold, fontSize=20, leading=26, spaceBefore=40 * mm,
                                spaceAfter=6 * mm),
        "fact": ParagraphStyle("fact", fontName=regular, fontSize=11, leading=16),
        "h1": ParagraphStyle("h1", fontName=bold, fontSize=16, leading=20, spaceAfter=2 * mm),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=12, leading=16, spaceBefore=5 * mm, spaceAfter=1 * mm),
        "body": ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=15),
        "toc": ParagraphStyle("toc", fontName=regular, fontSize=10.5, leading=14),
        "toc_page": ParagraphStyle("toc_page", fontName=regular, fontSize=10.5, leading=14, alignment=TA_RIGHT),
    }


def _text(value: str) -> str:
    """Typed text for a Paragraph: escaped, its line breaks kept."""
    return "<br/>".join(escape(line) for line in value.strip().splitlines())


def _layout(
    event, summaries, appendices, file_link, section_pages, own_pages,
) -> tuple[bytes, dict[int, int], int]:
    styles = _styles()
    out = io.BytesIO()
    document = _Document(out, title=_document_title(event), author=COUNCIL)
    place = ", ".join(filter(None, [event.venue, event.city]))
    story = [
        Paragraph(escape(COUNCIL), styles["council"]),
        Paragraph(escape(event.title_lv), styles["cover"]),
        Paragraph(escape(_("Summaries of the working groups")), styles["h2"]),
        Spacer(1, 6 * mm),
        Paragraph(escape(_("Date: %(date)s", date=time_range(event.starts_at, event.ends_at))), styles["fact"]),
    ]
    if place:
        story.append(Paragraph(escape(_("Place: %(place)s", place=place)), styles["fact"]))
    if event.co_hosts:
        names = ", ".join(org.name for org in event.co_hosts)
        story.append(Paragraph(escape(_("Co-hosts: %(names)s", names=names)), styles["fact"]))
    story += [PageBreak(), Paragraph(escape(_("Contents")), styles["h1"]), Spacer(1, 3 * mm)]
    rows = []
    for summary in summaries:
        page = section_pages.get(summary.id)
        label = f'<a href="#summary-{summary.id}">{escape(summary.track.title_lv)}</a>'
        rows.append([Paragraph(label, styles["toc"]), Paragraph(str(page or "…"), styles["toc_page"])])
    for appendix in appendices.values():
        rows.append([Paragraph(escape(_appendix_title(appendix)), styles["toc"]),
                     Paragraph(str(appendix.first_page or "…"), styles["toc_page"])])
    contents = Table(rows, colWidths=[150 * mm, 20 * mm])
    contents.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
    story.append(contents)
    for summary in summaries:
        story += [PageBreak(), *_section(summary, appendices, file_link, styles)]
    document.build(story)
    return out.getvalue(), document.section_pages, document.page


def _section(summary: Summary, appendices: dict[int, Appendix], file_link, styles) -> list:
    track = summary.track
    heading = Paragraph(f'<a name="summary-{summary.id}"/>{escape(track.title_lv)}', styles["h1"])
    heading.summary_id = summary.id
    meta = [track.slot.title_lv, f"{riga_date(track.slot.starts_at)}"]
    if track.facilitator_name:
        meta.append(_("Facilitator: %(name)s", name=track.facilitator_name))
    parts = [heading, Paragraph(escape(" · ".join(meta)), styles["small"])]
    for field, label in section_labels():
        value = getattr(summary, field)
        if value.strip():
            block = [Paragraph(escape(label), styles["h2"]), Paragraph(_text(value), styles["body"])]
            # A short section stays with its heading; a long one may start at the foot of a page.
            parts += [KeepTogether(block)] if len(value) < 600 else block
    files = current_files(summary)
    if files:
        parts.append(Paragraph(escape(_("Files")), styles["h2"]))
        for file in files:
            kind = uploads.kind_of(file.media_type)
            facts = f"{kind.label if kind else file.media_type}, {uploads.human_size(file.size)}"
            described = f"{escape(file.title)} ({facts})"
            appendix = appendices.get(file.id)
            if appendix is not None:
                where = _("appended as appendix %(number)d, page %(page)d",
                          number=appendix.number, page=appendix.first_page)
                parts.append(Paragraph(f"• {described}: {escape(where)}", styles["body"]))
            else:
                link = escape(file_link(file))
                parts.append(Paragraph(f'• {described}: <a href="{link}" color="blue">{link}</a>', styles["body"]))
    return parts


# The pack as kept on disk -------------------------------------------------------------------

LAYOUT = 1  # raise when the layout or its wording changes, so that kept packs are built again


@dataclass
class KeptPack:
    body: bytes
    fingerprint: str
    modified: datetime


def pack_fingerprint(event: Event, summaries: list[Summary], language: str,
                     file_link: Callable[[SummaryFile], str]) -> str:
    """A digest of everything the pack shows, from the rows already loaded (no PDF work)."""
    shown = {
        "layout": LAYOUT,
        "language": language,
        "event": [event.id, event.title_lv, event.venue, event.city, event.starts_at, event.ends_at,
                  [org.name for org in event.co_hosts]],
        "summaries": [
            [summary.id, summary.track.title_lv, summary.track.slot.title_lv, summary.track.slot.starts_at,
             summary.track.facilitator_name, [getattr(summary, field) for field in TEXT_FIELDS],
             [[file.id, file.title, file.content_hash, file.media_type, file.size, file_link(file)]
              for file in current_files(summary)]]
            for summary in summaries
        ],
    }
    return hashlib.sha256(json.dumps(shown, default=str, ensure_ascii=False).encode()).hexdigest()


def kept_pack(event: Event, summaries: list[Summary], upload_folder: str, language: str,
              file_link: Callable[[SummaryFile], str]) -> KeptPack:
    """The pack for what is published now, built only when no process has built it yet.

    Kept as `<UPLOAD_FOLDER>/packs/<event id>/<language>-<fingerprint>.pdf`; building one removes
    the older packs of that event and language.
    """
    fingerprint = pack_fingerprint(event, summaries, language, file_link)
    folder = Path(upload_folder) / "packs" / str(event.id)
    path = folder / f"{language}-{fingerprint}.pdf"
    for _attempt in range(3):  # removed between building and opening (a newer one was built): again
        try:
            with path.open("rb") as kept:
                modified = datetime.fromtimestamp(os.fstat(kept.fileno()).st_mtime, UTC)
                return KeptPack(kept.read(), fingerprint, modified)
        except FileNotFoundError:
            _build_once(path, lambda: consolidated_pdf(event, summaries, upload_folder, file_link))
    raise OSError(f"the summary pack {path} vanished while it was being built")


def _build_once(path: Path, build: Callable[[], bytes]) -> None:
    """Build under the event's lock, so that simultaneous first downloads build once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():  # built while this process waited for the lock
            return
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(build())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        language = path.name.partition("-")[0]
        for older in path.parent.glob(f"{language}-*.pdf"):
            if older != path:
                older.unlink(missing_ok=True)
