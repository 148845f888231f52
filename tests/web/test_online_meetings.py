"""Online meetings through the pages: the event form, registering, the private page and badge, the
public page, the attendance report and its export, and the season's meetings made at once."""
import csv
import io
from datetime import date, datetime, time, timedelta

from openpyxl import load_workbook

from eventapp.extensions import db
from eventapp.formatting import RIGA
from eventapp.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    JoinKind,
    Registration,
    RemoteJoin,
    Sector,
)

from ..factories import create_event, create_organisation, create_registration, future
from ..helpers import csrf_token

LINK = "https://meet.example.lv/slepena-telpa"


def online_meeting(make, **values) -> str:
    return make.event(kind=EventKind.ONLINE_MEETING, remote_allowed=True, remote_link=LINK, slug="tiessaiste",
                      **values)


def test_the_event_form_keeps_no_seats_for_an_online_meeting(client, login, app):
    login()
    starts = future(40)
    data = {
        "csrf_token": csrf_token(client, "/admin/events/new"), "kind": "online_meeting", "title_lv": "Tikšanās",
        "starts_at": starts.astimezone(RIGA).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=1)).astimezone(RIGA).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "30", "remote_link": LINK,
    }
    response = client.post("/admin/events/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        event = db.session.query(Event).one()
        assert (event.kind, event.capacity, event.remote_allowed) == (EventKind.ONLINE_MEETING, None, True)
        slug = event.slug
    page = client.get(f"/admin/events/{slug}/edit").get_data(as_text=True)
    assert 'name="capacity"' not in page and 'name="held_seats_release_at"' not in page
    assert 'name="capacity"' in client.get("/admin/events/new").get_data(as_text=True)
    detail = client.get(f"/admin/events/{slug}").get_data(as_text=True)
    assert 'data-testid="attendance"' in detail and "Vietas klātienē" not in detail


def test_registering_for_an_online_meeting_asks_no_way_of_taking_part(client, make, app):
    slug = online_meeting(make, capacity=1)
    page = client.get(f"/events/{slug}/register").get_data(as_text=True)
    assert 'name="attendance_mode"' not in page
    for n in (1, 2):
        response = client.post(f"/events/{slug}/register", data={
            "csrf_token": csrf_token(client, f"/events/{slug}/register"), "full_name": f"Anna {n}",
            "email": f"anna{n}@example.lv", "sector": "ngo", "organisation": "biedrība", "consent_data": "y",
            "language": "lv", "attendance_mode": "in_person",
        })
        assert response.status_code == 302
    sent = client.get(response.location).get_data(as_text=True)
    assert "badge" not in sent.lower() and "QR" not in sent
    with app.app_context():
        assert {(r.attendance_mode, r.status.value) for r in db.session.query(Registration)} == {
            (AttendanceMode.REMOTE, "confirmed")}


def test_the_private_page_has_no_badge_and_the_badge_address_says_why(client, make):
    slug = online_meeting(make)
    secret = make.run(lambda s: create_registration(s, s.query(Event).filter_by(slug=slug).one()).secret)
    page = client.get(f"/r/{secret}").get_data(as_text=True)
    assert 'data-testid="badge"' not in page
    response = client.get(f"/r/{secret}/badge.pdf")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert 'data-testid="no-badge"' in response.get_data(as_text=True)
    # Elsewhere the badge is still there.
    other = make.run(lambda s: create_registration(s, create_event(s)).secret)
    assert client.get(f"/r/{other}/badge.pdf").mimetype == "application/pdf"


def test_the_public_page_says_online_without_seats_and_never_shows_the_address(client, make):
    slug = online_meeting(make, capacity=40)
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    assert 'data-testid="online-meeting"' in page
    assert LINK not in page
    assert LINK not in client.get(f"/events/{slug}.ics").get_data(as_text=True)


def attendance_scene(s):
    alianse = create_organisation(s, "biedrība \"Latvijas Pilsoniskā alianse\"")
    kanceleja = create_organisation(s, "Valsts kanceleja", sector=Sector.STATE_ADMINISTRATION)
    earlier = create_event(s, kind=EventKind.ONLINE_MEETING, starts_at=datetime(2020, 1, 16, 10, tzinfo=RIGA))
    meeting = create_event(s, kind=EventKind.ONLINE_MEETING, slug="tiessaiste",
                           starts_at=datetime(2020, 2, 20, 10, tzinfo=RIGA))

    def join(event, org_name, name):
        r = create_registration(s, event, now=event.starts_at - timedelta(days=1), organisation_name=org_name,
                                full_name=name)
        s.add(RemoteJoin(registration_id=r.id, joined_at=event.starts_at, how=JoinKind.LINK))
        return r

    join(earlier, alianse.name, "Agrāk")
    join(meeting, alianse.name, "Anna")
    join(meeting, kanceleja.name, "Jānis")
    join(meeting, "Jauna biedrība", "Zane")
    create_registration(s, meeting, now=meeting.starts_at - timedelta(days=1), full_name="Tikai reģistrējās")
    s.flush()


def test_the_attendance_report_and_its_export(client, make, login):
    make.run(attendance_scene)
    login()
    page = client.get("/admin/events/tiessaiste/attendance")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="registered">4<' in html and 'data-testid="joined">3<' in html
    assert 'data-testid="organisations">3<' in html and 'data-testid="first-time">2<' in html
    assert '<tr data-sector="ngo"><th scope="row">' in html
    assert html.count("data-first-time") == 2

    response = client.get("/admin/events/tiessaiste/attendance.csv")
    assert response.status_code == 200 and 'filename="tiessaiste-attendance.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    body = {row[0]: row for row in rows[1:]}
    assert set(body) == {"biedrība \"Latvijas Pilsoniskā alianse\"", "Valsts kanceleja", "Jauna biedrība"}
    assert body["Valsts kanceleja"][2:4] == ["1", "Jānis"]
    assert {name: row[4] for name, row in body.items()} == {
        "biedrība \"Latvijas Pilsoniskā alianse\"": "nē", "Valsts kanceleja": "jā", "Jauna biedrība": "jā"}

    workbook = load_workbook(io.BytesIO(client.get("/admin/events/tiessaiste/attendance.xlsx").data))
    assert workbook.active.max_row == 4


def test_a_partner_sees_the_attendance_of_the_meetings_it_co_hosts_only(client, make, login):
    make.run(attendance_scene)
    org = make.organisation(name="Partneris")
    login("partner", organisation_id=org)
    assert client.get("/admin/events/tiessaiste/attendance").status_code == 403
    assert client.get("/admin/events/tiessaiste/attendance.csv").status_code == 403
    assert client.get("/admin/events/nav-tada/attendance").status_code == 404


def series_form(client, **values):
    return {
        "csrf_token": csrf_token(client, "/admin/online-meetings/series"), "source": "sessions",
        "first_day": "2027-01-01", "last_day": "2027-03-31", "dates": "", "starts": "10:00", "ends": "11:30",
        "title_lv": "Tiešsaistes tikšanās ar memoranda parakstītājām organizācijām, {date}",
        "title_en": "Online meeting with the memorandum's signatory organisations, {date}",
        "remote_link": LINK, "action": "preview",
    } | values


def test_the_season_page_shows_the_dates_then_makes_each_meeting_once(client, make, login, app):
    for day in (date(2027, 1, 12), date(2027, 2, 9)):
        make.event(kind=EventKind.COUNCIL_SESSION, starts_at=datetime.combine(day, time(14), RIGA))
    login()
    assert client.get("/admin/online-meetings/series").status_code == 200

    preview = client.post("/admin/online-meetings/series", data=series_form(client))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert 'data-day="2027-01-21"' in html and 'data-day="2027-02-18"' in html
    assert "2027. gada 21. janvāris" in html
    with app.app_context():
        assert db.session.query(Event).filter_by(kind=EventKind.ONLINE_MEETING).count() == 0

    made = client.post("/admin/online-meetings/series", data=series_form(client, action="create"))
    assert made.status_code == 302
    with app.app_context():
        meetings = db.session.query(Event).filter_by(kind=EventKind.ONLINE_MEETING).order_by(Event.starts_at).all()
        assert [(m.starts_at.astimezone(RIGA).replace(tzinfo=None), m.status) for m in meetings] == [
            (datetime(2027, 1, 21, 10), EventStatus.DRAFT), (datetime(2027, 2, 18, 10), EventStatus.DRAFT)]

    again = client.post("/admin/online-meetings/series", data=series_form(client)).get_data(as_text=True)
    assert again.count("data-existing") == 2 and 'data-testid="nothing-to-make"' in again
    client.post("/admin/online-meetings/series", data=series_form(client, action="create"))
    with app.app_context():
        assert db.session.query(Event).filter_by(kind=EventKind.ONLINE_MEETING).count() == 2


def test_the_season_from_typed_dates_and_typing_slips(client, login, app):
    login()
    response = client.post("/admin/online-meetings/series", data=series_form(
        client, source="dates", dates="2027-04-13\n31.02.2027", publish="y", action="create"))
    assert response.status_code == 200 and "31.02.2027" in response.get_data(as_text=True)
    response = client.post("/admin/online-meetings/series", data=series_form(
        client, source="dates", dates="2027-04-13", publish="y", action="create"))
    assert response.status_code == 302
    with app.app_context():
        meeting = db.session.query(Event).one()
        assert meeting.status is EventStatus.PUBLISHED and meeting.starts_at.astimezone(RIGA).date() == date(2027, 4, 22)
    empty = client.post("/admin/online-meetings/series", data=series_form(client, first_day="2030-01-01", last_day="2030-01-31"))
    assert empty.status_code == 200 and 'data-testid="series-plan"' not in empty.get_data(as_text=True)
    bad = client.post("/admin/online-meetings/series", data=series_form(client, starts="nonsense"))
    assert bad.status_code == 200


def test_only_organisers_make_a_season(client, make, login):
    org = make.organisation(name="Partneris")
    login("partner", organisation_id=org)
    assert client.get("/admin/online-meetings/series").status_code == 403
    assert client.post("/admin/online-meetings/series", data={"action": "create"}).status_code in (400, 403)


def test_signed_out_people_are_sent_to_sign_in(client):
    assert client.get("/admin/online-meetings/series").status_code == 302
    assert client.get("/admin/events/tiessaiste/attendance").status_code == 302


def meeting_with_joins(make, people: int) -> str:
    def build(s):
        meeting = create_event(s, kind=EventKind.ONLINE_MEETING, starts_at=datetime(2020, 5, 21, 10, tzinfo=RIGA))
        for n in range(people):
            org = create_organisation(s, sector=Sector.NGO if n % 2 else Sector.MUNICIPALITY)
            r = create_registration(s, meeting, now=meeting.starts_at - timedelta(days=1), organisation_name=org.name)
            s.add(RemoteJoin(registration_id=r.id, joined_at=meeting.starts_at, how=JoinKind.LINK))
        return meeting.slug

    return make.run(build)


def test_the_attendance_report_takes_the_same_statements_for_few_and_many(client, login, make, count_queries):
    login()
    few, many = meeting_with_joins(make, 2), meeting_with_joins(make, 15)

    def statements(slug):
        client.get(f"/admin/events/{slug}/attendance")
        with count_queries() as queries:
            assert client.get(f"/admin/events/{slug}/attendance").status_code == 200
        return len(queries)

    assert statements(many) == statements(few)
