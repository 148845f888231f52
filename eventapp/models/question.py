"""An event's own questions on its registration form, their options, and people's answers.

Options are rows with ids of their own, so that renaming one keeps the answers that chose it;
a question or option that has answers is archived rather than deleted: the form no longer
offers it, and the answers stay readable in lists and exports.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..extensions import db
from ..labels import LabelledEnum
from .event import Event, Localised
from .registration import Registration
from .types import UTCDateTime, str_enum, utcnow


class QuestionKind(LabelledEnum):
    SHORT_TEXT = "short_text", _l("Short text")
    LONG_TEXT = "long_text", _l("Long text")
    ONE_CHOICE = "one_choice", _l("One choice")
    MANY_CHOICES = "many_choices", _l("Several choices")
    YES_NO = "yes_no", _l("Yes or no")

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.ONE_CHOICE, QuestionKind.MANY_CHOICES)


class Question(Localised, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    text_lv: Mapped[str] = mapped_column(String(500))
    text_en: Mapped[str] = mapped_column(String(500), default="")
    help_lv: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # No longer asked; kept because people answered it.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    options: Mapped[list["QuestionOption"]] = relationship(
        back_populates="question", cascade="all, delete-orphan",
        order_by="(QuestionOption.position, QuestionOption.id)",
    )

    @property
    def active_options(self) -> list["QuestionOption"]:
        return [option for option in self.options if option.archived_at is None]

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.kind.value}>"


class QuestionOption(Localised, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text_lv: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(String(300), default="")
    # No longer offered; kept because people chose it.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    question: Mapped[Question] = relationship(back_populates="options")


answer_option = Table(
    "answer_option",
    db.metadata,
    Column("answer_id", ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True),
    Column("option_id", ForeignKey("question_option.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Answer(db.Model):
    """One person's answer to one question: text, chosen options, or yes / no, by the question's kind."""

    __table_args__ = (UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    yes_no: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # `registration.answers` comes from here, so that the registration's model need not know of questions.
    registration: Mapped[Registration] = relationship(
        backref=backref("answers", cascade="all, delete-orphan", passive_deletes=True)
    )
    question: Mapped[Question] = relationship()
    options: Mapped[list[QuestionOption]] = relationship(
        secondary=answer_option, order_by="(QuestionOption.position, QuestionOption.id)"
    )

    def __repr__(self) -> str:
        return f"<Answer {self.registration_id}:{self.question_id}>"
