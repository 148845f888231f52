"""Remote presence: each remote participant's own join link, and the record of who joined.

A remote participant (and every participant of an online meeting) gets `/join/<join_secret>`
instead of the meeting address itself: the address is given only to a confirmed registration,
only while the meeting is open, and following the link records that the person joined. The
join secret is apart from the private page's: a join link may be forwarded in a chat, and it
grants nothing but the meeting.

Presence is one row per registration and meeting (track None: the event's own meeting), the
first join. NULL tracks never clash in a unique index, so instead of a constraint the row is
inserted under the registration's lock: two clicks at once take turns and make one row.
Organisers may also mark someone present by hand (joined by phone) and undo either kind; both
are audited, and an undone row stays for the record.
"""
from collections.abc import Mapping
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    JoinKind,
    Registration,
    RegistrationStatus,
    RemoteJoin,
    Track,
    User,
)
from ...urls import public_url
from ..accounts import audit
from ..exceptions import DomainError

DEFAULT_OPENS_MINUTES_BEFORE = 30


def join_window(event: Event, config: Mapping | None = None) -> tuple[datetime, datetime]:
    """When following a join link counts (and reveals the address): from JOIN_OPENS_MINUTES_BEFORE
    (default 30) minutes before the event's start to its end."""
    minutes = int((config or {}).get("JOIN_OPENS_MINUTES_BEFORE", DEFAULT_OPENS_MINUTES_BEFORE))
    return event.starts_at - timedelta(minutes=minutes), event.ends_at


def is_open(event: Event, now: datetime, config: Mapping | None = None) -> bool:
    opens_at, closes_at = join_window(event, config)
    return opens_at <= now <= closes_at


def joins_remotely(registration: Registration) -> bool:
    """Whether the person meets online: a confirmed remote participant, or anyone confirmed for an
    online meeting."""
    return (
        registration.status is RegistrationStatus.CONFIRMED
        and registration.event.status is not EventStatus.CANCELLED
    ) and (
        registration.attendance_mode is AttendanceMode.REMOTE
        or registration.event.kind is EventKind.ONLINE_MEETING
    )


def meetings(registration: Registration) -> list[tuple[Track | None, str]]:
    """The person's meetings and their addresses: the event's own (track None) when it has one,
    then each chosen track that has its own. Empty for anyone who does not join remotely."""
    if not joins_remotely(registration):
        return []
    found = [(None, registration.event.remote_link)] if registration.event.remote_link else []
    return found + [(c.track, c.track.remote_link) for c in _confirmed_choices(registration) if c.track.remote_link]


def _confirmed_choices(registration: Registration):
    return [choice for choice in registration.choices if choice.status is RegistrationStatus.CONFIRMED]


def join_links(registration: Registration) -> list[tuple[Track | None, str]]:
    """What mails, the private page and the invite give instead of the meeting addresses: for each
    of the person's meetings (`meetings`) its join link, absolute on PUBLIC_URL. A person with one
    meeting gets just /join/<token>; with several, a link for each."""
    found = meetings(registration)
    token = registration.join_secret
    if len(found) == 1:
        return [(found[0][0], public_url("join.join", token=token))]
    return [
        (track, public_url("join.track_meeting", token=token, track_id=track.id) if track
         else public_url("join.event_meeting", token=token))
        for track, _address in found
    ]


def is_web_address(address: str) -> bool:
    """Whether the browser may be sent to `address`: an http(s) URL with a host and no spaces or
    control characters. Anything else (a phone number, dial-in details) is shown as text."""
    if not address or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in address):
        return False
    try:
        parts = urlsplit(address)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def meeting_address(registration: Registration, track: Track | None) -> str | None:
    """The address the person's link for `track` (None: the event) leads to: the track's own
    meeting if it has one, else the event's; None when the person may not have it (not confirmed,
    not remote, not their track) or there is none."""
    if not joins_remotely(registration):
        return None
    if track is not None:
        if all(choice.track_id != track.id for choice in _confirmed_choices(registration)):
            return None
        if track.remote_link:
            return track.remote_link
    return registration.event.remote_link or None


def _lock(session: Session, registration: Registration) -> None:
    """Hold the registration's row until the transaction ends, so that two joins of one person take
    turns (PostgreSQL: SELECT ... FOR UPDATE; SQLite: its one writer, taken by an empty write)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Registration.id).where(Registration.id == registration.id).with_for_update())
    else:
        session.execute(
            update(Registration).where(Registration.id == registration.id)
            .values(join_secret=Registration.join_secret)
            .execution_options(synchronize_session=False)
        )


def _existing(session: Session, registration: Registration, track: Track | None) -> RemoteJoin | None:
    """The person's row for this meeting, read after the lock in a statement of its own (under READ
    COMMITTED only a new statement sees what the holder of the lock before wrote)."""
    place = RemoteJoin.track_id.is_(None) if track is None else RemoteJoin.track_id == track.id
    return session.scalars(
        select(RemoteJoin).where(RemoteJoin.registration_id == registration.id, place)
        .order_by(RemoteJoin.id).limit(1).execution_options(populate_existing=True)
    ).first()


def _meeting_of(registration: Registration, track: Track | None) -> Track | None:
    """The track whose presence a join counts for: the track itself when it belongs to the person's
    event, else None (the event)."""
    if track is not None and track.slot.event_id != registration.event_id:
        raise DomainError(_l("This working group is not part of this event."))
    return track


def record_join(
    session: Session, registration: Registration, track: Track | None, now: datetime,
    config: Mapping | None = None,
) -> RemoteJoin | None:
    """Record that the person followed their join link for `track` (None: the event's meeting) at
    `now`. Only a confirmed registration that joins remotely, and only within `join_window`;
    otherwise None and nothing is written. Following it again keeps the first join."""
    if meeting_address(registration, track) is None or not is_open(registration.event, now, config):
        return None
    _meeting_of(registration, track)
    _lock(session, registration)
    row = _existing(session, registration, track)
    if row is None:
        row = RemoteJoin(registration_id=registration.id, track_id=track.id if track else None,
                         joined_at=now, how=JoinKind.LINK)
        session.add(row)
    elif row.undone_at is not None:
        row.undone_at = row.undone_by_id = row.marked_by_id = None
        row.how, row.joined_at = JoinKind.LINK, now
    session.flush()
    return row


def mark_present(
    session: Session, registration: Registration, track: Track | None, actor: User | None, now: datetime,
    config: Mapping | None = None,
) -> RemoteJoin:
    """An organiser marks a remote participant present (joined by phone, say) at the event's meeting
    or at `track`'s; audited. From the time the meeting opens; marking again changes nothing."""
    track = _meeting_of(registration, track)
    if not joins_remotely(registration):
        raise DomainError(_l("Only confirmed remote participants can be marked present remotely."))
    if now < join_window(registration.event, config)[0]:
        raise DomainError(_l("The meeting has not opened yet."))
    _lock(session, registration)
    row = _existing(session, registration, track)
    if row is not None and row.undone_at is None:
        return row
    if row is None:
        row = RemoteJoin(registration_id=registration.id, track_id=track.id if track else None)
        session.add(row)
    row.how, row.joined_at, row.marked_by_id = JoinKind.MARKED, now, actor.id if actor else None
    row.undone_at = row.undone_by_id = None
    session.flush()
    audit.record(session, actor, "remote_join.mark", row, registration.event,
                 registration_id=registration.id, track_id=row.track_id)
    return row


def unmark(
    session: Session, registration: Registration, track: Track | None, actor: User | None, now: datetime,
) -> RemoteJoin:
    """Undo the person's presence at the meeting (joined by link or marked); audited. The row stays,
    undone, for the record."""
    track = _meeting_of(registration, track)
    _lock(session, registration)
    row = _existing(session, registration, track)
    if row is None or row.undone_at is not None:
        raise DomainError(_l("This person is not recorded as present remotely."))
    row.undone_at, row.undone_by_id = now, actor.id if actor else None
    session.flush()
    audit.record(session, actor, "remote_join.undo", row, registration.event,
                 registration_id=registration.id, track_id=row.track_id, how=row.how.value)
    return row


def unmark_everywhere(
    session: Session, registration: Registration, actor: User | None, now: datetime,
) -> list[RemoteJoin]:
    """Undo the person's presence at every meeting of the event (the event's and their tracks');
    audited, one entry per meeting."""
    _lock(session, registration)
    rows = session.scalars(
        select(RemoteJoin).where(RemoteJoin.registration_id == registration.id, RemoteJoin.undone_at.is_(None))
        .order_by(RemoteJoin.id).execution_options(populate_existing=True)
    ).all()
    if not rows:
        raise DomainError(_l("This person is not recorded as present remotely."))
    for row in rows:
        row.undone_at, row.undone_by_id = now, actor.id if actor else None
        audit.record(session, actor, "remote_join.undo", row, registration.event,
                     registration_id=registration.id, track_id=row.track_id, how=row.how.value)
    session.flush()
    return list(rows)


def present_remotely(session: Session, event: Event) -> set[int]:
    """The ids of the event's registrations present remotely at any of its meetings."""
    return set().union(*joined_by_track(session, event).values())


def joined_by_track(session: Session, event: Event) -> dict[int | None, set[int]]:
    """Who was present remotely at `event`, in one query: for each meeting (a track's id, or None
    for the event's own meeting) the ids of the registrations that joined by their link or were
    marked present, and not undone. A meeting nobody joined is not a key.

    A join through the event's own link (key None) means the person was there for the event as a
    whole; reports that ask about a track may count those with a confirmed choice of that track too.
    Registrations cancelled after they joined are left in: presence is a fact of the past.
    """
    rows = session.execute(
        select(RemoteJoin.track_id, RemoteJoin.registration_id)
        .join(Registration, Registration.id == RemoteJoin.registration_id)
        .where(Registration.event_id == event.id, RemoteJoin.undone_at.is_(None))
    )
    found: dict[int | None, set[int]] = {}
    for track_id, registration_id in rows:
        found.setdefault(track_id, set()).add(registration_id)
    return found
