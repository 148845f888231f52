from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .registration import Registration
from .types import UTCDateTime, utcnow
from .user import User


class CheckInLink(db.Model):
    """A link that lets a volunteer's device check people in at one event, without an account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    secret: Mapped[str] = mapped_column(String(64), unique=True)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckIn(db.Model):
    """A person arriving, at the door (track None) or at a workshop room."""

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    track_id: Mapped[int | None] = mapped_column(ForeignKey("track.id", ondelete="CASCADE"))
    # Made by the scanning device, so that a scan sent twice counts once.
    scan_id: Mapped[str] = mapped_column(String(64), unique=True)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    by_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("check_in_link.id", ondelete="SET NULL")
    )
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    registration: Mapped[Registration] = relationship()
    by_user: Mapped[User | None] = relationship(foreign_keys=[by_user_id])
    by_link: Mapped[CheckInLink | None] = relationship()
