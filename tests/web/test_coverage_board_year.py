"""The year view: each event by name, the notation explained, and after an event who actually came."""
import re
from datetime import datetime, timedelta, timezone

from eventapp.models import Sector, utcnow
from eventapp.services.checkin.check_ins import Scanner, check_in

from ..factories import create_event, create_registration, create_user
from .test_query_counts import statements

YEAR = utcnow().year - 3  # a past year of the test's own, with no demo data


def columns(page: str) -> list[str]:
    return re.split(r'(?=<section class="card year-column")', page.split('<div class="year-grid">', 1)[1])[1:]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def past_session(session, n: int, city: str, *, arrive: bool, month: int = 5) -> None:
    """A regional session with two tracks (minimum 1), a ministry's person registered in person in
    each; with `arrive`, only the first track's person is checked in at the door."""
    starts = datetime(YEAR, month, 10 + n, 7, 0, tzinfo=timezone.utc)
    event = create_event(session, tracks=2, state_admin_minimum=1, starts_at=starts, city=city,
                         title_lv=f"Izbraukuma sēde Nr. {n} ({city})", title_en=f"Visiting session no. {n} ({city})")
    people = [
        create_registration(session, event, starts - timedelta(days=10), full_name=f"Ministrijas pārstāvis {n}.{i}",
                            sector=Sector.STATE_ADMINISTRATION, organisation_name="Labklājības ministrija",
                            track_ids={track.slot_id: track.id})
        for i, track in enumerate(event.tracks)
    ]
    if arrive:
        scanner = Scanner(user=create_user(session))
        result = check_in(session, event, scanner, starts, scan_id=f"year-{n}-0001", registration_id=people[0].id)
        assert result.result == "welcome"


def test_the_year_names_each_event_explains_the_figures_and_shows_who_came(client, login, make):
    make.run(lambda s: past_session(s, 1, "Valmiera", arrive=True))
    make.run(lambda s: past_session(s, 2, "Cēsis", arrive=False, month=9))
    login("organiser")
    page = client.get(f"/admin/coverage?year={YEAR}").get_data(as_text=True)

    legend = text(re.search(r'data-testid="coverage-legend">(.*?)</div>', page, re.S).group(1))
    assert "2 + 1 / 2 pirms pasākuma: reģistrētie valsts pārvaldes pārstāvji klātienē + attālināti" in legend
    assert "1 + 1 / 2 pēc pasākuma: valsts pārvaldes pārstāvji, kuri ieradās klātienē" in legend

    valmiera, cesis = columns(page)
    assert "Izbraukuma sēde Nr. 1 (Valmiera)" in valmiera and f"{YEAR}. gada 11. maijs" in valmiera
    assert "Izbraukuma sēde Nr. 2 (Cēsis)" in cesis and "Cēsis" in text(cesis)
    # Both were planned as covered; the check-ins show only the first track covered.
    assert re.findall(r'class="year-track" data-state="(\w+)"', valmiera) == ["covered", "uncovered"]
    assert re.findall(r'class="cov-fig"[^>]*>([^<]+)<', valmiera) == ["1 + 0 / 1", "0 + 0 / 1"]
    assert 'data-testid="no-check-ins"' not in valmiera
    # No check-ins: said so, and the plan shown for what it is.
    assert 'data-testid="no-check-ins"' in cesis and "Ierašanās netika atzīmēta" in cesis
    assert re.findall(r'class="cov-fig"[^>]*>([^<]+)<', cesis) == ["1 + 0 / 1", "1 + 0 / 1"]
    assert "data-state" not in cesis

    chart = page[page.index("<svg"):]
    assert "Izbraukuma sēde Nr. 1 (Valmiera)" in chart
    assert "klātienē 1, attālināti 0, minimums 1; ieradās 0, pievienojās attālināti 0 · nav nodrošināta" in chart
    assert "nav ierašanās datu" in chart


def test_a_future_event_shows_its_plan(client, login, make):
    year = utcnow().year + 2
    make.run(lambda s: create_event(s, tracks=1, state_admin_minimum=2, title_lv="Forums nākotnē",
                                    starts_at=datetime(year, 3, 1, 8, 0, tzinfo=timezone.utc)))
    login("organiser")
    [column] = columns(client.get(f"/admin/coverage?year={year}").get_data(as_text=True))
    assert "Forums nākotnē" in column and "pirms pasākuma: plāns" in column
    assert re.findall(r'class="year-track" data-state="(\w+)"', column) == ["uncovered"]
    assert re.findall(r'class="cov-fig"[^>]*>([^<]+)<', column) == ["0 + 0 / 2"]


def test_past_events_with_check_ins_take_the_same_statements_for_1_and_4(client, login, make, count_queries):
    login("organiser")
    make.run(lambda s: past_session(s, 1, "Valmiera", arrive=True))
    one = statements(client, count_queries, f"/admin/coverage?year={YEAR}")
    for n in range(2, 5):
        make.run(lambda s, n=n: past_session(s, n, "Rēzekne", arrive=n % 2 == 0))
    assert statements(client, count_queries, f"/admin/coverage?year={YEAR}") == one
