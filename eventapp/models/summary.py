from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabelledEnum
from .event import Track
from .types import UTCDateTime, str_enum, utcnow


class SummaryStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")


class Summary(db.Model):
    """What a track or World Café table concluded."""

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("track.id", ondelete="CASCADE"), unique=True)
    status: Mapped[SummaryStatus] = mapped_column(str_enum(SummaryStatus), default=SummaryStatus.DRAFT)
    conclusions: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    responsible_bodies: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    track: Mapped[Track] = relationship()
    documents: Mapped[list["SummaryDocument"]] = relationship(
        back_populates="summary", cascade="all, delete-orphan", order_by="SummaryDocument.id"
    )
    files: Mapped[list["SummaryFile"]] = relationship(
        back_populates="summary", cascade="all, delete-orphan", order_by="(SummaryFile.document_id, SummaryFile.version)"
    )


class SummaryDocument(db.Model):
    """One file of a summary as people know it (a flipchart photo, the slides), with its versions.

    Every upload is a new document unless the uploader says which one it replaces. The current
    version is the newest one not withdrawn; a document whose versions are all withdrawn is gone.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summary.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    summary: Mapped[Summary] = relationship(back_populates="documents")
    versions: Mapped[list["SummaryFile"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="SummaryFile.version"
    )

    @property
    def current(self) -> "SummaryFile | None":
        kept = [version for version in self.versions if version.withdrawn_at is None]
        return kept[-1] if kept else None


class SummaryFile(db.Model):
    """One uploaded version of a summary's document, under the title it was uploaded with."""

    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("summary.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("summary_document.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255))
    # Stored under its SHA-256, never under the uploaded name.
    content_hash: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Withdrawn (a photo showing faces): never public again; organisers still see it.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    summary: Mapped[Summary] = relationship(back_populates="files")
    document: Mapped[SummaryDocument] = relationship(back_populates="versions")

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None and self.document.current is self
