"""The check-in API, JSON in and out, called by the check-in page (`static/js/checkin/`).

    POST /api/checkin                        {"event", "code" | "registration_id", "scan_id", "scanned_at",
                                              "track_id", "seat" (true: seat a waiting person, if free)}
    POST /api/checkin/undo                   {"event", "scan_id"}
    GET  /api/events/<slug>/checkin-list     what a device needs to answer scans offline, and until when

Who calls: a signed-in user allowed to check people in at the event, whose page sends the
CSRF token in the `X-CSRFToken` header; or a device with a check-in link, which sends the
link's secret in the `X-Checkin-Link` header (no cookie is involved, so no other site can
make a browser send it: no CSRF token is needed). Every answer is JSON, errors included.

Who calls is asked before the body is read; a body is at most `BODY_LIMIT` bytes (a scan is a
few hundred; the page sends its queue one scan at a time), parsed in one place (`json_body`).
A link that was revoked or has expired, and the list after the event, answer 410 with a
`reason`, on which the page forgets the list it kept.
"""
import json
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

from ..actions import run
from ..extensions import csrf, db
from ..models import CheckInLink, Event, Track, utcnow
from ..permissions import can
from ..services.checkin import arrivals, check_ins
from ..services.checkin.walk_in import NoSeat, seat_at_door

bp = Blueprint("checkin_api", __name__, url_prefix="/api")
csrf.exempt(bp)  # checked in `caller` for session callers; link callers carry a header instead
LINK_HEADER = "X-Checkin-Link"
SLUG = re.compile(r"[A-Za-z0-9_-]{1,120}")  # nothing else reaches the database (PostgreSQL refuses a NUL)
BODY_LIMIT = 16 * 1024


class ApiError(Exception):
    def __init__(self, status: int, message: str, reason: str | None = None):
        super().__init__(message)
        self.status, self.message, self.reason = status, message, reason


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    body = {"error": error.status, "message": error.message}
    if error.reason:
        body["reason"] = error.reason
    return jsonify(body), error.status


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return jsonify(error=error.code, message=error.name), error.code


@bp.errorhandler(InternalServerError)
def server_error(error: InternalServerError):
    return jsonify(error=500, message=_("Something went wrong on our side")), 500


def link_gone(reason: str) -> ApiError:
    if reason == "revoked":
        message = _("The organisers have revoked this check-in link: "
                    "this device no longer keeps the list of participants.")
    elif reason == "expired":
        message = _("This check-in link has expired: this device no longer keeps the list of participants.")
    else:
        message = _("The event is over: this device no longer keeps the list of participants.")
    return ApiError(410, message, reason)


def identify() -> tuple[CheckInLink | None, Event | None]:
    """Who calls, asked before anything of the body is read: a working check-in link and its event,
    or (None, None) for a signed-in user whose page sent its CSRF token; ApiError otherwise."""
    secret = request.headers.get(LINK_HEADER)
    if secret:
        link, event = check_ins.find_link_and_event(db.session, secret)
        if link is None:
            raise ApiError(403, _("There is no such check-in link."), "unknown")
        refusal = check_ins.link_refusal(link, utcnow())
        if refusal:
            raise link_gone(refusal)
        return link, event
    if not current_user.is_authenticated:
        raise ApiError(401, _("Sign in, or open a check-in link."))
    if request.method == "POST":
        try:
            validate_csrf(request.headers.get("X-CSRFToken"))
        except ValidationError:
            raise ApiError(400, _("The page has expired: reload it.")) from None
    return None, None


def caller(slug, link: CheckInLink | None, link_event: Event | None) -> tuple[Event, check_ins.Scanner]:
    """The event named in the request, and who is scanning there; ApiError when they may not."""
    if link is not None:
        if link_event.slug != slug:
            raise ApiError(403, _("This check-in link is for another event."))
        return link_event, check_ins.Scanner(link=link)
    well_formed = isinstance(slug, str) and SLUG.fullmatch(slug)
    event = db.session.scalar(select(Event).where(Event.slug == slug)) if well_formed else None
    if event is None:
        raise ApiError(404, _("There is no such event."))
    if not can(current_user, "checkin", event):
        raise ApiError(403, _("You may not check people in at this event."))
    return event, check_ins.Scanner(user=current_user._get_current_object())


def _refuse_constant(name: str):
    raise ValueError(name)  # NaN and Infinity are not JSON


def json_body() -> dict:
    """The request's JSON object, read once and at most BODY_LIMIT bytes; ApiError for anything else."""
    if request.mimetype != "application/json":
        raise ApiError(400, _("Send JSON, with the content type application/json."))
    if (request.content_length or 0) > BODY_LIMIT:
        raise ApiError(413, _("The request is too large."))
    raw = request.stream.read(BODY_LIMIT + 1)
    if len(raw) > BODY_LIMIT:
        raise ApiError(413, _("The request is too large."))
    try:
        payload = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, too deep, a number too long
        raise ApiError(400, _("The request is not valid JSON.")) from None
    if not isinstance(payload, dict):
        raise ApiError(400, _("Send a JSON object."))
    if not isinstance(payload.get("event"), str):
        raise ApiError(400, _("Name the event: “event” is its slug."))
    return payload


def scan_request() -> tuple[dict, Event, check_ins.Scanner]:
    """A POST's body, event and scanner, in this order of asking: who, then what."""
    link, link_event = identify()
    payload = json_body()
    event, scanner = caller(payload["event"], link, link_event)
    return payload, event, scanner


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
    payload, event, scanner = scan_request()
    code, registration_id = payload.get("code"), optional_id(payload, "registration_id")
    seat = payload.get("seat") is True
    if seat and registration_id is None:
        raise ApiError(400, _("Name the person to seat: “registration_id”."))
    if registration_id is None and not isinstance(code, str):
        raise ApiError(400, _("The scan has no code."))
    if not isinstance(payload.get("scan_id"), str):
        raise ApiError(400, _("The scan has no valid scan id."))
    scanned_at = parse_time(payload.get("scanned_at"))
    track = event_track(event, optional_id(payload, "track_id"))

    def scan(session):
        if seat:
            result = seat_at_door(session, event, scanner, utcnow(), scan_id=payload["scan_id"],
                                  registration_id=registration_id, track=track)
        else:
            result = check_ins.check_in(
                session, event, scanner, utcnow(), scan_id=payload["scan_id"], code=code,
                registration_id=registration_id, scanned_at=scanned_at, track=track,
            )
        return check_ins.answer(result, get_locale().language)

    try:
        done, outcome = run(scan)
    except IntegrityError:
        db.session.rollback()  # the same scan id, sent at the same moment for someone else
        raise ApiError(409, _("This scan id was already used for another person.")) from None
    if isinstance(outcome, NoSeat):
        raise ApiError(409, str(outcome.message), outcome.reason)
    if not done:
        raise ApiError(400, str(outcome.message))
    return jsonify(outcome)


@bp.post("/checkin/undo")
def checkin_undo():
    payload, event, scanner = scan_request()

    def undo(session):
        arrival = check_ins.undo_check_in(session, event, scanner, payload.get("scan_id"), utcnow())
        return {"undone": True, "scan_id": arrival.scan_id,
                "person": check_ins.person(arrival.registration, get_locale().language)}

    done, outcome = run(undo)
    if not done:
        raise ApiError(404, str(outcome.message))
    return jsonify(outcome)


@bp.get("/events/<slug>/checkin-list")
def checkin_list(slug: str):
    link, link_event = identify()
    event, _scanner = caller(slug, link, link_event)
    now = utcnow()
    keep_until = check_ins.door_closes_at(event.ends_at)
    if link is not None:
        keep_until = min(keep_until, link.valid_until)
    if now >= keep_until:
        raise link_gone("event_over")
    body = arrivals.checkin_list(db.session, event, get_locale().language, now)
    body["keep_until"] = keep_until.isoformat()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
