"""The private page /r/<token> once the event has started, and what it says at an online meeting."""
from datetime import timedelta

from eventapp.extensions import db
from eventapp.models import AttendanceMode, EventKind, Registration, RegistrationStatus, utcnow

from ..factories import create_event, create_registration
from ..helpers import csrf_token


def registered(make, hours_ago: int, **values) -> tuple[str, int]:
    """The private link and id of a person registered a week before an event that started `hours_ago` hours ago."""
    def build(s):
        starts = utcnow().replace(microsecond=0) - timedelta(hours=hours_ago)
        event = create_event(s, starts_at=starts, **values)
        person = create_registration(s, event, now=starts - timedelta(days=7))
        return person.secret, person.id

    return make.run(build)


def status_of(app, registration_id: int) -> RegistrationStatus:
    with app.app_context():
        return db.session.get(Registration, registration_id).status


def test_cancelling_after_the_event_is_refused_and_the_page_says_it_is_over(client, make, app):
    secret, person = registered(make, 30)
    link = f"/r/{secret}"
    page = client.get(link).get_data(as_text=True)
    assert f"{link}/cancel" not in page
    assert 'data-testid="registration-settled"' in page
    response = client.post(f"{link}/cancel", data={"csrf_token": csrf_token(client, link)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Pasākums ir beidzies; reģistrāciju vairs nevar atcelt." in page
    assert "nākamais gaidīšanas" not in page
    assert status_of(app, person) is RegistrationStatus.CONFIRMED


def test_cancelling_during_the_event_is_refused_and_the_page_hides_the_button(client, make, app):
    secret, person = registered(make, 1)
    link = f"/r/{secret}"
    page = client.get(link).get_data(as_text=True)
    assert f"{link}/cancel" not in page and f"{link}/change" not in page
    client.post(f"{link}/cancel", data={"csrf_token": csrf_token(client, link)})
    assert status_of(app, person) is RegistrationStatus.CONFIRMED


def test_an_organiser_cannot_cancel_after_the_event(client, make, login, app):
    login("organiser")
    secret, person = registered(make, 30)
    slug = make.run(lambda s: s.get(Registration, person).event.slug)
    listing = f"/admin/events/{slug}/registrations"
    response = client.post(f"{listing}/{person}/cancel", data={"csrf_token": csrf_token(client, listing)},
                           follow_redirects=True)
    assert "Pasākums ir beidzies; reģistrāciju vairs nevar atcelt." in response.get_data(as_text=True)
    assert status_of(app, person) is RegistrationStatus.CONFIRMED


def test_an_online_meeting_s_private_page_says_nothing_of_seats_groups_or_badges(client, make, app):
    secret = make.run(lambda s: create_registration(
        s, create_event(s, kind=EventKind.ONLINE_MEETING, remote_allowed=True), attendance_mode=AttendanceMode.REMOTE,
    ).secret)
    link = f"/r/{secret}"
    page = client.get(link).get_data(as_text=True)
    assert f"{link}/change" not in page  # nothing to change: no groups, no way of taking part to choose
    assert "Pašreizējā vieta jums saglabājas" not in page
    assert "nākamais gaidīšanas" not in page and "Atceliet savu reģistrāciju, ja nevarat piedalīties." in page
    assert "Nozīmītē tiek drukāts" not in page and "Labot datus" in page  # no badge, but names are still corrected
    assert f"{link}/cancel" in page
    response = client.post(f"{link}/cancel", data={"csrf_token": csrf_token(client, link)}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "nākamais gaidīšanas" not in page
    with app.app_context():
        assert db.session.query(Registration).one().status is RegistrationStatus.CANCELLED


def test_a_regular_event_s_private_page_still_offers_the_change_and_mentions_the_badge(client, make):
    secret = make.run(lambda s: create_registration(s, create_event(s, tracks=2, capacity=20)).secret)
    page = client.get(f"/r/{secret}").get_data(as_text=True)
    assert f"/r/{secret}/change" in page and "nākamais gaidīšanas" in page
    assert "Nozīmītē tiek drukāts" in page
