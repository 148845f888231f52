"""The organisers' pages: events, their time blocks and tracks."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..formatting import riga_datetime_from_local, to_riga
from ..forms import show_on_field
from ..models import Event, Organisation, Sector, Slot, Track, User, UserRole
from ..permissions import can, event_for, require
from ..services import events, seats
from ..services.exceptions import DomainError
from .forms import KIND_LABELS, CloneEventForm, ConfirmForm, EventForm, SlotForm, TrackDetailsForm, TrackForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_sign_in():
    """Every page here needs a signed-in user; each view then checks what that user may do."""


def get_event(slug: str, action: str = "view_event") -> Event:
    return event_for(slug, action)


def get_slot(event: Event, slot_id: int) -> Slot:
    slot = db.session.scalar(select(Slot).where(Slot.id == slot_id, Slot.event_id == event.id))
    if slot is None:
        abort(404)
    return slot


def get_track(event: Event, track_id: int) -> Track:
    track = db.session.scalar(
        select(Track).join(Slot).where(Track.id == track_id, Slot.event_id == event.id)
    )
    if track is None:
        abort(404)
    return track


def show_error(form, error: DomainError) -> None:
    """Next to its field, or as a message at the top of the page."""
    if not show_on_field(form, error):
        flash(str(error.message), "error")


def co_host_choices(current: list[Organisation] = ()) -> list[tuple[int, str]]:
    """Organisations that may co-host, and those that already do (so that saving keeps them)."""
    kept = [org.id for org in current]
    query = select(Organisation).where(
        (Organisation.sector != Sector.STATE_ADMINISTRATION) | Organisation.id.in_(kept)
    ).order_by(Organisation.name)
    return [(org.id, org.name) for org in db.session.scalars(query)]


def chosen_co_hosts(form: EventForm) -> list[Organisation]:
    if not form.co_hosts.data:
        return []
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(form.co_hosts.data))))


@bp.get("/")
def index():
    query = (
        select(Event)
        .options(selectinload(Event.co_hosts), selectinload(Event.slots).selectinload(Slot.tracks))
        .order_by(Event.starts_at.desc())
    )
    visible = [event for event in db.session.scalars(query) if can(current_user, "view_event", event)]
    return render_template(
        "admin/index.html", events=visible, kind_labels=KIND_LABELS,
        may_create=can(current_user, "manage_events"),
    )


@bp.route("/events/new", methods=["GET", "POST"])
def event_new():
    require("manage_events")
    form = EventForm()
    form.co_hosts.choices = co_host_choices()
    if form.validate_on_submit():
        try:
            event = events.create_event(db.session, current_user, form.values(), chosen_co_hosts(form))
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The event was created as a draft. Add its time blocks and tracks, then publish it."), "success")
            return redirect(url_for("admin.event_detail", slug=event.slug))
    return render_template("admin/event_form.html", form=form, event=None)


@bp.get("/events/<slug>")
def event_detail(slug: str):
    event = get_event(slug)
    return render_template(
        "admin/event_detail.html", event=event, taken=seats.taken_seats_by_track(db.session, event),
        taken_event=seats.taken_event_seats(db.session, event), kind_labels=KIND_LABELS,
        confirm=ConfirmForm(), may_edit=can(current_user, "edit_event", event),
        may_clone=can(current_user, "manage_events", event),
        clone_form=CloneEventForm(starts_on=events.suggested_clone_date(db.session, event)),
    )


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
def event_edit(slug: str):
    event = get_event(slug, "edit_event")
    form = EventForm(obj=event)
    form.co_hosts.choices = co_host_choices(event.co_hosts)
    if form.validate_on_submit():
        try:
            events.update_event(db.session, current_user, event, form.values(), chosen_co_hosts(form))
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The changes were saved."), "success")
            return redirect(url_for("admin.event_detail", slug=event.slug))
    return render_template("admin/event_form.html", form=form, event=event)


@bp.post("/events/<slug>/<any(publish, unpublish, cancel):action>")
def event_status(slug: str, action: str):
    event = get_event(slug, "edit_event")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    change = {"publish": events.publish_event, "unpublish": events.unpublish_event, "cancel": events.cancel_event}
    messages = {
        "publish": _("The event is published."),
        "unpublish": _("The event is a draft again and hidden from the public."),
        "cancel": _("The event is cancelled."),
    }
    try:
        change[action](db.session, current_user, event)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(messages[action], "success")
    return redirect(url_for("admin.event_detail", slug=event.slug))


@bp.post("/events/<slug>/clone")
def event_clone(slug: str):
    event = get_event(slug, "manage_events")
    form = CloneEventForm()
    if not form.validate_on_submit():
        flash(_("Choose the date of the copy."), "error")
        return redirect(url_for("admin.event_detail", slug=event.slug))
    new_start = riga_datetime_from_local(form.starts_on.data, to_riga(event.starts_at).time())
    try:
        copy = events.clone_event(db.session, current_user, event, new_start)
    except DomainError as error:
        flash(str(error.message), "error")
        return redirect(url_for("admin.event_detail", slug=event.slug))
    db.session.commit()
    flash(_("A draft copy was made. Check it, then publish it."), "success")
    return redirect(url_for("admin.event_detail", slug=copy.slug))


@bp.route("/events/<slug>/slots/new", methods=["GET", "POST"])
@bp.route("/events/<slug>/slots/<int:slot_id>/edit", methods=["GET", "POST"])
def slot_form(slug: str, slot_id: int | None = None):
    event = get_event(slug, "edit_event")
    slot = get_slot(event, slot_id) if slot_id else None
    form = SlotForm(obj=slot) if slot else SlotForm(starts_at=event.starts_at, ends_at=event.ends_at)
    if form.validate_on_submit():
        try:
            if slot:
                events.update_slot(db.session, current_user, slot, form.values())
            else:
                events.add_slot(db.session, current_user, event, form.values())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The time block was saved."), "success")
            return redirect(url_for("admin.event_detail", slug=event.slug))
    return render_template("admin/slot_form.html", form=form, event=event, slot=slot)


@bp.route("/events/<slug>/slots/<int:slot_id>/tracks/new", methods=["GET", "POST"])
@bp.route("/events/<slug>/tracks/<int:track_id>/edit", methods=["GET", "POST"])
def track_form(slug: str, slot_id: int | None = None, track_id: int | None = None):
    """Organisers edit everything of a track; a co-hosting partner, only its details."""
    event = get_event(slug, "edit_track_details")
    track = get_track(event, track_id) if track_id else None
    full = can(current_user, "edit_event", event)
    if not full and track is None:
        abort(403)
    slot = track.slot if track else get_slot(event, slot_id)
    if full:
        form = TrackForm(obj=track) if track else TrackForm(state_admin_minimum=events.default_state_admin_minimum(event))
        form.facilitator_id.choices = facilitator_choices()
    else:
        form = TrackDetailsForm(obj=track)
    if form.validate_on_submit():
        try:
            if track:
                events.update_track(db.session, current_user, track, form.values())
            else:
                events.add_track(db.session, current_user, slot, form.values())
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The track was saved."), "success")
            return redirect(url_for("admin.event_detail", slug=event.slug))
    return render_template("admin/track_form.html", form=form, event=event, slot=slot, track=track, full=full)


def facilitator_choices() -> list[tuple[int, str]]:
    people = db.session.scalars(select(User).where(User.role == UserRole.FACILITATOR).order_by(User.name))
    return [(0, "—")] + [(person.id, f"{person.name} ({person.email})") for person in people]


@bp.post("/events/<slug>/slots/<int:slot_id>/delete")
def slot_delete(slug: str, slot_id: int):
    event = get_event(slug, "edit_event")
    slot = get_slot(event, slot_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        events.delete_slot(db.session, current_user, slot)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The time block was deleted."), "success")
    return redirect(url_for("admin.event_detail", slug=event.slug))


@bp.post("/events/<slug>/tracks/<int:track_id>/delete")
def track_delete(slug: str, track_id: int):
    event = get_event(slug, "edit_event")
    track = get_track(event, track_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        events.delete_track(db.session, current_user, track)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The track was deleted."), "success")
    return redirect(url_for("admin.event_detail", slug=event.slug))


from . import audit, badges, coverage, outbox, registrations, summaries, users  # noqa: E402,F401  (their routes join this blueprint)
