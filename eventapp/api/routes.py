"""The check-in API, JSON in and out, called by the check-in page (`static/js/checkin.js`).

    POST /api/checkin                        {"event", "code" | "registration_id", "scan_id", "scanned_at", "track_id"}
    POST /api/checkin/undo                   {"event", "scan_id"}
    GET  /api/events/<slug>/checkin-list     what a device needs to answer scans offline

Who calls: a signed-in user allowed to check people in at the event, whose page sends the
CSRF token in the `X-CSRFToken` header; or a device with a check-in link, which sends the
link's secret in the `X-Checkin-Link` header (no cookie is involved, so no other site can
make a browser send it: no CSRF token is needed). Every answer is JSON, errors included.
"""
import re
from datetime import datetime, timezone

from flask import Blueprint, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError
from wtforms import ValidationError

from ..extensions import csrf, db
from ..models import Event, Track, utcnow
from ..permissions import can
from ..services import arrivals, checkin
from ..services.exceptions import DomainError

bp = Blueprint("api", __name__, url_prefix="/api")
csrf.exempt(bp)  # checked in `caller` for session callers; link callers carry a header instead
LINK_HEADER = "X-Checkin-Link"
SLUG = re.compile(r"[A-Za-z0-9_-]{1,120}")  # nothing else reaches the database (PostgreSQL refuses a NUL)


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return jsonify(error=error.status, message=error.message), error.status


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return jsonify(error=error.code, message=error.name), error.code


@bp.errorhandler(InternalServerError)
def server_error(error: InternalServerError):
    return jsonify(error=500, message=_("Something went wrong on our side")), 500


def caller(slug) -> tuple[Event, checkin.Scanner]:
    """The event named in the request, and who is scanning there; ApiError when they may not."""
    secret = request.headers.get(LINK_HEADER)
    well_formed = isinstance(slug, str) and SLUG.fullmatch(slug)
    if secret:
        link, event = checkin.find_link_and_event(db.session, secret)
        if link is None or not checkin.is_valid(link, utcnow()):
            raise ApiError(403, _("This check-in link is not valid any more."))
        if event.slug != slug:
            raise ApiError(403, _("This check-in link is for another event."))
        return event, checkin.Scanner(link=link)
    if not current_user.is_authenticated:
        raise ApiError(401, _("Sign in, or open a check-in link."))
    event = db.session.scalar(select(Event).where(Event.slug == slug)) if well_formed else None
    if event is None:
        raise ApiError(404, _("There is no such event."))
    if not can(current_user, "checkin", event):
        raise ApiError(403, _("You may not check people in at this event."))
    if request.method == "POST":
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            raise ApiError(400, _("The page has expired: reload it.")) from None
    return event, checkin.Scanner(user=current_user._get_current_object())


def json_body() -> dict:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError(400, _("Send a JSON object."))
    if not isinstance(payload.get("event"), str):
        raise ApiError(400, _("Name the event: “event” is its slug."))
    return payload


def parse_time(value) -> datetime | None:
    """An ISO 8601 moment (a time without a zone is taken as UTC), or None when not given."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise ApiError(400, _("“scanned_at” must be a moment in ISO 8601, such as 2025-09-03T09:12:00Z."))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def optional_id(payload: dict, name: str) -> int | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise ApiError(400, _("“%(field)s” must be a whole number.", field=name))
    return value


def event_track(event: Event, track_id: int | None) -> Track | None:
    if track_id is None:
        return None
    track = next((t for t in event.tracks if t.id == track_id), None)
    if track is None:
        raise ApiError(400, _("This working group is not part of this event."))
    return track


@bp.post("/checkin", endpoint="checkin")
def checkin_scan():
    payload = json_body()
    event, scanner = caller(payload.get("event"))
    code, registration_id = payload.get("code"), optional_id(payload, "registration_id")
    if registration_id is None and not isinstance(code, str):
        raise ApiError(400, _("The scan has no code."))
    if not isinstance(payload.get("scan_id"), str):
        raise ApiError(400, _("The scan has no valid scan id."))
    scanned_at = parse_time(payload.get("scanned_at"))
    track = event_track(event, optional_id(payload, "track_id"))
    try:
        result = checkin.check_in(
            db.session, event, scanner, utcnow(), scan_id=payload["scan_id"], code=code,
            registration_id=registration_id, scanned_at=scanned_at, track=track,
        )
        body = checkin.answer(result, get_locale().language)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise ApiError(400, str(error.message)) from None
    except IntegrityError:
        db.session.rollback()  # the same scan id, sent at the same moment for someone else
        raise ApiError(409, _("This scan id was already used for another person.")) from None
    return jsonify(body)


@bp.post("/checkin/undo")
def checkin_undo():
    payload = json_body()
    event, scanner = caller(payload.get("event"))
    try:
        arrival = checkin.undo_check_in(db.session, event, scanner, payload.get("scan_id"), utcnow())
        body = {"undone": True, "scan_id": arrival.scan_id,
                "person": checkin.person(arrival.registration, get_locale().language)}
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise ApiError(404, str(error.message)) from None
    return jsonify(body)


@bp.get("/events/<slug>/checkin-list")
def checkin_list(slug: str):
    event, _scanner = caller(slug)
    response = jsonify(arrivals.checkin_list(db.session, event, get_locale().language, utcnow()))
    response.headers["Cache-Control"] = "no-store"
    return response
