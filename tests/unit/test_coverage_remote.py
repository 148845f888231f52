"""Remote presence in coverage after an event: "covered remotely", a state of its own, and remote
joins beside arrivals in the arrival counts, the dashboard and the year."""
from datetime import datetime, timedelta, timezone

import pytest

from eventapp.models import AttendanceMode, CheckIn, JoinKind, RemoteJoin, Sector, Slot, Track, utcnow
from eventapp.services import dashboard
from eventapp.services.checkin import arrivals
from eventapp.services.coverage import track_coverage
from eventapp.services.coverage.track_coverage import Coverage, actual_state

from ..factories import create_event, create_registration, create_user

YEAR = utcnow().year - 4  # a past year of the tests' own


@pytest.mark.parametrize(("minimum", "arrived", "joined", "state"), [
    (1, 1, 1, Coverage.COVERED),  # in person beats remote
    (1, 1, 0, Coverage.COVERED),
    (1, 0, 1, Coverage.COVERED_REMOTELY),  # remote only
    (2, 1, 1, Coverage.COVERED_REMOTELY),  # the remote person makes up the minimum
    (2, 0, 1, Coverage.UNCOVERED),
    (1, 0, 0, Coverage.UNCOVERED),  # nobody
    (0, 0, 0, Coverage.NOT_REQUIRED),
])
def test_the_state_after_an_event(minimum, arrived, joined, state):
    assert actual_state(minimum, arrived, joined) is state


def test_worst_first_puts_covered_remotely_between_at_risk_and_covered():
    ordered = sorted(Coverage, key=lambda state: state.severity)
    assert ordered == [Coverage.UNCOVERED, Coverage.AT_RISK, Coverage.COVERED_REMOTELY, Coverage.COVERED,
                       Coverage.NOT_REQUIRED]


def past_event(session, tracks: int = 2, slots: int = 1, **values):
    starts = values.pop("starts_at", utcnow() - timedelta(days=3))
    event = create_event(session, tracks=tracks, state_admin_minimum=1, starts_at=starts, remote_allowed=True,
                         remote_link="https://example.org/sanaksme", **values)
    for n in range(1, slots):
        slot = Slot(title_lv=f"Bloks {n + 1}", title_en=f"Block {n + 1}", starts_at=starts + timedelta(hours=4 + n),
                    ends_at=starts + timedelta(hours=5 + n))
        event.slots.append(slot)
        slot.tracks.append(Track(position=1, title_lv=f"Grupa {n + 1}", title_en=f"Group {n + 1}", capacity=10,
                                 state_admin_minimum=1))
    session.flush()
    return event


def expert(session, event, track_ids: dict, remote: bool = True, **values):
    return create_registration(
        session, event, event.starts_at - timedelta(days=10), sector=Sector.STATE_ADMINISTRATION,
        organisation_name="Kultūras ministrija", track_ids=track_ids,
        attendance_mode=AttendanceMode.REMOTE if remote else AttendanceMode.IN_PERSON, **values)


def join(session, registration, track=None, *, undone: bool = False, how: JoinKind = JoinKind.LINK) -> RemoteJoin:
    at = registration.event.starts_at + timedelta(minutes=5)
    row = RemoteJoin(registration_id=registration.id, track_id=track.id if track else None, joined_at=at, how=how,
                     undone_at=at + timedelta(minutes=1) if undone else None)
    session.add(row)
    session.flush()
    return row


def arrive(session, registration, n: int = 1) -> None:
    at = registration.event.starts_at
    session.add(CheckIn(registration=registration, scan_id=f"remote-test-{registration.id}-{n}", scanned_at=at,
                        recorded_at=at))
    session.flush()


def by_track(session, event):
    return {row.track.id: row for row in track_coverage.actual_coverage(session, event, utcnow())}


def test_a_remote_expert_who_joined_covers_the_track_remotely(session):
    event = past_event(session)
    first, second = event.tracks
    person = expert(session, event, {first.slot_id: first.id})
    join(session, person, first)  # the track's own meeting
    rows = by_track(session, event)
    assert rows[first.id].state is Coverage.COVERED_REMOTELY
    assert (rows[first.id].arrived, rows[first.id].joined) == (0, 1)
    assert rows[first.id].people == [(person, "joined")]
    assert rows[second.id].state is Coverage.UNCOVERED
    summary = track_coverage.summarise(list(rows.values()))
    assert (summary.covered, summary.covered_remotely, summary.uncovered) == (0, 1, 1)
    assert track_coverage.has_presence(session, event)  # a join, though nobody was checked in


def test_in_person_beats_remote_and_a_person_counts_once(session):
    event = past_event(session, tracks=1)
    [track] = event.tracks
    person = expert(session, event, {track.slot_id: track.id}, remote=False)
    arrive(session, person)
    join(session, person)  # also followed the link (say, before leaving home): still in person
    row = by_track(session, event)[track.id]
    assert row.state is Coverage.COVERED
    assert (row.arrived, row.joined) == (1, 0)
    assert row.people == [(person, "came")]


def test_nobody_present_is_not_covered(session):
    event = past_event(session, tracks=1)
    [track] = event.tracks
    person = expert(session, event, {track.slot_id: track.id})
    row = by_track(session, event)[track.id]
    assert row.state is Coverage.UNCOVERED
    assert row.people == [(person, "remote_absent")]
    assert not track_coverage.has_presence(session, event)


def test_an_undone_join_does_not_count(session):
    event = past_event(session, tracks=1)
    [track] = event.tracks
    person = expert(session, event, {track.slot_id: track.id})
    join(session, person, undone=True, how=JoinKind.MARKED)
    row = by_track(session, event)[track.id]
    assert row.state is Coverage.UNCOVERED and row.joined == 0
    assert not track_coverage.has_presence(session, event)


def test_a_join_of_the_event_s_meeting_counts_for_each_of_the_person_s_tracks(session):
    event = past_event(session, tracks=2, slots=2)
    first, other, later = event.tracks
    person = expert(session, event, {first.slot_id: first.id, later.slot_id: later.id})
    join(session, person)  # the event's own link: track None
    rows = by_track(session, event)
    assert rows[first.id].state is Coverage.COVERED_REMOTELY
    assert rows[later.id].state is Coverage.COVERED_REMOTELY
    assert rows[other.id].state is Coverage.UNCOVERED  # not the person's track


def test_a_join_of_another_track_s_meeting_does_not_count_for_this_one(session):
    event = past_event(session, tracks=2, slots=2)
    first, other, later = event.tracks
    person = expert(session, event, {first.slot_id: first.id, later.slot_id: later.id})
    join(session, person, later)
    rows = by_track(session, event)
    assert rows[later.id].state is Coverage.COVERED_REMOTELY
    assert rows[first.id].state is Coverage.UNCOVERED
    join(session, person, other)  # a meeting of a track the person holds no seat in
    assert by_track(session, event)[other.id].state is Coverage.UNCOVERED


def test_people_of_other_sectors_who_joined_do_not_cover_a_track(session):
    event = past_event(session, tracks=1)
    [track] = event.tracks
    ngo = create_registration(session, event, event.starts_at - timedelta(days=10),
                              attendance_mode=AttendanceMode.REMOTE, track_ids={track.slot_id: track.id})
    join(session, ngo)
    assert by_track(session, event)[track.id].state is Coverage.UNCOVERED


def test_arrival_counts_put_remote_joins_beside_arrivals(session):
    event = past_event(session)
    first, second = event.tracks
    remote_expert = expert(session, event, {first.slot_id: first.id})
    at_door = expert(session, event, {second.slot_id: second.id}, remote=False)
    remote_ngo = create_registration(session, event, event.starts_at - timedelta(days=10),
                                     attendance_mode=AttendanceMode.REMOTE, track_ids={second.slot_id: second.id})
    undone = create_registration(session, event, event.starts_at - timedelta(days=10),
                                 attendance_mode=AttendanceMode.REMOTE, track_ids={first.slot_id: first.id})
    join(session, remote_expert)
    join(session, remote_ngo, second)
    join(session, undone, undone=True)
    arrive(session, at_door)
    join(session, at_door)  # came after all: counted in person, not twice

    counts = arrivals.arrival_counts(session, event)
    assert (counts.total.arrived, counts.total.expected, counts.total.joined) == (1, 1, 2)
    state, ngo = counts.sectors[Sector.STATE_ADMINISTRATION], counts.sectors[Sector.NGO]
    assert (state.arrived, state.joined, ngo.arrived, ngo.joined) == (1, 1, 0, 1)
    tracks = {row.track.id: row for row in counts.tracks}
    assert (tracks[first.id].tally.joined, tracks[first.id].state_administration.joined) == (1, 1)
    assert (tracks[second.id].tally.arrived, tracks[second.id].tally.joined) == (1, 1)
    assert tracks[second.id].state_administration.joined == 0


def test_the_dashboard_shows_who_joined_remotely_beside_who_arrived(session):
    organiser = create_user(session)
    event = past_event(session, tracks=1)
    [track] = event.tracks
    came = expert(session, event, {track.slot_id: track.id}, remote=False)
    joined = expert(session, event, {track.slot_id: track.id})
    expert(session, event, {track.slot_id: track.id})  # remote, never joined
    arrive(session, came)
    join(session, joined)
    [past] = dashboard.dashboard(session, organiser, utcnow()).past
    assert (past.arrived, past.expected, past.joined) == (1, 1, 1)


def test_the_year_counts_remote_joins_for_each_past_event(session):
    starts = datetime(YEAR, 5, 12, 7, 0, tzinfo=timezone.utc)
    joined_only = past_event(session, tracks=1, starts_at=starts, title_lv="Sēde ar attālināto dalību")
    nothing = past_event(session, tracks=1, starts_at=starts + timedelta(days=60), title_lv="Sēde bez ziņām")
    person = expert(session, joined_only, {joined_only.tracks[0].slot_id: joined_only.tracks[0].id})
    expert(session, nothing, {nothing.tracks[0].slot_id: nothing.tracks[0].id})
    join(session, person)
    first, second = track_coverage.year_columns(session, YEAR, utcnow())
    assert first.with_check_ins and [row.state for row in first.actual] == [Coverage.COVERED_REMOTELY]
    assert first.actual[0].joined == 1
    assert not second.with_check_ins and [row.state for row in second.actual] == [Coverage.UNCOVERED]
