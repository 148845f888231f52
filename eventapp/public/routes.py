"""What a visitor sees: the events and the language switch."""
import io
import re
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    session,
)
from flask_babel import get_locale

from ..downloads import summary_file_response
from ..extensions import db
from ..languages import LANGUAGES
from ..models import EventKind, utcnow
from ..navigation import safe_next_url
from ..services import events, place
from ..services.accounts.retention import retention_months
from ..services.documents import calendar, summaries, summary_pack, uploads
from ..services.registration import seat_holds
from ..services.registration.registration_window import registration_window_state
from ..urls import public_url

bp = Blueprint("public", __name__)

# An agenda line may start with its time ("10:00 Opening", "10.00–10.30 – Opening"): shown apart, in a column.
AGENDA_TIME = re.compile(r"^(\d{1,2}[:.]\d{2}(?:\s*[–-]\s*\d{1,2}[:.]\d{2})?)\s+(?:[–-]\s+)?(\S.*)$")


def agenda_rows(items: list[str]) -> list[tuple[str, str]]:
    """Each agenda line as (its time or "", the rest)."""
    rows = []
    for item in items:
        match = AGENDA_TIME.match(item)
        rows.append((match.group(1).replace(".", ":").replace("-", "–").replace(" ", ""), match.group(2)) if match else ("", item))
    return rows


@bp.get("/")
def index():
    listing = events.public_events(db.session, utcnow())
    return render_template("public/index.html", upcoming=listing.upcoming, past=listing.past)


@bp.get("/events/<slug>")
def event(slug: str):
    found = events.get_public_event(db.session, slug)
    if found is None:
        abort(404)
    now = utcnow()
    return render_template(
        "public/event.html", event=found, track_seats=seat_holds.track_seats(db.session, found, now), now=now,
        agenda=agenda_rows(found.agenda(get_locale().language)), window=registration_window_state(found, now), place_line=place.place_line(found), map_link=place.map_link(found),
        google_calendar_link=calendar.google_calendar_link(found, get_locale().language),
        published_summaries=summaries.published_summaries(db.session, found),
        current_files=summaries.current_files, file_kinds=uploads.KINDS, human_size=uploads.human_size,
    )


@bp.get("/events/<slug>/summaries/files/<int:file_id>")
def summary_file(slug: str, file_id: int):
    """The current version of a file of a published summary; drafts, older and withdrawn versions are not found."""
    found = events.get_public_event(db.session, slug)
    file = summaries.public_file(db.session, found, file_id) if found else None
    if file is None:
        abort(404)
    return summary_file_response(file, private=False)


@bp.get("/events/<slug>/summaries.pdf")
def summaries_pdf(slug: str):
    """All published summaries of the event in one PDF, the uploaded PDFs appended; built once for
    what it shows (and the language), then sent from disk with an ETag (304 when unchanged)."""
    found = events.get_public_event(db.session, slug)
    published = summaries.published_summaries(db.session, found) if found else []
    if not published:
        abort(404)
    pack = summary_pack.kept_pack(
        found, published, current_app.config["UPLOAD_FOLDER"], get_locale().language,
        lambda file: public_url("public.summary_file", slug=found.slug, file_id=file.id),
    )
    response = send_file(io.BytesIO(pack.body), mimetype="application/pdf", as_attachment=True,
                         download_name=f"{found.slug}-summaries.pdf", etag=pack.fingerprint,
                         last_modified=pack.modified, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.no_cache = True  # kept, but asked again each time: a 304 when unchanged
    return response


@bp.get("/events/<slug>.ics")
def event_calendar(slug: str):
    found = events.get_public_event(db.session, slug)
    if found is None:
        abort(404)
    body = calendar.event_calendar(found, get_locale().language)
    return calendar_response(body, f"{found.slug}.ics", calendar.last_modified(db.session, [found]))


@bp.get("/calendar.ics")
def calendar_feed():
    """All public events to subscribe to; `?kind=online_meeting` (repeatable) narrows them."""
    kinds = {kind for kind in EventKind if kind.value in request.args.getlist("kind")}
    listed = calendar.feed_events(db.session, kinds)
    body = calendar.feed(listed, get_locale().language)
    return calendar_response(body, "calendar.ics", calendar.last_modified(db.session, listed))


def calendar_response(body: bytes, filename: str, modified: datetime | None) -> Response:
    """A public calendar file that clients polling it may keep five minutes and then revalidate."""
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.last_modified = modified
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/privacy")
def privacy():
    retention = [(kind, retention_months(current_app.config, kind)) for kind in EventKind]
    return render_template("public/privacy.html", retention=retention)


@bp.post("/lang/<code>")
def set_language(code: str):
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    return redirect(safe_next_url(request.form.get("next")))

