from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabelledEnum
from .event import Track
from .organisation import Organisation
from .types import UTCDateTime, str_enum, utcnow


class DelegationStatus(LabelledEnum):
    SENT = "sent", _l("waiting for an answer")
    ACCEPTED = "accepted", _l("accepted")
    DECLINED = "declined", _l("declined")
    EXPIRED = "expired", _l("expired")


class DelegationRequest(db.Model):
    """The organisers asking an institution to delegate an expert to a track."""

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("track.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    contact_email: Mapped[str] = mapped_column(String(254))
    message: Mapped[str] = mapped_column(Text, default="")
    secret: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[DelegationStatus] = mapped_column(
        str_enum(DelegationStatus), default=DelegationStatus.SENT
    )
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    track: Mapped[Track] = relationship()
    organisation: Mapped[Organisation] = relationship()
