"""Seats held for state administration: the council's rule that every track has its ministry people.

Up to a track's minimum, its in-person seats are held for state-administration participants
until the release moment (three days before the event unless the organisers set another).
After that, a seat stays held only for a delegation request still waiting for its answer.
Others can take the seats that are not held; state administration can take any free seat.
"""
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    DelegationRequest,
    DelegationStatus,
    Event,
    Registration,
    Sector,
    Slot,
    Track,
)
from .seats import track_seats_query

RELEASE_BEFORE_EVENT = timedelta(days=3)


def release_moment(event: Event) -> datetime:
    return event.held_seats_release_at or event.starts_at - RELEASE_BEFORE_EVENT


def held_count(minimum: int, state_admin_in_person: int, open_requests: int, released: bool) -> int:
    """How many of a track's seats are held now."""
    short = max(minimum - state_admin_in_person, 0)
    return min(short, open_requests) if released else short


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
