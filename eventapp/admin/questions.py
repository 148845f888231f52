"""The organisers' pages of an event's own questions: the list, adding, changing, ordering, removing."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..actions import attempt
from ..extensions import db
from ..forms import ConfirmForm
from ..models import Event, Question, utcnow
from ..permissions import event_for
from ..services.registration import questions
from . import bp
from .question_forms import QuestionForm

ACTION = "edit_event"


def get_question(event: Event, question_id: int) -> Question:
    question = db.session.scalar(select(Question).where(Question.id == question_id, Question.event_id == event.id))
    if question is None:
        abort(404)
    return question


@bp.get("/events/<slug>/questions")
def question_list(slug: str):
    event = event_for(slug, ACTION)
    everything = questions.event_questions(db.session, event, archived=True)
    return render_template(
        "admin/questions.html", event=event, confirm=ConfirmForm(),
        asked=[q for q in everything if q.archived_at is None],
        archived=[q for q in everything if q.archived_at is not None],
        answered=questions.answered_question_ids(db.session, event),
    )


@bp.route("/events/<slug>/questions/new", methods=["GET", "POST"])
@bp.route("/events/<slug>/questions/<int:question_id>/edit", methods=["GET", "POST"])
def question_form(slug: str, question_id: int | None = None):
    event = event_for(slug, ACTION)
    question = get_question(event, question_id) if question_id else None
    form = QuestionForm() if question is None or request.method == "POST" else QuestionForm.of(question)
    if form.validate_on_submit():
        if question is None:
            done, _result = attempt(form, questions.add_question, current_user, event, form.as_data(), utcnow())
        else:
            done, _result = attempt(form, questions.update_question, current_user, question, form.as_data(), utcnow())
        if done:
            flash(_("The question was saved."), "success")
            return redirect(url_for("admin.question_list", slug=event.slug))
    return render_template("admin/question_form.html", event=event, question=question, form=form,
                           answered=question is not None and questions.has_answers(db.session, question),
                           max_options=questions.MAX_OPTIONS)


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.post("/events/<slug>/questions/<int:question_id>/move")
def question_move(slug: str, question_id: int):
    event = event_for(slug, ACTION)
    question = get_question(event, question_id)
    _confirmed()
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is not None and question.archived_at is None:
        attempt(None, questions.move_question, current_user, question, step)
    return redirect(url_for("admin.question_list", slug=event.slug))


@bp.post("/events/<slug>/questions/<int:question_id>/remove")
def question_remove(slug: str, question_id: int):
    event = event_for(slug, ACTION)
    question = get_question(event, question_id)
    _confirmed()
    if question.archived_at is None:
        done, archived = attempt(None, questions.remove_question, current_user, question, utcnow())
        if done:
            flash(_("People have answered the question, so it was archived: the form no longer asks it, and their answers are kept.")
                  if archived else _("The question was deleted."), "success")
    return redirect(url_for("admin.question_list", slug=event.slug))


@bp.post("/events/<slug>/questions/<int:question_id>/restore")
def question_restore(slug: str, question_id: int):
    event = event_for(slug, ACTION)
    question = get_question(event, question_id)
    _confirmed()
    done, _result = attempt(None, questions.restore_question, current_user, question)
    if done:
        flash(_("The question is asked again."), "success")
    return redirect(url_for("admin.question_list", slug=event.slug))
