"""Pages whose number of SQL statements must not grow with the data: a few registrations or many,
one track or eight, one event of the year or ten."""
from datetime import timedelta

import pytest

from eventapp.models import utcnow

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


def test_the_year_view_takes_the_same_statements_for_1_and_10_events(client, login, make, count_queries):
    login("organiser")
    year = utcnow().year + 1
    event_slug(make, tracks=2, people=3, starts_at=utcnow().replace(year=year, month=2, day=1))
    for week in range(10):
        event_slug(make, tracks=2, people=3, starts_at=utcnow().replace(year=year + 1, month=2, day=1) + timedelta(weeks=week))
    view = "/admin/coverage?year={}"
    assert statements(client, count_queries, view.format(year + 1)) == statements(client, count_queries, view.format(year))
