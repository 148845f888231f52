"""Does every track have its state-administration people? Planned from registrations, actual
from check-ins at the door and from remote joins (the person's own join link, or marked present
by an organiser)."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ...labels import LabelledEnum
from ...models import (
    CheckIn,
    DelegationRequest,
    DelegationStatus,
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
    RemoteJoin,
    Sector,
    Slot,
    Track,
    TrackChoice,
)
from ..registration import seat_holds
from ..remote.joins import joined_by_track

# Who was present remotely (`joined_by_track`): {a track's id, or None for the event's own meeting:
# registration ids}
Joins = dict[int | None, set[int]]


class Coverage(LabelledEnum):
    COVERED = "covered", _l("covered")  # the minimum is met in person
    # after the event: the minimum is met only when those who joined remotely count too
    COVERED_REMOTELY = "covered_remotely", _l("covered remotely")
    # before the event: met only with remote people, or short but a delegation request is open
    AT_RISK = "at_risk", _l("at risk")
    UNCOVERED = "uncovered", _l("uncovered")
    NOT_REQUIRED = "not_required", _l("no minimum")  # the track has no minimum

    @property
    def severity(self) -> int:
        """A sort key, the worst first: uncovered, at risk, covered remotely, covered, no minimum."""
        return WORST_FIRST.index(self)


WORST_FIRST = (Coverage.UNCOVERED, Coverage.AT_RISK, Coverage.COVERED_REMOTELY, Coverage.COVERED,
               Coverage.NOT_REQUIRED)


def coverage_state(minimum: int, in_person: int, remote: int, open_requests: int) -> Coverage:
    if minimum <= 0:
        return Coverage.NOT_REQUIRED
    if in_person >= minimum:
        return Coverage.COVERED
    if in_person + remote >= minimum or open_requests:
        return Coverage.AT_RISK
    return Coverage.UNCOVERED


def actual_state(minimum: int, arrived: int, joined: int) -> Coverage:
    """After the event: covered when enough came in person; covered remotely when only those who
    joined remotely make up the minimum; else uncovered (nothing is "at risk" any more)."""
    if minimum <= 0:
        return Coverage.NOT_REQUIRED
    if arrived >= minimum:
        return Coverage.COVERED
    if arrived + joined >= minimum:
        return Coverage.COVERED_REMOTELY
    return Coverage.UNCOVERED


@dataclass
class TrackCoverage:
    track: Track
    in_person: list[Registration] = field(default_factory=list)
    remote: list[Registration] = field(default_factory=list)
    waiting: list[Registration] = field(default_factory=list)
    requests: list[DelegationRequest] = field(default_factory=list)
    held: int = 0
    now: datetime | None = None

    @property
    def minimum(self) -> int:
        return self.track.state_admin_minimum

    @property
    def open_requests(self) -> list[DelegationRequest]:
        return [r for r in self.requests if r.status is DelegationStatus.SENT and r.deadline_at > self.now]

    @property
    def state(self) -> Coverage:
        return coverage_state(self.minimum, len(self.in_person), len(self.remote), len(self.open_requests))

    @property
    def short(self) -> int:
        return max(self.minimum - len(self.in_person), 0)

    @property
    def people(self) -> list[tuple[Registration, str]]:
        """Everyone of state administration in the track, each with how: in_person, remote or waiting."""
        return ([(person, "in_person") for person in self.in_person] + [(person, "remote") for person in self.remote]
                + [(person, "waiting") for person in self.waiting])


def event_coverage(session: Session, event: Event, now: datetime) -> list[TrackCoverage]:
    """Each track of the event with its state-administration people, requests and held seats (two queries)."""
    return events_coverage(session, [event], now)[event.id]


def events_coverage(session: Session, events: list[Event], now: datetime) -> dict[int, list[TrackCoverage]]:
    """{event id: `event_coverage`} for several events, in the same two queries however many
    events and tracks (the events' time blocks and tracks loaded with them)."""
    result = {track.id: TrackCoverage(track=track, now=now) for event in events for track in event.tracks}
    choices = session.scalars(
        select(TrackChoice)
        .join(Registration)
        .where(
            TrackChoice.track_id.in_(list(result)),
            Registration.sector == Sector.STATE_ADMINISTRATION,
            Registration.status != RegistrationStatus.CANCELLED,
            TrackChoice.status != RegistrationStatus.CANCELLED,
        )
        .options(joinedload(TrackChoice.registration).joinedload(Registration.organisation))  # one query, however many
        .order_by(TrackChoice.id)
    )
    for choice in choices:
        person, entry = choice.registration, result[choice.track_id]
        if person.status is RegistrationStatus.WAITLISTED or choice.status is RegistrationStatus.WAITLISTED:
            entry.waiting.append(person)
        elif person.attendance_mode.value == "remote":
            entry.remote.append(person)
        else:
            entry.in_person.append(person)
    requests = session.scalars(
        select(DelegationRequest)
        .where(DelegationRequest.track_id.in_(list(result)))
        .options(selectinload(DelegationRequest.organisation))
        .order_by(DelegationRequest.sent_at)
    )
    for delegation_request in requests:
        result[delegation_request.track_id].requests.append(delegation_request)
    for event in events:
        released = now >= seat_holds.release_moment(event)
        for track in event.tracks:
            entry = result[track.id]
            # The people and requests `seat_holds.held_seats` counts: seated in person, and waiting for an answer.
            entry.held = seat_holds.held_count(entry.minimum, len(entry.in_person), len(entry.open_requests), released)
    return {event.id: [result[track.id] for track in event.tracks] for event in events}


@dataclass
class ActualCoverage:
    """After the event: who came in person (check-ins) and who joined remotely (remote joins)."""

    track: Track
    planned_in_person: int
    planned_remote: int
    arrived: int  # state-administration people checked in at the door or at the track
    planned: TrackCoverage | None = None
    arrived_people: list[Registration] = field(default_factory=list)
    # state-administration people present remotely (joined by their link or marked), not counted in person
    joined_people: list[Registration] = field(default_factory=list)

    @property
    def joined(self) -> int:
        return len(self.joined_people)

    @property
    def not_arrived(self) -> list[Registration]:
        """Registered state administration (in person or remote) present neither in person nor remotely."""
        if self.planned is None:
            return []
        present = {person.id for person in self.arrived_people + self.joined_people}
        return [person for person in self.planned.in_person + self.planned.remote if person.id not in present]

    @property
    def state(self) -> Coverage:
        return actual_state(self.track.state_admin_minimum, self.arrived, self.joined)

    @property
    def minimum(self) -> int:
        return self.track.state_admin_minimum

    @property
    def people(self) -> list[tuple[Registration, str]]:
        """The registered state administration, each with what became of them: came, joined
        (remotely), remote_absent (registered remotely, no presence recorded) or absent."""
        not_arrived = [(person, "remote_absent" if person.attendance_mode.value == "remote" else "absent")
                       for person in self.not_arrived]
        return ([(person, "came") for person in self.arrived_people]
                + [(person, "joined") for person in self.joined_people] + not_arrived)


def has_check_ins(session: Session, event: Event) -> bool:
    return session.scalar(
        select(CheckIn.id).join(Registration).where(Registration.event_id == event.id, CheckIn.undone_at.is_(None)).limit(1)
    ) is not None


def events_with_check_ins(session: Session, events: list[Event]) -> set[int]:
    """The ids of those of `events` where anyone's arrival is recorded (one query)."""
    if not events:
        return set()
    return set(session.scalars(
        select(Registration.event_id).join(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.event_id.in_([event.id for event in events]), CheckIn.undone_at.is_(None))
        .distinct()
    ))


def has_presence(session: Session, event: Event, joins: Joins | None = None) -> bool:
    """Whether anyone's presence at the event is recorded: a check-in, or a remote join (`joins`:
    `joined_by_track` of the event, when already read)."""
    if joins is None:
        joins = joined_by_track(session, event)
    checked = has_check_ins(session, event)  # asked either way: the same statements whatever the data
    return checked or any(joins.values())


def _events_joins(session: Session, events: list[Event]) -> dict[int, Joins]:
    """{event id: `joined_by_track`} for several events at once, by the same rule (one query)."""
    if not events:
        return {}
    found: dict[int, Joins] = defaultdict(dict)
    rows = session.execute(
        select(Registration.event_id, RemoteJoin.track_id, RemoteJoin.registration_id)
        .join(Registration, Registration.id == RemoteJoin.registration_id)
        .where(Registration.event_id.in_([event.id for event in events]), RemoteJoin.undone_at.is_(None))
    )
    for event_id, track_id, registration_id in rows:
        found[event_id].setdefault(track_id, set()).add(registration_id)
    return found


def _arrivals(session: Session, events: list[Event]) -> list[tuple[int, int]]:
    """(track id, registration id) of each state-administration person checked in for a track of
    `events`, at the door or at the track's room (one query)."""
    return session.execute(
        select(TrackChoice.track_id, Registration.id)
        .join(Registration, Registration.id == TrackChoice.registration_id)
        .join(CheckIn, CheckIn.registration_id == Registration.id)
        .where(
            Registration.event_id.in_([event.id for event in events]),
            Registration.sector == Sector.STATE_ADMINISTRATION,
            Registration.status == RegistrationStatus.CONFIRMED,
            TrackChoice.status == RegistrationStatus.CONFIRMED,
            CheckIn.undone_at.is_(None),
            (CheckIn.track_id.is_(None)) | (CheckIn.track_id == TrackChoice.track_id),
        )
        .group_by(TrackChoice.track_id, Registration.id)  # a person counts once, however often scanned
        .order_by(Registration.id)
    ).all()


def _actual(planned: list[TrackCoverage], arrived: list[tuple[int, int]], joins: Joins) -> list[ActualCoverage]:
    """Each track's registered state administration who came in person, and, of the others, those
    who joined remotely: at the track's own meeting, or at the event's (which counts for each of
    the person's tracks)."""
    people = {person.id: person for entry in planned for person in entry.in_person + entry.remote}
    came = defaultdict(list)
    for track_id, registration_id in arrived:
        if registration_id in people:
            came[track_id].append(people[registration_id])
    whole_event = joins.get(None, set())
    rows = []
    for entry in planned:
        track_id = entry.track.id
        in_person = {person.id for person in came[track_id]}
        remote = joins.get(track_id, set()) | whole_event
        joined = [person for person in entry.in_person + entry.remote
                  if person.id in remote and person.id not in in_person]
        rows.append(ActualCoverage(entry.track, len(entry.in_person), len(entry.remote), len(came[track_id]), entry,
                                   came[track_id], joined))
    return rows


def actual_coverage(session: Session, event: Event, now: datetime, joins: Joins | None = None) -> list[ActualCoverage]:
    """Planned (registrations) against actual (check-ins and remote joins) state administration per
    track; `joins`: `joined_by_track` of the event, when already read."""
    if joins is None:
        joins = joined_by_track(session, event)
    return _actual(event_coverage(session, event, now), _arrivals(session, [event]), joins)


@dataclass(frozen=True)
class Deadline:
    """The next moment something changes on the board by itself."""

    kind: str  # "answer": an institution's answer to a delegation request is due; "seats": held seats are released
    at: datetime


@dataclass(frozen=True)
class BoardSummary:
    """The board in one line: how many tracks in each state, and the next deadline."""

    tracks: int
    covered: int
    at_risk: int
    uncovered: int
    not_required: int
    next_deadline: Deadline | None = None
    covered_remotely: int = 0  # after the event only


def next_deadline(entries: list[TrackCoverage], release_at: datetime, now: datetime) -> Deadline | None:
    """The earliest future deadline: an open delegation request's, or the release of held seats
    (while any seat is held)."""
    candidates = [Deadline("answer", r.deadline_at) for entry in entries for r in entry.open_requests]
    if release_at > now and any(entry.held for entry in entries):
        candidates.append(Deadline("seats", release_at))
    return min(candidates, key=lambda deadline: deadline.at, default=None)


def summarise(entries: list[TrackCoverage] | list[ActualCoverage], deadline: Deadline | None = None) -> BoardSummary:
    """Counts of the tracks by state, planned (`TrackCoverage`) or actual (`ActualCoverage`)."""
    states = [entry.state for entry in entries]
    return BoardSummary(len(states), states.count(Coverage.COVERED), states.count(Coverage.AT_RISK),
                        states.count(Coverage.UNCOVERED), states.count(Coverage.NOT_REQUIRED), deadline,
                        states.count(Coverage.COVERED_REMOTELY))


YEAR_KINDS = (EventKind.REGIONAL_SESSION, EventKind.FORUM)


def year_coverage(session: Session, year: int, now: datetime) -> list[tuple[Event, list[TrackCoverage]]]:
    """The year's regional sessions and forum, each with the coverage of its tracks."""
    events = year_events(session, year)
    coverage = events_coverage(session, events, now)
    return [(event, coverage[event.id]) for event in events]


@dataclass
class YearColumn:
    """An event of the year: its plan, and after it who came."""

    event: Event
    entries: list[TrackCoverage]  # planned, from registrations
    actual: list[ActualCoverage] | None = None  # after the event, from check-ins and remote joins; None before it ends
    with_check_ins: bool = False  # after the event: whether anyone's presence (in person or remote) was recorded

    @property
    def is_over(self) -> bool:
        return self.actual is not None


def year_columns(session: Session, year: int, now: datetime) -> list[YearColumn]:
    """`year_coverage`, with each past event's actual coverage from its check-ins and remote joins:
    the same statements however many events and tracks."""
    events = year_events(session, year)
    coverage = events_coverage(session, events, now)
    past = [event for event in events if now >= event.ends_at]
    arrived = _arrivals(session, past) if past else []
    checked = events_with_check_ins(session, past)
    joins = _events_joins(session, past)
    columns = []
    for event in events:
        column = YearColumn(event, coverage[event.id])
        if now >= event.ends_at:
            column.actual = _actual(column.entries, arrived, joins.get(event.id, {}))
            column.with_check_ins = event.id in checked or event.id in joins
        columns.append(column)
    return columns


def year_events(session: Session, year: int) -> list[Event]:
    """The regional sessions and the forum of a year, in date order, with their tracks."""
    start, end = datetime(year, 1, 1, tzinfo=timezone.utc), datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    return list(
        session.scalars(
            select(Event)
            .where(Event.kind.in_(YEAR_KINDS), Event.status != EventStatus.DRAFT, Event.starts_at >= start, Event.starts_at < end)
            .options(selectinload(Event.slots).selectinload(Slot.tracks))
            .order_by(Event.starts_at)
        )
    )
