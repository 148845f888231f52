"""Events, their slots and tracks: creating, changing, publishing, cancelling."""
import re
import unicodedata
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..formatting import RIGA, to_riga
from ..models import (
    Event,
    EventKind,
    EventStatus,
    Organisation,
    Slot,
    Track,
    TrackChoice,
    User,
    utcnow,
)
from .accounts import audit
from .documents import calendar
from .exceptions import DomainError
from .mail import mail_jobs
from .online_meetings import fit_event_data
from .registration import lifecycle

# Kinds whose workshop tracks need state administration by default (the council's 2025 lesson).
KINDS_WITH_STATE_ADMIN_MINIMUM = {EventKind.REGIONAL_SESSION, EventKind.FORUM}
# Changing these moves the event in people's calendars.
CALENDAR_FIELDS = {"starts_at", "ends_at", "venue", "address", "city", "title_lv", "title_en"}
# A change of time or place is also mailed to every registrant, with the updated invite.
TIME_AND_PLACE = {"starts_at", "ends_at", "venue", "address", "city"}
# Changing these may free seats or release held ones (the release moment follows the start
# unless set): the people waiting are seated at once.
SEAT_FIELDS = {"capacity", "held_seats_release_at", "starts_at"}
TRACK_SEAT_FIELDS = {"capacity", "state_admin_minimum"}


def field_names(data_class: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(data_class))


class ModelData:
    """A dataclass whose fields are columns of the same names of a model."""

    @classmethod
    def of(cls, thing, **changes):
        """The fields as `thing` (an event, time block or track) has them now, with `changes`."""
        return cls(**{name: getattr(thing, name) for name in field_names(cls)} | changes)


@dataclass(kw_only=True)
class EventData(ModelData):
    """An event as the organisers describe it (already checked for form: lengths, links)."""

    kind: EventKind
    title_lv: str
    starts_at: datetime
    ends_at: datetime
    title_en: str = ""
    description_lv: str = ""
    description_en: str = ""
    agenda_lv: str = ""
    agenda_en: str = ""
    venue: str = ""
    address: str = ""
    city: str = ""
    capacity: int | None = None  # None: no limit
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    remote_allowed: bool = False
    remote_link: str = ""
    held_seats_release_at: datetime | None = None  # None: three days before the start


@dataclass(kw_only=True)
class SlotData(ModelData):
    """A time block of an event."""

    title_lv: str
    starts_at: datetime
    ends_at: datetime
    title_en: str = ""


@dataclass(kw_only=True)
class TrackDetailsData(ModelData):
    """What a co-hosting partner may change of a track."""

    description_lv: str = ""
    description_en: str = ""
    room: str = ""
    facilitator_name: str = ""


@dataclass(kw_only=True)
class TrackData(TrackDetailsData):
    """A track as the organisers describe it."""

    title_lv: str
    title_en: str = ""
    facilitator_id: int | None = None
    capacity: int | None = None  # None: no limit
    state_admin_minimum: int | None = None  # None: the default of the event's kind
    remote_link: str = ""


def _apply(data, thing) -> set[str]:
    """Set every field of `data` on `thing`; returns the names of the fields that changed."""
    changed = {name for name in field_names(type(data)) if getattr(thing, name) != getattr(data, name)}
    for name in changed:
        setattr(thing, name, getattr(data, name))
    return changed


# The times of an event, moved as its start is when it is copied (see `clone_event`).
EVENT_TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "held_seats_release_at")


def slugify(text: str) -> str:
    """'Izbraukuma sēde Jēkabpilī' -> 'izbraukuma-sede-jekabpili'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "pasakums"


def unique_slug(session: Session, base: str, exclude_id: int | None = None) -> str:
    slug, n = base, 2
    while True:
        found = session.scalar(select(Event.id).where(Event.slug == slug))
        if found is None or found == exclude_id:
            return slug
        slug, n = f"{base}-{n}", n + 1


@dataclass
class EventListing:
    upcoming: list[Event]
    past: list[Event]


def public_events(session: Session, now: datetime) -> EventListing:
    """Published and cancelled events (a cancelled one stays visible, marked), split at `now`."""
    events = session.scalars(
        select(Event)
        .where(Event.status != EventStatus.DRAFT)
        .options(selectinload(Event.co_hosts))
        .order_by(Event.starts_at)
    ).all()
    return EventListing(
        upcoming=[e for e in events if e.ends_at >= now],
        past=[e for e in reversed(events) if e.ends_at < now],
    )


def get_public_event(session: Session, slug: str) -> Event | None:
    event = session.scalar(
        select(Event)
        .where(Event.slug == slug, Event.status != EventStatus.DRAFT)
        .options(selectinload(Event.co_hosts), selectinload(Event.slots).selectinload(Slot.tracks))
    )
    return event


def _check_event_times(data: EventData) -> None:
    if data.ends_at <= data.starts_at:
        raise DomainError(_l("The event must end after it starts."), "ends_at")
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens and closes and closes <= opens:
        raise DomainError(_l("Registration must close after it opens."), "registration_closes_at")
    if closes and closes > data.ends_at:
        raise DomainError(_l("Registration cannot close after the event ends."), "registration_closes_at")


def create_event(
    session: Session, actor: User | None, data: EventData, co_hosts: list[Organisation] = (), slug: str = ""
) -> Event:
    data = fit_event_data(data)
    _check_event_times(data)
    base = slugify(slug) if slug else slugify(f"{data.starts_at:%Y-%m-%d} {data.title_lv}")
    event = Event(slug=unique_slug(session, base), status=EventStatus.DRAFT, **asdict(data))
    event.co_hosts = list(co_hosts)
    session.add(event)
    session.flush()
    audit.record(session, actor, "event.create", event, event)
    return event


def update_event(
    session: Session, actor: User | None, event: Event, data: EventData,
    co_hosts: list[Organisation] | None = None, now: datetime | None = None,
) -> set[str]:
    """Apply `data`; returns the names of the fields that changed.

    A new time or place is mailed to everyone registered, with the updated invite.
    """
    data = fit_event_data(data)
    _check_event_times(data)
    previous = EventData.of(event)
    changed = _apply(data, event)
    if co_hosts is not None and {o.id for o in co_hosts} != {o.id for o in event.co_hosts}:
        event.co_hosts = list(co_hosts)
        changed.add("co_hosts")
    if changed & CALENDAR_FIELDS:
        event.sequence += 1
    if changed:
        audit.record(session, actor, "event.update", event, event, fields=sorted(changed))
    if changed & SEAT_FIELDS:
        lifecycle.refill_event(session, event, now)
    if changed & TIME_AND_PLACE:
        _tell_registrants_of_change(session, event, changed & CALENDAR_FIELDS, previous, now or utcnow())
    return changed


def _tell_registrants_of_change(
    session: Session, event: Event, changed: set[str], previous: EventData, now: datetime
) -> None:
    """A "changed" mail to each active registrant: what changed and what it was, and the invite
    (same UID, the event's higher SEQUENCE), unless the event is cancelled or over. Only recorded
    here: the sender writes the messages (`mail_jobs`)."""
    if event.status is EventStatus.CANCELLED or event.ends_at < now:
        return
    was = {}
    if changed & {"starts_at", "ends_at"}:
        was |= {"starts_at": previous.starts_at, "ends_at": previous.ends_at}
    if changed & {"venue", "address", "city"}:
        was["place"] = calendar.place(previous.venue, previous.address, previous.city)
    mail_jobs.queue_event_changed(session, event, changed, was)


def publish_event(session: Session, actor: User | None, event: Event) -> None:
    if event.status is EventStatus.CANCELLED:
        raise DomainError(_l("A cancelled event cannot be published again."))
    if event.status is EventStatus.PUBLISHED:
        return
    event.status = EventStatus.PUBLISHED
    audit.record(session, actor, "event.publish", event, event)


def unpublish_event(session: Session, actor: User | None, event: Event) -> None:
    if event.status is not EventStatus.PUBLISHED:
        raise DomainError(_l("Only a published event can be returned to draft."))
    event.status = EventStatus.DRAFT
    audit.record(session, actor, "event.unpublish", event, event)


def cancel_event(session: Session, actor: User | None, event: Event) -> None:
    if event.status is EventStatus.CANCELLED:
        return
    event.status = EventStatus.CANCELLED
    event.sequence += 1
    audit.record(session, actor, "event.cancel", event, event)
    mail_jobs.queue_event_cancelled(session, event)


def thursday_after_council_session(council_session: date) -> date:
    """When the monthly online meeting is held: the Thursday of the week after the council session."""
    return council_session + timedelta(days=7 - council_session.weekday() + 3)


def suggested_clone_date(session: Session, event: Event) -> date | None:
    """The next online meeting's day after this one: the Thursday of the week after the next
    council session (when one is planned); for other kinds no suggestion."""
    if event.kind is not EventKind.ONLINE_MEETING:
        return None
    council_session = session.scalar(
        select(Event.starts_at)
        .where(Event.kind == EventKind.COUNCIL_SESSION, Event.status != EventStatus.CANCELLED,
               Event.starts_at > event.starts_at)
        .order_by(Event.starts_at)
        .limit(1)
    )
    return thursday_after_council_session(to_riga(council_session).date()) if council_session else None


def clone_event(session: Session, actor: User | None, event: Event, new_start: datetime) -> Event:
    """A draft copy of the event starting at `new_start`, with its time blocks and tracks, an event
    (page, registration) of its own. No registration is copied.

    Every time (time blocks, registration window) moves as the start does, by Riga wall-clock
    time: 10:00 stays 10:00 on the other side of a change to or from summer time.
    """
    shift = to_riga(new_start).replace(tzinfo=None) - to_riga(event.starts_at).replace(tzinfo=None)

    def moved(moment: datetime | None) -> datetime | None:
        return None if moment is None else (to_riga(moment).replace(tzinfo=None) + shift).replace(tzinfo=RIGA)

    data = EventData.of(event, **{field: moved(getattr(event, field)) for field in EVENT_TIMES})
    _check_event_times(data)
    copy = Event(
        slug=unique_slug(session, slugify(f"{data.starts_at:%Y-%m-%d} {event.title_lv}")),
        status=EventStatus.DRAFT, co_hosts=list(event.co_hosts), is_demo=event.is_demo, **asdict(data),
    )
    for slot in event.slots:
        slot_data = SlotData.of(slot, starts_at=moved(slot.starts_at), ends_at=moved(slot.ends_at))
        copy.slots.append(Slot(
            **asdict(slot_data),
            tracks=[Track(position=track.position, **asdict(TrackData.of(track))) for track in slot.tracks],
        ))
    session.add(copy)
    session.flush()
    audit.record(session, actor, "event.clone", copy, copy, source_event_id=event.id)
    return copy


def _check_slot_times(event: Event, data: SlotData) -> None:
    if data.ends_at <= data.starts_at:
        raise DomainError(_l("The time block must end after it starts."), "ends_at")
    if data.starts_at < event.starts_at or data.ends_at > event.ends_at:
        raise DomainError(_l("The time block must lie within the event's time."), "starts_at")


def add_slot(session: Session, actor: User | None, event: Event, data: SlotData) -> Slot:
    _check_slot_times(event, data)
    slot = Slot(event=event, **asdict(data))
    session.add(slot)
    session.flush()
    audit.record(session, actor, "slot.create", slot, event)
    return slot


def update_slot(session: Session, actor: User | None, slot: Slot, data: SlotData) -> None:
    _check_slot_times(slot.event, data)
    changed = _apply(data, slot)
    if changed & {"starts_at", "ends_at"}:
        slot.event.sequence += 1  # the invites list the tracks' times: calendars must see the change
    if changed:
        audit.record(session, actor, "slot.update", slot, slot.event, fields=sorted(changed))


def delete_slot(session: Session, actor: User | None, slot: Slot) -> None:
    if session.scalar(select(TrackChoice.id).where(TrackChoice.slot_id == slot.id).limit(1)) is not None:
        raise DomainError(_l("People have chosen tracks in this time block; move them first."))
    audit.record(session, actor, "slot.delete", slot, slot.event)
    session.delete(slot)


def default_state_admin_minimum(event: Event) -> int:
    return 1 if event.kind in KINDS_WITH_STATE_ADMIN_MINIMUM else 0


def add_track(session: Session, actor: User | None, slot: Slot, data: TrackData) -> Track:
    data = _with_default_minimum(data, slot.event)
    _check_track_numbers(data)
    position = max((t.position for t in slot.tracks), default=0) + 1
    track = Track(slot=slot, position=position, **asdict(data))
    session.add(track)
    session.flush()
    audit.record(session, actor, "track.create", track, slot.event)
    return track


def update_track(session: Session, actor: User | None, track: Track, data: TrackDetailsData) -> set[str]:
    """Apply `data`: a whole `TrackData` (organisers), or only a `TrackDetailsData` (a co-hosting
    partner); returns the names of the fields that changed."""
    if isinstance(data, TrackData):
        data = _with_default_minimum(data, track.event)
        _check_track_numbers(data)
    changed = _apply(data, track)
    if changed:
        audit.record(session, actor, "track.update", track, track.event, fields=sorted(changed))
    if changed & TRACK_SEAT_FIELDS:
        lifecycle.refill_event(session, track.event)
    return changed


def delete_track(session: Session, actor: User | None, track: Track) -> None:
    if session.scalar(select(TrackChoice.id).where(TrackChoice.track_id == track.id).limit(1)) is not None:
        raise DomainError(_l("People have chosen this track; move them to another track first."))
    audit.record(session, actor, "track.delete", track, track.event)
    session.delete(track)


def _with_default_minimum(data: TrackData, event: Event) -> TrackData:
    if data.state_admin_minimum is None:
        return replace(data, state_admin_minimum=default_state_admin_minimum(event))
    return data


def _check_track_numbers(data: TrackData) -> None:
    capacity, minimum = data.capacity, data.state_admin_minimum or 0
    if capacity is not None and capacity < 1:
        raise DomainError(_l("Capacity must be at least 1, or empty for no limit."), "capacity")
    if minimum < 0:
        raise DomainError(_l("The minimum cannot be negative."), "state_admin_minimum")
    if capacity is not None and minimum > capacity:
        raise DomainError(_l("The state-administration minimum cannot exceed the capacity."), "state_admin_minimum")

