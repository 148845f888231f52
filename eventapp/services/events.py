"""Events, their slots and tracks: creating, changing, publishing, cancelling."""
import re
import unicodedata
from dataclasses import dataclass
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
    Registration,
    RegistrationStatus,
    Slot,
    Track,
    TrackChoice,
    User,
    utcnow,
)
from . import audit, calendar, mail, registration
from .exceptions import DomainError

# Kinds whose workshop tracks need state administration by default (the council's 2025 lesson).
KINDS_WITH_STATE_ADMIN_MINIMUM = {EventKind.REGIONAL_SESSION, EventKind.FORUM}
EVENT_FIELDS = (
    "kind", "title_lv", "title_en", "description_lv", "description_en", "agenda_lv", "agenda_en",
    "venue", "address", "city", "starts_at", "ends_at", "capacity", "registration_opens_at",
    "registration_closes_at", "remote_allowed", "remote_link", "held_seats_release_at",
)
# Changing these moves the event in people's calendars.
CALENDAR_FIELDS = {"starts_at", "ends_at", "venue", "address", "city", "title_lv", "title_en"}
# A change of time or place is also mailed to every registrant, with the updated invite.
TIME_AND_PLACE = {"starts_at", "ends_at", "venue", "address", "city"}
# Changing these may free seats or release held ones (the release moment follows the start
# unless set): the people waiting are seated at once.
SEAT_FIELDS = {"capacity", "held_seats_release_at", "starts_at"}
TRACK_SEAT_FIELDS = {"capacity", "state_admin_minimum"}
CHANGED_BY_ORGANISERS = _l(
    "The organisers have changed the time or place of the event. This is how it stands now:"
)
SLOT_FIELDS = ("title_lv", "title_en", "starts_at", "ends_at")
TRACK_FIELDS = (
    "title_lv", "title_en", "description_lv", "description_en", "room", "facilitator_name", "facilitator_id",
    "capacity", "state_admin_minimum", "remote_link",
)
# What a co-hosting partner may change of a track.
TRACK_DETAIL_FIELDS = ("description_lv", "description_en", "room", "facilitator_name")
# What a copy of an event takes from the original (times are shifted; see `clone_event`).
CLONED_EVENT_FIELDS = (
    "kind", "title_lv", "title_en", "description_lv", "description_en", "agenda_lv", "agenda_en",
    "venue", "address", "city", "capacity", "remote_allowed", "remote_link", "is_demo",
)
CLONED_EVENT_TIMES = (
    "starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "held_seats_release_at",
)
CLONED_TRACK_FIELDS = TRACK_FIELDS + ("position",)


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


def _check_event_times(values: dict) -> None:
    if values["ends_at"] <= values["starts_at"]:
        raise DomainError(_l("The event must end after it starts."), "ends_at")
    opens, closes = values.get("registration_opens_at"), values.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise DomainError(_l("Registration must close after it opens."), "registration_closes_at")
    if closes and closes > values["ends_at"]:
        raise DomainError(_l("Registration cannot close after the event ends."), "registration_closes_at")


def create_event(
    session: Session, actor: User | None, values: dict, co_hosts: list[Organisation] = (), slug: str = ""
) -> Event:
    _check_event_times(values)
    base = slugify(slug) if slug else slugify(f"{values['starts_at']:%Y-%m-%d} {values['title_lv']}")
    event = Event(slug=unique_slug(session, base), status=EventStatus.DRAFT, **{k: values[k] for k in values if k in EVENT_FIELDS})
    event.co_hosts = list(co_hosts)
    session.add(event)
    session.flush()
    audit.record(session, actor, "event.create", event, event)
    return event


def update_event(
    session: Session, actor: User | None, event: Event, values: dict,
    co_hosts: list[Organisation] | None = None, now: datetime | None = None,
) -> set[str]:
    """Apply changed values; returns the names of the fields that changed.

    A new time or place is mailed to everyone registered, with the updated invite.
    """
    merged = {field: getattr(event, field) for field in EVENT_FIELDS} | values
    _check_event_times(merged)
    changed = {field for field in EVENT_FIELDS if field in values and getattr(event, field) != values[field]}
    previous = {field: getattr(event, field) for field in EVENT_FIELDS}
    for field in changed:
        setattr(event, field, values[field])
    if co_hosts is not None and {o.id for o in co_hosts} != {o.id for o in event.co_hosts}:
        event.co_hosts = list(co_hosts)
        changed.add("co_hosts")
    if changed & CALENDAR_FIELDS:
        event.sequence += 1
    if changed:
        audit.record(session, actor, "event.update", event, event, fields=sorted(changed))
    if changed & SEAT_FIELDS:
        registration.refill_event(session, event, now)
    if changed & TIME_AND_PLACE:
        _tell_registrants_of_change(session, event, changed & CALENDAR_FIELDS, previous, now or utcnow())
    return changed


def _tell_registrants_of_change(
    session: Session, event: Event, changed: set[str], previous: dict, now: datetime
) -> None:
    """A "changed" mail to each active registrant: what changed and what it was, and the invite
    (same UID, the event's higher SEQUENCE), unless the event is cancelled or over."""
    if event.status is EventStatus.CANCELLED or event.ends_at < now:
        return
    was = {}
    if changed & {"starts_at", "ends_at"}:
        was |= {"starts_at": previous["starts_at"], "ends_at": previous["ends_at"]}
    if changed & {"venue", "address", "city"}:
        was["place"] = calendar.place(previous["venue"], previous["address"], previous["city"])
    active = session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.id)
    )
    for person in active:
        details = registration.registration_details(session, person) | {
            "changed": changed, "previous": was, "opening": CHANGED_BY_ORGANISERS,
        }
        mail.queue_registration_mail(session, "changed", person, details)


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
    active = session.scalars(
        select(Registration).where(Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)
    )
    for person in active:
        mail.queue_registration_mail(session, "event_cancelled", person, registration.registration_details(session, person))


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

    values = {field: getattr(event, field) for field in CLONED_EVENT_FIELDS} | {
        field: moved(getattr(event, field)) for field in CLONED_EVENT_TIMES
    }
    _check_event_times(values)
    copy = Event(
        slug=unique_slug(session, slugify(f"{values['starts_at']:%Y-%m-%d} {event.title_lv}")),
        status=EventStatus.DRAFT, co_hosts=list(event.co_hosts), **values,
    )
    for slot in event.slots:
        copy.slots.append(Slot(
            title_lv=slot.title_lv, title_en=slot.title_en,
            starts_at=moved(slot.starts_at), ends_at=moved(slot.ends_at),
            tracks=[Track(**{f: getattr(track, f) for f in CLONED_TRACK_FIELDS}) for track in slot.tracks],
        ))
    session.add(copy)
    session.flush()
    audit.record(session, actor, "event.clone", copy, copy, source_event_id=event.id)
    return copy


def _check_slot_times(event: Event, values: dict) -> None:
    if values["ends_at"] <= values["starts_at"]:
        raise DomainError(_l("The time block must end after it starts."), "ends_at")
    if values["starts_at"] < event.starts_at or values["ends_at"] > event.ends_at:
        raise DomainError(_l("The time block must lie within the event's time."), "starts_at")


def add_slot(session: Session, actor: User | None, event: Event, values: dict) -> Slot:
    _check_slot_times(event, values)
    slot = Slot(event=event, **{k: values[k] for k in SLOT_FIELDS if k in values})
    session.add(slot)
    session.flush()
    audit.record(session, actor, "slot.create", slot, event)
    return slot


def update_slot(session: Session, actor: User | None, slot: Slot, values: dict) -> None:
    _check_slot_times(slot.event, {field: getattr(slot, field) for field in SLOT_FIELDS} | values)
    changed = {field for field in SLOT_FIELDS if field in values and getattr(slot, field) != values[field]}
    for field in changed:
        setattr(slot, field, values[field])
    if changed & {"starts_at", "ends_at"}:
        slot.event.sequence += 1  # the invites list the tracks' times: calendars must see the change
    audit.record(session, actor, "slot.update", slot, slot.event, fields=sorted(changed))


def delete_slot(session: Session, actor: User | None, slot: Slot) -> None:
    if session.scalar(select(TrackChoice.id).where(TrackChoice.slot_id == slot.id).limit(1)) is not None:
        raise DomainError(_l("People have chosen tracks in this time block; move them first."))
    audit.record(session, actor, "slot.delete", slot, slot.event)
    session.delete(slot)


def default_state_admin_minimum(event: Event) -> int:
    return 1 if event.kind in KINDS_WITH_STATE_ADMIN_MINIMUM else 0


def add_track(session: Session, actor: User | None, slot: Slot, values: dict) -> Track:
    values = dict(values)
    if values.get("state_admin_minimum") is None:
        values["state_admin_minimum"] = default_state_admin_minimum(slot.event)
    _check_track_numbers(values)
    position = max((t.position for t in slot.tracks), default=0) + 1
    track = Track(slot=slot, position=position, **{k: values[k] for k in TRACK_FIELDS if k in values})
    session.add(track)
    session.flush()
    audit.record(session, actor, "track.create", track, slot.event)
    return track


def update_track(session: Session, actor: User | None, track: Track, values: dict) -> set[str]:
    values = dict(values)
    if "state_admin_minimum" in values and values["state_admin_minimum"] is None:
        values["state_admin_minimum"] = default_state_admin_minimum(track.event)
    _check_track_numbers({field: getattr(track, field) for field in TRACK_FIELDS} | values)
    changed = {f for f in TRACK_FIELDS if f in values and getattr(track, f) != values[f]}
    for field in changed:
        setattr(track, field, values[field])
    if changed:
        audit.record(session, actor, "track.update", track, track.event, fields=sorted(changed))
    if changed & TRACK_SEAT_FIELDS:
        registration.refill_event(session, track.event)
    return changed


def delete_track(session: Session, actor: User | None, track: Track) -> None:
    if session.scalar(select(TrackChoice.id).where(TrackChoice.track_id == track.id).limit(1)) is not None:
        raise DomainError(_l("People have chosen this track; move them to another track first."))
    audit.record(session, actor, "track.delete", track, track.event)
    session.delete(track)


def _check_track_numbers(values: dict) -> None:
    capacity, minimum = values.get("capacity"), values.get("state_admin_minimum") or 0
    if capacity is not None and capacity < 1:
        raise DomainError(_l("Capacity must be at least 1, or empty for no limit."), "capacity")
    if minimum < 0:
        raise DomainError(_l("The minimum cannot be negative."), "state_admin_minimum")
    if capacity is not None and minimum > capacity:
        raise DomainError(_l("The state-administration minimum cannot exceed the capacity."), "state_admin_minimum")

