"""Summaries: what an upload may be, how files are kept and versioned, publishing, the document, the demo."""
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from eventapp.models import AuditEntry, Event, Registration, Summary, SummaryFile, SummaryStatus, utcnow
from eventapp.services.demo import seed_demo
from eventapp.services.documents import summaries, summary_pack, uploads
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


def test_a_file_is_stored_by_its_hash_outside_static_and_versioned_when_it_replaces_one(session, world, tmp_path):
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

    same_title = summaries.add_file(session, facilitator, track, "Kopsavilkums", "kopsavilkums.pdf", second,
                                    str(tmp_path), utcnow())
    assert same_title.created and same_title.file.version == 1  # a new file: a title never makes a version
    newer = summaries.add_file(session, facilitator, track, "", "kopsavilkums-labots.pdf", second, str(tmp_path),
                               utcnow(), replaces=one.file.document_id)
    assert newer.created and newer.file.version == 2 and newer.file.document_id == one.file.document_id
    assert newer.file.title == "Kopsavilkums"  # an empty title keeps the replaced file's
    assert len(stored(tmp_path)) == 2 and (tmp_path / digest[:2] / digest[2:]).read_bytes() == first  # nothing overwritten
    summary = summaries.summary_for(session, track)
    assert [(f.title, f.version) for f in summaries.current_files(summary)] == [
        ("Kopsavilkums", 2), ("Kopsavilkums", 1), ("Pielikums", 1)]
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "summary.upload", AuditEntry.object_id == newer.file.id)
                          ).details["version"] == 2

    unchanged = summaries.add_file(session, facilitator, track, "", "x.pdf", second, str(tmp_path), utcnow(),
                                   replaces=one.file.document_id)
    assert not unchanged.created and unchanged.file.id == newer.file.id  # the current version again: nothing new
    back = summaries.add_file(session, facilitator, track, "", "kopsavilkums.pdf", first, str(tmp_path), utcnow(),
                              replaces=one.file.document_id)
    assert back.created and back.file.version == 3  # going back to the first content is a new version too


def test_photos_with_the_same_name_are_separate_files(session, world, tmp_path):
    """Phones name every photo image.jpg: three photos are three files, all on the page and in the pack."""
    event, facilitator, organiser = world
    track = event.tracks[0]
    photos = [files.jpeg(), files.jpeg(), files.jpeg()]
    for photo in photos:
        summaries.add_file(session, facilitator, track, "", "image.jpg", photo, str(tmp_path), utcnow())
    summaries.publish(session, organiser, track, utcnow())
    summary = summaries.published_summaries(session, event)[0]
    shown = summaries.current_files(summary)
    assert sorted(f.content_hash for f in shown) == sorted(uploads.content_hash(p) for p in photos)
    assert {f.version for f in shown} == {1}


def test_replacing_a_file_that_is_gone_is_refused_on_its_field(session, world, tmp_path):
    event, facilitator, _ = world
    track = event.tracks[0]
    one = summaries.add_file(session, facilitator, track, "", "a.pdf", files.pdf("a"), str(tmp_path), utcnow())
    summaries.withdraw(session, facilitator, track, one.file.id, whole_file=True, now=utcnow())
    other = create_event(session, tracks=1)
    elsewhere = summaries.add_file(session, facilitator, other.tracks[0], "", "b.pdf", files.pdf("b"), str(tmp_path),
                                   utcnow())
    for document_id in (one.file.document_id, elsewhere.file.document_id, 999999):
        with pytest.raises(DomainError) as refused:
            summaries.add_file(session, facilitator, track, "", "c.pdf", files.pdf("c"), str(tmp_path), utcnow(),
                               replaces=document_id)
        assert refused.value.field == "replaces"


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
    summaries.update_text(session, facilitator, track, summaries.SummaryText(conclusions="Secinājums"), utcnow())
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
    summaries.update_text(session, facilitator, track, summaries.SummaryText(conclusions="Pirmais"), utcnow())
    summaries.publish(session, organiser, track, utcnow())
    summary, went_draft = summaries.update_text(session, organiser, track, summaries.SummaryText(conclusions="Labots"), utcnow())
    assert not went_draft and summary.status is SummaryStatus.PUBLISHED  # an organiser's change stays published
    summary, went_draft = summaries.update_text(session, facilitator, track, summaries.SummaryText(conclusions="Labots"), utcnow())
    assert not went_draft  # nothing changed
    summary, went_draft = summaries.update_text(session, facilitator, track, summaries.SummaryText(conclusions="Vēlreiz labots"), utcnow())
    assert went_draft and summary.status is SummaryStatus.DRAFT and summary.published_at is None
    summaries.publish(session, organiser, track, utcnow())
    upload = summaries.add_file(session, facilitator, track, "", "a.pdf", files.pdf("a"), str(tmp_path), utcnow())
    assert upload.went_draft and summary.status is SummaryStatus.DRAFT


def test_published_summaries_follow_the_programme(session, world):
    event, _facilitator, organiser = world
    for track in reversed(event.tracks):
        summaries.update_text(session, organiser, track, summaries.SummaryText(proposals=track.title_lv), utcnow())
        summaries.publish(session, organiser, track, utcnow())
    assert [s.track for s in summaries.published_summaries(session, event)] == event.tracks
    other = create_event(session, tracks=1)
    assert summaries.published_summaries(session, other) == []


def test_the_consolidated_document_has_the_texts_and_the_appended_pages(app, session, world, tmp_path):
    event, facilitator, organiser = world
    first, second = event.tracks
    summaries.update_text(session, facilitator, first, summaries.SummaryText(
        conclusions="Ēdoles ļaudis ņēma vērā šķēršļus.", proposals="Čakli strādāt",
        responsible_bodies="Kultūras ministrija", follow_up="Žūrija sanāks rudenī",
    ), utcnow())
    summaries.add_file(session, facilitator, first, "Prezentācija", "prezentacija.pdf",
                       files.pdf("Appended presentation", pages=3), str(tmp_path), utcnow())
    summaries.add_file(session, facilitator, first, "Piezīmes", "piezīmes.docx", files.docx(), str(tmp_path), utcnow())
    summaries.update_text(session, organiser, second, summaries.SummaryText(conclusions="Otrā grupa"), utcnow())
    for track in event.tracks:
        summaries.publish(session, organiser, track, utcnow())
    with app.test_request_context():
        body = summary_pack.consolidated_pdf(
            event, summaries.published_summaries(session, event), str(tmp_path), lambda f: f"https://example.lv/f/{f.id}"
        )
    reader = PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert summary_pack.COUNCIL in " ".join(reader.pages[0].extract_text().split())
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


def test_a_damaged_pdf_is_listed_instead_of_appended(app, session, world, tmp_path, monkeypatch):
    event, facilitator, organiser = world
    track = event.tracks[0]
    with monkeypatch.context() as unchecked:  # stored before uploaded PDFs were read; refused now
        unchecked.setattr(uploads, "check_pdf", lambda data: None)
        summaries.add_file(session, facilitator, track, "Bojāts", "bojats.pdf", b"%PDF-1.4\nnot really\n",
                           str(tmp_path), utcnow())
    summaries.publish(session, organiser, track, utcnow())
    with app.test_request_context():
        body = summary_pack.consolidated_pdf(event, summaries.published_summaries(session, event), str(tmp_path),
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
    assert session.query(Registration).filter_by(event_id=jekabpils.id).count() == people == 15  # 5 from the survey


def test_simultaneous_first_uploads_all_succeed(app):
    """Six people upload at the same moment to three tracks that have no summary yet, two per track."""
    import threading

    from eventapp.extensions import db
    from eventapp.models import User

    with app.app_context():
        event = create_event(db.session, tracks=3)
        organiser = create_user(db.session, role="organiser")
        db.session.commit()
        track_ids, organiser_id = [t.id for t in event.tracks], organiser.id
    folder = app.config["UPLOAD_FOLDER"]
    contents = [files.pdf(f"Galds {n}") for n in range(6)]
    start = threading.Barrier(len(contents))
    errors: list[BaseException] = []

    def upload(n: int) -> None:
        try:
            with app.app_context(), app.test_request_context():
                start.wait(timeout=60)
                track = db.session.get(Event, event_id).tracks[n % 3]
                summaries.add_file(db.session, db.session.get(User, organiser_id), track, "", "image.pdf",
                                   contents[n], folder, utcnow())
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    with app.app_context():
        event_id = db.session.scalar(select(Event.id))
    threads = [threading.Thread(target=upload, args=(n,)) for n in range(len(contents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    with app.app_context():
        assert sorted(db.session.scalars(select(Summary.track_id))) == sorted(track_ids)
        kept = db.session.scalars(select(SummaryFile.content_hash)).all()
        assert sorted(kept) == sorted(uploads.content_hash(c) for c in contents)
        for content in contents:
            assert uploads.blob_path(folder, uploads.content_hash(content)).read_bytes() == content


def test_new_versions_uploaded_at_once_are_numbered_one_after_another(app):
    """Four people replace the same file at the same moment: versions 2 to 5, none lost."""
    import threading

    from eventapp.extensions import db
    from eventapp.models import User

    folder = app.config["UPLOAD_FOLDER"]
    with app.app_context():
        event = create_event(db.session, tracks=1)
        organiser = create_user(db.session, role="organiser")
        first = summaries.add_file(db.session, organiser, event.tracks[0], "Tāfele", "image.jpg", files.jpeg(),
                                   folder, utcnow())
        db.session.commit()
        event_id, organiser_id, document_id = event.id, organiser.id, first.file.document_id
    contents = [files.jpeg() for _ in range(4)]
    start = threading.Barrier(len(contents))
    errors: list[BaseException] = []

    def upload(content: bytes) -> None:
        try:
            with app.app_context(), app.test_request_context():
                start.wait(timeout=60)
                track = db.session.get(Event, event_id).tracks[0]
                summaries.add_file(db.session, db.session.get(User, organiser_id), track, "", "image.jpg", content,
                                   folder, utcnow(), replaces=document_id)
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=upload, args=(content,)) for content in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    with app.app_context():
        versions = db.session.execute(select(SummaryFile.version, SummaryFile.content_hash)
                                      .where(SummaryFile.document_id == document_id)).all()
        assert sorted(v for v, _ in versions) == [1, 2, 3, 4, 5]
        assert {h for _, h in versions} >= {uploads.content_hash(c) for c in contents}


def three_versions(session, world, tmp_path):
    event, facilitator, organiser = world
    track = event.tracks[0]
    one = summaries.add_file(session, facilitator, track, "Tāfele", "image.jpg", files.jpeg(), str(tmp_path), utcnow())
    versions = [one.file] + [
        summaries.add_file(session, facilitator, track, "", "image.jpg", files.jpeg(), str(tmp_path), utcnow(),
                           replaces=one.file.document_id).file
        for _ in range(2)
    ]
    summaries.publish(session, organiser, track, utcnow())
    return event, track, versions


def public_ids(session, event) -> list[int]:
    return [f.id for s in summaries.published_summaries(session, event) for f in summaries.current_files(s)]


def test_only_the_current_version_of_a_published_file_is_public(session, world, tmp_path):
    event, _track, (v1, v2, v3) = three_versions(session, world, tmp_path)
    assert [summaries.public_file(session, event, f.id) for f in (v1, v2, v3)] == [None, None, v3]
    assert public_ids(session, event) == [v3.id]
    assert summaries.event_file(session, event, v1.id) is v1  # the organisers still have it
    assert summaries.public_file(session, create_event(session, tracks=1), v3.id) is None


def test_withdrawing_the_current_version_makes_the_previous_one_current(session, world, tmp_path):
    event, track, (v1, v2, v3) = three_versions(session, world, tmp_path)
    _event, facilitator, organiser = world
    result = summaries.withdraw(session, organiser, track, v3.id, whole_file=False, now=utcnow())
    assert result.withdrawn == [v3] and result.current is v2 and not result.went_draft
    assert v3.withdrawn_at is not None and v3.withdrawn_by_id == organiser.id
    assert public_ids(session, event) == [v2.id]
    assert summaries.public_file(session, event, v3.id) is None and summaries.public_file(session, event, v2.id) is v2

    summaries.withdraw(session, organiser, track, v1.id, whole_file=False, now=utcnow())  # an older one: v2 stays
    assert public_ids(session, event) == [v2.id]
    with pytest.raises(DomainError, match="jau ir atsaukts"):
        summaries.withdraw(session, organiser, track, v1.id, whole_file=False, now=utcnow())

    summaries.withdraw(session, facilitator, track, v2.id, whole_file=False, now=utcnow())
    assert public_ids(session, event) == [] and summaries.public_file(session, event, v2.id) is None
    summary = summaries.summary_for(session, track)
    assert summary.status is SummaryStatus.PUBLISHED  # nothing new became public: it stays published
    assert len(summary.files) == 3  # nothing is deleted
    actions = session.scalars(select(AuditEntry).where(AuditEntry.action.like("summary.withdraw%"))
                              .order_by(AuditEntry.id)).all()
    assert [(a.action, a.object_id, a.user_id, a.details["versions"]) for a in actions] == [
        ("summary.withdraw_version", v3.id, organiser.id, [3]), ("summary.withdraw_version", v1.id, organiser.id, [1]),
        ("summary.withdraw_version", v2.id, facilitator.id, [2])]


def test_withdrawing_a_whole_file_takes_every_version_off(session, world, tmp_path):
    event, track, (v1, v2, v3) = three_versions(session, world, tmp_path)
    _event, facilitator, _organiser = world
    other = summaries.add_file(session, facilitator, track, "Cits", "cits.pdf", files.pdf("cits"), str(tmp_path),
                               utcnow()).file
    result = summaries.withdraw(session, facilitator, track, v3.id, whole_file=True, now=utcnow())
    assert result.withdrawn == [v1, v2, v3] and result.current is None
    assert [f.id for f in summaries.current_files(summaries.summary_for(session, track))] == [other.id]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "summary.withdraw_file"))
    assert entry.details["versions"] == [1, 2, 3] and entry.details["document_id"] == v1.document_id


def test_a_withdrawal_that_brings_an_older_version_back_needs_publishing_again(session, world, tmp_path):
    """A facilitator may take a photo off at once; a version the organiser did not publish does not appear."""
    event, track, (_v1, v2, v3) = three_versions(session, world, tmp_path)
    _event, facilitator, _organiser = world
    result = summaries.withdraw(session, facilitator, track, v3.id, whole_file=False, now=utcnow())
    assert result.current is v2 and result.went_draft
    assert summaries.published_summaries(session, event) == []


def test_a_file_of_another_track_cannot_be_withdrawn(session, world, tmp_path):
    event, facilitator, organiser = world
    file = summaries.add_file(session, facilitator, event.tracks[0], "", "a.pdf", files.pdf("a"), str(tmp_path),
                              utcnow()).file
    with pytest.raises(DomainError, match="nav šī kopsavilkuma"):
        summaries.withdraw(session, organiser, event.tracks[1], file.id, whole_file=False, now=utcnow())
    assert file.withdrawn_at is None
