"""Counting in-person seats: confirmed, in person, not cancelled."""
from sqlalchemy import func, select
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


def _event_seats_query(event: Event):
    return (
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == event.id,
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
    return session.scalar(_event_seats_query(event))


def taken_seats_columns(event: Event, track_ids: list[int]) -> list:
    """Columns for a SELECT: the event's taken seats, then each given track's, as scalar subqueries."""
    return [
        _event_seats_query(event).scalar_subquery(),
        *(track_seats_query(track_id).scalar_subquery() for track_id in track_ids),
    ]


def seats_left(capacity: int | None, taken: int) -> int | None:
    """None when there is no limit."""
    return None if capacity is None else max(capacity - taken, 0)
