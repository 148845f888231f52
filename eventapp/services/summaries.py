"""Summaries of tracks and World Café tables: the text, the files and their versions, publishing.

A summary is a draft until an organiser publishes it. When someone who may not publish (a
facilitator, a co-hosting partner) changes a published summary, it becomes a draft again:
nothing reaches the public page that an organiser has not published.

Files are versioned by title: uploading under a title already used adds the next version and
keeps the earlier ones. Uploading the same content under the same title as its latest version
adds nothing; under another title it adds a row that points at the same stored content.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import Event, Slot, Summary, SummaryFile, SummaryStatus, Track, User
from ..permissions import can
from . import audit, uploads
from .exceptions import DomainError

TEXT_FIELDS = ("conclusions", "proposals", "responsible_bodies", "follow_up")


@dataclass
class Upload:
    file: SummaryFile
    created: bool  # False: the same content was already the latest version of that title
    went_draft: bool = False  # a published summary became a draft again


def summary_for(session: Session, track: Track, lock: bool = False) -> Summary | None:
    query = select(Summary).where(Summary.track_id == track.id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def _summary_to_change(session: Session, track: Track) -> Summary:
    """The track's summary, locked against a simultaneous change; a new draft when it has none."""
    summary = summary_for(session, track, lock=True)
    if summary is None:
        summary = Summary(track=track, track_id=track.id, status=SummaryStatus.DRAFT)
        for field in TEXT_FIELDS:
            setattr(summary, field, "")
        session.add(summary)
        session.flush()
    return summary


def has_content(summary: Summary) -> bool:
    return any(getattr(summary, field).strip() for field in TEXT_FIELDS) or bool(summary.files)


def _back_to_draft_unless_publisher(session: Session, actor: User, summary: Summary, now: datetime) -> bool:
    """True when the change made a published summary a draft again."""
    if summary.status is SummaryStatus.PUBLISHED and not can(actor, "publish_summary", summary.track.event):
        summary.status = SummaryStatus.DRAFT
        summary.published_at = None
        audit.record(session, actor, "summary.unpublish", summary, summary.track.event, reason="changed")
        return True
    return False


def update_text(
    session: Session, actor: User, track: Track, values: dict, now: datetime,
) -> tuple[Summary | None, bool]:
    """Save the four text fields; returns (the summary, whether it went back to draft).

    Saving an empty form for a track without a summary creates none.
    """
    cleaned = {field: (values.get(field) or "").replace("\r\n", "\n").strip() for field in TEXT_FIELDS}
    if not any(cleaned.values()) and summary_for(session, track) is None:
        return None, False
    summary = _summary_to_change(session, track)
    changed = []
    for field, value in cleaned.items():
        if getattr(summary, field) != value:
            setattr(summary, field, value)
            changed.append(field)
    if not changed:
        return summary, False
    summary.updated_at = now
    summary.updated_by_id = actor.id
    audit.record(session, actor, "summary.update", summary, track.event, track_id=track.id, fields=changed)
    went_draft = _back_to_draft_unless_publisher(session, actor, summary, now)
    session.flush()
    return summary, went_draft


def add_file(
    session: Session, actor: User, track: Track, title: str, filename: str | None, data: bytes,
    upload_folder: str, now: datetime,
) -> Upload:
    """Check the upload and keep it as the next version of `title` (the file's name when empty).

    Nothing is written to disk for a refused file: the checks come first.
    """
    name, kind = uploads.check_upload(filename, data)
    title = " ".join((title or "").split())[:200] or name.rpartition(".")[0] or name
    digest = uploads.content_hash(data)
    summary = _summary_to_change(session, track)
    latest = session.scalar(
        select(SummaryFile).where(SummaryFile.summary_id == summary.id, SummaryFile.title == title)
        .order_by(SummaryFile.version.desc()).limit(1)
    )
    if latest is not None and latest.content_hash == digest:
        return Upload(latest, created=False)
    uploads.store_blob(upload_folder, data)
    file = SummaryFile(
        summary=summary, title=title, version=(latest.version + 1) if latest else 1, original_name=name,
        content_hash=digest, media_type=kind.media_type, size=len(data), uploaded_at=now, uploaded_by_id=actor.id,
    )
    session.add(file)
    summary.updated_at = now
    summary.updated_by_id = actor.id
    session.flush()
    audit.record(session, actor, "summary.upload", file, track.event, track_id=track.id, summary_id=summary.id,
                 title=title, version=file.version, media_type=kind.media_type, size=len(data), sha256=digest)
    went_draft = _back_to_draft_unless_publisher(session, actor, summary, now)
    session.flush()
    return Upload(file, created=True, went_draft=went_draft)


def publish(session: Session, actor: User, track: Track, now: datetime) -> Summary:
    summary = summary_for(session, track, lock=True)
    if summary is None or not has_content(summary):
        raise DomainError(_l("There is nothing to publish yet: write the summary or upload a file first."))
    if summary.status is SummaryStatus.PUBLISHED:
        return summary
    summary.status = SummaryStatus.PUBLISHED
    summary.published_at = now
    audit.record(session, actor, "summary.publish", summary, track.event, track_id=track.id)
    session.flush()
    return summary


def unpublish(session: Session, actor: User, track: Track, now: datetime) -> Summary:
    summary = summary_for(session, track, lock=True)
    if summary is None or summary.status is not SummaryStatus.PUBLISHED:
        raise DomainError(_l("This summary is not published."))
    summary.status = SummaryStatus.DRAFT
    summary.published_at = None
    audit.record(session, actor, "summary.unpublish", summary, track.event, track_id=track.id)
    session.flush()
    return summary


def event_summaries(session: Session, event: Event) -> dict[int, Summary]:
    """{track id: summary} for the tracks of the event that have one."""
    query = (
        select(Summary).join(Track).join(Slot).where(Slot.event_id == event.id)
        .options(selectinload(Summary.files))
    )
    return {summary.track_id: summary for summary in session.scalars(query)}


def published_summaries(session: Session, event: Event) -> list[Summary]:
    """The event's published summaries in the order of its programme."""
    query = (
        select(Summary).join(Track).join(Slot)
        .where(Slot.event_id == event.id, Summary.status == SummaryStatus.PUBLISHED)
        .order_by(Slot.starts_at, Slot.id, Track.position, Track.id)
        .options(selectinload(Summary.files), selectinload(Summary.track).selectinload(Track.slot))
    )
    return list(session.scalars(query))


def latest_files(summary: Summary) -> list[SummaryFile]:
    """The latest version of each title, in title order."""
    latest: dict[str, SummaryFile] = {}
    for file in summary.files:
        if file.title not in latest or file.version > latest[file.title].version:
            latest[file.title] = file
    return [latest[title] for title in sorted(latest)]


def event_file(session: Session, event: Event, file_id: int, published_only: bool) -> SummaryFile | None:
    """A file of a summary of this event (of a published summary only, when asked)."""
    query = (
        select(SummaryFile).join(Summary).join(Track).join(Slot)
        .where(SummaryFile.id == file_id, Slot.event_id == event.id)
    )
    if published_only:
        query = query.where(Summary.status == SummaryStatus.PUBLISHED)
    return session.scalar(query)


def uploader_names(session: Session, summary: Summary | None) -> dict[int, str]:
    ids = {file.uploaded_by_id for file in summary.files if file.uploaded_by_id} if summary else set()
    if not ids:
        return {}
    return {user.id: user.name for user in session.scalars(select(User).where(User.id.in_(ids)))}
