"""An organisation of the directory invited to an event: at most once per event."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class OrganisationInvitation(db.Model):
    """The invitation of one organisation to one event, with the links its mail carries.

    Recorded by the organiser's request; the sender writes it out as an outbox message
    (`services/mail/invitations.py`). `token` opens the registration form filled in for the
    organisation; `unsubscribe_token` lets the organisation ask not to be invited again.
    `batch_token` comes from the form: the same form sent twice is recognised.
    """

    __tablename__ = "organisation_invitation"
    __table_args__ = (UniqueConstraint("event_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    # The address it went to, as the directory had it then.
    email: Mapped[str] = mapped_column(String(254))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    batch_token: Mapped[str] = mapped_column(String(64), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the sender wrote it into the outbox; None until then.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True
    )
    # The first registration made through the invitation's link.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))

    event: Mapped["Event"] = relationship()  # noqa: F821
    organisation: Mapped["Organisation"] = relationship()  # noqa: F821
    outbox_message: Mapped["OutboxMessage | None"] = relationship()  # noqa: F821
    registration: Mapped["Registration | None"] = relationship()  # noqa: F821
    invited_by: Mapped["User | None"] = relationship()  # noqa: F821
