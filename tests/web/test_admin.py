"""Organisers create, edit, publish and cancel events, time blocks and tracks."""
import pytest
from sqlalchemy import select

from eventapp.models import AuditEntry, Event, EventStatus

from ..factories import create_event, create_organisation
from ..helpers import csrf_token


def event_form(**values):
    data = {
        "kind": "regional_session", "title_lv": "Izbraukuma sēde Valmierā", "title_en": "Visiting session in Valmiera",
        "starts_at": "2027-03-04T10:00", "ends_at": "2027-03-04T16:00", "city": "Valmiera",
        "venue": "Valmieras kultūras centrs", "capacity": "60",
    }
    data.update(values)
    return data


@pytest.mark.parametrize("url", ["/admin/", "/admin/events/new"])
def test_pages_need_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.location.startswith("/admin/login")


def test_organiser_creates_event_with_slot_of_four_tracks_and_publishes_it(client, login, make):
    login("organiser")
    url = "/admin/events/new"
    response = client.post(url, data=event_form(csrf_token=csrf_token(client, url)))
    assert response.status_code == 302
    slug = response.location.rsplit("/", 1)[1]
    assert slug == "2027-03-04-izbraukuma-sede-valmiera"

    url = f"/admin/events/{slug}/slots/new"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "title_lv": "Paralēlās darba grupas",
                                      "starts_at": "2027-03-04T13:00", "ends_at": "2027-03-04T14:30"})
    assert response.status_code == 302
    slot_id = make.run(lambda s: s.scalar(select(Event).where(Event.slug == slug)).slots[0].id)
    for title in ("Senioru līdzdalība", "Jaunatnes tests", "Civilā aizsardzība", "Kopienu veidošanās"):
        url = f"/admin/events/{slug}/slots/{slot_id}/tracks/new"
        response = client.post(url, data={"csrf_token": csrf_token(client, url), "title_lv": title, "capacity": "15",
                                          "state_admin_minimum": ""})
        assert response.status_code == 302

    assert client.get(f"/events/{slug}").status_code == 404  # still a draft
    token = csrf_token(client, f"/admin/events/{slug}")
    assert client.post(f"/admin/events/{slug}/publish", data={"csrf_token": token}).status_code == 302

    page = client.get(f"/events/{slug}").get_data(as_text=True)
    assert page.count('data-testid="track"') == 4
    assert "Senioru līdzdalība" in page and "13:00–14:30" in page
    assert "Izbraukuma sēde Valmierā" in client.get("/").get_data(as_text=True)

    def check(s):
        event = s.scalar(select(Event).where(Event.slug == slug))
        assert event.status is EventStatus.PUBLISHED
        assert event.starts_at.hour == 8  # 10:00 in Riga in March is 08:00 UTC
        assert [t.state_admin_minimum for t in event.tracks] == [1, 1, 1, 1]  # a regional session's default
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.event_id == event.id)).all()
        assert actions.count("track.create") == 4 and "event.publish" in actions

    make.run(check)


def test_form_errors_keep_what_was_typed(client, login):
    login("organiser")
    url = "/admin/events/new"
    response = client.post(url, data=event_form(csrf_token=csrf_token(client, url), title_lv="Rēzeknes sēde ✓ <b>",
                                                ends_at="2027-03-04T09:00"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Rēzeknes sēde ✓ &lt;b&gt;"' in page
    assert 'aria-invalid="true"' in page


@pytest.mark.parametrize("field,value", [
    ("starts_at", "not a date"), ("capacity", "-5"), ("capacity", "abc"), ("kind", "party"),
    ("title_lv", ""), ("title_lv", "x" * 5000), ("remote_link", "javascript:alert(1)"),
    ("starts_at", "0001-01-01T00:00"), ("ends_at", "9999-12-31T23:59"), ("held_seats_release_at", "0001-01-01T00:30"),
])
def test_odd_input_is_refused_on_the_form_never_500(client, login, field, value):
    login("organiser")
    url = "/admin/events/new"
    response = client.post(url, data=event_form(csrf_token=csrf_token(client, url), **{field: value}))
    assert response.status_code == 200
    assert 'class="error"' in response.get_data(as_text=True)


def test_wrong_csrf_token_is_a_clear_400(client, login):
    login("organiser")
    response = client.post("/admin/events/new", data=event_form(csrf_token="forged"))
    assert response.status_code == 400
    assert 'class="site-header"' in response.get_data(as_text=True)


def test_track_over_capacity_minimum_is_refused_with_message(client, login, make):
    login("organiser")
    slug = make.event(tracks=1)
    slot_id, track_id = make.run(lambda s: (lambda e: (e.slots[0].id, e.tracks[0].id))(s.scalar(select(Event).where(Event.slug == slug))))
    url = f"/admin/events/{slug}/tracks/{track_id}/edit"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "title_lv": "Grupa", "capacity": "2",
                                      "state_admin_minimum": "3"})
    assert response.status_code == 200
    assert 'id="state_admin_minimum-error"' in response.get_data(as_text=True)


def test_slot_outside_event_time_is_refused(client, login, make):
    login("organiser")
    slug = make.event()
    url = f"/admin/events/{slug}/slots/new"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "title_lv": "Vakars",
                                      "starts_at": "2000-01-01T10:00", "ends_at": "2000-01-01T11:00"})
    assert response.status_code == 200
    assert 'id="starts_at-error"' in response.get_data(as_text=True)


def test_track_of_another_event_is_404(client, login, make):
    login("organiser")
    mine, other = make.event(tracks=1), make.event(tracks=1)
    other_track = make.run(lambda s: s.scalar(select(Event).where(Event.slug == other)).tracks[0].id)
    assert client.get(f"/admin/events/{mine}/tracks/{other_track}/edit").status_code == 404


def test_edit_sets_co_host_and_bumps_calendar_sequence(client, login, make):
    login("organiser")
    slug = make.event()
    org_id = make.organisation(name='biedrība "Vidusdaugavas NVO centrs"')
    url = f"/admin/events/{slug}/edit"
    response = client.post(url, data=event_form(csrf_token=csrf_token(client, url), co_hosts=[str(org_id)],
                                                starts_at="2027-05-05T11:00", ends_at="2027-05-05T15:00"))
    assert response.status_code == 302

    def check(s):
        event = s.scalar(select(Event).where(Event.slug == slug))
        assert [o.name for o in event.co_hosts] == ['biedrība "Vidusdaugavas NVO centrs"']
        assert event.sequence == 1

    make.run(check)


def test_cancel_event(client, login, make):
    login("organiser")
    slug = make.event()
    token = csrf_token(client, f"/admin/events/{slug}")
    client.post(f"/admin/events/{slug}/cancel", data={"csrf_token": token})
    assert make.run(lambda s: s.scalar(select(Event.status).where(Event.slug == slug))) is EventStatus.CANCELLED
    response = client.post(f"/admin/events/{slug}/publish", data={"csrf_token": token}, follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["partner", "facilitator"])
def test_partners_and_facilitators_cannot_create_or_edit_events(client, login, make, role):
    login(role)
    slug = make.event()
    assert client.get("/admin/events/new").status_code == 403
    assert client.get(f"/admin/events/{slug}/edit").status_code == 403


def test_partner_sees_only_the_events_its_organisation_co_hosts(client, login, make):
    def setup(s):
        co_host = create_organisation(s, name='biedrība "Vidusdaugavas NVO centrs"')
        ours = create_event(s, title_lv="Jēkabpils sēde")
        ours.co_hosts = [co_host]
        create_event(s, title_lv="Liepājas sēde")
        return co_host.id

    org_id = make.run(setup)
    login("partner", organisation_id=org_id)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Jēkabpils sēde" in page and "Liepājas sēde" not in page
