from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabelledEnum
from .organisation import Organisation
from .types import UTCDateTime, str_enum, utcnow


class EventKind(LabelledEnum):
    REGIONAL_SESSION = "regional_session", _l("Regional visiting session")
    FORUM = "forum", _l("Forum")
    COUNCIL_SESSION = "council_session", _l("Council session")
    ONLINE_MEETING = "online_meeting", _l("Online meeting")
    WORKING_GROUP_MEETING = "working_group_meeting", _l("Working group meeting")


class EventStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    CANCELLED = "cancelled", _l("Cancelled")


class Localised:
    """Fields kept in Latvian and English: `obj.local("title", "en")` falls back to Latvian."""

    def local(self, field: str, locale: str) -> str:
        if locale == "en":
            value = getattr(self, f"{field}_en", None)
            if value:
                return value
        return getattr(self, f"{field}_lv") or ""


class Event(Localised, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus), default=EventStatus.DRAFT)
    title_lv: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    description_lv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # One agenda item per line.
    agenda_lv: Mapped[str] = mapped_column(Text, default="")
    agenda_en: Mapped[str] = mapped_column(Text, default="")
    venue: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # In-person seats; None means no limit. Remote attendance takes no seat.
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remote_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Shown only to registered people.
    remote_link: Mapped[str] = mapped_column(String(500), default="")
    # Seats held for state administration are released to others at this moment
    # (None: three days before the event).
    held_seats_release_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Grows with every change that calendar clients must see (RFC 5545 SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    slots: Mapped[list["Slot"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="(Slot.starts_at, Slot.id)"
    )
    co_hosts: Mapped[list[Organisation]] = relationship(
        secondary="event_co_host", order_by=Organisation.name
    )

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda_lv.splitlines() if line.strip()]

    def agenda(self, locale: str) -> list[str]:
        text = self.local("agenda", locale)
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def tracks(self) -> list["Track"]:
        return [track for slot in self.slots for track in slot.tracks]

    @property
    def is_published(self) -> bool:
        return self.status is EventStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventCoHost(db.Model):
    """A partner organisation co-hosting an event (the local NGO of a regional session)."""

    __tablename__ = "event_co_host"
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )


class Slot(Localised, db.Model):
    """A time block of an event; its tracks run in parallel."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    title_lv: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="slots")
    tracks: Mapped[list["Track"]] = relationship(
        back_populates="slot", cascade="all, delete-orphan", order_by="(Track.position, Track.id)"
    )


class Track(Localised, db.Model):
    """A parallel workshop group (or World Café table) within a slot."""

    __table_args__ = (
        # Lets a registration's choice name its slot and have the database check it.
        UniqueConstraint("id", "slot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title_lv: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    description_lv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    room: Mapped[str] = mapped_column(String(120), default="")
    facilitator_name: Mapped[str] = mapped_column(String(200), default="")
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # In-person seats; None means no limit beyond the event's.
    capacity: Mapped[int | None] = mapped_column(Integer)
    # State-administration people the track must have (the council's 2025 lesson).
    state_admin_minimum: Mapped[int] = mapped_column(Integer, default=0)
    # The track's own remote connection, given only to its remote participants.
    remote_link: Mapped[str] = mapped_column(String(500), default="")

    slot: Mapped[Slot] = relationship(back_populates="tracks")

    @property
    def event(self) -> Event:
        return self.slot.event
