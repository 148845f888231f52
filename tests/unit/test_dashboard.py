"""The organisers' dashboard: the figures of each event, the worst coverage first, what a partner sees."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from eventapp.models import (
    AttendanceMode,
    CheckIn,
    Event,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    RegistrationStatus,
    Sector,
    Summary,
    SummaryStatus,
    UserRole,
    utcnow,
)
from eventapp.services.coverage import delegation
from eventapp.services.dashboard import dashboard, people_to_tell, registration_chart
from eventapp.services.registration.lifecycle import cancel_registration

from ..factories import create_event, create_organisation, create_registration, create_user, future


@dataclass
class Situation:
    jekabpils: str  # co-hosted; one track uncovered
    liepaja: str  # one track at risk (a remote official, an open request)
    valmiera: str  # the soonest; no minimum
    past: str
    co_host_id: int


def failed(session, event, registration=None):
    session.add(OutboxMessage(kind="x", to_address="x@example.lv", subject="x", body_text="x", event=event,
                              registration=registration, status=OutboxStatus.FAILED, failed_at=utcnow()))


def situation(session) -> Situation:
    now = utcnow()
    co_host = create_organisation(session, name='biedrība "Vidusdaugavas NVO centrs"')
    ministry = create_organisation(session, name="Labklājības ministrija", sector=Sector.STATE_ADMINISTRATION)

    jekabpils = create_event(session, title_lv="Jēkabpils sēde", starts_at=future(10), capacity=4, tracks=2,
                             track_capacity=5, state_admin_minimum=1, remote_allowed=True)
    jekabpils.co_hosts = [co_host]
    first, _second = jekabpils.tracks
    in_first = {first.slot_id: first.id}
    create_registration(session, jekabpils, sector=Sector.STATE_ADMINISTRATION, organisation_name="Labklājības ministrija",
                        track_ids=in_first, now=now - timedelta(days=3))
    ngo = [create_registration(session, jekabpils, track_ids=in_first, now=now - timedelta(days=d)) for d in (3, 1, 1)]
    assert ngo[-1].status is RegistrationStatus.WAITLISTED  # the last event seat is held for state administration
    create_registration(session, jekabpils, attendance_mode=AttendanceMode.REMOTE, track_ids=in_first, now=now)
    cancel_registration(session, create_registration(session, jekabpils, track_ids=in_first, now=now), now)
    failed(session, jekabpils, ngo[0])
    failed(session, jekabpils)  # a delegation request's mail: organisers see it, the partner not

    liepaja = create_event(session, title_lv="Liepājas sēde", starts_at=future(20), tracks=1, state_admin_minimum=2,
                           remote_allowed=True)
    create_registration(session, liepaja, sector=Sector.STATE_ADMINISTRATION, attendance_mode=AttendanceMode.REMOTE,
                        now=now, organisation_name="Labklājības ministrija")
    delegation.send_request(session, None, liepaja.tracks[0], ministry, "kanceleja@lm.gov.lv", "", now)

    valmiera = create_event(session, title_lv="Valmieras sēde", starts_at=future(5), tracks=1)

    past = create_event(session, title_lv="Rēzeknes sēde", starts_at=future(-10), tracks=2)
    came, _stayed = (create_registration(session, past, now=now - timedelta(days=20)) for _ in range(2))
    session.add(CheckIn(registration=came, scan_id="scan-1", scanned_at=past.starts_at))
    session.add(Summary(track=past.tracks[0], status=SummaryStatus.PUBLISHED, conclusions="…", published_at=now))
    session.flush()
    return Situation(jekabpils.slug, liepaja.slug, valmiera.slug, past.slug, co_host.id)


def test_each_upcoming_event_has_its_figures_and_the_worst_coverage_comes_first(session):
    world = situation(session)
    board = dashboard(session, create_user(session), future(0, hour=9))  # ten Riga days before Jēkabpils
    assert [row.event.slug for row in board.upcoming] == [world.jekabpils, world.liepaja, world.valmiera]
    jekabpils, liepaja, valmiera = board.upcoming
    assert (jekabpils.seats_taken, jekabpils.remote, jekabpils.waiting) == (3, 1, 1)
    assert (jekabpils.covered, jekabpils.at_risk, jekabpils.uncovered) == (1, 0, 1)
    assert (jekabpils.failed_mail, jekabpils.days_to_go, jekabpils.open_requests) == (2, 10, 0)
    assert {share.sector: share.count for share in jekabpils.sectors} == {Sector.NGO: 4, Sector.STATE_ADMINISTRATION: 1}
    assert [point.total for point in jekabpils.chart.points] == [2, 4, 5]
    assert (liepaja.at_risk, liepaja.uncovered, liepaja.open_requests, liepaja.remote) == (1, 0, 1, 1)
    assert (valmiera.covered, valmiera.at_risk, valmiera.uncovered, valmiera.chart) == (0, 0, 0, None)


def test_past_events_show_arrivals_and_the_summaries_still_missing(session):
    world = situation(session)
    board = dashboard(session, create_user(session), utcnow())
    [past] = board.past
    assert past.event.slug == world.past
    assert (past.arrived, past.expected) == (1, 2)
    assert [track.position for track in past.missing_summaries] == [2]


def test_a_partner_sees_only_the_events_its_organisation_co_hosts(session):
    world = situation(session)
    partner = create_user(session, role=UserRole.PARTNER, organisation=session.get(Organisation, world.co_host_id))
    board = dashboard(session, partner, utcnow())
    assert [row.event.slug for row in board.upcoming] == [world.jekabpils]
    assert [event.slug for event in board.all_events] == [world.jekabpils]
    assert board.upcoming[0].failed_mail == 1  # not the delegation request's


def test_people_to_tell_are_those_registered_and_not_cancelled(session):
    world = situation(session)
    event = session.scalar(select(Event).where(Event.slug == world.jekabpils))
    assert people_to_tell(session, event) == 5


def test_an_event_under_way_has_no_days_to_go(session):
    event = create_event(session, starts_at=utcnow() - timedelta(hours=1))
    [row] = dashboard(session, create_user(session), utcnow()).upcoming
    assert (row.event, row.days_to_go, row.under_way) == (event, 0, True)


def test_the_chart_climbs_day_by_day_within_its_frame():
    chart = registration_chart([date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 5)])
    assert [(p.day.day, p.total) for p in chart.points] == [(1, 2), (3, 3), (5, 4)]
    assert chart.top == 4
    xs, ys = [p.x for p in chart.points], [p.y for p in chart.points]
    assert xs == sorted(xs) and xs[0] == 24 and xs[-1] == 276
    assert ys == sorted(ys, reverse=True) and ys[-1] == 24
    assert registration_chart([]) is None
