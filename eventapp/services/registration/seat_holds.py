"""Seats held for state administration: the council's rule that every track has its ministry people.

Up to a track's minimum, its in-person seats are held for state-administration participants
until the release moment (three days before the event unless the organisers set another).
After that, a seat stays held only for a delegation request still waiting for its answer.
Others can take the seats that are not held; state administration can take any free seat.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import DelegationRequest, DelegationStatus, Event, Registration, Sector, Slot, Track
from .seat_counts import seats_left, taken_seats, track_seats_query

RELEASE_BEFORE_EVENT = timedelta(days=3)


def release_moment(event: Event) -> datetime:
    return event.held_seats_release_at or event.starts_at - RELEASE_BEFORE_EVENT


def held_count(minimum: int, state_admin_in_person: int, open_requests: int, released: bool) -> int:
    """How many of a track's seats are held now."""
    short = max(minimum - state_admin_in_person, 0)
    return min(short, open_requests) if released else short


def open_seats(free: int | None, held: int) -> int | None:
    """Of `free` seats, those anyone may take when `held` of them are held (None: no limit)."""
    return None if free is None else max(free - held, 0)


def state_admin_in_person_query(track_id):
    """Confirmed state-administration people with an in-person seat in the track (a correlatable count)."""
    return track_seats_query(track_id).where(Registration.sector == Sector.STATE_ADMINISTRATION)


def open_requests_query(track_id, now: datetime):
    """Delegation requests of the track still waiting for an answer (a correlatable count)."""
    return (
        select(func.count())
        .select_from(DelegationRequest)
        .where(
            DelegationRequest.track_id == track_id,
            DelegationRequest.status == DelegationStatus.SENT,
            DelegationRequest.deadline_at > now,
        )
    )


def held_seats(session: Session, event: Event, now: datetime) -> dict[int, int]:
    """{track id: seats held now}, for the tracks of the event that have a minimum, in one query."""
    if not any(track.state_admin_minimum for track in event.tracks):
        return {}
    rows = session.execute(
        select(
            Track.id,
            Track.state_admin_minimum,
            state_admin_in_person_query(Track.id).scalar_subquery(),
            open_requests_query(Track.id, now).scalar_subquery(),
        )
        .join(Slot, Slot.id == Track.slot_id)
        .where(Slot.event_id == event.id, Track.state_admin_minimum > 0)
    ).all()
    released = now >= release_moment(event)
    return {track_id: held_count(minimum, present, requests, released) for track_id, minimum, present, requests in rows}


@dataclass(frozen=True)
class TrackSeats:
    """A track's free in-person seats as a newcomer sees them (None: no limit)."""

    open: int | None  # seats anyone may take
    held: int  # further seats only state administration may take now
    held_until: datetime | None  # when the held ones stop being held, at the latest

    @property
    def free(self) -> int | None:
        """The seats a state-administration newcomer may take."""
        return None if self.open is None else self.open + self.held


def _tighter(first: int | None, second: int | None) -> int | None:
    limits = [n for n in (first, second) if n is not None]
    return min(limits) if limits else None


def track_seats(session: Session, event: Event, now: datetime) -> dict[int, TrackSeats]:
    """{track id: its seats}, as `seat_allocation` decides them: a seat needs room both in the track and at
    the event, and seats held (per track, and so at the event) go only to state administration."""
    held = held_seats(session, event, now)
    taken_event, taken = taken_seats(session, event.id, [track.id for track in event.tracks])
    event_free = seats_left(event.capacity, taken_event)
    event_open = open_seats(event_free, sum(held.values()))
    until = _held_until(session, event, now) if any(held.values()) else {}
    result = {}
    for track in event.tracks:
        track_free = seats_left(track.capacity, taken[track.id])
        free = _tighter(track_free, event_free)
        anyone = _tighter(open_seats(track_free, held.get(track.id, 0)), event_open)
        still_held = 0 if free is None else free - anyone
        result[track.id] = TrackSeats(anyone, still_held, until.get(track.id, until.get(None)) if still_held else None)
    return result


def _held_until(session: Session, event: Event, now: datetime) -> dict[int | None, datetime]:
    """{track id: until when its seats are held; None: for the event's seats as a whole}.

    Before the release moment, until then; after it, until the last open request's deadline.
    """
    release = release_moment(event)
    if now < release:
        return {None: release}
    deadlines = dict(session.execute(
        select(DelegationRequest.track_id, func.max(DelegationRequest.deadline_at))
        .join(Track, Track.id == DelegationRequest.track_id)
        .join(Slot, Slot.id == Track.slot_id)
        .where(Slot.event_id == event.id, DelegationRequest.status == DelegationStatus.SENT,
               DelegationRequest.deadline_at > now)
        .group_by(DelegationRequest.track_id)
    ).all())
    return deadlines | {None: max(deadlines.values())} if deadlines else {}
