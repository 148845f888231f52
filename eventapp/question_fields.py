"""An event's own questions as form fields, on the registration form and the private page.

Each asked question becomes a field `question_<id>` in the page's language, after the form's
own fields; the form's answers come back as the registration service takes them.
"""
from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .forms import BaseForm
from .models import Question, QuestionKind
from .services.registration.answers import MAX_LONG_TEXT, MAX_SHORT_TEXT, AnswerValue, field_name


class CheckboxesField(SelectMultipleField):
    """Several choices, as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def with_question_fields(
    form_class: type[BaseForm], questions: list[Question], locale: str, kept_option_ids: Iterable[int] = ()
) -> type[BaseForm]:
    """`form_class` with a field per question, worded in `locale`. A required one left empty says so
    by the question's name, so that the error summary at the top of the page is clear.

    `kept_option_ids`: archived options a person chose earlier, still offered to them alone.
    """
    kept = set(kept_option_ids)
    fields = {field_name(question): _field(question, locale, kept) for question in questions}
    return type(f"{form_class.__name__}WithQuestions", (form_class,), fields)


def _field(question: Question, locale: str, kept: set[int]):
    text = question.local("text", locale)
    hint = question.local("help", locale)
    kind = question.kind
    if kind is QuestionKind.MANY_CHOICES:
        needed = DataRequired(_("Choose at least one answer to “%(question)s”.", question=text))
    elif kind in (QuestionKind.ONE_CHOICE, QuestionKind.YES_NO):
        needed = InputRequired(_("Choose an answer to “%(question)s”.", question=text))
    else:
        needed = DataRequired(_("Answer “%(question)s”.", question=text))
    validators = [needed if question.required else Optional()]
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        limit = MAX_SHORT_TEXT if kind is QuestionKind.SHORT_TEXT else MAX_LONG_TEXT
        validators.append(Length(max=limit))
        field_class = StringField if kind is QuestionKind.SHORT_TEXT else TextAreaField
        return field_class(text, validators=validators, description=hint)
    if kind is QuestionKind.YES_NO:
        return RadioField(text, choices=[("yes", _l("Yes")), ("no", _l("No"))], validators=validators, description=hint)
    choices = [(o.id, o.local("text", locale)) for o in question.options if o.archived_at is None or o.id in kept]
    field_class = RadioField if kind is QuestionKind.ONE_CHOICE else CheckboxesField
    return field_class(text, choices=choices, coerce=int, validators=validators, description=hint)


def question_fields(form: BaseForm, questions: list[Question]) -> list[Field]:
    return [form[field_name(question)] for question in questions]


def answers_from_form(form: BaseForm, questions: list[Question]) -> dict[int, AnswerValue]:
    """{question id: answer} as the (validated) form gives them."""
    answers = {}
    for question in questions:
        data = form[field_name(question)].data
        if question.kind is QuestionKind.YES_NO:
            answers[question.id] = AnswerValue(yes_no={"yes": True, "no": False}.get(data))
        elif question.kind is QuestionKind.ONE_CHOICE:
            answers[question.id] = AnswerValue(option_ids=(data,) if data is not None else ())
        elif question.kind is QuestionKind.MANY_CHOICES:
            answers[question.id] = AnswerValue(option_ids=tuple(data or ()))
        else:
            answers[question.id] = AnswerValue(text=data or "")
    return answers


def form_values(questions: list[Question], answers: dict[int, AnswerValue]) -> dict[str, object]:
    """The form's fields filled with a person's answers (keyword arguments for the form)."""
    values = {}
    for question in questions:
        answer = answers.get(question.id)
        if answer is None:
            continue
        if question.kind is QuestionKind.YES_NO:
            values[field_name(question)] = None if answer.yes_no is None else ("yes" if answer.yes_no else "no")
        elif question.kind is QuestionKind.ONE_CHOICE:
            values[field_name(question)] = answer.option_ids[0] if answer.option_ids else None
        elif question.kind is QuestionKind.MANY_CHOICES:
            values[field_name(question)] = list(answer.option_ids)
        else:
            values[field_name(question)] = answer.text
    return values
