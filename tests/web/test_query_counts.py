"""Pages whose number of SQL statements must not grow with the data: a few registrations or many,
one track or eight, one event of the year or ten."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.models import (
    Event,
    FeedbackInvitation,
    FeedbackResponse,
    FeedbackTrackAnswer,
    Registration,
    StateAdminPresence,
    utcnow,
)

from ..factories import create_event
from ..unit.test_query_counts import more_time_blocks, registrants


def event_slug(make, tracks: int, people: int, **values) -> str:
    """An event whose tracks lie in time blocks of up to four, with `people` registered."""
    def build(session):
        event = create_event(session, tracks=min(tracks, 4), track_capacity=2, state_admin_minimum=1,
                             remote_allowed=True, **values)
        if tracks > 4:
            more_time_blocks(session, event, tracks - 4)
        registrants(session, event, people, now=values.get("starts_at", utcnow()) - timedelta(days=10))
        return event.slug

    return make.run(build)


def with_survey_answers(make, slug: str) -> str:
    """Invitations for the event's registrants and three answers about each of its tracks."""
    def answer(session):
        event = session.scalar(select(Event).where(Event.slug == slug))
        for n, registration in enumerate(session.scalars(select(Registration).where(Registration.event_id == event.id))):
            session.add(FeedbackInvitation(registration=registration, event=event, token=f"{slug}-{n}",
                                           sent_at=event.ends_at + timedelta(days=1)))
        for track in event.tracks:
            for present in (StateAdminPresence.YES, StateAdminPresence.NO, StateAdminPresence.DONT_KNOW):
                session.add(FeedbackResponse(event_id=event.id, answers=[
                    FeedbackTrackAnswer(track_id=track.id, rating=4, state_admin_present=present)]))
        return slug

    return make.run(answer)


def statements(client, count_queries, url: str) -> int:
    client.get(url)  # the first request of a client may load what later ones find ready (the user, the locale)
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", ["/admin/events/{}", "/admin/events/{}/registrations", "/events/{}"])
def test_an_event_s_pages_take_the_same_statements_for_few_and_many(client, login, make, count_queries, page):
    login("organiser")
    few = event_slug(make, tracks=1, people=3)
    many = event_slug(make, tracks=8, people=40)
    assert statements(client, count_queries, page.format(many)) == statements(client, count_queries, page.format(few))


@pytest.mark.parametrize("when", ["before", "after"])
def test_the_coverage_board_takes_the_same_statements_for_1_and_8_tracks(client, login, make, count_queries, when):
    """Before the event what is planned, with a delegation form per track; after it, who came."""
    login("organiser")
    start = utcnow() + (timedelta(days=30) if when == "before" else -timedelta(days=2))
    one = event_slug(make, tracks=1, people=3, starts_at=start)
    eight = event_slug(make, tracks=8, people=24, starts_at=start)
    board = "/admin/events/{}/coverage"
    assert statements(client, count_queries, board.format(eight)) == statements(client, count_queries, board.format(one))


@pytest.mark.parametrize("page", ["/admin/events/{}/coverage", "/admin/events/{}/coverage-report.csv",
                                  "/admin/events/{}/coverage-report.pdf"])
def test_after_a_surveyed_event_coverage_takes_the_same_statements_for_1_and_8_tracks(
        client, login, make, count_queries, page):
    """What participants said beside what was planned and who came: one statement more, not one per track."""
    login("organiser")
    start = utcnow() - timedelta(days=3)
    one = with_survey_answers(make, event_slug(make, tracks=1, people=3, starts_at=start))
    eight = with_survey_answers(make, event_slug(make, tracks=8, people=24, starts_at=start))
    if not page.endswith(".pdf"):  # the answers are read, not skipped
        assert "jā 1 · nē 1 · nezina 1" in client.get(page.format(eight)).get_data().decode("utf-8-sig")
    assert statements(client, count_queries, page.format(eight)) == statements(client, count_queries, page.format(one))


def test_the_year_view_takes_the_same_statements_for_1_and_10_events(client, login, make, count_queries):
    login("organiser")
    year = utcnow().year + 1
    event_slug(make, tracks=2, people=3, starts_at=utcnow().replace(year=year, month=2, day=1))
    for week in range(10):
        event_slug(make, tracks=2, people=3, starts_at=utcnow().replace(year=year + 1, month=2, day=1) + timedelta(weeks=week))
    view = "/admin/coverage?year={}"
    assert statements(client, count_queries, view.format(year + 1)) == statements(client, count_queries, view.format(year))


def event_with_answers(make, tracks: int, people: int) -> tuple[str, int]:
    """An event as `event_slug` makes it, with questions every registrant answered; its slug and
    the id of its removed (answered) question."""
    from ..unit.test_query_counts import with_questions

    slug = event_slug(make, tracks=tracks, people=people)
    return slug, make.run(lambda session: with_questions(session, session.scalar(select(Event).where(Event.slug == slug))))


@pytest.mark.parametrize("page", [
    "/admin/events/{}/registrations", "/admin/events/{}/registrations?a{}=answered", "/admin/events/{}/registrations.csv",
])
def test_the_registrations_list_with_answers_takes_the_same_statements_for_few_and_many(
    client, login, make, count_queries, page
):
    login("organiser")
    few = page.format(*event_with_answers(make, tracks=1, people=3))
    many = page.format(*event_with_answers(make, tracks=8, people=60))  # two pages of the list
    assert statements(client, count_queries, many) == statements(client, count_queries, few)
    if not page.endswith(".csv"):
        assert "Atbildes (3)" in client.get(many).get_data(as_text=True)


# SQLAlchemy loads a collection "in" a list of ids by batches of 500: one statement more for every 500 people.
MORE_THAN_A_BATCH = 501


def bulk_event(make, people: int) -> tuple[str, int]:
    """An event of two tracks with `people` registrations written at once (not through the
    registration service, so that hundreds are quick): one in ten waiting, one in ten remote, every
    third from the directory, every second checked in at the door and every fourth at its track.
    Its slug and the id of its first track."""
    from eventapp.models import AttendanceMode, CheckIn, RegistrationStatus, Sector, TrackChoice
    from eventapp.services.registration.lifecycle import CONSENT_WORDING_VERSION, new_secret

    from ..factories import create_organisation

    def build(session):
        now = utcnow()
        event = create_event(session, tracks=2, track_capacity=None, remote_allowed=True)
        slot, tracks = event.slots[0], event.slots[0].tracks
        ministry = create_organisation(session, name=f"Ministrija {event.slug}", sector=Sector.STATE_ADMINISTRATION)
        made = []
        for i in range(people):
            status = RegistrationStatus.WAITLISTED if i % 10 == 5 else RegistrationStatus.CONFIRMED
            made.append(Registration(
                event_id=event.id, status=status,
                attendance_mode=AttendanceMode.REMOTE if i % 10 == 3 else AttendanceMode.IN_PERSON,
                full_name=f"Dalībnieks {i}", email=f"d{i}@{event.slug}.example.lv",
                organisation=ministry if i % 3 == 0 else None, organisation_name="" if i % 3 == 0 else "Biedrība",
                sector=Sector.STATE_ADMINISTRATION if i % 3 == 0 else Sector.NGO, language="lv",
                consent_data_at=now, consent_wording_version=CONSENT_WORDING_VERSION,
                secret=new_secret(), badge_secret=new_secret(), created_at=now, updated_at=now,
                choices=[TrackChoice(track_id=tracks[i % 2].id, slot_id=slot.id, status=status, queued_at=now)],
            ))
        session.add_all(made)
        session.flush()
        session.add_all(
            CheckIn(registration_id=registration.id, track_id=track_id, scan_id=new_secret(), scanned_at=now)
            for i, registration in enumerate(made) if i % 2 == 0 and registration.status is RegistrationStatus.CONFIRMED
            for track_id in [None] + ([registration.choices[0].track_id] if i % 4 == 0 else [])
        )
        return event.slug, tracks[0].id

    return make.run(build)


def test_the_lists_of_a_whole_event_take_the_same_statements_for_3_and_more_than_500_people(client, login, make, count_queries):
    login("organiser")
    few, many = bulk_event(make, 3), bulk_event(make, MORE_THAN_A_BATCH)
    pages = ["/admin/events/{}/registrations.csv", "/admin/events/{}/registrations.xlsx", "/api/events/{}/checkin-list",
             "/admin/events/{}/registrations", "/admin/events/{}/registrations?page=11",
             "/admin/events/{}/tracks/{}/people", "/admin/events/{}/attendance"]
    for page in pages:
        assert statements(client, count_queries, page.format(*many)) == statements(client, count_queries, page.format(*few)), page
    listing = client.get(f"/api/events/{many[0]}/checkin-list").get_json()
    assert len(listing["people"]) == MORE_THAN_A_BATCH and sum(bool(p["tracks"]) for p in listing["people"]) == 451
    assert client.get(f"/admin/events/{many[0]}/registrations.csv").get_data(as_text=True).count("\n") == 1 + MORE_THAN_A_BATCH
