"""The organisers' view of an event's registrations: the rows, their counts, and the CSV export."""
import csv
import io
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..formatting import to_riga
from ..models import AttendanceMode, Event, Registration, RegistrationStatus, Sector, TrackChoice
from .seats import seats_left, taken_seats_by_track

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


def _queue_positions(session: Session, event: Event) -> tuple[dict[int, int], dict[int, int]]:
    """({registration id: place on the event's waiting list}, {choice id: place on its track's}), in two queries.

    Numbered as `seating.event_queue_position` and `seating.track_queue_position` count them.
    """
    waiting = session.scalars(
        select(Registration.id)
        .where(Registration.event_id == event.id, Registration.status == WAITLISTED)
        .order_by(Registration.id)
    )
    event_queue = {registration_id: place for place, registration_id in enumerate(waiting, 1)}
    track_queue: dict[int, int] = {}
    seen: Counter = Counter()
    for choice_id, track_id in session.execute(
        select(TrackChoice.id, TrackChoice.track_id)
        .join(Registration, Registration.id == TrackChoice.registration_id)
        .where(
            Registration.event_id == event.id,
            Registration.status != CANCELLED,
            TrackChoice.status == WAITLISTED,
        )
        .order_by(TrackChoice.id)
    ):
        seen[track_id] += 1
        track_queue[choice_id] = seen[track_id]
    return event_queue, track_queue


def registration_rows(session: Session, event: Event, filters: RegistrationFilters) -> list[dict]:
    """The event's registrations, oldest first, narrowed by `filters`, with each chosen track.

    A fixed number of queries, however many people registered. Each row:
    id, full_name, email, organisation, sector, mode, status, position (on the event's waiting
    list, or None), choices ({slot id: {track, status, position}}), access_needs,
    dietary_needs, consent_photos, registered_at, anonymised.
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
    event_queue, track_queue = _queue_positions(session, event)
    tracks = {track.id: track for track in event.tracks}
    return [
        {
            "id": registration.id,
            "full_name": registration.full_name,
            "email": registration.email,
            "organisation": registration.organisation_display,
            "sector": registration.sector,
            "mode": registration.attendance_mode,
            "status": registration.status,
            "position": event_queue.get(registration.id),
            "choices": {
                choice.slot_id: {
                    "track": tracks[choice.track_id],
                    "status": choice.status,
                    "position": track_queue.get(choice.id),
                }
                for choice in registration.choices
            },
            "access_needs": registration.access_needs,
            "dietary_needs": registration.dietary_needs,
            "consent_photos": registration.consent_photos,
            "registered_at": registration.created_at,
            "anonymised": registration.anonymised_at is not None,
        }
        for registration in registrations
    ]


def registration_summary(session: Session, event: Event) -> dict:
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
        {
            "slot": slot, "track": track, "in_person": taken[track.id], "remote": remote[track.id],
            "waiting": waiting[track.id], "seats_left": seats_left(track.capacity, taken[track.id]),
        }
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
    totals = {
        "in_person": in_person,
        "remote": people[CONFIRMED, AttendanceMode.REMOTE],
        "waiting": sum(count for (status, _), count in people.items() if status is WAITLISTED),
        "cancelled": sum(count for (status, _), count in people.items() if status is CANCELLED),
        "seats_left": seats_left(event.capacity, in_person),
    }
    totals["registered"] = totals["in_person"] + totals["remote"] + totals["waiting"]
    return {"tracks": tracks, "totals": totals}


# The export is a Latvian document: its words are fixed here, not translated with the page.
CSV_FIRST_COLUMNS = ["Vārds", "E-pasts", "Organizācija", "Sektors", "Dalība", "Statuss"]
CSV_LAST_COLUMNS = ["Piekļūstamības vajadzības", "Ēdināšanas vajadzības", "Piekrišana fotografēšanai", "Reģistrēts"]
CSV_SECTORS = {
    Sector.NGO: "NVO", Sector.STATE_ADMINISTRATION: "Valsts pārvalde",
    Sector.MUNICIPALITY: "Pašvaldība", Sector.OTHER: "Cits",
}
CSV_MODES = {AttendanceMode.IN_PERSON: "Klātienē", AttendanceMode.REMOTE: "Attālināti"}
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The cell as text, with a leading ' when a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_status(row: dict) -> str:
    if row["status"] is CANCELLED:
        return "Atcelta"
    if row["status"] is WAITLISTED:
        return f"Gaidīšanas sarakstā (nr. {row['position']})" if row["position"] else "Gaidīšanas sarakstā"
    return "Apstiprināta"


def _csv_choice(choice: dict | None, row: dict, locale: str) -> str:
    if choice is None:
        return ""
    if choice["status"] is CANCELLED:
        status = "atcelta"
    elif choice["status"] is WAITLISTED:
        status = f"gaidīšanas sarakstā, nr. {choice['position']}" if choice["position"] else "gaidīšanas sarakstā"
    elif row["mode"] is AttendanceMode.REMOTE:
        status = "attālināti"
    else:
        status = "vieta"
    return f"{choice['track'].local('title', locale)} ({status})"


def _csv_moment(moment: datetime | None) -> str:
    """Riga time in a form spreadsheets read as a date and time."""
    return to_riga(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def registrations_csv(rows: list[dict], event: Event, locale: str = "lv") -> str:
    """The rows as CSV for Excel: a BOM (so it reads UTF-8), commas, CRLF line ends.

    One column per time block with tracks, headed by its title in `locale` (as are the
    track titles); every other word is Latvian.
    """
    slots = [slot for slot in event.slots if slot.tracks]
    out = io.StringIO()
    writer = csv.writer(out)
    header = CSV_FIRST_COLUMNS + [slot.local("title", locale) for slot in slots] + CSV_LAST_COLUMNS
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        cells = [
            row["full_name"], row["email"], row["organisation"], CSV_SECTORS[row["sector"]],
            CSV_MODES[row["mode"]], _csv_status(row),
            *(_csv_choice(row["choices"].get(slot.id), row, locale) for slot in slots),
            row["access_needs"], row["dietary_needs"], "Jā" if row["consent_photos"] else "Nē",
            _csv_moment(row["registered_at"]),
        ]
        writer.writerow([safe_cell(cell) for cell in cells])
    return "\ufeff" + out.getvalue()
