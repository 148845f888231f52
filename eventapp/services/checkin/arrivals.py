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
from sqlalchemy.orm import Session

from ...models import (
    AttendanceMode,
    CheckIn,
    CheckInLink,
    Event,
    Organisation,
    Registration,
    RegistrationStatus,
    Sector,
    Track,
    TrackChoice,
    User,
)
from ..remote.joins import joined_by_track
from .check_ins import code_hash, scan_record

CONFIRMED = RegistrationStatus.CONFIRMED
DOOR = "door"  # the key of a check-in at the door in a person's `checkins`; tracks use their id


def checkin_list(session: Session, event: Event, locale: str, now: datetime) -> dict:
    """Everything a device needs to answer scans on its own when the network drops: for each
    registration the SHA-256 of its badge secret (never the secret), who it is, its status, its
    tracks, and its first check-in at the door and at each room.

    Three queries of plain columns, however many people registered."""
    listed = (Registration.event_id == event.id, Registration.anonymised_at.is_(None))
    registrations = session.execute(
        select(Registration.id, Registration.badge_secret, Registration.full_name, Organisation.name,
               Registration.organisation_name, Registration.sector, Registration.status, Registration.attendance_mode)
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(*listed)
        .order_by(Registration.id)
    ).all()
    tracks: dict[int, list[int]] = {}
    for registration_id, track_id in session.execute(
        select(TrackChoice.registration_id, TrackChoice.track_id)
        .join(Registration, Registration.id == TrackChoice.registration_id)
        .where(*listed, TrackChoice.status == CONFIRMED)
        .order_by(TrackChoice.id)
    ):
        tracks.setdefault(registration_id, []).append(track_id)
    first: dict[int, dict[str, dict]] = {}
    for registration_id, track_id, scanned_at, scan_id, link_label, user_name in session.execute(
        select(CheckIn.registration_id, CheckIn.track_id, CheckIn.scanned_at, CheckIn.scan_id,
               CheckInLink.label, User.name)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .outerjoin(CheckInLink, CheckInLink.id == CheckIn.by_link_id)
        .outerjoin(User, User.id == CheckIn.by_user_id)
        .where(Registration.event_id == event.id, CheckIn.undone_at.is_(None))
        .order_by(CheckIn.scanned_at, CheckIn.id)
    ):
        places = first.setdefault(registration_id, {})
        place = DOOR if track_id is None else str(track_id)
        if place not in places:  # the scanner's label as `check_ins.scanner_label` gives it
            places[place] = scan_record(scanned_at, scan_id, link_label if link_label is not None else (user_name or ""))
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
                "id": registration_id,
                "hash": code_hash(badge_secret),
                "name": full_name,
                "organisation": directory_name if directory_name is not None else organisation_name,
                "sector": sector.value,
                "status": status.value,
                "mode": mode.value,
                "tracks": tracks.get(registration_id, []),
                "checkins": first.get(registration_id, {}),
            }
            for registration_id, badge_secret, full_name, directory_name, organisation_name, sector, status, mode
            in registrations
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
