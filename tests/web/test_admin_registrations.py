"""Organisers see, filter, export, cancel and move an event's registrations."""
import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.models import (
    AttendanceMode,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Sector,
    Track,
    TrackChoice,
    utcnow,
)

from ..factories import create_event, create_organisation, create_registration
from ..helpers import csrf_token

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED,
)


@pytest.fixture
def setup(make):
    """An event co-hosted by an NGO: two tracks of one seat; Anna and Pēteris seated, Jānis waiting for track 1."""

    def build(s):
        co_host = create_organisation(s, name='biedrība "Vidusdaugavas NVO centrs"')
        other = create_organisation(s, name='biedrība "Kurzemes NVO centrs"')
        event = create_event(s, tracks=2, track_capacity=1, remote_allowed=True, slug="jekabpils")
        event.co_hosts = [co_host]
        first, second = event.tracks
        ids = {
            "anna": create_registration(s, event, full_name="Anna Bērziņa", email="anna@example.lv").id,
            "janis": create_registration(s, event, full_name="Jānis Ozoliņš", email="janis@example.lv").id,
            "peteris": create_registration(
                s, event, full_name="Pēteris Zariņš", email="peteris@example.lv", sector=Sector.STATE_ADMINISTRATION,
                organisation_name="Valsts kanceleja", track_ids={first.slot_id: second.id}).id,
            "liga": create_registration(
                s, event, full_name="Līga Kalniņa", email="liga@example.lv", attendance_mode=AttendanceMode.REMOTE).id,
        }
        return {"co_host": co_host.id, "other_org": other.id, "slot": first.slot_id, "first": first.id,
                "second": second.id, **ids}

    return make.run(build)


LIST = "/admin/events/jekabpils/registrations"


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def flashes(page: str, category: str) -> list[str]:
    return re.findall(rf'class="flash flash-{category}"[^>]*>(.*?)</p>', page, re.S)


def choice_of(make, registration_id: int) -> tuple:
    return make.run(lambda s: s.execute(
        select(TrackChoice.track_id, TrackChoice.status).where(TrackChoice.registration_id == registration_id)
    ).one())


def test_sign_in_is_needed(client, make, setup):
    for url in (LIST, LIST + ".csv"):
        response = client.get(url)
        assert response.status_code == 302 and response.location.startswith("/admin/login")
    token = csrf_token(client, "/")
    response = client.post(f"{LIST}/{setup['anna']}/cancel", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.startswith("/admin/login")
    assert make.run(lambda s: s.get(Registration, setup["anna"]).status) is CONFIRMED


def test_list_shows_people_tracks_and_counts(client, login, setup):
    login("organiser")
    page = page_of(client.get(LIST))
    assert page.count('data-registration="') == 4
    for text in ("Anna Bērziņa", "anna@example.lv", "Valsts kanceleja", "Darba grupa 1", "Darba grupa 2",
                 'class="table-scroll"'):
        assert text in page
    janis = page.split(f'data-registration="{setup["janis"]}"')[1].split("</tr>")[0]
    assert re.search(r'data-testid="track-status">[^<0-9]*1[^<0-9]*</small>', janis)  # first on the waiting list
    counts = page.split('data-testid="track-counts"')[1].split("</table>")[0]
    first = counts.split(f'data-track="{setup["first"]}"')[1].split("</tr>")[0]
    assert re.findall(r"<td[^>]*>(.*?)</td>", first) == ["1", "1", "1", "0"]  # in person, remote, waiting, seats left
    second = counts.split(f'data-track="{setup["second"]}"')[1].split("</tr>")[0]
    assert re.findall(r"<td[^>]*>(.*?)</td>", second) == ["1", "0", "0", "0"]
    # Only organisers get the forms that change registrations.
    assert f'/registrations/{setup["anna"]}/cancel' in page and f'/registrations/{setup["anna"]}/move' in page


@pytest.mark.parametrize("query,expected", [
    ("?mode=remote", ["liga"]),
    ("?sector=state_administration", ["peteris"]),
    ("?track={second}", ["peteris"]),
    ("?status=cancelled", []),
    ("?mode=in_person&sector=ngo", ["anna", "janis"]),
])
def test_filters(client, login, setup, query, expected):
    login("organiser")
    page = page_of(client.get(LIST + query.format(**setup)))
    shown = re.findall(r'data-registration="(\d+)"', page)
    assert shown == [str(setup[name]) for name in expected]
    if not expected:
        assert 'class="empty"' in page


@pytest.mark.parametrize("query", [
    "?status=bogus&track=abc", "?track=99999999999999999999&sector=%F0%9F%98%80&mode=REMOTE",
    "?track=-1&status=&status=confirmed'--", "?track=%EF%BC%91",
])
def test_junk_filter_values_are_ignored(client, login, setup, query):
    login("organiser")
    page = page_of(client.get(LIST + query))
    assert page.count('data-registration="') == 4


def test_nul_in_a_filter_is_refused_before_any_query(client, login, setup):
    """The app refuses NUL in any query string with a 400 (never a 500 from PostgreSQL)."""
    login("organiser")
    assert client.get(LIST + "?status=%00x&track=abc").status_code == 400
    assert client.get(LIST + ".csv?sector=ngo%00").status_code == 400


def test_cancel_gives_the_seat_to_the_first_person_waiting(client, login, make, setup):
    login("organiser")
    token = csrf_token(client, LIST)
    response = client.post(f"{LIST}/{setup['anna']}/cancel?mode=in_person&track=abc", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.location == f"{LIST}?mode=in_person"

    def check(s):
        anna, janis = s.get(Registration, setup["anna"]), s.get(Registration, setup["janis"])
        assert anna.status is CANCELLED and anna.choices[0].status is CANCELLED
        assert janis.choices[0].status is CONFIRMED
        kinds = {(m.registration_id, m.kind) for m in s.scalars(select(OutboxMessage))}
        assert (anna.id, "cancelled") in kinds and (janis.id, "promoted") in kinds

    make.run(check)
    page = page_of(client.get(response.location))
    assert flashes(page, "success")


def test_cancel_needs_csrf_token(client, login, make, setup):
    login("organiser")
    assert client.post(f"{LIST}/{setup['anna']}/cancel").status_code == 400
    assert make.run(lambda s: s.get(Registration, setup["anna"]).status) is CONFIRMED


def test_registration_of_another_event_is_404(client, login, make, setup):
    login("organiser")
    other_id = make.run(lambda s: create_registration(s, create_event(s, tracks=1), email="x@example.lv").id)
    token = csrf_token(client, LIST)
    assert client.post(f"{LIST}/{other_id}/cancel", data={"csrf_token": token}).status_code == 404
    assert client.post(f"{LIST}/{other_id}/move", data={"csrf_token": token, "slot_id": setup["slot"],
                                                         "track_id": setup["second"]}).status_code == 404
    assert make.run(lambda s: s.get(Registration, other_id).status) is CONFIRMED


def test_move_to_a_full_track_is_refused_with_the_reason(client, login, make, setup):
    login("organiser")
    token = csrf_token(client, LIST)
    response = client.post(f"{LIST}/{setup['anna']}/move", data={
        "csrf_token": token, "slot_id": setup["slot"], "track_id": setup["second"]}, follow_redirects=True)
    errors = flashes(page_of(response), "error")
    assert len(errors) == 1 and "Darba grupa 2" in errors[0]
    assert choice_of(make, setup["anna"]) == (setup["first"], CONFIRMED)


def test_move_to_a_free_track(client, login, make, setup):
    login("organiser")
    make.run(lambda s: setattr(s.get(Track, setup["second"]), "capacity", 5))
    token = csrf_token(client, LIST)
    response = client.post(f"{LIST}/{setup['anna']}/move?status=confirmed", data={
        "csrf_token": token, "slot_id": setup["slot"], "track_id": setup["second"]})
    assert response.status_code == 302 and response.location == f"{LIST}?status=confirmed"
    assert choice_of(make, setup["anna"]) == (setup["second"], CONFIRMED)
    assert choice_of(make, setup["janis"]) == (setup["first"], CONFIRMED)  # Anna's old seat went to Jānis
    page = page_of(client.get(response.location))
    assert any("Darba grupa 2" in message for message in flashes(page, "success"))


@pytest.mark.parametrize("data", [
    {"slot_id": "abc", "track_id": "1"}, {"slot_id": "{slot}"}, {"slot_id": "{slot}", "track_id": "999999"},
    {"slot_id": "999999", "track_id": "{second}"},
])
def test_move_with_odd_form_values_is_400(client, login, make, setup, data):
    login("organiser")
    data = {key: value.format(**setup) for key, value in data.items()}
    token = csrf_token(client, LIST)
    response = client.post(f"{LIST}/{setup['anna']}/move", data={"csrf_token": token, **data})
    assert response.status_code == 400
    assert choice_of(make, setup["anna"]) == (setup["first"], CONFIRMED)


def test_csv_download(client, login, setup):
    login("organiser")
    response = client.get(LIST + ".csv?mode=in_person&track=abc")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="jekabpils-registrations.csv"'
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Vārds un uzvārds", "E-pasts", "Organizācija", "Sektors", "Dalības veids", "Statuss"]
    assert rows[0][-2:] == ["Reģistrēts", "Ierašanās atzīmēta"]
    assert [row[0] for row in rows[1:]] == ["Anna Bērziņa", "Jānis Ozoliņš", "Pēteris Zariņš"]
    assert rows[2][6] == "Darba grupa 1 (gaidīšanas sarakstā, nr. 1)"


def test_co_hosting_partner_sees_and_exports_but_cannot_change(client, login, make, setup):
    login("partner", organisation_id=setup["co_host"])
    assert "/admin/events/jekabpils/registrations" in page_of(client.get("/admin/events/jekabpils"))
    page = page_of(client.get(LIST))
    assert "Anna Bērziņa" in page
    assert "/cancel" not in page and "/move" not in page
    assert client.get(LIST + ".csv").status_code == 200
    token = csrf_token(client, LIST)
    assert client.post(f"{LIST}/{setup['anna']}/cancel", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{LIST}/{setup['anna']}/move", data={
        "csrf_token": token, "slot_id": setup["slot"], "track_id": setup["second"]}).status_code == 403
    assert make.run(lambda s: s.get(Registration, setup["anna"]).status) is CONFIRMED


def test_partner_of_another_organisation_is_refused(client, login, setup):
    login("partner", organisation_id=setup["other_org"])
    assert client.get(LIST).status_code == 403
    assert client.get(LIST + ".csv").status_code == 403


def test_facilitator_is_refused(client, login, setup):
    login("facilitator")
    assert client.get(LIST).status_code == 403
    assert client.get(LIST + ".csv").status_code == 403


def test_unknown_event_is_404(client, login):
    login("organiser")
    assert client.get("/admin/events/nav-tada/registrations").status_code == 404
    assert client.get("/admin/events/nav-tada/registrations.csv").status_code == 404


def test_empty_event_says_so(client, login, make):
    login("organiser")
    slug = make.event()
    page = page_of(client.get(f"/admin/events/{slug}/registrations"))
    assert 'class="empty"' in page and 'data-registration="' not in page


def test_once_the_event_has_started_the_list_offers_no_cancel_or_move(client, login, make):
    """From the start the service refuses cancelling and moving, so the list does not offer them;
    sending the private link again stays."""

    def build(s):
        event = create_event(s, tracks=2, track_capacity=5, slug="started",
                             starts_at=utcnow() - timedelta(hours=1), ends_at=utcnow() + timedelta(hours=3))
        return create_registration(s, event, utcnow() - timedelta(days=1), full_name="Anna Bērziņa",
                                   email="anna@example.lv").id

    anna = make.run(build)
    login("organiser")
    page = page_of(client.get("/admin/events/started/registrations"))
    assert f"/registrations/{anna}/resend" in page
    assert f"/registrations/{anna}/cancel" not in page and f"/registrations/{anna}/move" not in page
    bulk = page.split('id="bulk-action"')[1].split("</select>")[0]
    assert 'value="resend"' in bulk and 'value="cancel"' not in bulk and 'value="move-' not in bulk
