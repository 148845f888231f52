"""A participant's own registration, through the private link /r/<token>."""
import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..actions import attempt
from ..extensions import db
from ..forms import ConfirmForm, chosen_tracks, show_track_seats, with_track_fields
from ..lookups import get_private_registration
from ..models import AttendanceMode, EventStatus, Registration, RegistrationStatus, utcnow
from ..question_fields import answers_from_form, form_values, question_fields, with_question_fields
from ..services import online_meetings
from ..services.accounts import audit
from ..services.documents import calendar
from ..services.registration import answers as answering
from ..services.registration import lifecycle as registrations
from ..services.registration import seat_holds
from ..services.registration.questions import event_questions
from . import bp
from .forms import AnswersForm, ChangeForm, DetailsForm


def change_form(registration: Registration):
    event = registration.event
    seats = seat_holds.track_seats(db.session, event, utcnow())
    current = {f"slot_{c.slot_id}": c.track_id for c in registration.choices}
    locale = get_locale().language
    form = with_track_fields(ChangeForm, event, locale)(attendance_mode=registration.attendance_mode.value, **current)
    show_track_seats(form, event, locale, seats)
    if not online_meetings.asks_attendance_mode(event):
        del form.attendance_mode
    return form


def details_form(registration: Registration) -> DetailsForm:
    return DetailsForm(full_name=registration.full_name, organisation=registration.organisation_display,
                       position=registration.position)


def answers_form(registration: Registration, questions: list, submitted: bool = False) -> AnswersForm:
    """The person's answers to the asked questions; an archived option they chose stays theirs to keep."""
    answers = answering.answers_of(registration)
    kept = {option_id for value in answers.values() for option_id in value.option_ids}
    form_class = with_question_fields(AnswersForm, questions, get_locale().language, kept)
    if submitted:
        return form_class()
    return form_class(formdata=None, **form_values(questions, answers))


@bp.errorhandler(404)
def link_not_found(error):
    """A dead or mistyped private link: say how to get it again, still as a 404."""
    return render_template("my_registration/not_found.html"), 404


@bp.get("/<token>")
def show(token: str):
    registration = get_private_registration(token)
    return show_page(registration, details_form(registration))


def show_page(registration: Registration, details: DetailsForm, status: int = 200, answers: AnswersForm | None = None):
    now = utcnow()
    questions = event_questions(db.session, registration.event)
    if answers is None:
        answers = answers_form(registration, questions)
    event, form = registration.event, change_form(registration)
    return render_template(
        "my_registration/show.html", registration=registration, event=event,
        form=form, details=details, confirm=ConfirmForm(), now=now,
        settled=registrations.seats_settled(event, now), has_seats=has_seats(event),
        can_change="attendance_mode" in form or any(name.startswith("slot_") for name in form._fields),
        has_badges=online_meetings.has_badges(event),
        answers_form=answers, question_fields=question_fields(answers, questions),
        given_answers=given_answers(registration), answers_closed=answering.answering_closed_reason(registration, now),
        **registrations.registration_details(db.session, registration),
    ), status


def has_seats(event) -> bool:
    """Whether the event counts seats, so that cancelling gives one to the next person waiting."""
    if online_meetings.is_online_meeting(event):
        return False
    return event.capacity is not None or any(track.capacity is not None for track in event.tracks)


def given_answers(registration: Registration) -> list[tuple[str, str]]:
    """(question, answer) of every answer the person gave, in the page's language."""
    locale = get_locale().language
    answers = sorted(registration.answers, key=lambda a: (a.question.archived_at is not None, a.question.position, a.question_id))
    return [(a.question.local("text", locale), answering.answer_text(a.question, answering.value_of(a), locale)) for a in answers]


@bp.post("/<token>/details")
def correct_details(token: str):
    registration = get_private_registration(token)
    form = DetailsForm()
    if form.validate_on_submit():
        done, changed = attempt(form, registrations.correct_details, registration, form.full_name.data,
                                form.organisation.data or "", form.position.data or "")
        if done:
            flash(_("Your details were saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("my_registration.show", token=token))
    return show_page(registration, form)


@bp.post("/<token>/answers")
def change_answers(token: str):
    registration = get_private_registration(token)
    questions = event_questions(db.session, registration.event)
    form = answers_form(registration, questions, submitted=True)
    if form.validate_on_submit():
        done, changed = attempt(form, answering.update_answers, registration, answers_from_form(form, questions), utcnow())
        if done:
            flash(_("Your answers were saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("my_registration.show", token=token))
    return show_page(registration, details_form(registration), answers=form)


@bp.post("/<token>/change")
def change(token: str):
    registration = get_private_registration(token)
    form = change_form(registration)
    if form.validate_on_submit():
        mode = AttendanceMode(form.attendance_mode.data) if "attendance_mode" in form else AttendanceMode.IN_PERSON
        done, changed = attempt(None, registrations.change_registration, registration, mode, chosen_tracks(form), utcnow())
        if done:
            flash(_("Your registration was changed; we have sent you the details.") if changed else _("Nothing was changed."), "success")
    else:
        flash(_("The change could not be saved: choose one option in each group."), "error")
    return redirect(url_for("my_registration.show", token=token))


@bp.post("/<token>/cancel")
def cancel(token: str):
    registration = get_private_registration(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done, _result = attempt(None, registrations.cancel_registration, registration, utcnow())
    if done:
        if has_seats(registration.event):
            flash(_("Your registration is cancelled. Thank you for letting us know: your seat goes to the next person waiting."), "success")
        else:
            flash(_("Your registration is cancelled. Thank you for letting us know."), "success")
    return redirect(url_for("my_registration.show", token=token))


@bp.get("/<token>/data.json")
def data(token: str):
    registration = get_private_registration(token)
    audit.record(db.session, None, "registration.export_personal_data", registration, registration.event)
    db.session.commit()
    body = json.dumps(registrations.export_personal_data(registration), ensure_ascii=False, indent=2)
    return Response(
        body, mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="registration.json"', "Cache-Control": "no-store"},
    )


@bp.get("/<token>/invite.ics")
def invite(token: str):
    """The registrant's own calendar entry, the same one the mails carry (a CANCEL once cancelled)."""
    registration = get_private_registration(token)
    cancelled = (
        registration.status is RegistrationStatus.CANCELLED or registration.event.status is EventStatus.CANCELLED
    )
    return Response(
        calendar.registration_invite(registration, "CANCEL" if cancelled else "REQUEST"),
        content_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="invite.ics"', "Cache-Control": "no-store"},
    )


@bp.post("/<token>/delete")
def delete(token: str):
    registration = get_private_registration(token)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    slug = registration.event.slug
    done, _result = attempt(None, registrations.delete_personal_data, registration, utcnow())
    if done:
        flash(_("Your personal data have been deleted and your registration cancelled."), "success")
    return redirect(url_for("public.event", slug=slug))

