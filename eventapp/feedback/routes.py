"""The survey page, its thank-you page, and a plain 404 for a link that does not work."""
from flask import abort, redirect, render_template, session, url_for
from flask_babel import get_locale, refresh

from ..actions import attempt
from ..extensions import db
from ..languages import LANGUAGES
from ..models import FeedbackInvitation, utcnow
from ..services.feedback import answers as feedback
from ..services.feedback.invitations import closes_at, is_open
from . import bp
from .forms import answers_of, survey_form, track_fields


@bp.errorhandler(404)
def link_not_found(error):
    return render_template("feedback/not_found.html"), 404


def invitation_for(token: str) -> FeedbackInvitation:
    """The invitation of the link, or 404; the page speaks the person's language until they choose another."""
    invitation = feedback.find_invitation(db.session, token)
    if invitation is None or invitation.registration.anonymised_at is not None:
        abort(404)
    if session.get("lang") not in LANGUAGES and invitation.registration.language in LANGUAGES:
        session["lang"] = invitation.registration.language
        refresh()
    return invitation


def survey_page(invitation: FeedbackInvitation, form=None, status: int = 200):
    event, now = invitation.event, utcnow()
    if invitation.answered_at is not None:
        return render_template("feedback/thanks.html", event=event, already=True), status
    if not is_open(event, now):
        return render_template("feedback/closed.html", event=event, not_yet=now < event.ends_at), status
    tracks = feedback.survey_tracks(db.session, invitation)
    form = form or survey_form(tracks, get_locale().language)
    return render_template(
        "feedback/survey.html", event=event, form=form, closes_at=closes_at(event),
        tracks=[(track, *track_fields(form, track)) for track in tracks],
    ), status


@bp.get("/<token>")
def survey(token: str):
    return survey_page(invitation_for(token))


@bp.post("/<token>")
def answer(token: str):
    invitation = invitation_for(token)
    if invitation.answered_at is not None or not is_open(invitation.event, utcnow()):
        return survey_page(invitation)
    tracks = feedback.survey_tracks(db.session, invitation)
    form = survey_form(tracks, get_locale().language)
    if not form.validate_on_submit():
        return survey_page(invitation, form, 400)
    done, recorded = attempt(form, feedback.submit_feedback, invitation, answers_of(form, tracks), utcnow())
    if not done:
        return survey_page(invitation, form, 400)
    if not recorded:
        return render_template("feedback/thanks.html", event=invitation.event, already=True)
    return redirect(url_for("feedback.thanks", token=token))


@bp.get("/<token>/thanks")
def thanks(token: str):
    invitation = invitation_for(token)
    if invitation.answered_at is None:
        return redirect(url_for("feedback.survey", token=token))
    return render_template("feedback/thanks.html", event=invitation.event, already=False)
