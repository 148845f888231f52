from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabelledEnum
from .event import Track
from .registration import Registration
from .types import UTCDateTime, str_enum
from .user import User


class JoinKind(LabelledEnum):
    LINK = "link", _l("Joined by link")
    MARKED = "marked", _l("Marked present")


class RemoteJoin(db.Model):
    """A remote participant present at an event (track None) or at one track's own meeting.

    One row per registration and track: the first join. There is no unique constraint because
    the track may be NULL (NULLs never clash in a unique index); `services/remote/joins.py`
    inserts under the registration's lock instead.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    track_id: Mapped[int | None] = mapped_column(ForeignKey("track.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    how: Mapped[JoinKind] = mapped_column(str_enum(JoinKind))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    registration: Mapped[Registration] = relationship()
    track: Mapped[Track | None] = relationship()
    marked_by: Mapped[User | None] = relationship(foreign_keys=[marked_by_id])
