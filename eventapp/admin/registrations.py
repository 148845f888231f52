"""The organisers' view of an event's registrations: the list, its export, cancelling and moving
people, sending their private link again, one at a time or several at once."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ..actions import attempt, run, show_error
from ..downloads import table_response
from ..extensions import db
from ..forms import ConfirmForm
from ..lookups import get_registration, get_track
from ..models import Event, RegistrationStatus, utcnow
from ..permissions import can, event_for, require
from ..services.exceptions import DomainError
from ..services.registration import bulk_actions
from ..services.registration.answers import answer_text, filter_choices, question_columns
from ..services.registration.lifecycle import cancel_registration, change_registration, seats_settled
from ..services.registration.registration_list import (
    RegistrationFilters,
    enum_labels,
    page_number,
    registration_page,
    registration_rows,
    registration_summary,
    registrations_table,
)
from ..services.remote import joins
from . import bp
from .forms import BulkRegistrationsForm, MoveForm


def list_args(event: Event) -> dict[str, str]:
    """The filters and page the request came with (checked again, junk dropped)."""
    args = RegistrationFilters.from_args(request.args, event).as_args()
    page = page_number(request.args.get("page"))
    return args | {"page": str(page)} if page > 1 else args


def list_url(event: Event) -> str:
    """The list, with the filters and page the request came with: where an action goes back to."""
    return url_for("admin.registration_list", slug=event.slug, **list_args(event))


@bp.get("/events/<slug>/registrations")
def registration_list(slug: str):
    event = event_for(slug, "view_registrations")
    locale = get_locale().language
    columns = question_columns(db.session, event, locale)
    questions = [question for question, _title in columns]
    filters = RegistrationFilters.from_args(request.args, event, questions)
    page = registration_page(db.session, event, filters, page_number(request.args.get("page")), questions=questions)
    may_manage = can(current_user, "manage_registrations", event)
    settled = seats_settled(event, utcnow())  # from the start, nobody is moved or cancelled
    return render_template(
        "admin/registrations.html", event=event, filters=filters, page=page, rows=page.rows,
        back_args=filters.as_args() | ({"page": str(page.number)} if page.number > 1 else {}),
        summary=registration_summary(db.session, event),
        may_manage=may_manage, settled=settled,
        bulk=BulkRegistrationsForm.for_event(event, locale, settled) if may_manage else None,
        may_message=can(current_user, "message_registrants", event),
        columns=columns, filter_choices=filter_choices, answer_text=answer_text,
        remote_present=joins.present_remotely(db.session, event),
        remote_marking=may_manage and utcnow() >= joins.join_window(event, current_app.config)[0],
        labels=enum_labels(),
    )


@bp.get("/events/<slug>/registrations.<any(csv, xlsx):format>")
def registration_export(slug: str, format: str):
    event = event_for(slug, "view_registrations")
    locale = get_locale().language
    columns = question_columns(db.session, event, locale)
    questions = [question for question, _title in columns]
    filters = RegistrationFilters.from_args(request.args, event, questions)
    rows = registration_rows(db.session, event, filters, questions=questions)
    table = registrations_table(rows, event, locale, columns)
    return table_response(table, format, f"{event.slug}-registrations")


@bp.post("/events/<slug>/registrations/<int:registration_id>/cancel")
def registration_cancel(slug: str, registration_id: int):
    event = event_for(slug, "manage_registrations")
    registration = get_registration(event, registration_id, anonymised=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = list_url(event)
    if registration.status is RegistrationStatus.CANCELLED:
        flash(_("This registration was already cancelled."), "info")
        return redirect(back)
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
    done, changed = run(
        change_registration, registration, registration.attendance_mode,
        current | {track.slot_id: track.id}, utcnow(), actor=current_user,
    )
    if not done:
        if (changed.field or "").startswith("slot_"):  # the rule's words are the participant's
            name = registration.full_name if registration.anonymised_at is None else f"#{registration.id}"
            flash(_("%(name)s: “%(track)s” is full, they keep their current place.", name=name, track=title), "error")
        else:
            show_error(None, changed)
    else:
        if changed:
            flash(_("The registration was moved to “%(track)s”.", track=title), "success")
        else:
            flash(_("Nothing was changed."), "success")
    return redirect(back)


@bp.post("/events/<slug>/registrations/<int:registration_id>/resend")
def registration_resend(slug: str, registration_id: int):
    event = event_for(slug, "manage_registrations")
    registration = get_registration(event, registration_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = list_url(event)
    done, outcome = attempt(None, bulk_actions.resend_many, event, [registration], utcnow(), actor=current_user)
    if done:
        flash_outcome("resend", outcome)
    return redirect(back)


@bp.post("/events/<slug>/registrations/bulk")
def registration_bulk(slug: str):
    """One action on the people ticked in the list. Any id that is not one of this event's
    registrations refuses the whole request: nothing is done."""
    event = event_for(slug, "manage_registrations")
    form = BulkRegistrationsForm.for_event(event, get_locale().language)
    back = list_url(event)
    if not form.validate_on_submit():
        abort(400)  # no CSRF token, or an action the form never offered
    sent = request.form.getlist("ids")
    if form.kind is None or not sent:
        flash(_("Select people in the list and choose what to do with them."), "error")
        return redirect(back)
    try:
        ids = bulk_actions.parse_ids(sent)
    except DomainError as error:  # too many people at once: back to the list, as it was
        flash(str(error.message), "error")
        return redirect(back)
    registrations = bulk_actions.event_registrations(db.session, event, ids) if ids else None
    if registrations is None:
        abort(400)  # an id that is not one of this event's registrations: nothing is done
    action, now = form.kind, utcnow()
    if action == "move":
        track = next(t for t in event.tracks if t.id == form.track_id)
        done, outcome = attempt(None, bulk_actions.move_many, event, registrations, track, now, actor=current_user)
    elif action == "cancel":
        done, outcome = attempt(None, bulk_actions.cancel_many, event, registrations, now, actor=current_user)
    else:
        done, outcome = attempt(None, bulk_actions.resend_many, event, registrations, now, actor=current_user)
    if done:
        flash_outcome(action, outcome)
    return redirect(back)


# The people not done that a message names; the rest are counted (a message lives in the session cookie).
NAMES_SHOWN = 10


def flash_outcome(action: str, outcome: bulk_actions.Outcome) -> None:
    """One message: how many were done, and who was not and why (the first few by name)."""
    count = len(outcome.done)
    if action == "move":
        text = ngettext("%(num)d person moved.", "%(num)d people moved.", count)
    elif action == "cancel":
        text = ngettext("%(num)d registration cancelled; the next people waiting, if any, have been given the seats.",
                        "%(num)d registrations cancelled; the next people waiting, if any, have been given the seats.",
                        count)
    elif count:
        text = ngettext("The private link was sent again to %(num)d person.",
                        "The private link was sent again to %(num)d people.", count)
    else:
        text = _("The private link was not sent to anyone.")
    if outcome.not_done:
        names = "; ".join(
            _("%(name)s: %(reason)s", name=registration.full_name if registration.anonymised_at is None else f"#{registration.id}",
              reason=reason)
            for registration, reason in outcome.not_done[:NAMES_SHOWN]
        )
        more = len(outcome.not_done) - NAMES_SHOWN
        if more > 0:
            names = ngettext("%(names)s; and %(num)d more", "%(names)s; and %(num)d more", more, names=names)
        not_done = ngettext("Not done for %(num)d person: %(names)s.", "Not done for %(num)d people: %(names)s.",
                            len(outcome.not_done), names=names)
        text = f"{text} {not_done}"
    flash(text, "success" if count and not outcome.not_done else ("error" if not count else "warning"))


@bp.get("/events/<slug>/tracks/<int:track_id>/people")
def track_people(slug: str, track_id: int):
    """A track's people, for its facilitator (and the organisers)."""
    event = event_for(slug, "view_event")
    track = get_track(event, track_id)
    require("view_track_people", event, track)
    filters = RegistrationFilters.from_args({"track": str(track.id)}, event)
    rows = [row for row in registration_rows(db.session, event, filters)
            if row.status is not RegistrationStatus.CANCELLED]
    return render_template("admin/track_people.html", event=event, track=track, rows=rows, labels=enum_labels())
