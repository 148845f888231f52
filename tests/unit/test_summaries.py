"""Summaries: what an upload may be, how files are kept and versioned, publishing, the document, the demo."""
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from eventapp.models import AuditEntry, Event, Registration, Summary, SummaryFile, SummaryStatus, utcnow
from eventapp.services import summaries, summary_document, uploads
from eventapp.services.demo import seed_demo
from eventapp.services.exceptions import DomainError

from .. import summary_files as files
from ..factories import create_event, create_user


def stored(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


@pytest.fixture
def world(session):
    event = create_event(session, tracks=2, title_lv="Izbraukuma sēde Līvānos")
    facilitator = create_user(session, role="facilitator")
    event.tracks[0].facilitator_id = facilitator.id
    return event, facilitator, create_user(session, role="organiser")


@pytest.mark.parametrize("name, build, label", [
    ("kopsavilkums.pdf", lambda: files.pdf("Sveiki"), "PDF"),
    ("Ziņojums.DOCX", files.docx, "DOCX"),
    ("slaidi.pptx", files.pptx, "PPTX"),
    ("teksts.odt", files.odt, "ODT"),
    ("foto.jpg", files.jpeg, "JPEG"),
    ("foto.jpeg", files.jpeg, "JPEG"),
    ("tāfele.png", files.png, "PNG"),
])
def test_allowed_kinds_are_told_from_their_content(app, name, build, label):
    with app.test_request_context():
        shown, kind = uploads.check_upload(name, build())
    assert (shown, kind.label) == (name, label)


@pytest.mark.parametrize("name, build, reason", [
    ("programma.pdf", files.executable, "not a real PDF"),
    ("lapa.html", files.html, "Only PDF, DOCX"),
    ("lapa.pdf", files.html, "not a real PDF"),
    ("zīmējums.svg", files.svg, "Only PDF, DOCX"),
    ("zīmējums.png", files.svg, "not a real PNG"),
    ("programma.exe", files.executable, "Only PDF, DOCX"),
    ("bez-paplašinājuma", lambda: files.pdf("x"), "Only PDF, DOCX"),
    ("dokuments.png", lambda: files.pdf("x"), "its content is PDF"),
    ("cits.odt", lambda: files.odt("application/vnd.oasis.opendocument.spreadsheet"), "not a real ODT"),
    ("arhivs.docx", lambda: files._zip({"readme.txt": "x"}), "not a real DOCX"),
    ("ar-makro.docx", lambda: files._zip({"[Content_Types].xml": "x", "word/document.xml": "x",
                                          "word/vbaProject.bin": "x"}), "not a real DOCX"),
    ("bojāts.docx", lambda: b"PK\x03\x04" + b"\x00" * 40, "not a real DOCX"),
    ("../../etc/passwd.pdf", lambda: files.pdf("x"), "folder path"),
    ("..\\..\\boot.pdf", lambda: files.pdf("x"), "folder path"),
    ("tukšs.pdf", lambda: b"", "empty"),
])
def test_anything_else_is_refused_with_the_reason(app, name, build, reason):
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        uploads.check_upload(name, build())
    assert reason in str(refused.value.message) and refused.value.field == "file"


def test_the_shown_name_keeps_latvian_letters_and_drops_controls(app):
    with app.test_request_context():
        assert uploads.display_name("Ēdoles\u202etxt.pdf") == "Ēdolestxt.pdf"
        assert uploads.display_name("  Sēlijas salas.pdf ") == "Sēlijas salas.pdf"
        assert len(uploads.display_name("ā" * 300 + ".pdf")) == 200
        assert uploads.display_name("ā" * 300 + ".pdf").endswith(".pdf")
    header = uploads.content_disposition("Sēlijas salas; \"kopsavilkums\".pdf")
    assert header.startswith('attachment; filename="Selijas_salas_kopsavilkums.pdf"; filename*=UTF-8\'\'')
    assert "S%C4%93lijas%20salas%3B%20%22kopsavilkums%22.pdf" in header
    assert uploads.content_disposition("ēē.png", inline=True) == "inline; filename=\"ee.png\"; filename*=UTF-8''%C4%93%C4%93.png"
    assert uploads.content_disposition("Жж.png").startswith('attachment; filename="file.png"; ')


def test_a_file_is_stored_by_its_hash_outside_static_and_versioned_by_title(session, world, tmp_path):
    event, facilitator, _organiser = world
    track = event.tracks[0]
    first, second = files.pdf("Pirmā versija"), files.pdf("Otrā versija")
    one = summaries.add_file(session, facilitator, track, "Kopsavilkums", "../kopsavilkums.pdf".split("/")[-1],
                             first, str(tmp_path), utcnow())
    digest = uploads.content_hash(first)
    assert one.created and one.file.version == 1 and one.file.content_hash == digest
    assert stored(tmp_path) == {tmp_path / digest[:2] / digest[2:]}
    assert (tmp_path / digest[:2] / digest[2:]).read_bytes() == first
    assert one.file.original_name == "kopsavilkums.pdf" and one.file.uploaded_by_id == facilitator.id

    again = summaries.add_file(session, facilitator, track, "Kopsavilkums", "cits-nosaukums.pdf", first, str(tmp_path), utcnow())
    assert not again.created and again.file.id == one.file.id  # same title, same content: nothing new

    other_title = summaries.add_file(session, facilitator, track, "Pielikums", "pielikums.pdf", first, str(tmp_path), utcnow())
    assert other_title.created and other_title.file.content_hash == digest and other_title.file.version == 1
    assert len(stored(tmp_path)) == 1  # the same content is kept once

    newer = summaries.add_file(session, facilitator, track, "Kopsavilkums", "kopsavilkums.pdf", second, str(tmp_path), utcnow())
    assert newer.created and newer.file.version == 2
    assert len(stored(tmp_path)) == 2 and (tmp_path / digest[:2] / digest[2:]).read_bytes() == first  # nothing overwritten
    summary = summaries.summary_for(session, track)
    assert [(f.title, f.version) for f in summaries.latest_files(summary)] == [("Kopsavilkums", 2), ("Pielikums", 1)]
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "summary.upload", AuditEntry.object_id == newer.file.id)
                          ).details["version"] == 2

    back = summaries.add_file(session, facilitator, track, "Kopsavilkums", "kopsavilkums.pdf", first, str(tmp_path), utcnow())
    assert back.created and back.file.version == 3  # going back to the first content is a new version too


def test_an_empty_title_takes_the_file_s_name(session, world, tmp_path):
    event, facilitator, _ = world
    upload = summaries.add_file(session, facilitator, event.tracks[0], "  ", "Darba grupas piezīmes.docx", files.docx(),
                                str(tmp_path), utcnow())
    assert upload.file.title == "Darba grupas piezīmes"
    assert upload.file.media_type == uploads.KINDS["docx"].media_type


@pytest.mark.parametrize("name, build", [
    ("programma.pdf", files.executable), ("lapa.html", files.html), ("../../etc/passwd.pdf", lambda: files.pdf("x")),
])
def test_nothing_is_written_for_a_refused_file(session, world, tmp_path, name, build):
    event, facilitator, _ = world
    with pytest.raises(DomainError):
        summaries.add_file(session, facilitator, event.tracks[0], "", name, build(), str(tmp_path), utcnow())
    assert stored(tmp_path) == set()
    assert session.scalar(select(SummaryFile.id)) is None


def test_publishing_needs_content_and_is_recorded(session, world):
    event, facilitator, organiser = world
    track = event.tracks[0]
    with pytest.raises(DomainError, match="Vēl nav ko publicēt"):
        summaries.publish(session, organiser, track, utcnow())
    summaries.update_text(session, facilitator, track, {"conclusions": "Secinājums"}, utcnow())
    summary = summaries.publish(session, organiser, track, utcnow())
    assert summary.status is SummaryStatus.PUBLISHED and summary.published_at is not None
    assert summaries.published_summaries(session, event) == [summary]
    summaries.unpublish(session, organiser, track, utcnow())
    assert summaries.published_summaries(session, event) == []
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.event_id == event.id).order_by(AuditEntry.id)).all()
    assert actions == ["summary.update", "summary.publish", "summary.unpublish"]
    with pytest.raises(DomainError, match="nav publicēts"):
        summaries.unpublish(session, organiser, track, utcnow())


def test_a_change_by_someone_who_may_not_publish_makes_it_a_draft_again(session, world, tmp_path):
    event, facilitator, organiser = world
    track = event.tracks[0]
    summaries.update_text(session, facilitator, track, {"conclusions": "Pirmais"}, utcnow())
    summaries.publish(session, organiser, track, utcnow())
    summary, went_draft = summaries.update_text(session, organiser, track, {"conclusions": "Labots"}, utcnow())
    assert not went_draft and summary.status is SummaryStatus.PUBLISHED  # an organiser's change stays published
    summary, went_draft = summaries.update_text(session, facilitator, track, {"conclusions": "Labots"}, utcnow())
    assert not went_draft  # nothing changed
    summary, went_draft = summaries.update_text(session, facilitator, track, {"conclusions": "Vēlreiz labots"}, utcnow())
    assert went_draft and summary.status is SummaryStatus.DRAFT and summary.published_at is None
    summaries.publish(session, organiser, track, utcnow())
    upload = summaries.add_file(session, facilitator, track, "", "a.pdf", files.pdf("a"), str(tmp_path), utcnow())
    assert upload.went_draft and summary.status is SummaryStatus.DRAFT


def test_published_summaries_follow_the_programme(session, world):
    event, _facilitator, organiser = world
    for track in reversed(event.tracks):
        summaries.update_text(session, organiser, track, {"proposals": track.title_lv}, utcnow())
        summaries.publish(session, organiser, track, utcnow())
    assert [s.track for s in summaries.published_summaries(session, event)] == event.tracks
    other = create_event(session, tracks=1)
    assert summaries.published_summaries(session, other) == []


def test_the_consolidated_document_has_the_texts_and_the_appended_pages(app, session, world, tmp_path):
    event, facilitator, organiser = world
    first, second = event.tracks
    summaries.update_text(session, facilitator, first, {
        "conclusions": "Ēdoles ļaudis ņēma vērā šķēršļus.", "proposals": "Čakli strādāt",
        "responsible_bodies": "Kultūras ministrija", "follow_up": "Žūrija sanāks rudenī",
    }, utcnow())
    summaries.add_file(session, facilitator, first, "Prezentācija", "prezentacija.pdf",
                       files.pdf("Appended presentation", pages=3), str(tmp_path), utcnow())
    summaries.add_file(session, facilitator, first, "Piezīmes", "piezīmes.docx", files.docx(), str(tmp_path), utcnow())
    summaries.update_text(session, organiser, second, {"conclusions": "Otrā grupa"}, utcnow())
    for track in event.tracks:
        summaries.publish(session, organiser, track, utcnow())
    with app.test_request_context():
        body = summary_document.consolidated_pdf(
            event, summaries.published_summaries(session, event), str(tmp_path), lambda f: f"https://example.lv/f/{f.id}"
        )
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert summary_document.COUNCIL in " ".join(reader.pages[0].extract_text().split())
    assert "Izbraukuma sēde Līvānos" in text
    for phrase in ("Ēdoles ļaudis ņēma vērā šķēršļus.", "Čakli strādāt", "Žūrija sanāks rudenī", "Otrā grupa"):
        assert phrase in text
    assert "Appended presentation 3" in reader.pages[-1].extract_text()
    own_pages = len(reader.pages) - 3
    assert "Appended presentation 1" in reader.pages[own_pages].extract_text()
    docx_file = session.scalar(select(SummaryFile).where(SummaryFile.title == "Piezīmes"))
    assert f"https://example.lv/f/{docx_file.id}" in text
    assert f"{own_pages + 1}. lpp." in text  # where the appended presentation begins
    assert [item.title for item in reader.outline][:2] == [t.title_lv for t in event.tracks]


def test_a_damaged_pdf_is_listed_instead_of_appended(app, session, world, tmp_path):
    event, facilitator, organiser = world
    track = event.tracks[0]
    summaries.add_file(session, facilitator, track, "Bojāts", "bojats.pdf", b"%PDF-1.4\nnot really\n", str(tmp_path), utcnow())
    summaries.publish(session, organiser, track, utcnow())
    with app.test_request_context():
        body = summary_document.consolidated_pdf(event, summaries.published_summaries(session, event), str(tmp_path),
                                                 lambda f: f"https://example.lv/f/{f.id}")
    reader = PdfReader(io.BytesIO(body))
    assert "https://example.lv/f/" in "".join(page.extract_text() for page in reader.pages)


def test_the_demo_has_published_example_summaries_once(session):
    seed_demo(session, utcnow())
    forum = session.scalar(select(Event).where(Event.slug == "2025-09-15-riga-forum"))
    jekabpils = session.scalar(select(Event).where(Event.slug == "2025-09-03-jekabpils-regional-session"))
    assert [slot.title_en for slot in forum.slots] == ["World Café thematic working groups"]
    assert len(forum.tracks) == 4
    for event in (forum, jekabpils):
        published = summaries.published_summaries(session, event)
        assert len(published) == len(event.tracks) == 4
        assert all(s.conclusions.startswith("Piemērs:") for s in published)
    people = session.query(Registration).filter_by(event_id=jekabpils.id).count()
    assert seed_demo(session, utcnow()) == []
    assert session.query(Summary).count() == 8 and len(forum.tracks) == 4
    assert session.query(Registration).filter_by(event_id=jekabpils.id).count() == people == 10
