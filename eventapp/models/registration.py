import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabelledEnum
from .event import Event, Track
from .organisation import Organisation, Sector
from .types import UTCDateTime, str_enum, utcnow


def new_join_secret() -> str:
    return secrets.token_urlsafe(24)


class RegistrationStatus(LabelledEnum):
    CONFIRMED = "confirmed", _l("Confirmed")
    WAITLISTED = "waitlisted", _l("Waiting list")
    CANCELLED = "cancelled", _l("Cancelled")


class AttendanceMode(LabelledEnum):
    # "inline": the word within a line of text ("Attendance: remote").
    IN_PERSON = "in_person", _l("In person"), {"inline": _l("in person")}
    REMOTE = "remote", _l("Remotely"), {"inline": _l("remote")}


class Registration(db.Model):
    """One person's registration for one event."""

    __table_args__ = (UniqueConstraint("event_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus))
    attendance_mode: Mapped[AttendanceMode] = mapped_column(str_enum(AttendanceMode))
    full_name: Mapped[str] = mapped_column(String(200))
    # Stored lower-cased, so that one person cannot register twice by changing case.
    email: Mapped[str] = mapped_column(String(254))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    # As typed, when the organisation is not in the directory.
    organisation_name: Mapped[str] = mapped_column(String(300), default="")
    sector: Mapped[Sector] = mapped_column(str_enum(Sector))
    position: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(2), default="lv")
    access_needs: Mapped[str] = mapped_column(Text, default="")
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    consent_data_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_wording_version: Mapped[str] = mapped_column(String(20))
    consent_photos: Mapped[bool] = mapped_column(Boolean, default=False)
    # The private link /r/<secret>: lets its holder change or cancel the registration.
    secret: Mapped[str] = mapped_column(String(64), unique=True)
    # Printed in the badge's QR code; grants nothing but entry.
    badge_secret: Mapped[str] = mapped_column(String(64), unique=True)
    # The join link /join/<join_secret> to the remote meeting: may be forwarded, grants no edit rights.
    join_secret: Mapped[str] = mapped_column(String(64), unique=True, default=new_join_secret)
    badge_printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delegation_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegation_request.id", ondelete="SET NULL")
    )
    # RFC 5545 SEQUENCE of this person's invite.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    choices: Mapped[list["TrackChoice"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="TrackChoice.id"
    )

    @property
    def remote_connections(self) -> list[tuple[Track | None, str]]:
        """The links a confirmed remote participant gets: the event's, and each chosen track's own."""
        if self.attendance_mode is not AttendanceMode.REMOTE or self.status is not RegistrationStatus.CONFIRMED:
            return []
        links = [(None, self.event.remote_link)] if self.event.remote_link else []
        return links + [(c.track, c.track.remote_link) for c in self.choices if c.track.remote_link]

    @property
    def organisation_display(self) -> str:
        return self.organisation.name if self.organisation else self.organisation_name

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status.value}>"


class TrackChoice(db.Model):
    """The track a registration takes in one slot: a seat, or a place on its waiting list."""

    __table_args__ = (
        UniqueConstraint("registration_id", "slot_id"),
        ForeignKeyConstraint(
            ["track_id", "slot_id"], ["track.id", "track.slot_id"], ondelete="CASCADE"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    track_id: Mapped[int] = mapped_column(index=True)
    slot_id: Mapped[int] = mapped_column()
    status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus))
    # First come, first served: the waiting list is ordered by this moment.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="choices")
    track: Mapped[Track] = relationship(foreign_keys=[track_id], overlaps="slot")
