"""Online meetings (the monthly meetings with the signatory organisations): their rules and
their attendance report.

An online meeting has no room: everyone attends remotely, so it has no seats, no waiting list
and no badges; each registered person joins through their own join link, and attendance is
counted from those joins (or from an organiser marking someone present).
"""
from dataclasses import dataclass, field, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload

from ..labels import label
from ..models import (
    AttendanceMode,
    CheckIn,
    Event,
    EventKind,
    Registration,
    RegistrationStatus,
    RemoteJoin,
    Sector,
)
from .documents.spreadsheets import Table


def is_online_meeting(event: Event) -> bool:
    return event.kind is EventKind.ONLINE_MEETING


def fit_event_data(data):
    """An event's data (`events.EventData`) as its kind allows: an online meeting has no seats,
    no seats held for state administration, and is attended remotely."""
    if data.kind is not EventKind.ONLINE_MEETING:
        return data
    return replace(data, capacity=None, held_seats_release_at=None, remote_allowed=True)


def remote_possible(event: Event) -> bool:
    return event.remote_allowed or is_online_meeting(event)


def asks_attendance_mode(event: Event) -> bool:
    """Whether the registration form asks "in person or remotely?"."""
    return event.remote_allowed and not is_online_meeting(event)


def attendance_mode_for(event: Event, chosen: AttendanceMode | None) -> AttendanceMode:
    """The way a person takes part: remotely at an online meeting whatever was sent, in person
    where remote attendance is not offered, else their choice."""
    if is_online_meeting(event):
        return AttendanceMode.REMOTE
    if not event.remote_allowed or chosen is None:
        return AttendanceMode.IN_PERSON
    return chosen


def has_badges(event: Event) -> bool:
    return not is_online_meeting(event)


# --- The attendance report -----------------------------------------------------------------

NO_ORGANISATION = _l("(no organisation given)")


@dataclass
class Attendee:
    registration: Registration
    organisation: str
    joined: bool = True


@dataclass
class OrganisationLine:
    name: str
    sector: Sector
    people: list[str] = field(default_factory=list)
    first_time: bool = False


@dataclass
class AttendanceReport:
    event: Event
    registered: int
    attendees: list[Attendee]
    organisations: list[OrganisationLine]
    # Sector -> (organisations, people), every sector listed, in the enum's order.
    by_sector: dict[Sector, tuple[int, int]]

    @property
    def first_time(self) -> list[OrganisationLine]:
        return [line for line in self.organisations if line.first_time]


def _organisation_key(registration: Registration) -> tuple | None:
    """Who a person represents: the directory's organisation, or the name as typed (any case)."""
    if registration.organisation_id is not None:
        return ("id", registration.organisation_id)
    name = " ".join((registration.organisation_name or "").split()).casefold()
    return ("name", name) if name else None


def present_registration_ids(joins: dict[int | None, set[int]]) -> set[int]:
    """Everyone who joined the meeting or any of its tracks' own meetings."""
    return set().union(*joins.values()) if joins else set()


def _attended_before(session: Session, event: Event, keys: set[tuple]) -> set[tuple]:
    """Of the organisations `keys`, those someone attended an earlier event for (checked in at
    the door, joined remotely, or marked present). One query."""
    ids = [value for kind, value in keys if kind == "id"]
    names = {value for kind, value in keys if kind == "name"}
    if not keys:
        return set()
    attended = or_(
        exists().where(CheckIn.registration_id == Registration.id, CheckIn.undone_at.is_(None)),
        exists().where(RemoteJoin.registration_id == Registration.id, RemoteJoin.undone_at.is_(None)),
    )
    earlier = or_(Event.starts_at < event.starts_at, and_(Event.starts_at == event.starts_at, Event.id < event.id))
    whose = []
    if ids:
        whose.append(Registration.organisation_id.in_(ids))
    if names:
        whose.append(and_(Registration.organisation_id.is_(None), Registration.organisation_name != ""))
    rows = session.execute(
        select(Registration.organisation_id, Registration.organisation_name).distinct()
        .join(Event, Event.id == Registration.event_id)
        .where(Event.id != event.id, earlier, attended, or_(*whose))
    ).all()
    found = set()
    for organisation_id, organisation_name in rows:
        if organisation_id is not None:
            found.add(("id", organisation_id))
        else:
            found.add(("name", " ".join(organisation_name.split()).casefold()))
    return found & keys


def attendance_report(session: Session, event: Event, joins: dict[int | None, set[int]]) -> AttendanceReport:
    """Who joined the meeting (`joins`: `joined_by_track`), the organisations they represented,
    by sector, and which organisations attended an event of the council for the first time."""
    present = present_registration_ids(joins)
    registered = session.scalar(
        select(func.count(Registration.id))
        .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)
    )
    people = list(session.scalars(
        select(Registration).where(Registration.event_id == event.id, Registration.id.in_(present))
        .options(joinedload(Registration.organisation))
    )) if present else []
    people.sort(key=lambda r: (r.organisation_display.casefold(), r.full_name.casefold()))

    lines: dict[tuple, OrganisationLine] = {}
    attendees = []
    for registration in people:
        name = registration.organisation_display
        attendees.append(Attendee(registration, name or str(NO_ORGANISATION)))
        key = _organisation_key(registration)
        if key is None:
            continue
        sector = registration.organisation.sector if registration.organisation else registration.sector
        line = lines.setdefault(key, OrganisationLine(name=" ".join(name.split()), sector=sector))
        line.people.append(registration.full_name)

    before = _attended_before(session, event, set(lines))
    for key, line in lines.items():
        line.first_time = key not in before
    organisations = sorted(lines.values(), key=lambda line: line.name.casefold())

    by_sector = {}
    for sector in Sector:
        orgs = sum(1 for line in organisations if line.sector is sector)
        persons = sum(1 for person in people if person.sector is sector)
        by_sector[sector] = (orgs, persons)
    return AttendanceReport(event, registered or 0, attendees, organisations, by_sector)


def attendance_table(report: AttendanceReport) -> Table:
    """The report's organisations as a spreadsheet: one row per organisation."""
    return Table(
        title=str(_l("Attendance report")),
        header=[str(_l("Organisation")), str(_l("Sector")), str(_l("People who joined")),
                str(_l("Names")), str(_l("First time"))],
        rows=[
            [line.name, label(line.sector), len(line.people), "; ".join(line.people),
             str(_l("yes")) if line.first_time else str(_l("no"))]
            for line in report.organisations
        ],
    )

