"""The organisers' home page and an event's page: what they show and what they cost."""
import re
from datetime import timedelta

from eventapp.formatting import to_riga
from eventapp.models import EventStatus, Sector, utcnow
from eventapp.services.coverage import delegation

from ..factories import create_event, create_organisation, create_registration, future
from ..unit.test_dashboard import failed, situation


def cards(page: str) -> list[str]:
    return page.split('data-testid="dash-event"')[1:]


def figure(card: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}">(.*?)</(dd|strong|td)>', card, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()


def test_the_dashboard_shows_each_event_s_figures_worst_coverage_first(client, login, make):
    make.run(situation)
    login("organiser")
    page = client.get("/admin/").get_data(as_text=True)
    jekabpils, liepaja, valmiera = cards(page)
    assert "Jēkabpils sēde" in jekabpils and "Liepājas sēde" in liepaja and "Valmieras sēde" in valmiera
    assert figure(jekabpils, "seats").startswith("3 / 4")
    assert figure(jekabpils, "waiting") == "1"
    assert "1 nav nodrošināta" in figure(jekabpils, "coverage")
    assert figure(jekabpils, "failed-mail") == "2"
    days = (to_riga(future(10)).date() - to_riga(utcnow()).date()).days  # 9 after midnight in Riga and before it in UTC
    assert figure(jekabpils, "days-to-go") == f"pēc {days} dienām"
    assert figure(liepaja, "requests") == "1"
    past = page.split('data-testid="dash-past"')[1]
    assert "Rēzeknes sēde" in past and figure(past, "arrived") == "1 / 2" and "Darba grupa 2" in past


def test_the_charts_have_a_title_text_labels_and_a_table(client, login, make):
    make.run(situation)
    login("organiser")
    jekabpils = cards(client.get("/admin/").get_data(as_text=True))[0]
    assert jekabpils.count("<svg") == 2 and jekabpils.count("<title") == 2
    assert "Reģistrācijas laika gaitā: kopā 5" in jekabpils
    assert re.search(r'<text[^>]*>NVO</text>', jekabpils)  # the sector bar says whose it is
    assert re.search(r'<text[^>]*>4</text>', jekabpils)  # and how many
    table = jekabpils.split("<table")[1]
    assert [int(n) for n in re.findall(r"<td>(\d+)</td>", table)] == [2, 4, 5]


def test_a_partner_sees_only_the_events_its_organisation_co_hosts(client, login, make):
    world = make.run(situation)
    login("partner", organisation_id=world.co_host_id)
    page = client.get("/admin/").get_data(as_text=True)
    assert len(cards(page)) == 1 and "Jēkabpils sēde" in page
    assert "Liepājas sēde" not in page and "Rēzeknes sēde" not in page
    assert figure(cards(page)[0], "failed-mail") == "1"


def test_cancelling_says_how_many_people_will_be_mailed(client, login, make):
    world = make.run(situation)
    login("organiser")
    page = client.get(f"/admin/events/{world.jekabpils}").get_data(as_text=True)
    danger = page.split('data-testid="danger"')[1]
    assert re.search(r'data-confirm="[^"]*\b5\b[^"]*"', danger)
    assert page.index('data-testid="group-settings"') < page.index('data-testid="danger"')
    for group in ("group-people", "group-coverage", "door", "group-summaries", "group-settings"):
        assert f'data-testid="{group}"' in page


def test_a_cancelled_event_offers_no_cancel(client, login, make):
    slug = make.event(status=EventStatus.CANCELLED)
    login("organiser")
    assert 'data-testid="danger"' not in client.get(f"/admin/events/{slug}").get_data(as_text=True)


def dashboard_world(session, upcoming: int, with_past: bool = True) -> None:
    """`upcoming` events alike (tracks, people of each sector, a request, failed mail) and a past one."""
    ministry = create_organisation(session, sector=Sector.STATE_ADMINISTRATION)
    now = utcnow()
    for n in range(upcoming):
        event = create_event(session, starts_at=future(5 + n), tracks=2, state_admin_minimum=1, remote_allowed=True)
        create_registration(session, event, sector=Sector.STATE_ADMINISTRATION, organisation_name=ministry.name,
                            now=now - timedelta(days=2))
        create_registration(session, event, now=now)
        delegation.send_request(session, None, event.tracks[1], ministry, "kanceleja@lm.gov.lv", "", now)
        failed(session, event)
    if with_past:
        past = create_event(session, starts_at=future(-3), tracks=2)
        create_registration(session, past, now=now - timedelta(days=10))


def dashboard_statements(client, count_queries) -> int:
    client.get("/admin/")
    with count_queries() as queries:
        assert client.get("/admin/").status_code == 200
    return len(queries)


def test_the_dashboard_takes_the_same_statements_for_1_and_6_events(client, login, make, count_queries):
    login("organiser")
    make.run(lambda s: dashboard_world(s, 1))
    one = dashboard_statements(client, count_queries)
    make.run(lambda s: dashboard_world(s, 5, with_past=False))
    assert dashboard_statements(client, count_queries) == one
