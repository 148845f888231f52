"""Counting in-person seats: confirmed, in person, not cancelled.

The counts asked on every visit of the registration form and under the event's lock are built
once per shape (the number of tracks) with bound parameters: building a statement and its cache
key costs more than the database takes to answer it.
"""
import functools

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from ...models import AttendanceMode, Event, Registration, RegistrationStatus, TrackChoice


def taken_seats_by_track(session: Session, event: Event) -> dict[int, int]:
    """{track id: confirmed in-person seats}, for every track of the event, in one query."""
    query = (
        select(TrackChoice.track_id, func.count())
        .join(Registration, Registration.id == TrackChoice.registration_id)
        .where(
            Registration.event_id == event.id,
            Registration.attendance_mode == AttendanceMode.IN_PERSON,
            Registration.status == RegistrationStatus.CONFIRMED,
            TrackChoice.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(TrackChoice.track_id)
    )
    rows = session.execute(query).all()
    taken = {track.id: 0 for track in event.tracks}
    taken.update({track_id: count for track_id, count in rows})
    return taken


def _event_seats_query(event_id):
    return (
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.attendance_mode == AttendanceMode.IN_PERSON,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )


def track_seats_query(track_id):
    """In-person seats taken in a track, as a count that can be correlated (`track_id` may be a column)."""
    return (
        select(func.count())
        .select_from(TrackChoice)
        .join(Registration, Registration.id == TrackChoice.registration_id)
        .where(
            TrackChoice.track_id == track_id,
            TrackChoice.status == RegistrationStatus.CONFIRMED,
            Registration.attendance_mode == AttendanceMode.IN_PERSON,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )


def taken_event_seats(session: Session, event: Event) -> int:
    return session.scalar(_event_seats_query(event.id))


@functools.lru_cache(maxsize=32)
def taken_seats_columns(track_count: int) -> tuple:
    """Columns for a SELECT: the event's taken seats, then those of `track_count` tracks, as scalar
    subqueries bound to `event_id` and `track_0`, `track_1`, … (`seat_parameters`)."""
    return (
        _event_seats_query(bindparam("event_id")).scalar_subquery(),
        *(track_seats_query(bindparam(f"track_{i}")).scalar_subquery() for i in range(track_count)),
    )


def seat_parameters(event_id: int, track_ids: list[int]) -> dict:
    return {"event_id": event_id, **{f"track_{i}": track_id for i, track_id in enumerate(track_ids)}}


@functools.lru_cache(maxsize=32)
def _taken_seats_statement(track_count: int) -> Select:
    return select(*taken_seats_columns(track_count))


def taken_seats(session: Session, event_id: int, track_ids: list[int]) -> tuple[int, dict[int, int]]:
    """(the event's taken seats, {track id: its taken seats}) in one round trip."""
    row = session.execute(_taken_seats_statement(len(track_ids)), seat_parameters(event_id, track_ids)).one()
    return row[0], dict(zip(track_ids, row[1:]))


def seats_left(capacity: int | None, taken: int) -> int | None:
    """None when there is no limit."""
    return None if capacity is None else max(capacity - taken, 0)
