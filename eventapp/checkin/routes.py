"""Check-in at the door: the scanning page, walk-ins, one badge at a time, and check-in links.

Every page of the door has two addresses: under /admin/events/<slug>/checkin for signed-in
organisers and partners, and under /checkin/<secret> for a device holding a check-in link
(no account: one event, check-in only, until the link expires or is revoked). The scanning
itself goes through the `checkin_api` blueprint, which the page calls.

The page after a walk-in is reached only through the signed ticket in its address, which the
device that registered the walk-in was sent to: other registrations are not shown there.
"""
import base64
import hashlib
import json
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import qrcode
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from qrcode.image.svg import SvgPathImage
from sqlalchemy import select

from ..actions import attempt, run, show_error
from ..extensions import db, login_manager
from ..formatting import RIGA, to_riga
from ..forms import ConfirmForm
from ..lookups import get_registration
from ..models import CheckInLink, Event, Registration, RegistrationStatus, Sector, utcnow
from ..permissions import event_for
from ..services.checkin import arrivals, badges, check_ins
from ..services.checkin.walk_in import (
    AlreadyWaiting,
    WalkInData,
    read_walk_in_ticket,
    register_walk_in,
    seat_at_door,
    walk_in_ticket,
)
from ..services.registration import seat_allocation
from ..urls import public_url
from .forms import CheckInLinkForm, chosen_tracks, walk_in_form

bp = Blueprint("checkin", __name__)


def door(slug: str | None, secret: str | None) -> tuple[Event, check_ins.Scanner, CheckInLink | None]:
    """The event, who is scanning, and their link, from either kind of address."""
    if secret is not None:
        link = check_ins.find_link(db.session, secret)
        if link is None:
            abort(Response(render_template("checkin/link_invalid.html", link=None), 404))
        if not check_ins.is_valid(link, utcnow()):
            event = db.session.get(Event, link.event_id)
            abort(Response(render_template("checkin/link_invalid.html", link=link, event=event), 403))
        return db.session.get(Event, link.event_id), check_ins.Scanner(link=link), link
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    return event_for(slug, "checkin"), check_ins.Scanner(user=current_user._get_current_object()), None


def door_args(event: Event, link: CheckInLink | None) -> dict:
    """What `url_for` needs for the door's pages at the address in use."""
    return {"secret": link.secret} if link else {"slug": event.slug}


def keep_until(event: Event, link: CheckInLink | None) -> datetime:
    """Until when a device may keep the event's list of participants (`checkin_api.checkin_list` says the same)."""
    closes = check_ins.door_closes_at(event.ends_at)
    return min(closes, link.valid_until) if link else closes


@bp.get("/admin/events/<slug>/checkin", endpoint="page")
@bp.get("/checkin/<secret>", endpoint="page")
def page(slug: str | None = None, secret: str | None = None):
    event, _scanner, link = door(slug, secret)
    locale = get_locale().language
    settings = {
        "event": event.slug,
        "link": link.secret if link else None,
        "csrf": generate_csrf(),
        "listUrl": url_for("checkin_api.checkin_list", slug=event.slug),
        "checkinUrl": url_for("checkin_api.checkin"),
        "undoUrl": url_for("checkin_api.checkin_undo"),
        "badgeUrl": url_for("checkin.badge", registration_id=0, **door_args(event, link)),
        "vendorUrl": url_for("static", filename="vendor/jsQR.js"),
        "locale": locale,
        "keepUntil": keep_until(event, link).isoformat(),
        "workerUrl": url_for("checkin.worker", **door_args(event, link)),
        "scope": url_for("checkin.page", **door_args(event, link)),
    }
    return render_template(
        "checkin/page.html", event=event, link=link, settings=settings, door=door_args(event, link),
        keep_until=keep_until(event, link),
        counts=arrivals.arrival_counts(db.session, event),
        state_administration=Sector.STATE_ADMINISTRATION,
    )


# --- the page as an installable app: its manifest and its service worker ----------------------

WORKER_FILE = "js/checkin/sw.js"
APP_FILES = ("js/checkin/main.js", "js/checkin/camera.js", "js/checkin/codes.js", "js/checkin/store.js",
             "js/checkin/sync.js", "js/checkin/tallies.js", "js/checkin/view.js", "css/app.css", "js/confirm.js",
             "js/scroll-regions.js", "vendor/jsQR.js", "icons/checkin.svg", "icons/checkin-192.png",
             "icons/checkin-512.png", "icons/logo.svg")


def files_version() -> str:
    """Changes when any file the worker keeps (or the worker itself) changes: a new cache then."""
    digest = hashlib.sha256()
    for name in (WORKER_FILE, *APP_FILES):
        digest.update(Path(current_app.static_folder, name).read_bytes())
    return digest.hexdigest()[:16]


@bp.get("/admin/events/<slug>/checkin/manifest.webmanifest", endpoint="manifest")
@bp.get("/checkin/<secret>/manifest.webmanifest", endpoint="manifest")
def manifest(slug: str | None = None, secret: str | None = None):
    """The web app manifest: the volunteer's link itself opens as an app."""
    event, _scanner, link = door(slug, secret)
    page_url = url_for("checkin.page", **door_args(event, link))
    locale = get_locale().language
    title = event.local("title", locale)
    data = {
        "name": _("Check-in: %(title)s", title=title),
        "short_name": _("Check-in"),
        "lang": locale,
        "start_url": page_url,
        "scope": page_url,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4e89",
        "icons": [
            {"src": url_for("static", filename="icons/checkin.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": url_for("static", filename="icons/checkin-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icons/checkin-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json",
                    headers={"Cache-Control": "no-store"})


@bp.get("/admin/events/<slug>/checkin/sw.js", endpoint="worker")
@bp.get("/checkin/<secret>/sw.js", endpoint="worker")
def worker(slug: str | None = None, secret: str | None = None):
    """The service worker (static/js/checkin/sw.js) with what it keeps; its scope is the page."""
    event, _scanner, link = door(slug, secret)
    args = door_args(event, link)
    page_url = url_for("checkin.page", **args)
    config = {
        "page": page_url,
        "cache": f"eventapp-checkin|{page_url}|{files_version()}",
        "assets": [url_for("checkin.manifest", **args)] + [url_for("static", filename=name) for name in APP_FILES],
    }
    source = Path(current_app.static_folder, WORKER_FILE).read_text(encoding="utf-8")
    body = f"self.CHECKIN = {json.dumps(config)};\n{source}"
    return Response(body, content_type="text/javascript; charset=utf-8",
                    headers={"Service-Worker-Allowed": page_url, "Cache-Control": "no-store"})


@bp.route("/admin/events/<slug>/checkin/walk-in", methods=["GET", "POST"], endpoint="walk_in")
@bp.route("/checkin/<secret>/walk-in", methods=["GET", "POST"], endpoint="walk_in")
def walk_in(slug: str | None = None, secret: str | None = None):
    event, scanner, link = door(slug, secret)
    locale = get_locale().language
    form = walk_in_form(event, locale)
    if form.validate_on_submit():
        data = WalkInData(
            full_name=form.full_name.data, organisation_name=form.organisation.data, sector=Sector(form.sector.data),
            consent_data=form.consent_data.data, email=form.email.data or "", track_ids=chosen_tracks(form),
            language=locale,
        )
        done, outcome = run(register_walk_in, event, data, scanner, utcnow())
        if done:
            return redirect_to_done(event, link, outcome)
        if isinstance(outcome, AlreadyWaiting):
            return waiting_page(event, link, get_registration(event, outcome.registration.id))
        show_error(form, outcome)
    return render_template("checkin/walk_in.html", event=event, link=link, form=form, door=door_args(event, link))


def redirect_to_done(event: Event, link: CheckInLink | None, registration: Registration, seated: bool = False):
    """To the page for the person just registered at the door (or, `seated`, just given a seat)."""
    ticket = walk_in_ticket(current_app.secret_key, registration)
    return redirect(url_for("checkin.walk_in_done", ticket=ticket, seated="1" if seated else None,
                            **door_args(event, link)))


def waiting_page(event: Event, link: CheckInLink | None, registration: Registration, status: int = 200):
    """Someone on the waiting list at the door: their number, and the seat when one is free for them."""
    refusal = None
    if registration.status is RegistrationStatus.WAITLISTED:
        refusal = seat_allocation.door_seat_refusal(db.session, event, registration, utcnow())
    return render_template(
        "checkin/walk_in_waiting.html", event=event, link=link, door=door_args(event, link),
        registration=registration, waiting=seat_allocation.event_queue_position(db.session, registration),
        offer=check_ins.seat_offer(refusal), confirm=ConfirmForm(),
    ), status


@bp.post("/admin/events/<slug>/checkin/seat/<int:registration_id>", endpoint="seat")
@bp.post("/checkin/<secret>/seat/<int:registration_id>", endpoint="seat")
def seat(registration_id: int, slug: str | None = None, secret: str | None = None):
    """Seat someone waiting who came to the door, and check them in, when a seat is free for them."""
    event, scanner, link = door(slug, secret)
    registration = get_registration(event, registration_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done, _result = attempt(None, seat_at_door, event, scanner, utcnow(), scan_id=f"door-seat-{uuid4().hex}",
                            registration_id=registration.id)
    if not done:
        return waiting_page(event, link, get_registration(event, registration_id), 409)
    return redirect_to_done(event, link, registration, seated=True)


@bp.get("/admin/events/<slug>/checkin/walk-in/<ticket>", endpoint="walk_in_done")
@bp.get("/checkin/<secret>/walk-in/<ticket>", endpoint="walk_in_done")
def walk_in_done(ticket: str, slug: str | None = None, secret: str | None = None):
    event, _scanner, link = door(slug, secret)
    registration_id = read_walk_in_ticket(current_app.secret_key, ticket, event.id)
    if registration_id is None:
        abort(404)
    registration = get_registration(event, registration_id)
    return render_template("checkin/walk_in_done.html", event=event, link=link, registration=registration,
                           door=door_args(event, link), seated=request.args.get("seated") == "1")


@bp.get("/admin/events/<slug>/checkin/badges/<int:registration_id>.pdf", endpoint="badge")
@bp.get("/checkin/<secret>/badges/<int:registration_id>.pdf", endpoint="badge")
def badge(registration_id: int, slug: str | None = None, secret: str | None = None):
    """One person's badge, printed at the door (a walk-in, or a badge left at home)."""
    event, _scanner, _link = door(slug, secret)
    registration = get_registration(event, registration_id)
    if registration.status is not RegistrationStatus.CONFIRMED:
        abort(404)
    layout = request.args.get("layout", "label")
    if layout not in badges.LAYOUTS:
        abort(400)
    document = badges.badges_pdf([registration], layout)
    badges.mark_printed([registration], utcnow())
    db.session.commit()
    return Response(document, mimetype="application/pdf",
                    headers={"Content-Disposition": 'inline; filename="badge.pdf"', "Cache-Control": "no-store"})


# --- check-in links: organisers give volunteers' devices a way in ------------------------------

def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG data URI, for the volunteer's phone to open the link."""
    svg = qrcode.make(text, image_factory=SvgPathImage, box_size=8, border=2).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def default_valid_until(event: Event) -> datetime:
    """The end of the event's last day, in Riga: a volunteer is not cut off mid-evening; the
    organiser can always revoke the link earlier."""
    return to_riga(check_ins.door_closes_at(event.ends_at))


@bp.route("/admin/events/<slug>/checkin-links", methods=["GET", "POST"])
@login_required
def links(slug: str):
    event = event_for(slug, "manage_checkin_links")
    form = CheckInLinkForm(valid_until=default_valid_until(event).replace(tzinfo=None))
    if form.validate_on_submit():
        done, _link = attempt(form, check_ins.create_link, event, current_user, form.label.data,
                              form.valid_until.data.replace(tzinfo=RIGA), utcnow())
        if done:
            flash(_("The link was made: open it on the volunteer's device (scan its QR code)."), "success")
            return redirect(url_for("checkin.links", slug=event.slug))
    now = utcnow()
    made = db.session.scalars(
        select(CheckInLink).where(CheckInLink.event_id == event.id).order_by(CheckInLink.created_at.desc())
    ).all()
    rows = []
    for link in made:
        url = public_url("checkin.page", secret=link.secret)
        rows.append({"link": link, "url": url, "valid": check_ins.is_valid(link, now),
                     "qr": qr_data_uri(url) if check_ins.is_valid(link, now) else None})
    return render_template("checkin/links.html", event=event, form=form, rows=rows, confirm=ConfirmForm())


@bp.post("/admin/events/<slug>/checkin-links/<int:link_id>/revoke")
@login_required
def revoke_link(slug: str, link_id: int):
    event = event_for(slug, "manage_checkin_links")
    link = db.session.scalar(select(CheckInLink).where(CheckInLink.id == link_id, CheckInLink.event_id == event.id))
    if link is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done, _result = attempt(None, check_ins.revoke_link, link, current_user, utcnow())
    if done:
        flash(_("The link is revoked: its device can no longer check anyone in."), "success")
    return redirect(url_for("checkin.links", slug=event.slug))

