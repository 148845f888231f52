"""An event's own questions, as organisers write them: adding, changing, ordering, removing.

Answers must survive edits. An option keeps its row (and the answers that chose it) when only
its wording changes: a line of the new list takes the option with the same Latvian text, else
the one with the same English text, else the one at the same place that nothing else took.
A question or option that has answers is archived rather than deleted: it leaves the form and
stays in the lists and exports of those who answered it. Its kind cannot change once answered.
"""
import functools
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import Session, selectinload

from ...models import Answer, Event, Question, QuestionKind, QuestionOption, User
from ...models.question import answer_option
from ..accounts import audit
from ..exceptions import DomainError

MAX_OPTIONS = 50
MAX_OPTION_LENGTH = 300
MAX_QUESTIONS = 50


@dataclass
class QuestionData:
    """A question as the editor gives it; options one per entry, English ones empty or as many as the Latvian."""

    kind: QuestionKind
    text_lv: str
    text_en: str = ""
    help_lv: str = ""
    help_en: str = ""
    required: bool = False
    options_lv: list[str] = field(default_factory=list)
    options_en: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=2)
def _questions_statement(archived: bool):
    """Built once: the form asks for the questions on every visit."""
    statement = (
        select(Question).where(Question.event_id == bindparam("event_id"))
        .options(selectinload(Question.options)).order_by(Question.position, Question.id)
    )
    return statement if archived else statement.where(Question.archived_at.is_(None))


def event_questions(session: Session, event: Event, *, archived: bool = False) -> list[Question]:
    """The event's questions in their order, with their options: the asked ones, or with `archived` all."""
    return list(session.scalars(_questions_statement(archived), {"event_id": event.id}))


def answered_question_ids(session: Session, event: Event) -> set[int]:
    return set(session.scalars(
        select(Answer.question_id).join(Question).where(Question.event_id == event.id).distinct()
    ))


def add_question(session: Session, actor: User | None, event: Event, data: QuestionData, now: datetime) -> Question:
    data = _checked(data)
    count = session.scalar(
        select(func.count()).select_from(Question).where(Question.event_id == event.id, Question.archived_at.is_(None))
    )
    if count >= MAX_QUESTIONS:
        raise DomainError(_l("An event can ask at most %(num)d questions.", num=MAX_QUESTIONS))
    last = session.scalar(select(func.max(Question.position)).where(Question.event_id == event.id)) or 0
    question = Question(
        event_id=event.id, position=last + 1, kind=data.kind, required=data.required, created_at=now,
        text_lv=data.text_lv, text_en=data.text_en, help_lv=data.help_lv, help_en=data.help_en,
    )
    if data.kind.has_options:
        question.options = [
            QuestionOption(position=n, text_lv=lv, text_en=en)
            for n, (lv, en) in enumerate(zip(data.options_lv, data.options_en), start=1)
        ]
    session.add(question)
    session.flush()
    audit.record(session, actor, "question.add", question, event)
    return question


def update_question(session: Session, actor: User | None, question: Question, data: QuestionData, now: datetime) -> list[str]:
    """Apply `data`; returns the names of what changed (audited)."""
    data = _checked(data)
    answered = has_answers(session, question)
    if data.kind is not question.kind and answered:
        raise DomainError(
            _l("People have answered this question, so its kind cannot change. Remove it and add a new one."), "kind"
        )
    changed = []
    for name in ("kind", "required", "text_lv", "text_en", "help_lv", "help_en"):
        if getattr(question, name) != getattr(data, name):
            setattr(question, name, getattr(data, name))
            changed.append(name)
    if data.kind.has_options or question.options:
        lines = list(zip(data.options_lv, data.options_en)) if data.kind.has_options else []
        if _update_options(session, question, lines, now):
            changed.append("options")
    if changed:
        session.flush()
        audit.record(session, actor, "question.update", question, question.event, fields=changed)
    return changed


def _update_options(session: Session, question: Question, lines: list[tuple[str, str]], now: datetime) -> bool:
    current = question.active_options
    taken: dict[int, QuestionOption] = {}  # line index -> the option it keeps
    free = list(current)
    for key in (0, 1):  # the same Latvian text, then the same English text
        for index, line in enumerate(lines):
            if index in taken or not line[key]:
                continue
            match = next((o for o in free if (o.text_lv, o.text_en)[key] == line[key]), None)
            if match is not None:
                taken[index] = match
                free.remove(match)
    for index in range(len(lines)):  # what is left: the option that stood on that line
        if index not in taken and index < len(current) and current[index] in free:
            taken[index] = current[index]
            free.remove(current[index])

    changed = False
    for position, (lv, en) in enumerate(lines, start=1):
        option = taken.get(position - 1)
        if option is None:
            question.options.append(QuestionOption(position=position, text_lv=lv, text_en=en))
            changed = True
        elif (option.position, option.text_lv, option.text_en) != (position, lv, en):
            option.position, option.text_lv, option.text_en = position, lv, en
            changed = True
    chosen = _chosen_option_ids(session, [o.id for o in free])
    for option in free:
        changed = True
        if option.id in chosen:
            option.archived_at = now
        else:
            question.options.remove(option)
    return changed


def _chosen_option_ids(session: Session, option_ids: list[int]) -> set[int]:
    if not option_ids:
        return set()
    return set(session.scalars(
        select(answer_option.c.option_id).where(answer_option.c.option_id.in_(option_ids)).distinct()
    ))


def has_answers(session: Session, question: Question) -> bool:
    return bool(session.scalar(select(exists().where(Answer.question_id == question.id))))


def remove_question(session: Session, actor: User | None, question: Question, now: datetime) -> bool:
    """Delete the question, or archive it when people answered it; True when it was archived."""
    event = question.event
    if has_answers(session, question):
        question.archived_at = now
        audit.record(session, actor, "question.archive", question, event)
        return True
    audit.record(session, actor, "question.delete", question, event)
    session.delete(question)
    session.flush()
    return False


def restore_question(session: Session, actor: User | None, question: Question) -> None:
    """Ask an archived question again, after the asked ones."""
    if question.archived_at is None:
        return
    last = session.scalar(
        select(func.max(Question.position)).where(Question.event_id == question.event_id, Question.archived_at.is_(None))
    ) or 0
    question.archived_at = None
    question.position = last + 1
    audit.record(session, actor, "question.restore", question, question.event)


def move_question(session: Session, actor: User | None, question: Question, step: int) -> bool:
    """Move an asked question one place up (`step` -1) or down (+1); False at either end."""
    order = event_questions(session, question.event)
    index = next(i for i, q in enumerate(order) if q.id == question.id)
    other = index + step
    if not 0 <= other < len(order) or step not in (-1, 1):
        return False
    order[index], order[other] = order[other], order[index]
    for position, each in enumerate(order, start=1):
        each.position = position
    audit.record(session, actor, "question.move", question, question.event, step=step)
    return True


def _checked(data: QuestionData) -> QuestionData:
    """Texts trimmed, options paired up; a DomainError naming the field for what cannot be."""
    text_lv, text_en = " ".join(data.text_lv.split()), " ".join(data.text_en.split())
    if not text_lv:
        raise DomainError(_l("Write the question in Latvian."), "text_lv")
    options_lv = [" ".join(line.split()) for line in data.options_lv if line.strip()]
    options_en = [" ".join(line.split()) for line in data.options_en if line.strip()]
    if not data.kind.has_options:
        options_lv, options_en = [], []
    elif not options_lv:
        raise DomainError(_l("Write the options, one per line."), "options_lv")
    elif len(options_lv) > MAX_OPTIONS:
        raise DomainError(_l("A question can have at most %(num)d options.", num=MAX_OPTIONS), "options_lv")
    if options_en and len(options_en) != len(options_lv):
        raise DomainError(
            _l("Write the English options in the same order and number as the Latvian ones, or leave them all empty."),
            "options_en",
        )
    for name, options in (("options_lv", options_lv), ("options_en", options_en)):
        for line, text in enumerate(options, start=1):
            if len(text) > MAX_OPTION_LENGTH:
                raise DomainError(
                    _l("Option %(line)d is too long: at most %(num)d characters.", line=line, num=MAX_OPTION_LENGTH), name
                )
        if len(set(options)) != len(options):
            raise DomainError(_l("Each option must be different."), name)
    return QuestionData(
        kind=data.kind, required=data.required, text_lv=text_lv, text_en=text_en,
        help_lv=data.help_lv.strip(), help_en=data.help_en.strip(),
        options_lv=options_lv, options_en=options_en or [""] * len(options_lv),
    )
