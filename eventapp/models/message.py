from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class RegistrantMessage(db.Model):
    """What an organiser wrote to a filtered set of an event's registrants, kept with its recipients.

    The organiser's request records it and its recipients; the sender writes it out as one outbox
    message per person (`services/mail/messages.py`). `token` comes from the form: the same form
    sent twice finds the message it already made and queues nothing more.
    """

    __table_args__ = (UniqueConstraint("event_id", "token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    token: Mapped[str] = mapped_column(String(64))
    subject_lv: Mapped[str] = mapped_column(String(300), default="")
    body_lv: Mapped[str] = mapped_column(Text, default="")
    subject_en: Mapped[str] = mapped_column(String(300), default="")
    body_en: Mapped[str] = mapped_column(Text, default="")
    # The filters the recipients were chosen by, as the registrations list's query string.
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    recipient_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the sender wrote it out into the outbox; None until then.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped["Event"] = relationship()  # noqa: F821
    author: Mapped["User | None"] = relationship()  # noqa: F821
    recipients: Mapped[list["MessageRecipient"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MessageRecipient.id"
    )


class MessageRecipient(db.Model):
    """One person a message went to, with the outbox message that carries it to them."""

    __table_args__ = (UniqueConstraint("message_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("registrant_message.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True
    )

    message: Mapped[RegistrantMessage] = relationship(back_populates="recipients")
    registration: Mapped["Registration | None"] = relationship()  # noqa: F821
    outbox_message: Mapped["OutboxMessage | None"] = relationship()  # noqa: F821
