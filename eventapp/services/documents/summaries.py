"""Summaries of tracks and World Café tables: the text, the files and their versions, publishing.

A summary is a draft until an organiser publishes it. When someone who may not publish (a
facilitator, a co-hosting partner) changes a published summary, it becomes a draft again:
nothing reaches the public page that an organiser has not published.

Every upload is a new document (phones name every photo `image.jpg`, so a name says nothing)
unless the uploader says which document it replaces; then it is that document's next
version. Uploading the content of a document's current version again adds nothing. A
version can be withdrawn (a flipchart photo showing faces): the newest version not withdrawn
is the current one, and only the current version of a published summary's document is public
(`published_files`).

Every change takes the event's lock first (`seat_allocation.lock_event`), so that two people
uploading at the same moment to a track without a summary make one summary, and versions
are numbered one after another.
"""
from dataclasses import dataclass, fields
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased, selectinload

from ...models import Event, Slot, Summary, SummaryDocument, SummaryFile, SummaryStatus, Track, User
from ...permissions import can
from ..accounts import audit
from ..exceptions import DomainError
from ..registration import seat_allocation
from . import uploads


@dataclass
class SummaryText:
    """The four texts of a summary; an empty one is not written."""

    conclusions: str = ""
    proposals: str = ""
    responsible_bodies: str = ""
    follow_up: str = ""


TEXT_FIELDS = tuple(f.name for f in fields(SummaryText))


@dataclass
class Upload:
    file: SummaryFile
    created: bool  # False: the same content was already there
    went_draft: bool = False  # a published summary became a draft again


@dataclass
class Withdrawal:
    withdrawn: list[SummaryFile]
    current: SummaryFile | None  # the document's current version now; None: the file is gone
    went_draft: bool = False


def summary_for(session: Session, track: Track, lock: bool = False) -> Summary | None:
    query = select(Summary).where(Summary.track_id == track.id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def _locked_summary(session: Session, track: Track) -> Summary | None:
    """The track's summary, its documents and versions read fresh under the event's lock."""
    seat_allocation.lock_event(session, track.slot.event_id)
    return session.scalar(
        select(Summary).where(Summary.track_id == track.id)
        .options(selectinload(Summary.documents).selectinload(SummaryDocument.versions))
        .execution_options(populate_existing=True)
    )


def _summary_to_change(session: Session, track: Track) -> Summary:
    """The track's summary, under the event's lock; a new draft when it has none.

    Two people changing a track without a summary at the same moment make one summary: the
    second finds the first's once the lock lets it through.
    """
    summary = _locked_summary(session, track)
    if summary is None:
        summary = Summary(track=track, track_id=track.id, status=SummaryStatus.DRAFT)
        for field in TEXT_FIELDS:
            setattr(summary, field, "")
        session.add(summary)
        session.flush()
    return summary


def has_content(summary: Summary) -> bool:
    return any(getattr(summary, field).strip() for field in TEXT_FIELDS) or bool(current_files(summary))


def _back_to_draft_unless_publisher(session: Session, actor: User, summary: Summary, now: datetime) -> bool:
    """True when the change made a published summary a draft again."""
    if summary.status is SummaryStatus.PUBLISHED and not can(actor, "publish_summary", summary.track.event):
        summary.status = SummaryStatus.DRAFT
        summary.published_at = None
        audit.record(session, actor, "summary.unpublish", summary, summary.track.event, reason="changed")
        return True
    return False


def update_text(
    session: Session, actor: User, track: Track, text: SummaryText, now: datetime,
) -> tuple[Summary | None, bool]:
    """Save the four texts; returns (the summary, whether it went back to draft).

    Saving an empty form for a track without a summary creates none.
    """
    cleaned = {field: (getattr(text, field) or "").replace("\r\n", "\n").strip() for field in TEXT_FIELDS}
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
    upload_folder: str, now: datetime, replaces: int | None = None,
) -> Upload:
    """Check the upload and keep it as a new document, or as the next version of the document
    `replaces` (a document id of this track's summary). An empty title takes the file's name,
    or, for a new version, the title of the version it replaces.

    Nothing is written to disk for a refused file: the checks come first.
    """
    name, kind = uploads.check_upload(filename, data)
    title = " ".join((title or "").split())[:200]
    digest = uploads.content_hash(data)
    summary = _summary_to_change(session, track)
    if replaces is None:
        title = title or name.rpartition(".")[0] or name
        twin = next((f for f in current_files(summary) if f.title == title and f.content_hash == digest), None)
        if twin is not None:
            return Upload(twin, created=False)
        document, version = SummaryDocument(summary=summary, created_at=now), 1
    else:
        document = _replaceable(summary, replaces)
        current = document.current
        if current.content_hash == digest:
            return Upload(current, created=False)
        title, version = title or current.title, document.versions[-1].version + 1
    uploads.store_blob(upload_folder, data)
    file = SummaryFile(
        summary=summary, document=document, title=title, version=version, original_name=name,
        content_hash=digest, media_type=kind.media_type, size=len(data), uploaded_at=now, uploaded_by_id=actor.id,
    )
    session.add(file)
    summary.updated_at = now
    summary.updated_by_id = actor.id
    session.flush()
    audit.record(session, actor, "summary.upload", file, track.event, track_id=track.id, summary_id=summary.id,
                 document_id=document.id, title=title, version=file.version, media_type=kind.media_type,
                 size=len(data), sha256=digest)
    went_draft = _back_to_draft_unless_publisher(session, actor, summary, now)
    session.flush()
    return Upload(file, created=True, went_draft=went_draft)


def _replaceable(summary: Summary, document_id: int) -> SummaryDocument:
    """A document of this summary that still has a current version."""
    document = next((d for d in summary.documents if d.id == document_id), None)
    if document is None or document.current is None:
        raise DomainError(_l("The file to replace is no longer there: choose another or upload a new file."),
                          field="replaces")
    return document


def withdraw(
    session: Session, actor: User, track: Track, file_id: int, whole_file: bool, now: datetime,
) -> Withdrawal:
    """Withdraw one version, or every version of its document (`whole_file`), from the public.

    The newest version not withdrawn becomes the current one. When that brings a version
    to the public page that was not on it, a change by someone who may not publish makes the
    summary a draft again, as any other change does.
    """
    summary = _locked_summary(session, track)
    versions = [v for document in summary.documents for v in document.versions] if summary else []
    file = next((v for v in versions if v.id == file_id), None)
    if file is None:
        raise DomainError(_l("This file is not one of this summary's files."))
    if file.withdrawn_at is not None:
        raise DomainError(_l("This file is already withdrawn."))
    document = file.document
    was_current = document.current
    withdrawn = [v for v in document.versions if v.withdrawn_at is None] if whole_file else [file]
    for version in withdrawn:
        version.withdrawn_at = now
        version.withdrawn_by_id = actor.id
    summary.updated_at = now
    summary.updated_by_id = actor.id
    audit.record(session, actor, "summary.withdraw_file" if whole_file else "summary.withdraw_version", file,
                 track.event, track_id=track.id, summary_id=summary.id, document_id=document.id,
                 versions=[v.version for v in withdrawn])
    current = document.current
    went_draft = current is not None and current is not was_current and _back_to_draft_unless_publisher(
        session, actor, summary, now)
    session.flush()
    return Withdrawal(withdrawn, current, went_draft)


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
        .options(selectinload(Summary.documents).selectinload(SummaryDocument.versions))
    )
    return {summary.track_id: summary for summary in session.scalars(query)}


def published_summaries(session: Session, event: Event) -> list[Summary]:
    """The event's published summaries in the order of its programme."""
    query = (
        select(Summary).join(Track).join(Slot)
        .where(Slot.event_id == event.id, Summary.status == SummaryStatus.PUBLISHED)
        .order_by(Slot.starts_at, Slot.id, Track.position, Track.id)
        .options(selectinload(Summary.documents).selectinload(SummaryDocument.versions),
                 selectinload(Summary.track).selectinload(Track.slot))
    )
    return list(session.scalars(query))


def current_files(summary: Summary) -> list[SummaryFile]:
    """The current version (the newest not withdrawn) of each of the summary's documents, in
    title order: of a published summary, the files the public page and the pack show."""
    files = [document.current for document in summary.documents]
    return sorted((f for f in files if f is not None), key=lambda f: (f.title, f.document_id))


def event_file(session: Session, event: Event, file_id: int) -> SummaryFile | None:
    """Any version of a file of a summary of this event, for those who may edit the summary."""
    return session.scalar(
        select(SummaryFile).join(Summary).join(Track).join(Slot)
        .where(SummaryFile.id == file_id, Slot.event_id == event.id)
    )


def public_file(session: Session, event: Event, file_id: int) -> SummaryFile | None:
    """A file of a published summary of this event, only while it is its document's current version."""
    newer = aliased(SummaryFile)
    return session.scalar(
        select(SummaryFile).join(Summary).join(Track).join(Slot)
        .where(SummaryFile.id == file_id, Slot.event_id == event.id, Summary.status == SummaryStatus.PUBLISHED,
               SummaryFile.withdrawn_at.is_(None))
        .where(~exists().where(newer.document_id == SummaryFile.document_id, newer.version > SummaryFile.version,
                               newer.withdrawn_at.is_(None)))
    )


def uploader_names(session: Session, summary: Summary | None) -> dict[int, str]:
    files = summary.files if summary else []
    ids = {f.uploaded_by_id for f in files if f.uploaded_by_id} | {f.withdrawn_by_id for f in files if f.withdrawn_by_id}
    if not ids:
        return {}
    return {user.id: user.name for user in session.scalars(select(User).where(User.id.in_(ids)))}
