"""Summaries through the pages: a facilitator writes and uploads, an organiser publishes, everyone reads.

The pages are read in English (`/lang/en`), so that the checks do not depend on the translations.
"""
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import Summary, SummaryFile, SummaryStatus, Track, User, utcnow
from eventapp.services.documents import summaries

from .. import summary_files as files
from ..factories import create_event, create_organisation
from ..helpers import csrf_token
from ..pdf_tools import page_count, pdf_text


def fetch(client, url: str):
    """A GET whose body is read and whose file, when one was sent from disk, is closed."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def stored(app) -> set[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return {path for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


@pytest.fixture
def world(make):
    """An event with two tracks, co-hosted by an NGO; another event co-hosted by another NGO."""

    def build(s):
        here_org, other_org = create_organisation(s), create_organisation(s)
        event = create_event(s, tracks=2, slug="livani", title_lv="Izbraukuma sēde Līvānos",
                             title_en="Visiting session in Līvāni", venue="Kultūras centrs", city="Līvāni")
        event.co_hosts = [here_org]
        other = create_event(s, tracks=1, slug="liepaja")
        other.co_hosts = [other_org]
        event.tracks[0].facilitator_name = "Anna Bērziņa"
        s.flush()
        return {"event": event.slug, "tracks": [t.id for t in event.tracks], "here_org": here_org.id,
                "other_org": other_org.id, "other_track": other.tracks[0].id}

    return make.run(build)


def english(client) -> None:
    client.post("/lang/en", data={"csrf_token": csrf_token(client, "/")})


def sign_in_facilitator(client, login, make, track_id: int) -> str:
    email = login("facilitator")
    make.run(lambda s: setattr(s.get(Track, track_id), "facilitator_id",
                               s.scalar(select(User.id).where(User.email == email))))
    english(client)
    return email


def summary_url(world, track: int = 0) -> str:
    return f"/admin/events/{world['event']}/tracks/{world['tracks'][track]}/summary"


def upload(client, url: str, name: str, content: bytes, title: str = "", replaces: int | str = ""):
    return client.post(url, data={
        "csrf_token": csrf_token(client, url), "action": "upload", "title": title, "replaces": str(replaces),
        "file": (io.BytesIO(content), name),
    }, content_type="multipart/form-data")


def save_text(client, url: str, action: str = "save", **values):
    data = {"csrf_token": csrf_token(client, url), "action": action, "conclusions": "", "proposals": "",
            "responsible_bodies": "", "follow_up": ""}
    return client.post(url, data=data | values)


def sign_in_as_organiser(client, login) -> None:
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    login("organiser")
    english(client)


def publish(client, world, track: int = 0, action: str = "publish"):
    url = f"{summary_url(world, track)}/{action}"
    return client.post(url, data={"csrf_token": csrf_token(client, summary_url(world, track))})


def test_facilitator_uploads_organiser_publishes_and_the_event_page_lists_them(app, client, login, make, world, tmp_path):
    sign_in_facilitator(client, login, make, world["tracks"][0])
    url = summary_url(world)
    page = client.get(url).get_data(as_text=True)
    assert "Key conclusions" in page and 'enctype="multipart/form-data"' in page and "Draft" in page

    preview = save_text(client, url, "preview", conclusions="Ēdoles ļaudis ņēma vērā šķēršļus.")
    assert preview.status_code == 200 and 'data-testid="summary-preview"' in preview.get_data(as_text=True)
    assert "Ēdoles ļaudis ņēma vērā šķēršļus." in preview.get_data(as_text=True)
    assert make.run(lambda s: s.scalar(select(Summary.id))) is None  # a preview saves nothing

    response = save_text(client, url, conclusions="Ēdoles ļaudis ņēma vērā šķēršļus.", proposals="Čakli strādāt",
                         responsible_bodies="Kultūras ministrija", follow_up="Žūrija sanāks rudenī")
    assert response.status_code == 302
    response = upload(client, url, "Piezīmes.docx", files.docx(), title="Darba grupas piezīmes")
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "was uploaded as version 1" in page and "Piezīmes.docx" in page
    assert client.post(f"{url}/publish", data={"csrf_token": csrf_token(client, url)}).status_code == 403
    assert client.get(f"/events/{world['event']}").get_data(as_text=True).count('data-testid="summary"') == 0

    sign_in_as_organiser(client, login)
    assert publish(client, world).status_code == 302
    event_page = client.get(f"/events/{world['event']}").get_data(as_text=True)
    assert 'data-testid="summaries"' in event_page and "Darba grupas piezīmes" in event_page
    assert event_page.index("Ēdoles ļaudis") < event_page.index("Darba grupas piezīmes")  # text first, then files
    assert re.search(r"Darba grupas piezīmes</a>\s*<small>\(DOCX, 1 KB\)</small>", event_page)
    document = client.get(f"/events/{world['event']}/summaries.pdf")
    assert document.status_code == 200 and document.mimetype == "application/pdf"
    pages_before = page_count(document.data, tmp_path)

    # The facilitator adds a three-page PDF: the summary is a draft again until the organiser publishes it.
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    sign_in_facilitator(client, login, make, world["tracks"][0])
    presentation = files.pdf("Appended presentation page", pages=3)
    response = upload(client, url, "Prezentācija.pdf", presentation, title="Prezentācija")
    assert response.status_code == 302
    assert "draft again" in client.get(url).get_data(as_text=True)
    assert client.get(f"/events/{world['event']}/summaries.pdf").status_code == 404
    sign_in_as_organiser(client, login)
    publish(client, world)

    event_page = client.get(f"/events/{world['event']}").get_data(as_text=True)
    assert re.search(r"Prezentācija</a>\s*<small>\(PDF, \d+ KB\)</small>", event_page)
    document = client.get(f"/events/{world['event']}/summaries.pdf").data
    assert page_count(document, tmp_path) == pages_before + 3
    text = pdf_text(document, tmp_path)
    for phrase in ("Nevalstisko organizāciju un Ministru kabineta sadarbības memoranda īstenošanas padome",
                   "Izbraukuma sēde Līvānos", "Kultūras centrs, Līvāni", "Ēdoles ļaudis ņēma vērā šķēršļus.",
                   "Čakli strādāt", "Kultūras ministrija", "Žūrija sanāks rudenī",
                   "Appended presentation page 1", "Appended presentation page 3"):
        assert phrase in text
    docx_id = make.run(lambda s: s.scalar(select(SummaryFile.id).where(SummaryFile.title == "Darba grupas piezīmes")))
    assert f"http://eventapp.test/events/{world['event']}/summaries/files/{docx_id}" in text


def test_public_downloads_are_safe_and_only_of_published_summaries(app, client, login, make, world):
    sign_in_facilitator(client, login, make, world["tracks"][0])
    url = summary_url(world)
    content = files.pdf("Kopsavilkums")
    upload(client, url, "Sēlijas salas.pdf", content, title="Kopsavilkums")
    upload(client, url, "tāfele.png", files.png(), title="Tāfele")
    ids = make.run(lambda s: dict(s.execute(select(SummaryFile.title, SummaryFile.id)).all()))
    public = f"/events/{world['event']}/summaries/files/{ids['Kopsavilkums']}"
    assert client.get(public).status_code == 404  # a draft
    assert client.get(f"/events/{world['event']}/summaries.pdf").status_code == 404  # nothing published

    private = fetch(client, f"{url}/files/{ids['Kopsavilkums']}")
    assert private.status_code == 200 and private.data == content
    assert "no-store" in private.headers["Cache-Control"]

    sign_in_as_organiser(client, login)
    publish(client, world)
    anonymous = app.test_client()
    response = fetch(anonymous, public)
    assert response.status_code == 200 and response.data == content
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Selijas_salas.pdf\"; filename*=UTF-8''S%C4%93lijas%20salas.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    image = fetch(anonymous, f"/events/{world['event']}/summaries/files/{ids['Tāfele']}")
    assert image.mimetype == "image/png" and image.headers["Content-Disposition"].startswith("inline;")
    assert anonymous.get(f"/events/liepaja/summaries/files/{ids['Kopsavilkums']}").status_code == 404  # another event
    assert anonymous.get(f"/admin/events/{world['event']}/tracks/{world['tracks'][0]}/summary/files/"
                         f"{ids['Kopsavilkums']}").status_code == 302  # the private address wants a sign-in

    publish(client, world, action="unpublish")
    assert anonymous.get(public).status_code == 404
    assert 'data-testid="summaries"' not in anonymous.get(f"/events/{world['event']}").get_data(as_text=True)


def test_a_draft_event_s_summaries_are_not_public(client, login, make, world):
    login("organiser")
    english(client)
    save_text(client, summary_url(world), conclusions="Slepens melnraksts")
    publish(client, world)
    make.run(lambda s: setattr(s.scalar(select(Summary)).track.slot.event, "status", __import__(
        "eventapp.models", fromlist=["EventStatus"]).EventStatus.DRAFT))
    anonymous = client.application.test_client()
    assert anonymous.get(f"/events/{world['event']}/summaries.pdf").status_code == 404


def test_a_new_version_keeps_the_old_one_for_the_organisers_only(app, client, login, make, world):
    login("organiser")
    english(client)
    url = summary_url(world)
    first, second = files.pdf("Pirmā"), files.pdf("Otrā")
    upload(client, url, "kopsavilkums.pdf", first, title="Kopsavilkums")
    document_id = make.run(lambda s: s.scalar(select(SummaryFile.document_id)))
    page = client.get(url).get_data(as_text=True)
    assert f'<option value="{document_id}">Kopsavilkums (version 1, kopsavilkums.pdf)</option>' in page
    response = upload(client, url, "kopsavilkums-labots.pdf", second, replaces=document_id)
    assert "was uploaded as version 2" in client.get(response.location).get_data(as_text=True)
    versions = make.run(lambda s: s.execute(select(SummaryFile.version, SummaryFile.id).order_by(SummaryFile.version)).all())
    assert [v for v, _ in versions] == [1, 2]
    page = client.get(url).get_data(as_text=True)
    assert "kopsavilkums.pdf" in page and "kopsavilkums-labots.pdf" in page
    assert re.findall(r'data-testid="summary-file" data-file="\d+" data-state="(\w+)"', page) == ["current", "older"]
    assert fetch(client, f"{url}/files/{versions[0][1]}").data == first
    assert fetch(client, f"{url}/files/{versions[1][1]}").data == second
    publish(client, world)
    anonymous = app.test_client()
    event_page = anonymous.get(f"/events/{world['event']}").get_data(as_text=True)
    assert f"/summaries/files/{versions[1][1]}" in event_page and f"/summaries/files/{versions[0][1]}" not in event_page
    assert fetch(anonymous, f"/events/{world['event']}/summaries/files/{versions[1][1]}").data == second
    assert fetch(anonymous, f"/events/{world['event']}/summaries/files/{versions[0][1]}").status_code == 404
    assert fetch(client, f"{url}/files/{versions[0][1]}").data == first  # the organisers still have it


def test_photos_all_named_image_jpg_are_all_shown(app, client, login, make, world, tmp_path):
    login("organiser")
    english(client)
    url = summary_url(world)
    photos = [files.jpeg() for _ in range(3)]
    for photo in photos:
        assert upload(client, url, "image.jpg", photo).status_code == 302
    publish(client, world)
    anonymous = app.test_client()
    event_page = anonymous.get(f"/events/{world['event']}").get_data(as_text=True)
    ids = re.findall(rf"/events/{world['event']}/summaries/files/(\d+)", event_page)
    assert len(ids) == 3
    assert sorted(fetch(anonymous, f"/events/{world['event']}/summaries/files/{i}").data for i in ids) == sorted(photos)
    text = pdf_text(anonymous.get(f"/events/{world['event']}/summaries.pdf").data, tmp_path)
    for file_id in ids:
        assert f"/summaries/files/{file_id}" in text


def test_replacing_a_file_that_is_not_offered_is_refused_on_the_form(app, client, login, make, world):
    login("organiser")
    english(client)
    url = summary_url(world)
    upload(client, url, "a.pdf", files.pdf("a"))
    response = upload(client, url, "b.pdf", files.pdf("b"), replaces="999999")
    assert response.status_code == 400 and 'class="error"' in response.get_data(as_text=True)
    assert make.run(lambda s: s.query(SummaryFile).count()) == 1


def withdraw(client, world, file_id: int, scope: str, token: bool = True):
    url = summary_url(world)
    data = {"scope": scope} | ({"csrf_token": csrf_token(client, url)} if token else {})
    return client.post(f"{url}/files/{file_id}/withdraw", data=data)


def test_a_withdrawn_version_leaves_the_public_page_and_the_pack(app, client, login, make, world, tmp_path):
    login("organiser")
    english(client)
    url = summary_url(world)
    photo, faces = files.jpeg(), files.jpeg()
    upload(client, url, "image.jpg", photo, title="Tāfele")
    document_id = make.run(lambda s: s.scalar(select(SummaryFile.document_id)))
    upload(client, url, "image.jpg", faces, replaces=document_id)
    first, second = make.run(lambda s: s.scalars(select(SummaryFile.id).order_by(SummaryFile.version)).all())
    publish(client, world)
    anonymous = app.test_client()
    public = f"/events/{world['event']}/summaries/files/"
    assert fetch(anonymous, public + str(second)).status_code == 200

    assert withdraw(client, world, second, "version", token=False).status_code == 400  # a CSRF token is needed
    response = withdraw(client, world, second, "version")
    assert response.status_code == 302
    assert "version 1 is the current one" in client.get(response.location).get_data(as_text=True)
    assert fetch(anonymous, public + str(second)).status_code == 404
    assert fetch(anonymous, public + str(first)).data == photo
    assert fetch(client, f"{url}/files/{second}").data == faces  # the organisers still see it
    page = client.get(url).get_data(as_text=True)
    assert re.findall(r'data-testid="summary-file" data-file="\d+" data-state="(\w+)"', page) == ["withdrawn", "current"]

    response = withdraw(client, world, first, "file")
    assert "no longer public" in client.get(response.location).get_data(as_text=True)
    assert fetch(anonymous, public + str(first)).status_code == 404
    assert f"{public}" not in anonymous.get(f"/events/{world['event']}").get_data(as_text=True)
    assert "already withdrawn" in client.get(withdraw(client, world, first, "file").location).get_data(as_text=True)
    with app.app_context():
        from eventapp.models import AuditEntry
        assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("summary.withdraw%"))
                                  .order_by(AuditEntry.id)).all() == ["summary.withdraw_version", "summary.withdraw_file"]


def test_a_withdrawn_pdf_is_not_appended_to_the_pack(app, client, login, make, world, tmp_path):
    login("organiser")
    english(client)
    url = summary_url(world)
    save_text(client, url, conclusions="Secinājumi")
    upload(client, url, "slaidi.pdf", files.pdf("Withdrawn slides", pages=2), title="Slaidi")
    publish(client, world)
    document = f"/events/{world['event']}/summaries.pdf"
    assert "Withdrawn slides 2" in pdf_text(client.get(document).data, tmp_path)
    file_id = make.run(lambda s: s.scalar(select(SummaryFile.id)))
    withdraw(client, world, file_id, "version")
    text = pdf_text(client.get(document).data, tmp_path)
    assert "Secinājumi" in text and "Withdrawn slides" not in text and "Slaidi" not in text


def test_who_may_withdraw(app, client, login, make, world):
    sign_in_facilitator(client, login, make, world["tracks"][0])
    upload(client, summary_url(world), "a.pdf", files.pdf("a"))
    upload(client, summary_url(world, 1), "b.pdf", files.pdf("b"))  # refused: another track
    file_id = make.run(lambda s: s.scalar(select(SummaryFile.id)))
    url = f"/admin/events/{world['event']}/tracks/{world['tracks'][1]}/summary/files/{file_id}/withdraw"
    token = csrf_token(client, summary_url(world))
    assert client.post(url, data={"csrf_token": token, "scope": "file"}).status_code == 403  # not the facilitator's track
    assert withdraw(client, world, file_id, "everything").status_code == 400
    assert withdraw(client, world, file_id + 1000, "file").status_code == 404
    assert withdraw(client, world, file_id, "file").status_code == 302  # the facilitator takes off their own file
    assert make.run(lambda s: s.get(SummaryFile, file_id).withdrawn_at) is not None


def test_the_same_file_twice_is_stored_once(app, client, login, world):
    login("organiser")
    english(client)
    url = summary_url(world)
    content = files.pdf("Viens saturs")
    before = stored(app)
    upload(client, url, "a.pdf", content, title="Kopsavilkums")
    response = upload(client, url, "a.pdf", content, title="Kopsavilkums")
    assert "nothing was added" in client.get(response.location).get_data(as_text=True)
    upload(client, url, "b.pdf", content, title="Pielikums")
    assert len(stored(app) - before) == 1
    with app.app_context():
        rows = db.session.execute(select(SummaryFile.title, SummaryFile.version, SummaryFile.content_hash)).all()
    assert sorted((title, version) for title, version, _ in rows) == [("Kopsavilkums", 1), ("Pielikums", 1)]
    assert len({digest for *_, digest in rows}) == 1


@pytest.mark.parametrize("name, build, message", [
    ("programma.pdf", files.executable, "This is not a real PDF file."),
    ("lapa.html", files.html, "Only PDF, DOCX, ODT, PPTX, JPEG and PNG files can be uploaded."),
    ("lapa.pdf", files.html, "This is not a real PDF file."),
    ("zīmējums.svg", files.svg, "Only PDF, DOCX, ODT, PPTX, JPEG and PNG files can be uploaded."),
    ("../../etc/passwd.pdf", lambda: files.pdf("x"), "The file name must not contain a folder path"),
])
def test_refused_files_say_why_and_leave_nothing_behind(app, client, login, world, name, build, message):
    login("organiser")
    english(client)
    before = stored(app)
    response = upload(client, summary_url(world), name, build())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page.replace("&#34;", '"').replace("&#39;", "'") and 'class="error"' in page
    assert stored(app) == before
    with app.app_context():
        assert db.session.scalar(select(SummaryFile.id)) is None


def test_a_file_over_the_limit_gets_the_too_large_page(app, client, login, world):
    login("organiser")
    english(client)
    url = summary_url(world)
    token = csrf_token(client, url)
    before = stored(app)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        response = client.post(url, data={"csrf_token": token, "action": "upload", "title": "",
                                          "file": (io.BytesIO(files.pdf("x") + b"\n%" + b"0" * 8192), "liels.pdf")},
                               content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413 and "The file is too large" in response.get_data(as_text=True)
    assert stored(app) == before
    with app.app_context():
        assert db.session.scalar(select(SummaryFile.id)) is None


def test_who_may_write_and_publish(app, client, login, make, world):
    url = summary_url(world)
    other_partner = app.test_client()
    login_as = lambda c, role, **kw: c.post("/admin/login", data={  # noqa: E731
        "email": make.user(role=role, **kw), "password": "correct horse battery", "csrf_token": csrf_token(c, "/admin/login")})
    login_as(other_partner, "partner", organisation_id=world["other_org"])
    assert other_partner.get(url).status_code == 403
    assert other_partner.get(f"/admin/events/{world['event']}/summaries").status_code == 403

    partner = app.test_client()
    login_as(partner, "partner", organisation_id=world["here_org"])
    assert partner.get(url).status_code == 200
    assert partner.post(f"{url}/publish", data={"csrf_token": csrf_token(partner, url)}).status_code == 403

    sign_in_facilitator(client, login, make, world["tracks"][0])
    assert client.get(url).status_code == 200
    assert client.get(summary_url(world, 1)).status_code == 403  # another track of the same event
    assert upload(client, summary_url(world, 1), "a.pdf", files.pdf("x")).status_code == 403
    assert client.get(f"/admin/events/liepaja/tracks/{world['other_track']}/summary").status_code == 403  # another event
    assert client.get(f"/admin/events/{world['event']}/tracks/{world['other_track']}/summary").status_code == 404
    listing = client.get(f"/admin/events/{world['event']}/summaries").get_data(as_text=True)
    assert listing.count('data-testid="summary-row"') == 2
    assert url in listing and summary_url(world, 1) not in listing
    detail = client.get(f"/admin/events/{world['event']}").get_data(as_text=True)
    assert f"/admin/events/{world['event']}/summaries" in detail and url in detail and summary_url(world, 1) not in detail

    organiser = app.test_client()
    login_as(organiser, "organiser")
    other_event_track = f"/admin/events/{world['event']}/tracks/{world['other_track']}/summary"
    assert organiser.get(other_event_track).status_code == 404  # a track of another event is never found


def test_the_list_shows_each_track_s_state_and_publishes(app, client, login, make, world):
    login("organiser")
    english(client)
    save_text(client, summary_url(world), conclusions="Gatavs")
    listing_url = f"/admin/events/{world['event']}/summaries"
    page = client.get(listing_url).get_data(as_text=True)
    assert re.findall(r'data-testid="summary-row" data-state="(\w+)"', page) == ["draft", "none"]
    response = client.post(f"{summary_url(world)}/publish", data={"csrf_token": csrf_token(client, listing_url),
                                                                  "back": "list"})
    assert response.location == listing_url
    page = client.get(listing_url).get_data(as_text=True)
    assert re.findall(r'data-testid="summary-row" data-state="(\w+)"', page) == ["published", "none"]
    assert f"/events/{world['event']}/summaries.pdf" in page
    response = client.post(f"{summary_url(world, 1)}/publish", data={"csrf_token": csrf_token(client, listing_url)})
    assert "There is nothing to publish yet" in client.get(response.location).get_data(as_text=True)
    with app.app_context():
        assert [s.status for s in db.session.scalars(select(Summary))] == [SummaryStatus.PUBLISHED]


def test_the_demo_forum_offers_its_consolidated_document(app, client, make, tmp_path):
    from eventapp.services.demo import seed_demo

    make.run(lambda s: seed_demo(s, utcnow()))
    page = client.get("/events/2025-09-15-riga-forum").get_data(as_text=True)
    assert page.count('data-testid="summary"') == 4 and "Piemērs:" in page
    document = client.get("/events/2025-09-15-riga-forum/summaries.pdf")
    assert document.status_code == 200
    text = pdf_text(document.data, tmp_path)
    assert "Pilsoniskās sabiedrības attīstības stratēģija – kādu to vēlamies?" in text
    assert "Piemērs: NVO fonds ir svarīgākais valsts atbalsta instruments" in text
    with app.app_context():
        assert len(summaries.published_summaries(db.session, db.session.scalar(
            select(Track).where(Track.title_lv.like("NVO finansējuma%"))).event)) == 4
