"""The organisers' view of an event's registrations: the list, its export, cancelling and moving people."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..actions import attempt
from ..downloads import table_response
from ..extensions import db
from ..forms import ConfirmForm
from ..lookups import get_registration, get_track
from ..models import Event, RegistrationStatus, utcnow
from ..permissions import can, event_for, require
from ..services.registration.lifecycle import cancel_registration, change_registration
from ..services.registration.registration_list import (
    RegistrationFilters,
    registration_rows,
    registration_summary,
    registrations_table,
)
from . import bp
from .forms import MoveForm


def list_url(event: Event) -> str:
    """The list, with the filters the request came with (checked again, junk dropped)."""
    filters = RegistrationFilters.from_args(request.args, event)
    return url_for("admin.registration_list", slug=event.slug, **filters.as_args())


@bp.get("/events/<slug>/registrations")
def registration_list(slug: str):
    event = event_for(slug, "view_registrations")
    filters = RegistrationFilters.from_args(request.args, event)
    return render_template(
        "admin/registrations.html", event=event, filters=filters,
        rows=registration_rows(db.session, event, filters),
        summary=registration_summary(db.session, event),
        may_manage=can(current_user, "manage_registrations", event),
    )


@bp.get("/events/<slug>/registrations.<any(csv, xlsx):format>")
def registration_export(slug: str, format: str):
    event = event_for(slug, "view_registrations")
    filters = RegistrationFilters.from_args(request.args, event)
    rows = registration_rows(db.session, event, filters)
    table = registrations_table(rows, event, get_locale().language)
    return table_response(table, format, f"{event.slug}-registrations")


@bp.post("/events/<slug>/registrations/<int:registration_id>/cancel")
def registration_cancel(slug: str, registration_id: int):
    event = event_for(slug, "manage_registrations")
    registration = get_registration(event, registration_id, anonymised=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = list_url(event)
    done, _result = attempt(None, cancel_registration, registration, utcnow(), actor=current_user)
    if done:
        flash(_("The registration was cancelled; the next person waiting, if any, has been given the seat."), "success")
    return redirect(back)


@bp.post("/events/<slug>/registrations/<int:registration_id>/move")
def registration_move(slug: str, registration_id: int):
    event = event_for(slug, "manage_registrations")
    registration = get_registration(event, registration_id, anonymised=True)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    current = {choice.slot_id: choice.track_id for choice in registration.choices}
    track = next((t for t in event.tracks if t.id == form.track_id.data and t.slot_id == form.slot_id.data), None)
    if track is None or track.slot_id not in current:
        abort(400)
    back, title = list_url(event), track.local("title", get_locale().language)
    done, changed = attempt(
        None, change_registration, registration, registration.attendance_mode,
        current | {track.slot_id: track.id}, utcnow(), actor=current_user,
    )
    if done:
        if changed:
            flash(_("The registration was moved to “%(track)s”.", track=title), "success")
        else:
            flash(_("Nothing was changed."), "success")
    return redirect(back)


@bp.get("/events/<slug>/tracks/<int:track_id>/people")
def track_people(slug: str, track_id: int):
    """A track's people, for its facilitator (and the organisers)."""
    event = event_for(slug, "view_event")
    track = get_track(event, track_id)
    require("view_track_people", event, track)
    filters = RegistrationFilters.from_args({"track": str(track.id)}, event)
    rows = [row for row in registration_rows(db.session, event, filters)
            if row.status is not RegistrationStatus.CANCELLED]
    return render_template("admin/track_people.html", event=event, track=track, rows=rows)
