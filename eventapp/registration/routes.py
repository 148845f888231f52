"""Registering for an event."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..actions import attempt, run, run_keeping_loaded
from ..extensions import db, limiter
from ..forms import ConfirmForm, chosen_tracks, show_on_field, show_track_seats, with_track_fields
from ..labels import label
from ..models import AttendanceMode, DelegationRequest, Event, EventStatus, Sector, Slot, utcnow
from ..question_fields import answers_from_form, question_fields, with_question_fields
from ..services import online_meetings, place
from ..services import organisations as directory
from ..services.coverage import delegation
from ..services.mail import invitations, mail_jobs
from ..services.registration import lifecycle as registrations
from ..services.registration import seat_holds
from ..services.registration.questions import event_questions
from .forms import RegistrationForm

bp = Blueprint("registration", __name__)


# Built once: every visit of the form and every registration reads the event by its address.
_EVENT = select(Event).where(Event.slug == bindparam("slug"), Event.status != EventStatus.DRAFT)
_EVENT_WITH_TRACKS = _EVENT.options(joinedload(Event.slots).joinedload(Slot.tracks))


def get_event(slug: str, with_tracks: bool = False) -> Event:
    """A published (or cancelled) event; `with_tracks`: its time blocks and tracks in the same query."""
    event = db.session.scalars(_EVENT_WITH_TRACKS if with_tracks else _EVENT, {"slug": slug}).unique().first()
    if event is None:
        abort(404)
    return event


@bp.get("/organisations/search")
@limiter.limit("300 per minute")  # a person types a few letters a second; the page waits for a pause
def search_organisations():
    """The directory as the registration form's organisation field searches it: names and sectors only."""
    found = directory.search_organisations(db.session, request.args.get("q", ""))
    response = jsonify([{"name": org.name, "sector": org.sector.value, "sector_label": label(org.sector)} for org in found])
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
def register(slug: str):
    event = get_event(slug, with_tracks=True)
    # An organisation's invitation link fills the form in for it (an unknown token is ignored).
    return registration_page(event, invitation=invitations.find_invitation(db.session, event, request.args.get("invitation")))


@bp.route("/delegate/<token>", methods=["GET", "POST"])
def delegate(token: str):
    """The registration form of an expert delegated through an institution's request."""
    delegation_request = delegation.find_request(db.session, token)
    if delegation_request is None:
        abort(404)
    return registration_page(delegation_request.track.event, delegation_request)


def registration_page(event: Event, delegation_request: DelegationRequest | None = None, invitation=None):
    locale = get_locale().language
    now = utcnow()
    slug = event.slug  # the redirect needs no reload of the event after the commit
    closed = registrations.registration_closed_reason(event, now)
    if delegation_request is not None and not closed and not delegation.is_open(delegation_request, now):
        closed = _("This request is no longer open; please contact the secretariat.")
    prefill = {"language": locale}
    if delegation_request is not None:
        prefill |= {"organisation": delegation_request.organisation.name, "sector": Sector.STATE_ADMINISTRATION.value,
                    f"slot_{delegation_request.track.slot_id}": delegation_request.track_id}
    elif invitation is not None:
        prefill |= {"organisation": invitation.organisation.name, "sector": invitation.organisation.sector.value}
    questions = event_questions(db.session, event)
    form = with_question_fields(with_track_fields(RegistrationForm, event, locale), questions, locale)(**prefill)
    asks_mode = online_meetings.asks_attendance_mode(event)
    if not asks_mode:
        del form.attendance_mode
    if not closed and form.validate_on_submit():
        data = registrations.RegistrationData(
            full_name=form.full_name.data,
            email=form.email.data,
            organisation_name=form.organisation.data or "",
            sector=Sector(form.sector.data),
            position=form.position.data or "",
            attendance_mode=online_meetings.attendance_mode_for(
                event, AttendanceMode(form.attendance_mode.data) if asks_mode else None),
            track_ids=chosen_tracks(form),
            access_needs=form.access_needs.data or "",
            dietary_needs=form.dietary_needs.data or "",
            consent_data=form.consent_data.data,
            consent_photos=form.consent_photos.data,
            language=form.language.data,
            answers=answers_from_form(form, questions),
        )
        if invitation is not None and delegation_request is None:
            done, outcome = run_keeping_loaded(invitations.register_invited, invitation, event.id, data, now,
                                               mail_after_commit=True)
        elif delegation_request is None:
            done, outcome = run_keeping_loaded(registrations.register, event.id, data, now, mail_after_commit=True,
                                               questions=questions)
        else:
            done, outcome = run(delegation.accept_request, delegation_request, data, now)
        if done and outcome.mail_job_id is not None:
            mail_jobs.write_out_now(db.session, outcome.mail_job_id, outcome.registration, now)
        if done:
            session["registered_email"] = registrations.normalise_email(data.email)
            return redirect(url_for("registration.sent", slug=slug))
        if not show_on_field(form, outcome):
            closed = outcome.message  # the event can no longer be registered for: said in place of the form
    seats = seat_holds.track_seats(db.session, event, now)
    show_track_seats(form, event, locale, seats)
    return render_template(
        "registration/register.html", event=event, form=form, closed=closed, delegation=delegation_request,
        slot_fields=[f for f in form if f.name.startswith("slot_")],
        question_fields=question_fields(form, questions),
        held_until=max((s.held_until for s in seats.values() if s.held), default=None),
    )


@bp.route("/delegate/<token>/decline", methods=["GET", "POST"])
def decline_delegation(token: str):
    """The institution says nobody can come: one click to the page, one to confirm."""
    delegation_request = delegation.find_request(db.session, token)
    if delegation_request is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        done, _result = attempt(form, delegation.decline_request, delegation_request, utcnow())
        if done:
            flash(_("Thank you for letting us know."), "success")
            return redirect(url_for("public.event", slug=delegation_request.track.event.slug))
    return render_template("registration/decline.html", delegation_request=delegation_request,
                           event=delegation_request.track.event, form=form)


@bp.get("/events/<slug>/register/sent")
def sent(slug: str):
    """The same page whether the address was new or already registered: nothing is revealed."""
    event = get_event(slug)
    return render_template("registration/sent.html", event=event, email=session.get("registered_email"),
                           place_line=place.place_line(event), map_link=place.map_link(event))
