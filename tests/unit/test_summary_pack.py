"""The consolidated pack: no active content whatever was stored, and the cover in the reader's language."""
import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from eventapp.models import utcnow
from eventapp.services.documents import summaries, summary_pack, uploads

from .. import summary_files as files
from ..factories import create_event, create_user

FORBIDDEN = {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles", "/EmbeddedFile", "/XFA"}


def names_in(reader: PdfReader) -> set[str]:
    """Every name used as a key or a value in any object of the file, reachable or not."""
    found: set[str] = set()
    numbers = [(n, g) for g, table in reader.xref.items() for n in table] + [(n, 0) for n in reader.xref_objStm]
    stack = [reader.trailer] + [IndirectObject(n, g, reader) for n, g in numbers]
    seen = set()
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            found.update(str(key) for key in item)
            stack.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
        elif isinstance(item, NameObject):
            found.add(str(item))
    return found


@pytest.fixture
def event_with_stored_active_pdfs(session, tmp_path, monkeypatch):
    """Files stored before uploads were checked: every kind of active content, and ordinary links."""
    event = create_event(session, tracks=2, venue="Kultūras nams", city="Rīga")
    organiser = create_user(session, role="organiser")
    with monkeypatch.context() as unchecked:
        unchecked.setattr(uploads, "check_pdf", lambda data: None)
        for n, kind in enumerate(files.ACTIVE_PDF_KINDS):
            summaries.add_file(session, organiser, event.tracks[n % 2], kind, f"{kind}.pdf",
                               files.active_pdf(kind, f"Pielikums {kind}"), str(tmp_path), utcnow())
    summaries.add_file(session, organiser, event.tracks[0], "Saites", "saites.pdf", files.pdf_with_links(),
                       str(tmp_path), utcnow())
    summaries.update_text(session, organiser, event.tracks[0], summaries.SummaryText(conclusions="Secinājumi"), utcnow())
    for track in event.tracks:
        summaries.publish(session, organiser, track, utcnow())
    return event


def build(session, event, folder) -> bytes:
    return summary_pack.consolidated_pdf(event, summaries.published_summaries(session, event), str(folder),
                                             lambda f: f"https://example.lv/f/{f.id}")


def test_the_pack_carries_no_active_content_whatever_was_stored(app, session, tmp_path,
                                                                event_with_stored_active_pdfs):
    with app.test_request_context():
        body = build(session, event_with_stored_active_pdfs, tmp_path)
    reader = PdfReader(io.BytesIO(body))
    assert names_in(reader) & FORBIDDEN == set()
    for marker in (b"app.alert", b"calc.exe", b"javascript:"):
        assert marker not in body
    text = " ".join(page.extract_text() for page in reader.pages)
    for kind in files.ACTIVE_PDF_KINDS:  # the pages themselves are all there
        assert f"Pielikums {kind}" in text
    uris = [annotation.get_object()["/A"]["/URI"] for page in reader.pages
            for annotation in page.get("/Annots", []) if "/A" in annotation.get_object()]
    assert "https://www.memorands.lv/" in uris  # an ordinary web link survives


def test_the_latvian_cover_says_vieta(app, session, tmp_path, event_with_stored_active_pdfs):
    with app.test_request_context():  # Latvian is the default
        cover = PdfReader(io.BytesIO(build(session, event_with_stored_active_pdfs, tmp_path))).pages[0]
    text = " ".join(cover.extract_text().split())
    assert "Vieta: Kultūras nams, Rīga" in text and "Place" not in text
    assert "Datums:" in text


def test_the_english_cover_says_place(app, session, tmp_path, event_with_stored_active_pdfs):
    with app.test_request_context():
        from flask_babel import force_locale

        with force_locale("en"):
            cover = PdfReader(io.BytesIO(build(session, event_with_stored_active_pdfs, tmp_path))).pages[0]
    assert "Place: Kultūras nams, Rīga" in " ".join(cover.extract_text().split())
