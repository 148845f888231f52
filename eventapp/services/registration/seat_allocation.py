"""Seats and waiting lists: who holds an in-person seat, and who is next.

One rule decides every seat: `fill_seats` walks the waiting lists in order (first come,
first served: rows are numbered as they are written, under the event's lock) and gives
each free seat to the first person waiting who may take it (seats held for state
administration go only to state administration: see `seat_holds`). A newcomer takes a seat
only where nobody waits for it, so nobody jumps the queue.
Callers lock the event first (`lock_event`), so that two requests never count the same
free seat.
"""
import functools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from ...models import AttendanceMode, Event, Registration, RegistrationStatus, Sector, Slot, TrackChoice
from . import seat_holds
from .seat_counts import seats_left, taken_event_seats, taken_seats_by_track

CONFIRMED, WAITLISTED = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED


def lock_event(session: Session, event_id: int) -> Event:
    """Serialise seat changes of one event until the transaction ends; the event comes back fresh,
    with its time blocks and tracks loaded in the same query.

    The event's row is the one lock for all of its seats, its tracks' included: every change
    to any of them takes it first. PostgreSQL: `SELECT ... FOR UPDATE` on that row. SQLite:
    an empty write, which takes the database's write lock (SQLite has one writer at a time).
    """
    postgresql = session.get_bind().dialect.name == "postgresql"
    if not postgresql:
        session.execute(
            update(Event).where(Event.id == event_id).values(sequence=Event.sequence, updated_at=Event.updated_at)
        )
    return session.scalars(_lock_statement(postgresql), {"event_id": event_id}).unique().one()


@functools.lru_cache(maxsize=2)
def _lock_statement(for_update: bool):
    """Built once (every registration runs it): the event with its time blocks and tracks, fresh."""
    query = (
        select(Event)
        .where(Event.id == bindparam("event_id"))
        .options(joinedload(Event.slots).joinedload(Slot.tracks))
        .execution_options(populate_existing=True)
    )
    return query.with_for_update(of=Event) if for_update else query


def can_take(sector: Sector, free: int | None, held: int) -> bool:
    """State administration may take any free seat; others only one that is not held for it."""
    seats = seat_holds.open_seats(free, 0 if sector is Sector.STATE_ADMINISTRATION else held)
    return seats is None or seats > 0


def admit(registration: Registration) -> None:
    """A seat in the event and in each of its tracks, whatever the counts say: for remote attendance
    (it takes no seat), and for the person standing at the door (`walk_in`)."""
    registration.status = CONFIRMED
    for choice in registration.choices:
        choice.status = CONFIRMED


def seat_newcomer(
    event: Event, registration: Registration, taken_event: int, taken_tracks: dict[int, int], held: dict[int, int]
) -> None:
    """Seat a new registration where seats are free for it, else put it at the end of the queues.

    The counts are taken under the event's lock. A seat free for someone never has anyone
    waiting who could take it (`fill_seats` sees to that after every change), so a newcomer
    can take it without jumping anyone.
    """
    if registration.attendance_mode is AttendanceMode.REMOTE:
        admit(registration)
        return
    sector = registration.sector
    if not can_take(sector, seats_left(event.capacity, taken_event), sum(held.values())):
        registration.status = WAITLISTED
        for choice in registration.choices:
            choice.status = WAITLISTED
        return
    registration.status = CONFIRMED
    capacity = {track.id: track.capacity for track in event.tracks}
    for choice in registration.choices:
        free = seats_left(capacity[choice.track_id], taken_tracks[choice.track_id])
        choice.status = CONFIRMED if can_take(sector, free, held.get(choice.track_id, 0)) else WAITLISTED


@dataclass
class Promotions:
    """Who got a seat in one `fill_seats` run: whole registrations, and single track choices."""

    registrations: list[Registration] = field(default_factory=list)
    choices: list[TrackChoice] = field(default_factory=list)

    @property
    def people(self) -> list[Registration]:
        """Each promoted person once, in the order they were promoted."""
        seen: dict[int, Registration] = {}
        for registration in self.registrations + [c.registration for c in self.choices]:
            seen.setdefault(registration.id, registration)
        return list(seen.values())


def fill_seats(session: Session, event: Event, now: datetime) -> Promotions:
    """Give every free in-person seat of the event to the first person waiting who may take it."""
    session.flush()
    promoted = Promotions()
    held = seat_holds.held_seats(session, event, now)
    free = seats_left(event.capacity, taken_event_seats(session, event))
    if free is None or free > 0:
        waiting = session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == WAITLISTED)
            .order_by(Registration.id)
        )
        for registration in waiting:
            if free is not None and free <= 0:
                break
            if can_take(registration.sector, free, sum(held.values())):
                registration.status = CONFIRMED
                promoted.registrations.append(registration)
                free = None if free is None else free - 1
        session.flush()

    taken = taken_seats_by_track(session, event)
    for track in event.tracks:
        left = seats_left(track.capacity, taken[track.id])
        if left == 0:
            continue
        track_held = held.get(track.id, 0)
        waiting_choices = session.scalars(
            select(TrackChoice)
            .join(Registration)
            .where(
                TrackChoice.track_id == track.id,
                TrackChoice.status == WAITLISTED,
                Registration.status == CONFIRMED,
            )
            .order_by(TrackChoice.id)
            .options(joinedload(TrackChoice.registration))
        )
        for choice in waiting_choices:
            if left is not None and left <= 0:
                break
            sector = choice.registration.sector
            if can_take(sector, left, track_held):
                choice.status = CONFIRMED
                promoted.choices.append(choice)
                left = None if left is None else left - 1
                if sector is Sector.STATE_ADMINISTRATION and choice.registration.attendance_mode is AttendanceMode.IN_PERSON:
                    track_held = max(track_held - 1, 0)
    session.flush()
    return promoted


def _event_queue(session: Session, event_id: int) -> dict[int, int]:
    """Registration id -> place on the event's waiting list (1 for the first), in order of registering."""
    waiting = session.scalars(
        select(Registration.id)
        .where(Registration.event_id == event_id, Registration.status == WAITLISTED)
        .order_by(Registration.id)
    )
    return {registration_id: place for place, registration_id in enumerate(waiting, 1)}


def _track_queues(session: Session, event_id: int) -> dict[int, int]:
    """Track choice id -> place on its track's waiting list (1 for the first), for every track of the event."""
    places: dict[int, int] = {}
    seen: Counter = Counter()
    for choice_id, track_id in session.execute(
        select(TrackChoice.id, TrackChoice.track_id)
        .join(Registration, Registration.id == TrackChoice.registration_id)
        .where(
            Registration.event_id == event_id,
            Registration.status != RegistrationStatus.CANCELLED,
            TrackChoice.status == WAITLISTED,
        )
        .order_by(TrackChoice.id)
    ):
        seen[track_id] += 1
        places[choice_id] = seen[track_id]
    return places


@dataclass(frozen=True)
class QueuePositions:
    """Every place on an event's waiting lists, read at once (one query each, however many wait)."""

    event: dict[int, int]  # registration id -> place on the event's waiting list
    tracks: dict[int, int]  # track choice id -> place on its track's waiting list

    def of(self, registration: Registration) -> int | None:
        return self.event.get(registration.id)

    def of_choice(self, choice: TrackChoice) -> int | None:
        return self.tracks.get(choice.id)


NOBODY_WAITING = QueuePositions({}, {})


def queue_positions(session: Session, event: Event) -> QueuePositions:
    """The places of everyone waiting for the event or for one of its tracks: the one count of
    places that the pages, the mails and the organisers' list all show."""
    return QueuePositions(_event_queue(session, event.id), _track_queues(session, event.id))


def queue_positions_of(session: Session, registration: Registration) -> QueuePositions:
    """The places that matter to one person: none read when they wait for nothing."""
    if registration.status is WAITLISTED:
        return queue_positions(session, registration.event)
    if any(choice.status is WAITLISTED for choice in registration.choices):
        return QueuePositions({}, _track_queues(session, registration.event_id))
    return NOBODY_WAITING


def event_queue_position(session: Session, registration: Registration) -> int | None:
    """1 for the first person on the event's waiting list; None when not waiting."""
    if registration.status is not WAITLISTED:
        return None
    return _event_queue(session, registration.event_id).get(registration.id)


def door_seat_refusal(
    session: Session, event: Event, registration: Registration, now: datetime
) -> str | None:
    """Why `fill_seats`, run now, would not seat the waiting `registration` in the event and in each of its
    tracks: "event_full", "track_full" or "held" (the free seats are held for state administration);
    None when it would. Read only: the person at the door is offered the seat, `fill_seats` gives it.

    The same walk as `fill_seats`: those ahead in the queues take the free seats first.
    """
    held = seat_holds.held_seats(session, event, now)
    all_held = sum(held.values())
    free = seats_left(event.capacity, taken_event_seats(session, event))
    promoted = set()
    ahead = session.execute(
        select(Registration.id, Registration.sector)
        .where(Registration.event_id == event.id, Registration.status == WAITLISTED,
               Registration.id < registration.id)
        .order_by(Registration.id)
    )
    for registration_id, sector in ahead:
        if free is not None and free <= 0:
            break
        if can_take(sector, free, all_held):
            promoted.add(registration_id)
            free = None if free is None else free - 1
    if free is not None and free <= 0:
        return "event_full"
    if not can_take(registration.sector, free, all_held):
        return "held"

    taken = taken_seats_by_track(session, event)
    capacity = {track.id: track.capacity for track in event.tracks}
    for choice in registration.choices:
        left = seats_left(capacity[choice.track_id], taken[choice.track_id])
        track_held = held.get(choice.track_id, 0)
        waiting_ahead = session.execute(
            select(Registration.id, Registration.sector, Registration.attendance_mode, Registration.status)
            .join(TrackChoice, TrackChoice.registration_id == Registration.id)
            .where(TrackChoice.track_id == choice.track_id, TrackChoice.status == WAITLISTED,
                   TrackChoice.id < choice.id)
            .order_by(TrackChoice.id)
        )
        for registration_id, sector, mode, status in waiting_ahead:
            if left is not None and left <= 0:
                break
            if status is not CONFIRMED and registration_id not in promoted:
                continue
            if can_take(sector, left, track_held):
                left = None if left is None else left - 1
                if sector is Sector.STATE_ADMINISTRATION and mode is AttendanceMode.IN_PERSON:
                    track_held = max(track_held - 1, 0)
        if left is not None and left <= 0:
            return "track_full"
        if not can_take(registration.sector, left, track_held):
            return "held"
    return None
