"""The organisers' pages: events, their time blocks and tracks."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..actions import attempt
from ..extensions import db
from ..formatting import riga_datetime_from_local, to_riga
from ..forms import ConfirmForm
from ..lookups import get_slot, get_track
from ..models import Event, EventStatus, Organisation, Sector, User, UserRole, utcnow
from ..permissions import can, event_for, require
from ..services import events
from ..services.dashboard import dashboard, people_to_tell
from ..services.registration import seat_counts
from ..services.working_groups import tasks
from . import bp
from .forms import CloneEventForm, EventForm, SlotForm, TrackDetailsForm, TrackForm


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
    return render_template(
        "admin/index.html", board=dashboard(db.session, current_user, utcnow()),
        may_create=can(current_user, "manage_events"), today=to_riga(utcnow()).date(),
        working_group_tasks=tasks.open_tasks_everywhere(db.session) if can(current_user, "manage_working_groups") else [],
    )


@bp.route("/events/new", methods=["GET", "POST"])
def event_new():
    require("manage_events")
    form = EventForm()
    form.co_hosts.choices = co_host_choices()
    if form.validate_on_submit():
        done, event = attempt(form, events.create_event, current_user, form.as_data(), chosen_co_hosts(form))
        if done:
            flash(_("The event was created as a draft. Add its time blocks and tracks, then publish it."), "success")
            return redirect(url_for("admin.event_detail", slug=event.slug))
    return render_template("admin/event_form.html", form=form, event=None)


@bp.get("/events/<slug>")
def event_detail(slug: str):
    event = event_for(slug, "view_event")
    taken_event, taken = seat_counts.taken_seats(db.session, event.id, [track.id for track in event.tracks])
    return render_template(
        "admin/event_detail.html", event=event, taken=taken, taken_event=taken_event,
        confirm=ConfirmForm(), may_edit=can(current_user, "edit_event", event),
        may_clone=can(current_user, "manage_events", event),
        clone_form=CloneEventForm(starts_on=events.suggested_clone_date(db.session, event)),
        people_to_tell=people_to_tell(db.session, event) if event.status is not EventStatus.CANCELLED else 0,
    )


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
def event_edit(slug: str):
    event = event_for(slug, "edit_event")
    form = EventForm(obj=event)
    form.co_hosts.choices = co_host_choices(event.co_hosts)
    if form.validate_on_submit():
        done, _result = attempt(form, events.update_event, current_user, event, form.as_data(), chosen_co_hosts(form))
        if done:
            flash(_("The changes were saved."), "success")
            return redirect(url_for("admin.event_detail", slug=event.slug))
    return render_template("admin/event_form.html", form=form, event=event)


@bp.post("/events/<slug>/<any(publish, unpublish, cancel):action>")
def event_status(slug: str, action: str):
    event = event_for(slug, "edit_event")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    change = {"publish": events.publish_event, "unpublish": events.unpublish_event, "cancel": events.cancel_event}
    messages = {
        "publish": _("The event is published."),
        "unpublish": _("The event is a draft again and hidden from the public."),
        "cancel": _("The event is cancelled."),
    }
    done, _result = attempt(None, change[action], current_user, event)
    if done:
        flash(messages[action], "success")
    return redirect(url_for("admin.event_detail", slug=event.slug))


@bp.post("/events/<slug>/clone")
def event_clone(slug: str):
    event = event_for(slug, "manage_events")
    form = CloneEventForm()
    if not form.validate_on_submit():
        flash(_("Choose the date of the copy."), "error")
        return redirect(url_for("admin.event_detail", slug=event.slug))
    new_start = riga_datetime_from_local(form.starts_on.data, to_riga(event.starts_at).time())
    done, copy = attempt(None, events.clone_event, current_user, event, new_start)
    if not done:
        return redirect(url_for("admin.event_detail", slug=event.slug))
    flash(_("A draft copy was made. Check it, then publish it."), "success")
    return redirect(url_for("admin.event_detail", slug=copy.slug))


@bp.route("/events/<slug>/slots/new", methods=["GET", "POST"])
@bp.route("/events/<slug>/slots/<int:slot_id>/edit", methods=["GET", "POST"])
def slot_form(slug: str, slot_id: int | None = None):
    event = event_for(slug, "edit_event")
    slot = get_slot(event, slot_id) if slot_id else None
    form = SlotForm(obj=slot) if slot else SlotForm(starts_at=event.starts_at, ends_at=event.ends_at)
    if form.validate_on_submit():
        if slot:
            done, _result = attempt(form, events.update_slot, current_user, slot, form.as_data())
        else:
            done, _result = attempt(form, events.add_slot, current_user, event, form.as_data())
        if done:
            flash(_("The time block was saved."), "success")
            return redirect(url_for("admin.event_detail", slug=event.slug))
    return render_template("admin/slot_form.html", form=form, event=event, slot=slot)


@bp.route("/events/<slug>/slots/<int:slot_id>/tracks/new", methods=["GET", "POST"])
@bp.route("/events/<slug>/tracks/<int:track_id>/edit", methods=["GET", "POST"])
def track_form(slug: str, slot_id: int | None = None, track_id: int | None = None):
    """Organisers edit everything of a track; a co-hosting partner, only its details."""
    event = event_for(slug, "edit_track_details")
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
        if track:
            done, _result = attempt(form, events.update_track, current_user, track, form.as_data())
        else:
            done, _result = attempt(form, events.add_track, current_user, slot, form.as_data())
        if done:
            flash(_("The track was saved."), "success")
            return redirect(url_for("admin.event_detail", slug=event.slug))
    return render_template("admin/track_form.html", form=form, event=event, slot=slot, track=track, full=full)


def facilitator_choices() -> list[tuple[int, str]]:
    people = db.session.scalars(select(User).where(User.role == UserRole.FACILITATOR).order_by(User.name))
    return [(0, "—")] + [(person.id, f"{person.name} ({person.email})") for person in people]


@bp.post("/events/<slug>/slots/<int:slot_id>/delete")
def slot_delete(slug: str, slot_id: int):
    event = event_for(slug, "edit_event")
    return delete_part(event, events.delete_slot, get_slot(event, slot_id), _l("The time block was deleted."))


@bp.post("/events/<slug>/tracks/<int:track_id>/delete")
def track_delete(slug: str, track_id: int):
    event = event_for(slug, "edit_event")
    return delete_part(event, events.delete_track, get_track(event, track_id), _l("The track was deleted."))


def delete_part(event: Event, delete, part, deleted_message):
    """Delete a time block or a track after the confirm button, and go back to the event."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done, _result = attempt(None, delete, current_user, part)
    if done:
        flash(str(deleted_message), "success")
    return redirect(url_for("admin.event_detail", slug=event.slug))

