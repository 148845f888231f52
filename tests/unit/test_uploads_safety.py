"""Uploads that would harm whoever opens them: PDFs with active content, damaged PDFs, zip bombs."""
import functools
import os

import pytest
from sqlalchemy import select

from eventapp.models import SummaryFile, utcnow
from eventapp.services.documents import summaries, uploads
from eventapp.services.exceptions import DomainError

from .. import summary_files as files
from ..factories import create_event, create_user


def refusal(app, name: str, data: bytes) -> str:
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        uploads.check_upload(name, data)
    assert refused.value.field == "file"
    return str(refused.value.message)


@pytest.mark.parametrize("kind", files.ACTIVE_PDF_KINDS)
def test_a_pdf_with_active_content_is_refused(app, kind):
    assert "active content" in refusal(app, "kopsavilkums.pdf", files.active_pdf(kind))


def test_the_refusal_is_in_latvian_for_latvian_visitors(app):
    with app.test_request_context():  # Latvian is the default
        with pytest.raises(DomainError) as refused:
            uploads.check_upload("kopsavilkums.pdf", files.active_pdf("javascript"))
        assert "aktīvu saturu" in str(refused.value.message)


def test_a_pdf_with_ordinary_links_is_accepted(app):
    with app.test_request_context():
        assert uploads.check_upload("saites.pdf", files.pdf_with_links())[1].key == "pdf"


@pytest.mark.parametrize("build, reason", [
    (lambda: b"%PDF-1.4\nnot really\n", "cannot be read"),
    (lambda: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" + b"[" * 5000, "cannot be read"),
    (files.encrypted_pdf, "password"),
])
def test_a_damaged_or_locked_pdf_is_refused_with_the_reason(app, build, reason):
    assert reason in refusal(app, "bojāts.pdf", build())


def test_a_truncated_pdf_is_refused(app):
    whole = files.pdf("Pusē nogriezts", pages=3)
    assert "cannot be read" in refusal(app, "nogriezts.pdf", whole[: len(whole) // 3])


@functools.cache
def gib_docx_bomb() -> bytes:
    return files.docx_bomb(files.GIB)


def test_a_docx_that_unpacks_to_a_gibibyte_is_refused(app):
    data = gib_docx_bomb()
    assert len(data) < 2 * files.MIB
    assert "unpacks to more than 100 MB" in refusal(app, "bumba.docx", data)


@pytest.mark.parametrize("name, build", [("bumba.pptx", files.pptx_bomb), ("bumba.odt", files.odt_bomb)])
def test_other_office_bombs_are_refused(app, name, build):
    assert "unpacks to more than" in refusal(app, name, build(150 * files.MIB))


def test_a_member_packed_far_too_tightly_is_refused(app):
    data = files.docx_bomb(40 * files.MIB)  # under the total limit, but 1 000 times its packed size
    assert "packed too tightly" in refusal(app, "saspiests.docx", data)


def test_declared_sizes_are_not_trusted(app):
    assert "damaged" in refusal(app, "melīgs.docx", files.docx_with_a_false_size())


def test_the_limits_come_from_the_configuration(app):
    data = files._zip({"[Content_Types].xml": files.CONTENT_TYPES, "word/document.xml": os.urandom(3 * files.MIB)})
    with app.test_request_context():
        assert uploads.check_upload("liels.docx", data)[1].key == "docx"
    default, app.config["UPLOAD_MAX_UNPACKED_MB"] = app.config["UPLOAD_MAX_UNPACKED_MB"], 2
    try:
        assert "unpacks to more than 2 MB" in refusal(app, "liels.docx", data)
    finally:
        app.config["UPLOAD_MAX_UNPACKED_MB"] = default


def test_ordinary_office_files_pass(app):
    with app.test_request_context():
        for name, build in (("a.docx", files.docx), ("a.pptx", files.pptx), ("a.odt", files.odt)):
            assert uploads.check_upload(name, build())[1].extensions[0] == name.rpartition(".")[2]


@pytest.mark.parametrize("name, build", [
    ("skripts.pdf", lambda: files.active_pdf("page_action")),
    ("bumba.docx", lambda: files.docx_bomb(200 * files.MIB)),
])
def test_nothing_is_stored_for_a_hostile_file(app, session, tmp_path, name, build):
    event = create_event(session, tracks=1)
    organiser = create_user(session, role="organiser")
    with app.test_request_context(), pytest.raises(DomainError):
        summaries.add_file(session, organiser, event.tracks[0], "", name, build(), str(tmp_path), utcnow())
    assert not any(path.is_file() for path in tmp_path.rglob("*"))
    assert session.scalar(select(SummaryFile.id)) is None


def test_an_archive_of_countless_parts_is_refused_before_it_is_opened(app, monkeypatch):
    """A ZIP's central directory can list hundreds of thousands of parts: reading it all costs
    seconds and hundreds of MB, so the count its end record declares is checked first."""
    data = files._zip({"[Content_Types].xml": files.CONTENT_TYPES, "word/document.xml": b"<w/>",
                       **{f"x/{n}": b"" for n in range(5001)}})

    def never_opened(*args, **kwargs):
        raise AssertionError("the archive was opened")

    monkeypatch.setattr(uploads.zipfile, "ZipFile", never_opened)
    assert "more than 5000 parts" in refusal(app, "daudz.docx", data)
