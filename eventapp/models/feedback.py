"""Feedback after an event: an invitation per person who attended, and answers that name nobody.

The invitation knows who it went to and whether it was answered; the answers (a response with a
row per track) keep no link to the invitation or the registration, so results cannot be traced
to a person. A response's id is random, so that the order of the rows does not follow the order
in which invitations were answered.
"""
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabelledEnum
from .event import Event, Track
from .registration import Registration
from .types import UTCDateTime, str_enum


class StateAdminPresence(LabelledEnum):
    YES = "yes", _l("Yes")
    NO = "no", _l("No")
    DONT_KNOW = "dont_know", _l("Don't know")


def new_response_id() -> str:
    return secrets.token_hex(16)


class FeedbackInvitation(db.Model):
    """The survey link sent to one registration, once; answered at most once."""

    __tablename__ = "feedback_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), unique=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # The link /feedback/<token>: grants answering this survey once, nothing else.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship()
    event: Mapped[Event] = relationship()


class FeedbackResponse(db.Model):
    """One submitted survey, without any link to who submitted it."""

    __tablename__ = "feedback_response"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_id)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    what_to_change: Mapped[str] = mapped_column(Text, default="")
    comments: Mapped[str] = mapped_column(Text, default="")

    answers: Mapped[list["FeedbackTrackAnswer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class FeedbackTrackAnswer(db.Model):
    """A response's answers about one track the person attended."""

    __tablename__ = "feedback_track_answer"
    __table_args__ = (
        UniqueConstraint("response_id", "track_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[str] = mapped_column(ForeignKey("feedback_response.id", ondelete="CASCADE"))
    track_id: Mapped[int] = mapped_column(ForeignKey("track.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    state_admin_present: Mapped[StateAdminPresence] = mapped_column(str_enum(StateAdminPresence))

    response: Mapped[FeedbackResponse] = relationship(back_populates="answers")
    track: Mapped[Track] = relationship()
