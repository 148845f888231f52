"""Remote presence in every report: the board's past cards, the CSV, workbook and PDF, the year
view, the arrivals at the door, the dashboard, and the seeded Jēkabpils minorities track."""
import csv
import io
import re
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook
from sqlalchemy import func, select

from eventapp.models import AttendanceMode, Event, JoinKind, Registration, RemoteJoin, Sector, utcnow
from eventapp.services.demo import seed_demo

from ..factories import create_event, create_registration
from ..pdf_tools import pdf_text
from .test_query_counts import statements

JEKABPILS = "2025-09-03-jekabpils-regional-session"
MINORITIES = "Mazākumtautību biedrību attīstības jautājumi"
YEAR = utcnow().year - 5  # a past year of the tests' own, with no demo data


def remote_session(session, *, starts_at=None, tracks: int = 2, title_lv: str = "Sēde ar attālināto ekspertu") -> str:
    """A past session whose first track's only state-administration person took part remotely and
    joined by the event's link; its second track has an expert who came in person (checked in)."""
    from eventapp.models import CheckIn

    starts = starts_at or utcnow() - timedelta(days=3)
    event = create_event(session, tracks=tracks, state_admin_minimum=1, starts_at=starts, remote_allowed=True,
                         remote_link="https://example.org/sanaksme", title_lv=title_lv)
    first, second = event.tracks[:2]
    remote = create_registration(session, event, starts - timedelta(days=10), full_name="Dace Attālinātā",
                                 sector=Sector.STATE_ADMINISTRATION, organisation_name="Kultūras ministrija",
                                 attendance_mode=AttendanceMode.REMOTE, track_ids={first.slot_id: first.id})
    came = create_registration(session, event, starts - timedelta(days=10), full_name="Māris Klātienē",
                               sector=Sector.STATE_ADMINISTRATION, organisation_name="Labklājības ministrija",
                               track_ids={second.slot_id: second.id})
    session.add(RemoteJoin(registration_id=remote.id, track_id=None, joined_at=starts + timedelta(minutes=4),
                           how=JoinKind.LINK))
    session.add(CheckIn(registration=came, scan_id=f"remote-web-{event.slug}", scanned_at=starts, recorded_at=starts))
    session.flush()
    return event.slug


def test_the_past_board_shows_covered_remotely_and_who_joined(client, login, make):
    slug = make.run(remote_session)
    login("organiser")
    page = client.get(f"/admin/events/{slug}/coverage").get_data(as_text=True)
    assert re.findall(r'data-testid="coverage-track" data-state="(\w+)"', page) == ["covered_remotely", "covered"]
    first = page.split('data-testid="coverage-track"')[1]
    assert '<span aria-hidden="true">◑</span> nodrošināta attālināti' in first  # the word, not the mark alone
    assert "ieradās 0 · pievienojās attālināti 1 no 1 nepieciešamā" in first
    assert re.search(r"Dace Attālinātā.*?<strong>pievienojās attālināti</strong>", first, re.S)
    summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.split('data-testid="coverage-summary">')[1].split("</p>")[0]))
    assert summary.strip() == ("2 darba grupas: 1 nodrošināta, 1 attālināti, 0 nav nodrošinātu "
                               "(pēc ierašanās un attālinātās pievienošanās atzīmēm)")


def test_the_reports_give_in_person_remote_and_the_state_in_columns(client, login, make, tmp_path):
    slug = make.run(remote_session)
    login("organiser")
    rows = list(csv.reader(io.StringIO(
        client.get(f"/admin/events/{slug}/coverage-report.csv").get_data().decode("utf-8-sig"))))
    header = rows[0]
    assert header[5:8] == ["Ieradās klātienē", "Pievienojās attālināti", "Faktiskā pārstāvība"]
    assert [row[5:8] for row in rows[1:]] == [["0", "1", "nodrošināta attālināti"], ["1", "0", "nodrošināta"]]

    sheet = load_workbook(io.BytesIO(client.get(f"/admin/events/{slug}/coverage-report.xlsx").data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][5:8] == ["Ieradās klātienē", "Pievienojās attālināti", "Faktiskā pārstāvība"]
    assert values[1][5:8] == [0, 1, "nodrošināta attālināti"]  # numbers stay numbers

    pdf = client.get(f"/admin/events/{slug}/coverage-report.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.data, tmp_path)
    assert "Pievienojās attālināti" in text and "Faktiskā pārstāvība" in text
    assert "nodrošināta attālināti" in text and "Ierašanās: ieradušies / minimums" in text

    with client.session_transaction() as session:
        session["lang"] = "en"
    english = client.get(f"/admin/events/{slug}/coverage-report.csv").get_data().decode("utf-8-sig")
    assert "Arrived in person,Joined remotely,Actual coverage" in english and "covered remotely" in english


def test_the_year_view_shows_in_person_and_remote_side_by_side(client, login, make):
    make.run(lambda s: remote_session(s, starts_at=datetime(YEAR, 6, 3, 7, 0, tzinfo=timezone.utc)))
    login("organiser")
    page = client.get(f"/admin/coverage?year={YEAR}").get_data(as_text=True)
    assert re.findall(r'class="year-track" data-state="(\w+)"', page) == ["covered_remotely", "covered"]
    assert re.findall(r'class="cov-fig"[^>]*>([^<]+)<', page.split('<div class="year-grid">')[1]) == ["0 + 1 / 1",
                                                                                                   "1 + 0 / 1"]
    assert "nodrošināta attālināti" in page
    chart = page[page.index("<svg"):]
    assert "klātienē 0, attālināti 1, minimums 1; ieradās 0, pievienojās attālināti 1 · nodrošināta attālināti" in chart


def test_arrivals_at_the_door_show_who_joined_remotely(client, login, make):
    slug = make.run(remote_session)
    login("organiser")
    page = client.get(f"/admin/events/{slug}/checkin").get_data(as_text=True)
    counts = page.split('data-testid="counts"')[1]
    assert '<span class="checkin-joined" data-testid="joined">1 pievienojās attālināti</span>' in counts
    state_row = re.search(r'<tr data-sector="state_administration".*?</tr>', counts, re.S).group(0)
    assert '<td>1 / 1</td>' in state_row and '<td data-testid="joined">1</td>' in state_row
    track_rows = re.findall(r'<tr data-track="\d+">.*?</tr>', counts, re.S)
    joined = [re.search(r'data-testid="joined">(\d+)<.*?data-testid="joined-state">(\d+)<', row, re.S).groups()
              for row in track_rows]
    assert joined == [("1", "1"), ("0", "0")]


def test_the_dashboard_s_recent_events_show_who_joined_remotely(client, login, make):
    make.run(remote_session)
    login("organiser")
    past = client.get("/admin/").get_data(as_text=True).split('data-testid="dash-past"')[1]
    assert re.search(r'data-testid="arrived">1 / 1</td>', past)
    assert re.search(r'data-testid="joined">1</td>', past)


def test_the_seeded_jekabpils_minorities_track_is_covered_remotely(client, login, make, tmp_path):
    make.run(lambda s: seed_demo(s, utcnow()))
    assert make.run(lambda s: seed_demo(s, utcnow())) == []  # seeding again adds no second join
    who = make.run(lambda s: s.execute(
        select(Registration.full_name, Registration.sector, func.count(RemoteJoin.id))
        .join(RemoteJoin, RemoteJoin.registration_id == Registration.id)
        .join(Event, Event.id == Registration.event_id).where(Event.slug == JEKABPILS)
        .group_by(Registration.full_name, Registration.sector)).all())
    assert [tuple(row) for row in who] == [("Dace Liepiņa", Sector.STATE_ADMINISTRATION, 1)]  # one join, hers

    login("organiser")
    rows = list(csv.reader(io.StringIO(
        client.get(f"/admin/events/{JEKABPILS}/coverage-report.csv").get_data().decode("utf-8-sig"))))
    minorities = next(row for row in rows if row[1].startswith(MINORITIES))
    assert minorities[5:8] == ["0", "1", "nodrošināta attālināti"]
    states = [row[7] for row in rows[1:]]
    assert states == ["nodrošināta", "nodrošināta", "nodrošināta attālināti", "nav nodrošināta"]

    text = pdf_text(client.get(f"/admin/events/{JEKABPILS}/coverage-report.pdf").data, tmp_path)
    after_track = text.split(MINORITIES, 1)[1]
    assert "nodrošināta attālināti" in after_track.split("Birokrātijas")[0]  # in the minorities track's row
    assert "Memoranda padomes izbraukuma sēde Jēkabpilī" in text  # Latvian letters intact


def remote_experts(make, tracks: int) -> str:
    """A past event with a remote state-administration expert in each track, each of whom joined."""
    def build(session):
        starts = utcnow() - timedelta(days=3)
        event = create_event(session, tracks=min(tracks, 4), state_admin_minimum=1, starts_at=starts,
                             remote_allowed=True, remote_link="https://example.org/sanaksme")
        if tracks > 4:
            from ..unit.test_query_counts import more_time_blocks
            more_time_blocks(session, event, tracks - 4)
        for n, track in enumerate(event.tracks):
            choices = {slot.id: track.id if slot.id == track.slot_id else slot.tracks[0].id for slot in event.slots}
            person = create_registration(session, event, starts - timedelta(days=10),
                                         sector=Sector.STATE_ADMINISTRATION, organisation_name="Kultūras ministrija",
                                         attendance_mode=AttendanceMode.REMOTE, track_ids=choices)
            session.add(RemoteJoin(registration_id=person.id, track_id=track.id if n % 2 else None,
                                   joined_at=starts, how=JoinKind.LINK))
        session.flush()
        return event.slug

    return make.run(build)


def test_coverage_with_remote_joins_takes_the_same_statements_for_1_and_8_tracks(client, login, make, count_queries):
    login("organiser")
    one, eight = remote_experts(make, 1), remote_experts(make, 8)
    assert client.get(f"/admin/events/{eight}/coverage-report.csv").get_data().decode("utf-8-sig").count(
        "nodrošināta attālināti") == 8
    for page in ("/admin/events/{}/coverage", "/admin/events/{}/coverage-report.csv",
                 "/admin/events/{}/coverage-report.pdf", "/admin/events/{}/checkin"):
        assert statements(client, count_queries, page.format(eight)) == statements(client, count_queries, page.format(one))


def test_the_year_view_with_remote_joins_takes_the_same_statements_for_1_and_4_events(client, login, make, count_queries):
    login("organiser")
    make.run(lambda s: remote_session(s, starts_at=datetime(YEAR, 3, 3, 7, 0, tzinfo=timezone.utc)))
    one = statements(client, count_queries, f"/admin/coverage?year={YEAR}")
    for n in range(1, 4):
        make.run(lambda s, n=n: remote_session(s, starts_at=datetime(YEAR, 3 + n, 3, 7, 0, tzinfo=timezone.utc),
                                               title_lv=f"Sēde {n}"))
    assert statements(client, count_queries, f"/admin/coverage?year={YEAR}") == one
