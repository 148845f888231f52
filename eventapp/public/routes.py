"""What a visitor sees: the events and the language switch."""
from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from ..extensions import db
from ..models import utcnow
from ..navigation import safe_next_url
from ..services import events, seats
from ..services.registration import registration_closed_reason

bp = Blueprint("public", __name__)


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
    taken = seats.taken_seats_by_track(db.session, found)
    return render_template(
        "public/event.html", event=found, taken=taken, seats_left=seats.seats_left, now=now,
        registration_closed=registration_closed_reason(found, now),
    )


@bp.get("/healthz")
def health():
    """For load balancers and as the bare reference in benchmarks: no database, no template."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/privacy")
def privacy():
    return render_template("public/privacy.html")


@bp.post("/lang/<code>")
def set_language(code: str):
    if code not in ("lv", "en"):
        abort(404)
    session["lang"] = code
    return redirect(safe_next_url(request.form.get("next")))

