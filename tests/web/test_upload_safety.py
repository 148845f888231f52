"""Hostile uploads are refused on the upload form, in the visitor's language, and nothing is kept."""
import pytest
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import SummaryFile

from .. import summary_files as files
from .test_summaries import english, stored, summary_url, upload, world  # noqa: F401 — `world` is a fixture


@pytest.mark.parametrize("name, build, message", [
    ("skripts.pdf", lambda: files.active_pdf("open_action"), "This PDF contains active content"),
    ("lapa.pdf", lambda: files.active_pdf("page_action"), "This PDF contains active content"),
    ("bojāts.pdf", lambda: b"%PDF-1.4\nnot really\n", "This PDF cannot be read"),
    ("bumba.docx", lambda: files.docx_bomb(200 * files.MIB), "The file unpacks to more than 100 MB"),
])
def test_hostile_files_are_refused_on_the_form(app, client, login, world, name, build, message):  # noqa: F811
    login("organiser")
    english(client)
    before = stored(app)
    response = upload(client, summary_url(world), name, build())
    assert response.status_code == 400
    assert message in response.get_data(as_text=True) and 'class="error"' in response.get_data(as_text=True)
    assert stored(app) == before
    with app.app_context():
        assert db.session.scalar(select(SummaryFile.id)) is None


def test_the_refusal_is_in_latvian_on_the_latvian_form(app, client, login, world):  # noqa: F811
    login("organiser")
    response = upload(client, summary_url(world), "skripts.pdf", files.active_pdf("javascript"))
    assert response.status_code == 400 and "Šis PDF satur aktīvu saturu" in response.get_data(as_text=True)
