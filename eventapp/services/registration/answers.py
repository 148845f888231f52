"""People's answers to an event's own questions: checking and saving them, and reading them back
for the organisers' list and exports without a query per person.

An answer left empty is no row at all. The lists read every answer of the people shown in one
query (`answers_by_registration`) and word them with the questions they already hold
(`question_columns`, `answer_text`), so that archived questions and options still read as they did.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from ...languages import in_language
from ...models import Answer, Event, Question, QuestionKind, Registration, RegistrationStatus
from ...models.question import answer_option
from ..accounts import audit
from ..exceptions import DomainError
from .questions import event_questions

MAX_SHORT_TEXT = 500
MAX_LONG_TEXT = 5000
UNANSWERED = "unanswered"
ANSWERED = "answered"


@dataclass(frozen=True)
class AnswerValue:
    """One answer by its question's kind: the text, the chosen options' ids, or yes (True) / no (False)."""

    text: str = ""
    option_ids: tuple[int, ...] = ()
    yes_no: bool | None = None

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.option_ids and self.yes_no is None


def field_name(question: Question) -> str:
    """The form field of a question, and the `field` of a DomainError about its answer."""
    return f"question_{question.id}"


def check_answers(
    questions: list[Question], answers: dict[int, AnswerValue], kept_option_ids: Iterable[int] = ()
) -> dict[int, AnswerValue]:
    """The answers to `questions` (by question id), cleaned; a DomainError naming the question's field
    for a required one left empty or an option the question does not offer. Answers to other
    questions are dropped. `kept_option_ids`: archived options the person chose earlier, still theirs."""
    kept = set(kept_option_ids)
    cleaned = {}
    for question in questions:
        value = _clean(question, answers.get(question.id, AnswerValue()), kept)
        if value.is_empty:
            if question.required:
                raise DomainError(required_message(question), field_name(question))
            continue
        cleaned[question.id] = value
    return cleaned


def required_message(question: Question):
    if question.kind is QuestionKind.MANY_CHOICES:
        return _l("Choose at least one answer.")
    if question.kind in (QuestionKind.ONE_CHOICE, QuestionKind.YES_NO):
        return _l("Choose an answer.")
    return _l("Answer this question.")


def _clean(question: Question, value: AnswerValue, kept: set[int]) -> AnswerValue:
    kind = question.kind
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        text = " ".join(value.text.split()) if kind is QuestionKind.SHORT_TEXT else value.text.strip()
        limit = MAX_SHORT_TEXT if kind is QuestionKind.SHORT_TEXT else MAX_LONG_TEXT
        if len(text) > limit:
            raise DomainError(_l("Write at most %(num)d characters.", num=limit), field_name(question))
        return AnswerValue(text=text)
    if kind is QuestionKind.YES_NO:
        return AnswerValue(yes_no=value.yes_no)
    offered = {o.id for o in question.options if o.archived_at is None or o.id in kept}
    chosen = tuple(dict.fromkeys(value.option_ids))
    if any(option_id not in offered for option_id in chosen):
        raise DomainError(_l("Choose from the answers offered."), field_name(question))
    if kind is QuestionKind.ONE_CHOICE and len(chosen) > 1:
        raise DomainError(_l("Choose only one answer."), field_name(question))
    return AnswerValue(option_ids=chosen)


def save_answers(
    session: Session, registration: Registration, questions: list[Question], answers: dict[int, AnswerValue],
    now: datetime,
) -> list[int]:
    """Make the registration's answers to `questions` these (already checked); returns the ids of
    the questions whose answer changed. Answers to other questions (archived ones) are kept."""
    by_question = {answer.question_id: answer for answer in registration.answers}
    changed = []
    for question in questions:
        value = answers.get(question.id, AnswerValue())
        answer = by_question.get(question.id)
        if answer is not None and value_of(answer) == value:
            continue
        if answer is None and value.is_empty:
            continue
        changed.append(question.id)
        if value.is_empty:
            registration.answers.remove(answer)
            continue
        if answer is None:
            answer = Answer(question=question, question_id=question.id)
            registration.answers.append(answer)
        options = {o.id: o for o in question.options}
        answer.text, answer.yes_no, answer.answered_at = value.text, value.yes_no, now
        answer.options = [options[option_id] for option_id in value.option_ids]
    return changed


def value_of(answer: Answer) -> AnswerValue:
    return AnswerValue(text=answer.text, option_ids=tuple(o.id for o in answer.options), yes_no=answer.yes_no)


def answers_of(registration: Registration) -> dict[int, AnswerValue]:
    """{question id: answer} of one person, for their page and its form."""
    return {answer.question_id: value_of(answer) for answer in registration.answers}


def answering_closed_reason(registration: Registration, now: datetime) -> str | None:
    """Why the person can no longer change their answers, or None: as long as registration is open."""
    from .lifecycle import registration_closed_reason

    if registration.status is RegistrationStatus.CANCELLED:
        return str(_l("This registration has been cancelled."))
    return registration_closed_reason(registration.event, now)


def update_answers(
    session: Session, registration: Registration, answers: dict[int, AnswerValue], now: datetime
) -> list[int]:
    """The person changes their answers through their private link, while registration is open.
    Audited with the question ids only; returns them."""
    reason = answering_closed_reason(registration, now)
    if reason:
        raise DomainError(reason)
    questions = event_questions(session, registration.event)
    kept = {option_id for value in answers_of(registration).values() for option_id in value.option_ids}
    cleaned = check_answers(questions, answers, kept)
    changed = save_answers(session, registration, questions, cleaned, now)
    if changed:
        registration.updated_at = now
        session.flush()
        audit.record(session, None, "registration.answers", registration, registration.event, questions=changed)
    return changed


# For the organisers' list, its filters and exports.

def question_columns(session: Session, event: Event, locale: str) -> list[tuple[Question, str]]:
    """Every question of the event that people may have answered, asked ones first, each with its
    column header in `locale` (an archived one marked so). Two queries, whatever the number."""
    questions = event_questions(session, event, archived=True)
    questions.sort(key=lambda q: (q.archived_at is not None, q.position, q.id))
    columns = []
    with in_language(locale):
        for question in questions:
            header = question.local("text", locale)
            if question.archived_at is not None:
                header = _("%(question)s (removed)", question=header)
            columns.append((question, header))
    return columns


def answers_by_registration(
    session: Session, event: Event, registration_ids: Iterable[int] | None = None
) -> dict[int, dict[int, AnswerValue]]:
    """{registration id: {question id: answer}} of the given registrations of the event (all when
    None), in one query. Word each with `answer_text(question, answer, locale)`."""
    statement = (
        select(Answer.registration_id, Answer.question_id, Answer.text, Answer.yes_no, answer_option.c.option_id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(answer_option, answer_option.c.answer_id == Answer.id)
        .where(Question.event_id == event.id)
        .order_by(Answer.id, answer_option.c.option_id)
    )
    if registration_ids is not None:
        ids = list(registration_ids)
        if not ids:
            return {}
        statement = statement.where(Answer.registration_id.in_(ids))
    found: dict[int, dict[int, AnswerValue]] = {}
    for registration_id, question_id, text, yes_no, option_id in session.execute(statement):
        person = found.setdefault(registration_id, {})
        earlier = person.get(question_id)
        options = (earlier.option_ids if earlier else ()) + ((option_id,) if option_id is not None else ())
        person[question_id] = AnswerValue(text=text, option_ids=options, yes_no=yes_no)
    return found


def answer_text(question: Question, answer: AnswerValue | None, locale: str) -> str:
    """An answer as a cell shows it in `locale`: the text, the chosen options in the question's
    order joined by "; ", or yes / no; empty when unanswered."""
    if answer is None or answer.is_empty:
        return ""
    if question.kind is QuestionKind.YES_NO:
        with in_language(locale):
            return _("Yes") if answer.yes_no else _("No")
    if question.kind.has_options:
        chosen = set(answer.option_ids)
        return "; ".join(o.local("text", locale) for o in question.options if o.id in chosen)
    return answer.text


def answer_lines(questions: list[Question], answers: dict[int, AnswerValue], locale: str) -> list[tuple[str, str]]:
    """(question, answer) of each answered question, worded in `locale`: the confirmation mail lists them."""
    return [
        (question.local("text", locale), answer_text(question, answers[question.id], locale))
        for question in questions if question.id in answers
    ]


def filter_choices(question: Question, locale: str) -> list[tuple[str, str]]:
    """The values `filter_by_answer` understands for the question, each with its words in `locale`."""
    with in_language(locale):
        if question.kind is QuestionKind.YES_NO:
            values = [("yes", _("Yes")), ("no", _("No"))]
        elif question.kind.has_options:
            values = [(str(o.id), o.local("text", locale)) for o in question.options]
        else:
            values = [(ANSWERED, _("Any answer"))]
        return values + [(UNANSWERED, _("Not answered"))]


def filter_by_answer(statement: Select, question: Question, value: str) -> Select:
    """`statement` (selecting registrations) narrowed to the people whose answer to `question` is
    `value`, one of `filter_choices`; a value it does not know leaves `statement` as it is."""
    of_person = (Answer.registration_id == Registration.id) & (Answer.question_id == question.id)
    if value == UNANSWERED:
        return statement.where(~exists().where(of_person))
    if value == ANSWERED:
        return statement.where(exists().where(of_person))
    if question.kind is QuestionKind.YES_NO and value in ("yes", "no"):
        return statement.where(exists().where(of_person, Answer.yes_no.is_(value == "yes")))
    if question.kind.has_options and value.isdigit() and int(value) in {o.id for o in question.options}:
        chosen = select(answer_option.c.answer_id).where(answer_option.c.option_id == int(value))
        return statement.where(exists().where(of_person, Answer.id.in_(chosen)))
    return statement
