"""The organisers' home: the state of every event a user may see, on one screen.

Everything is counted for all the events at once, so that the page takes the same number of
SQL statements for one event or twenty (tests/web/test_dashboard.py counts them).
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session, selectinload

from ..formatting import riga_datetime_from_local, to_riga
from ..models import (
    AttendanceMode,
    CheckIn,
    Event,
    EventStatus,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
    RemoteJoin,
    Sector,
    Slot,
    Summary,
    SummaryStatus,
    Track,
    TrackChoice,
    User,
)
from ..permissions import can
from .coverage.track_coverage import Coverage, events_coverage

PAST_SHOWN = 5
CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 300, 110, 24


@dataclass
class ChartPoint:
    day: date
    total: int  # registrations made up to and including this day
    x: float
    y: float

    @property
    def moment(self) -> datetime:
        """Noon of the day in Riga, for the date filters."""
        return riga_datetime_from_local(self.day, time(12))


@dataclass
class Chart:
    """Cumulative registrations by day, in the coordinates of a CHART_WIDTH × CHART_HEIGHT drawing."""

    points: list[ChartPoint]
    top: int  # the highest total, the value of the upper axis line

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class SectorCount:
    sector: Sector
    count: int
    width: float  # of the sector bar, in the drawing's units


@dataclass
class UpcomingEvent:
    event: Event
    days_to_go: int  # from today to its first day, in Riga; 0 on the day and while it runs
    under_way: bool
    seats_taken: int  # confirmed, in person
    remote: int  # confirmed, remote
    waiting: int  # on the event's or a track's waiting list
    covered: int = 0
    at_risk: int = 0
    uncovered: int = 0
    open_requests: int = 0
    failed_mail: int = 0
    chart: Chart | None = None
    sectors: list[SectorCount] = field(default_factory=list)

    @property
    def tracks_with_minimum(self) -> int:
        return self.covered + self.at_risk + self.uncovered

    @property
    def trouble(self) -> tuple:
        """Sort key: most uncovered tracks first, then most at risk, then the soonest."""
        return (-self.uncovered, -self.at_risk, self.event.starts_at)


@dataclass
class PastEvent:
    event: Event
    arrived: int
    expected: int
    missing_summaries: list[Track]
    joined: int = 0  # present remotely (joined by link or marked), not checked in at the door


@dataclass
class Dashboard:
    upcoming: list[UpcomingEvent]
    past: list[PastEvent]
    all_events: list[Event]


def visible_events(session: Session, user: User) -> list[Event]:
    """Every event the user may see (permissions.can), the latest first, with co-hosts and tracks."""
    query = (
        select(Event)
        .options(selectinload(Event.co_hosts), selectinload(Event.slots).selectinload(Slot.tracks))
        .order_by(Event.starts_at.desc())
    )
    return [event for event in session.scalars(query) if can(user, "view_event", event)]


def dashboard(session: Session, user: User, now: datetime) -> Dashboard:
    events = visible_events(session, user)
    upcoming = [e for e in events if e.ends_at > now and e.status is not EventStatus.CANCELLED]
    past = [e for e in events if e.ends_at <= now and e.status is EventStatus.PUBLISHED][:PAST_SHOWN]
    counted = [e.id for e in upcoming + past]
    if not counted:
        return Dashboard([], [], events)
    counts = registration_counts(session, counted)
    rows = [upcoming_row(event, counts[event.id], now) for event in upcoming]
    add_coverage(session, rows, now)
    failed = failed_mail_counts(session, [e.id for e in upcoming], about_registrations_only=not user.is_staff)
    days = registration_days(session, [e.id for e in upcoming])
    for row in rows:
        row.failed_mail = failed.get(row.event.id, 0)
        row.chart = registration_chart(days[row.event.id])
        row.sectors = sector_bars(counts[row.event.id].sectors)
    published = published_summaries(session, [t.id for e in past for t in e.tracks])
    return Dashboard(
        upcoming=sorted(rows, key=lambda row: row.trouble),
        past=[
            PastEvent(e, counts[e.id].arrived, counts[e.id].expected,
                      [t for t in e.tracks if t.id not in published], counts[e.id].joined)
            for e in past
        ],
        all_events=events,
    )


@dataclass
class Counts:
    seats_taken: int = 0
    remote: int = 0
    waiting: int = 0
    expected: int = 0  # confirmed in person
    arrived: int = 0  # confirmed and checked in at the door
    joined: int = 0  # confirmed, present remotely and not checked in at the door
    sectors: Counter = field(default_factory=Counter)  # active registrations by sector


def registration_counts(session: Session, event_ids: list[int]) -> dict[int, Counts]:
    """Registrations of the events by status, mode and sector, with the waiting, the arrived and
    those who joined remotely (one query)."""
    waiting_in_track = exists().where(
        TrackChoice.registration_id == Registration.id, TrackChoice.status == RegistrationStatus.WAITLISTED
    )
    at_door = exists().where(
        CheckIn.registration_id == Registration.id, CheckIn.track_id.is_(None), CheckIn.undone_at.is_(None)
    )
    # as services/remote/joins.py counts presence: joined by the link or marked, not undone
    joined_remotely = exists().where(RemoteJoin.registration_id == Registration.id, RemoteJoin.undone_at.is_(None))
    rows = session.execute(
        select(
            Registration.event_id, Registration.status, Registration.attendance_mode, Registration.sector,
            func.count(),
            func.sum(case((waiting_in_track, 1), else_=0)),
            func.sum(case((at_door, 1), else_=0)),
            func.sum(case((~at_door & joined_remotely, 1), else_=0)),
        )
        .where(Registration.event_id.in_(event_ids), Registration.status != RegistrationStatus.CANCELLED)
        .group_by(Registration.event_id, Registration.status, Registration.attendance_mode, Registration.sector)
    ).all()
    result: dict[int, Counts] = defaultdict(Counts)
    for event_id, status, mode, sector, count, waiting_in_tracks, arrived, joined in rows:
        entry = result[event_id]
        entry.sectors[sector] += count
        if status is RegistrationStatus.WAITLISTED:
            entry.waiting += count
            continue
        entry.waiting += waiting_in_tracks or 0
        entry.arrived += arrived or 0
        entry.joined += joined or 0
        if mode is AttendanceMode.IN_PERSON:
            entry.seats_taken += count
            entry.expected += count
        else:
            entry.remote += count
    return result


def upcoming_row(event: Event, counts: Counts, now: datetime) -> UpcomingEvent:
    return UpcomingEvent(
        event=event,
        days_to_go=max((to_riga(event.starts_at).date() - to_riga(now).date()).days, 0),
        under_way=event.starts_at <= now,
        seats_taken=counts.seats_taken,
        remote=counts.remote,
        waiting=counts.waiting,
    )


def add_coverage(session: Session, rows: list[UpcomingEvent], now: datetime) -> None:
    coverage = events_coverage(session, [row.event for row in rows], now)
    for row in rows:
        for entry in coverage[row.event.id]:
            row.open_requests += len(entry.open_requests)
            state = entry.state
            row.covered += state is Coverage.COVERED
            row.at_risk += state is Coverage.AT_RISK
            row.uncovered += state is Coverage.UNCOVERED


def failed_mail_counts(session: Session, event_ids: list[int], about_registrations_only: bool) -> dict[int, int]:
    """{event id: messages given up on}; partners count only those to registrants, as on the failed-mail page."""
    if not event_ids:
        return {}
    query = (
        select(OutboxMessage.event_id, func.count())
        .where(OutboxMessage.event_id.in_(event_ids), OutboxMessage.status == OutboxStatus.FAILED)
        .group_by(OutboxMessage.event_id)
    )
    if about_registrations_only:
        query = query.where(OutboxMessage.registration_id.is_not(None))
    return dict(session.execute(query).all())


def registration_days(session: Session, event_ids: list[int]) -> dict[int, list[date]]:
    """{event id: the Riga day each active registration was made}, in order."""
    days: dict[int, list[date]] = defaultdict(list)
    if not event_ids:
        return days
    rows = session.execute(
        select(Registration.event_id, Registration.created_at)
        .where(Registration.event_id.in_(event_ids), Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.created_at, Registration.id)
    )
    for event_id, created_at in rows:
        days[event_id].append(to_riga(created_at).date())
    return days


def registration_chart(days: list[date]) -> Chart | None:
    """Cumulative registrations by day, one point per day that had any; None when there are none."""
    if not days:
        return None
    per_day = sorted(Counter(days).items())
    first, last = per_day[0][0], per_day[-1][0]
    span = max((last - first).days, 1)
    top = len(days)
    inner_width, inner_height = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD
    points, total = [], 0
    for day, count in per_day:
        total += count
        x = CHART_PAD + inner_width * (day - first).days / span
        y = CHART_HEIGHT - CHART_PAD - inner_height * total / top
        points.append(ChartPoint(day, total, x, y))
    return Chart(points=points, top=top)


def sector_bars(sectors: Counter, width: float = 160) -> list[SectorCount]:
    """Each sector with people registered, the largest first, its bar scaled to the largest."""
    largest = max(sectors.values(), default=0)
    ordered = sorted(((s, n) for s, n in sectors.items() if n), key=lambda item: (-item[1], list(Sector).index(item[0])))
    return [SectorCount(sector, count, width * count / largest) for sector, count in ordered]


def published_summaries(session: Session, track_ids: list[int]) -> set[int]:
    if not track_ids:
        return set()
    return set(session.scalars(
        select(Summary.track_id).where(Summary.track_id.in_(track_ids), Summary.status == SummaryStatus.PUBLISHED)
    ))


def people_to_tell(session: Session, event: Event) -> int:
    """How many people a change of the whole event is mailed to: those registered and not cancelled
    (as `mail_jobs` names them)."""
    return session.scalar(
        select(func.count()).select_from(Registration)
        .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)
    )
