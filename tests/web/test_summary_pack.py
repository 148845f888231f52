"""The consolidated pack through the page: built once per content, kept, revalidated with its ETag."""
import io
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from eventapp.models import Event, User, utcnow
from eventapp.services.documents import summaries, summary_pack

from .. import summary_files as files
from ..factories import create_event, create_user
from ..helpers import csrf_token


@pytest.fixture
def published(make, app):
    """A published event with two published summaries, one with an appended PDF."""

    def build(s):
        event = create_event(s, tracks=2, slug="pakas-pasakums", venue="Kultūras nams", city="Rīga")
        organiser = create_user(s, role="organiser")
        summaries.update_text(s, organiser, event.tracks[0], summaries.SummaryText(conclusions="Pirmie secinājumi"), utcnow())
        summaries.add_file(s, organiser, event.tracks[1], "Prezentācija", "prezentacija.pdf",
                           files.pdf("Pielikuma lapa", pages=2), app.config["UPLOAD_FOLDER"], utcnow())
        for track in event.tracks:
            summaries.publish(s, organiser, track, utcnow())
        return event.slug

    return make.run(build)


@pytest.fixture
def builds(monkeypatch):
    """How many times the pack was built."""
    counted = []
    real = summary_pack.consolidated_pdf

    def counting(*args, **kwargs):
        counted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(summary_pack, "consolidated_pdf", counting)
    return counted


def get(client, url: str, **headers):
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


def change_text(make, text: str) -> None:
    def edit(s):
        event = s.scalar(select(Event).where(Event.slug == "pakas-pasakums"))
        organiser = s.scalar(select(User).where(User.role == "organiser"))
        summaries.update_text(s, organiser, event.tracks[0], summaries.SummaryText(conclusions=text), utcnow())

    make.run(edit)


def test_the_pack_is_built_once_and_revalidated_with_its_etag(client, make, published, builds):
    url = f"/events/{published}/summaries.pdf"
    first = get(client, url)
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.headers["Content-Disposition"].startswith("attachment")
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "Pielikuma lapa 2" in PdfReader(io.BytesIO(first.data)).pages[-1].extract_text()
    again = get(client, url)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    unchanged = get(client, url, **{"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.data
    assert len(builds) == 1

    change_text(make, "Jauni secinājumi")
    changed = get(client, url, **{"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert "Jauni secinājumi" in " ".join(page.extract_text() for page in PdfReader(io.BytesIO(changed.data)).pages)
    assert len(builds) == 2


def test_each_language_has_its_own_pack(app, client, make, published, builds):
    url = f"/events/{published}/summaries.pdf"
    latvian = get(client, url)
    client.post("/lang/en", data={"csrf_token": csrf_token(client, "/")})
    english = get(client, url)
    assert latvian.headers["ETag"] != english.headers["ETag"] and len(builds) == 2
    assert "Vieta: Kultūras nams, Rīga" in PdfReader(io.BytesIO(latvian.data)).pages[0].extract_text()
    assert "Place: Kultūras nams, Rīga" in PdfReader(io.BytesIO(english.data)).pages[0].extract_text()


def test_only_the_current_pack_is_kept(app, client, make, published, builds):
    url = f"/events/{published}/summaries.pdf"
    get(client, url)
    change_text(make, "Otrie secinājumi")
    get(client, url)
    folder = Path(app.config["UPLOAD_FOLDER"], "packs", str(make.run(lambda s: s.scalar(select(Event.id)))))
    assert len(list(folder.glob("lv-*.pdf"))) == 1
    assert not [path for path in folder.iterdir() if path.name.startswith(".building-")]


def test_simultaneous_first_downloads_build_it_once(app, make, published, builds):
    url = f"/events/{published}/summaries.pdf"
    start = threading.Barrier(8)
    bodies: list[bytes] = []
    errors: list[BaseException] = []

    def download() -> None:
        try:
            client = app.test_client()
            start.wait(timeout=60)
            response = get(client, url)
            assert response.status_code == 200
            bodies.append(response.data)
        except BaseException as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=download) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and len(bodies) == 8
    assert len(set(bodies)) == 1 and len(builds) == 1
    assert len(PdfReader(io.BytesIO(bodies[0])).pages) > 2


def test_the_fingerprint_needs_no_pdf_work(app, make, published, builds, monkeypatch):
    def fingerprint(s):
        event = s.scalar(select(Event).where(Event.slug == "pakas-pasakums"))
        listed = summaries.published_summaries(s, event)
        with app.test_request_context():
            return summary_pack.pack_fingerprint(event, listed, "lv", lambda f: f"https://example.lv/{f.id}")

    before = make.run(fingerprint)
    assert make.run(fingerprint) == before and builds == []
    change_text(make, "Vēl citi secinājumi")
    assert make.run(fingerprint) != before
