"""Who is expected and who has come: the list a check-in device works from, and the live counts.

Expected: confirmed registrations to attend in person. Arrived: confirmed registrations
checked in at the door (a person registered as remote who came anyway counts too). Joined:
confirmed registrations present remotely (joined by their link or marked present) and not
checked in at the door; a join of the event's own meeting counts for each of the person's
tracks, a join of a track's meeting for that track. A track counts the people who hold a seat
in it, and, apart, those checked in at its room.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import distinct, exists, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ...models import (
    AttendanceMode,
    CheckIn,
    Event,
    Registration,
    RegistrationStatus,
    Sector,
    Track,
    TrackChoice,
)
from ..remote.joins import joined_by_track
from .check_ins import code_hash, first_scan

CONFIRMED = RegistrationStatus.CONFIRMED
DOOR = "door"  # the key of a check-in at the door in a person's `checkins`; tracks use their id


def checkin_list(session: Session, event: Event, locale: str, now: datetime) -> dict:
    """Everything a device needs to answer scans on its own when the network drops: for each
    registration the SHA-256 of its badge secret (never the secret), who it is, its status, its
    tracks, and its first check-in at the door and at each room."""
    registrations = session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.anonymised_at.is_(None))
        .options(joinedload(Registration.organisation), selectinload(Registration.choices))
    ).unique().all()
    arrivals = session.scalars(
        select(CheckIn).join(Registration)
        .where(Registration.event_id == event.id, CheckIn.undone_at.is_(None))
        .options(joinedload(CheckIn.by_user), joinedload(CheckIn.by_link))
        .order_by(CheckIn.scanned_at, CheckIn.id)
    ).all()
    first: dict[int, dict[str, dict]] = {}
    for arrival in arrivals:
        place = DOOR if arrival.track_id is None else str(arrival.track_id)
        first.setdefault(arrival.registration_id, {}).setdefault(place, first_scan(arrival))
    return {
        "event": {"slug": event.slug, "title": event.local("title", locale)},
        "generated_at": now.isoformat(),
        "tracks": [
            {"id": track.id, "title": track.local("title", locale), "room": track.room,
             "slot": track.slot.local("title", locale)}
            for track in event.tracks
        ],
        "sectors": {sector.value: sector.label for sector in Sector},
        "people": [
            {
                "id": registration.id,
                "hash": code_hash(registration.badge_secret),
                "name": registration.full_name,
                "organisation": registration.organisation_display,
                "sector": registration.sector.value,
                "status": registration.status.value,
                "mode": registration.attendance_mode.value,
                "tracks": [c.track_id for c in registration.choices if c.status is CONFIRMED],
                "checkins": first.get(registration.id, {}),
            }
            for registration in registrations
        ],
    }


@dataclass
class Tally:
    arrived: int = 0  # in person, checked in at the door
    expected: int = 0  # in person
    joined: int = 0  # remotely, and not checked in at the door


@dataclass
class TrackTally:
    track: Track
    tally: Tally = field(default_factory=Tally)
    state_administration: Tally = field(default_factory=Tally)  # of `tally`: the council's concern
    in_room: int = 0


@dataclass
class ArrivalCounts:
    total: Tally
    sectors: dict[Sector, Tally]
    tracks: list[TrackTally]


def arrival_counts(session: Session, event: Event) -> ArrivalCounts:
    at_door = exists().where(
        CheckIn.registration_id == Registration.id, CheckIn.track_id.is_(None), CheckIn.undone_at.is_(None)
    )
    confirmed = (Registration.event_id == event.id, Registration.status == CONFIRMED)
    people = {
        registration_id: (sector, mode, arrived)
        for registration_id, sector, mode, arrived in session.execute(
            select(Registration.id, Registration.sector, Registration.attendance_mode, at_door).where(*confirmed)
        )
    }
    seats = session.execute(
        select(TrackChoice.registration_id, TrackChoice.track_id)
        .join(Registration, Registration.id == TrackChoice.registration_id)
        .where(*confirmed, TrackChoice.status == CONFIRMED)
    ).all()
    in_room = dict(session.execute(
        select(CheckIn.track_id, func.count(distinct(CheckIn.registration_id)))
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(*confirmed, CheckIn.track_id.is_not(None), CheckIn.undone_at.is_(None))
        .group_by(CheckIn.track_id)
    ).all())

    joins = joined_by_track(session, event)
    whole_event = joins.get(None, set())
    anywhere = set().union(*joins.values())

    total = Tally()
    sectors = {sector: Tally() for sector in Sector}
    for registration_id, (sector, mode, arrived) in people.items():
        for tally in (total, sectors[sector]):
            tally.expected += mode is AttendanceMode.IN_PERSON
            tally.arrived += bool(arrived)
            tally.joined += not arrived and registration_id in anywhere
    tracks = {track.id: TrackTally(track, in_room=in_room.get(track.id, 0)) for track in event.tracks}
    for registration_id, track_id in seats:
        sector, mode, arrived = people[registration_id]
        joined = not arrived and (registration_id in whole_event or registration_id in joins.get(track_id, ()))
        counted = [tracks[track_id].tally]
        if sector is Sector.STATE_ADMINISTRATION:
            counted.append(tracks[track_id].state_administration)
        for tally in counted:
            tally.expected += mode is AttendanceMode.IN_PERSON
            tally.arrived += bool(arrived)
            tally.joined += joined
    return ArrivalCounts(total, sectors, list(tracks.values()))
