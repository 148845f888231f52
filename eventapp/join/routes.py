"""The join link: during the meeting's window it records the join and sends the person on to the
meeting; before or after it, or for a registration that is not confirmed, it says why not and
never shows the address."""
from flask import abort, current_app, redirect, render_template, session
from flask_babel import refresh
from sqlalchemy import select

from ..extensions import db
from ..formatting import on_date
from ..languages import LANGUAGES
from ..models import EventStatus, Registration, RegistrationStatus, Track, utcnow
from ..services.remote import joins
from . import bp


@bp.errorhandler(404)
def link_not_found(error):
    return render_template("join/not_found.html"), 404


def registration_for(token: str) -> Registration:
    """The registration of the link, or 404; the page speaks the person's language until they choose another."""
    registration = db.session.scalar(select(Registration).where(Registration.join_secret == token))
    if registration is None or registration.anonymised_at is not None:
        abort(404)
    if session.get("lang") not in LANGUAGES and registration.language in LANGUAGES:
        session["lang"] = registration.language
        refresh()
    return registration


def refusal(registration: Registration) -> str | None:
    """Why the person cannot join (a key the page explains), or None."""
    if registration.event.status is EventStatus.CANCELLED:
        return "event_cancelled"
    if registration.status is RegistrationStatus.CANCELLED:
        return "cancelled"
    if registration.status is RegistrationStatus.WAITLISTED:
        return "waitlisted"
    if not joins.meetings(registration):
        return "no_meeting"
    return None


def page(registration: Registration, situation: str, status: int = 200, **values):
    return render_template("join/page.html", registration=registration, event=registration.event,
                           situation=situation, **values), status


@bp.get("/<token>")
def join(token: str):
    registration = registration_for(token)
    found = joins.meetings(registration)
    if refusal(registration) is None and len(found) > 1 and _window_state(registration) == "open":
        return page(registration, "choose", meetings=[track for track, _address in found])
    return go(registration, found[0][0] if found else None)


@bp.get("/<token>/event")
def event_meeting(token: str):
    return go(registration_for(token), None)


@bp.get("/<token>/<int:track_id>")
def track_meeting(token: str, track_id: int):
    registration = registration_for(token)
    track = next((c.track for c in registration.choices if c.track_id == track_id), None)
    if track is None:
        abort(404)
    return go(registration, track)


def _window_state(registration: Registration) -> str:
    opens_at, closes_at = joins.join_window(registration.event, current_app.config)
    now = utcnow()
    return "not_yet" if now < opens_at else "over" if now > closes_at else "open"


def go(registration: Registration, track: Track | None):
    reason = refusal(registration)
    if reason is not None:
        return page(registration, reason)
    address = joins.meeting_address(registration, track)
    if address is None:
        return page(registration, "no_meeting")
    now = utcnow()
    opens_at, closes_at = joins.join_window(registration.event, current_app.config)
    if now < opens_at:
        return page(registration, "not_yet", opens=on_date(opens_at, with_time=True))
    if now > closes_at:
        return page(registration, "over")
    joins.record_join(db.session, registration, track, now, current_app.config)
    db.session.commit()
    if not joins.is_web_address(address):
        return page(registration, "address", address=address, track=track)
    response = redirect(address, 302)
    # The link may be opened by a mail scanner: neither it nor a proxy keeps the answer, and the
    # meeting never learns the join link as a referrer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
