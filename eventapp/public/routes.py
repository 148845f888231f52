"""What a visitor sees: the events and the language switch."""
from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from ..extensions import db
from ..models import utcnow
from ..navigation import safe_next_url
from ..services import events, seats

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
    taken = seats.taken_seats_by_track(db.session, found)
    return render_template("public/event.html", event=found, taken=taken, seats_left=seats.seats_left, now=utcnow())


@bp.get("/privacy")
def privacy():
    return render_template("public/privacy.html")


@bp.post("/lang/<code>")
def set_language(code: str):
    if code not in ("lv", "en"):
        abort(404)
    session["lang"] = code
    return redirect(safe_next_url(request.form.get("next")))

