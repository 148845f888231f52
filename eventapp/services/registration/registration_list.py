"""The organisers' view of an event's registrations: the rows, their counts, and the export."""
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...languages import in_language
from ...models import (
    AttendanceMode,
    Event,
    Registration,
    RegistrationStatus,
    Sector,
    Slot,
    Track,
    TrackChoice,
)
from ..documents import spreadsheets
from . import registration_state, seat_allocation
from .seat_counts import seats_left, taken_seats_by_track

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED,
)
_ID = re.compile(r"[0-9]{1,9}")


def _enum_value(enum_class, value):
    """The member whose value is exactly `value`, or None for anything else (junk is ignored)."""
    if isinstance(value, str):
        for member in enum_class:
            if member.value == value:
                return member
    return None


@dataclass(frozen=True)
class RegistrationFilters:
    """What the list is narrowed to; every field None means the whole event."""

    track_id: int | None = None
    status: RegistrationStatus | None = None
    sector: Sector | None = None
    mode: AttendanceMode | None = None

    @classmethod
    def from_args(cls, args: Mapping, event: Event) -> "RegistrationFilters":
        """The filters of a query string (`track`, `status`, `sector`, `mode`).

        Only known values are taken: a value that is unknown, malformed or of another event
        is ignored, so nothing typed in the address ever reaches a query.
        """
        track = args.get("track")
        track_id = int(track) if isinstance(track, str) and _ID.fullmatch(track) else None
        return cls(
            track_id=track_id if track_id in {t.id for t in event.tracks} else None,
            status=_enum_value(RegistrationStatus, args.get("status")),
            sector=_enum_value(Sector, args.get("sector")),
            mode=_enum_value(AttendanceMode, args.get("mode")),
        )

    def as_args(self) -> dict[str, str]:
        """The query string that gives these filters back (for links and redirects)."""
        args = {"track": self.track_id, "status": self.status, "sector": self.sector, "mode": self.mode}
        return {
            name: str(value.value if hasattr(value, "value") else value)
            for name, value in args.items() if value is not None
        }

    @property
    def active(self) -> bool:
        return bool(self.as_args())


@dataclass(frozen=True)
class ChoiceRow:
    """A person's track in one time block, as the list shows it."""

    track: Track
    status: RegistrationStatus
    position: int | None  # on the track's waiting list; None when not waiting


@dataclass(frozen=True)
class RegistrationRow:
    """One person in the organisers' list and export."""

    id: int
    full_name: str
    email: str
    organisation: str
    sector: Sector
    mode: AttendanceMode
    status: RegistrationStatus
    position: int | None  # on the event's waiting list; None when not waiting
    state: registration_state.StateSummary
    choices: dict[int, ChoiceRow]  # slot id -> the track chosen in it
    access_needs: str
    dietary_needs: str
    consent_photos: bool
    registered_at: datetime
    anonymised: bool


def registration_rows(session: Session, event: Event, filters: RegistrationFilters) -> list[RegistrationRow]:
    """The event's registrations, oldest first, narrowed by `filters`, with each chosen track.

    A fixed number of queries, however many people registered.
    """
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(selectinload(Registration.choices), selectinload(Registration.organisation))
        .order_by(Registration.id)
    )
    if filters.status is not None:
        query = query.where(Registration.status == filters.status)
    if filters.sector is not None:
        query = query.where(Registration.sector == filters.sector)
    if filters.mode is not None:
        query = query.where(Registration.attendance_mode == filters.mode)
    if filters.track_id is not None:
        query = query.where(Registration.choices.any(TrackChoice.track_id == filters.track_id))
    registrations = session.scalars(query).all()
    queues = seat_allocation.queue_positions(session, event)
    event_queue, track_queue = queues.event, queues.tracks
    tracks = {track.id: track for track in event.tracks}
    return [
        RegistrationRow(
            id=registration.id,
            full_name=registration.full_name,
            email=registration.email,
            organisation=registration.organisation_display,
            sector=registration.sector,
            mode=registration.attendance_mode,
            status=registration.status,
            position=event_queue.get(registration.id),
            state=registration_state.state_summary(registration, event_queue.get(registration.id), track_queue),
            choices={
                choice.slot_id: ChoiceRow(tracks[choice.track_id], choice.status, track_queue.get(choice.id))
                for choice in registration.choices
            },
            access_needs=registration.access_needs,
            dietary_needs=registration.dietary_needs,
            consent_photos=registration.consent_photos,
            registered_at=registration.created_at,
            anonymised=registration.anonymised_at is not None,
        )
        for registration in registrations
    ]


@dataclass(frozen=True)
class TrackCounts:
    slot: Slot
    track: Track
    in_person: int
    remote: int
    waiting: int
    seats_left: int | None  # None: no limit


@dataclass(frozen=True)
class EventTotals:
    registered: int  # active: in person, remote and waiting
    in_person: int
    remote: int
    waiting: int
    cancelled: int
    seats_left: int | None  # None: no limit


@dataclass(frozen=True)
class RegistrationSummary:
    tracks: list[TrackCounts]
    totals: EventTotals


def registration_summary(session: Session, event: Event) -> RegistrationSummary:
    """Counts above the list: per track, and for the whole event (cancelled ones apart)."""
    taken = taken_seats_by_track(session, event)
    remote: Counter = Counter()
    waiting: Counter = Counter()
    for track_id, mode, status, count in session.execute(
        select(TrackChoice.track_id, Registration.attendance_mode, TrackChoice.status, func.count())
        .join(Registration, Registration.id == TrackChoice.registration_id)
        .where(Registration.event_id == event.id, Registration.status != CANCELLED)
        .group_by(TrackChoice.track_id, Registration.attendance_mode, TrackChoice.status)
    ):
        if status is WAITLISTED:
            waiting[track_id] += count
        elif status is CONFIRMED and mode is AttendanceMode.REMOTE:
            remote[track_id] += count
    tracks = [
        TrackCounts(
            slot=slot, track=track, in_person=taken[track.id], remote=remote[track.id],
            waiting=waiting[track.id], seats_left=seats_left(track.capacity, taken[track.id]),
        )
        for slot in event.slots for track in slot.tracks
    ]

    people: Counter = Counter()
    for status, mode, count in session.execute(
        select(Registration.status, Registration.attendance_mode, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status, Registration.attendance_mode)
    ):
        people[status, mode] += count
    in_person = people[CONFIRMED, AttendanceMode.IN_PERSON]
    remote_people = people[CONFIRMED, AttendanceMode.REMOTE]
    waiting_people = sum(count for (status, _), count in people.items() if status is WAITLISTED)
    totals = EventTotals(
        registered=in_person + remote_people + waiting_people,
        in_person=in_person,
        remote=remote_people,
        waiting=waiting_people,
        cancelled=sum(count for (status, _), count in people.items() if status is CANCELLED),
        seats_left=seats_left(event.capacity, in_person),
    )
    return RegistrationSummary(tracks, totals)


def _export_status(row: RegistrationRow, locale: str) -> str:
    """The person's state in one word, as the list shows it, with what they wait for."""
    state = row.state
    waits = state.waits_text(locale)
    return f"{state.word}. {waits}" if waits else state.word


def _export_choice(choice: ChoiceRow | None, row: RegistrationRow, locale: str) -> str:
    """The track, and what the person has in it, as the list shows it."""
    if choice is None:
        return ""
    if choice.status is CANCELLED:
        status = _("cancelled")
    elif choice.status is WAITLISTED:
        status = _("waiting list, number %(n)d", n=choice.position) if choice.position else _("waiting list")
    elif row.mode is AttendanceMode.REMOTE:
        status = _("remote")
    else:
        status = _("seat")
    return f"{choice.track.local('title', locale)} ({status})"


def registrations_table(rows: list[RegistrationRow], event: Event, locale: str = "lv") -> spreadsheets.Table:
    """The rows as the export's table, in `locale`: the list's columns and words, one column per
    time block with tracks, and the moment of registering as a date."""
    slots = [slot for slot in event.slots if slot.tracks]
    with in_language(locale):
        header = [
            _("Name"), _("Email"), _("Organisation"), _("Sector"), _("Attendance"), _("Status"),
            *(slot.local("title", locale) for slot in slots),
            _("Accessibility needs"), _("Dietary needs"), _("Consent to photos"), _("Registered at"),
        ]
        cells = [
            [
                row.full_name, row.email, row.organisation, row.sector.label,
                row.mode.label, _export_status(row, locale),
                *(_export_choice(row.choices.get(slot.id), row, locale) for slot in slots),
                row.access_needs, row.dietary_needs, _("Yes") if row.consent_photos else _("No"),
                row.registered_at,
            ]
            for row in rows
        ]
        return spreadsheets.Table(_("Registrations"), header, cells)
