"""The calendar files through HTTP: a registrant's invite, an event's calendar, the feed; and the mail."""
import re
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
import vobject
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import Event, EventKind, EventStatus, Registration, Slot, utcnow
from eventapp.services import events
from eventapp.services.mail import outbox
from eventapp.services.registration import lifecycle as registrations

from ..factories import create_event, create_registration, future
from ..helpers import csrf_token


def parse(body: bytes) -> icalendar.Calendar:
    vobject.readOne(body.decode("utf-8"))  # a second, independent parser must accept it too
    return icalendar.Calendar.from_ical(body)


def registered(make, **event_values) -> tuple[str, str]:
    """An event with two tracks and one registration; returns (event slug, private token)."""
    def setup(s):
        event = create_event(s, tracks=2, slug="jekabpils", title_lv="Izbraukuma sēde Jēkabpilī", **event_values)
        return event.slug, create_registration(s, event, full_name="Anna Bērziņa").secret

    return make.run(setup)


# --- the registrant's invite ------------------------------------------------------------

def test_the_private_link_gives_the_registrant_s_own_invite(client, make):
    _, token = registered(make)
    response = client.get(f"/r/{token}/invite.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="invite.ics"'
    assert response.headers["Cache-Control"] == "no-store"
    ical = parse(response.data)
    assert ical["METHOD"] == "REQUEST"
    [vevent] = ical.events
    assert vevent["SUMMARY"] == "Izbraukuma sēde Jēkabpilī"
    assert vevent["ATTENDEE"].params["CN"] == "Anna Bērziņa"

    link = f"/r/{token}"
    client.post(f"{link}/cancel", data={"csrf_token": csrf_token(client, link)})
    cancelled = parse(client.get(f"{link}/invite.ics").data)
    assert cancelled["METHOD"] == "CANCEL" and cancelled.events[0]["UID"] == vevent["UID"]
    assert cancelled.events[0]["SEQUENCE"] > vevent["SEQUENCE"]
    assert f'href="/r/{token}/invite.ics"' not in client.get(link).get_data(as_text=True)


def test_the_private_page_links_to_the_invite(client, make):
    _, token = registered(make)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert f'href="/r/{token}/invite.ics"' in page and 'data-testid="add-to-calendar"' in page


def test_an_unknown_private_link_has_no_invite(client):
    assert client.get("/r/neesoss/invite.ics").status_code == 404


# --- an event's calendar ------------------------------------------------------------------

def test_the_ics_route_is_not_swallowed_by_the_event_page(app, client, make):
    slug, _ = registered(make)
    adapter = app.url_map.bind("eventapp.test")
    assert adapter.match(f"/events/{slug}.ics") == ("public.event_calendar", {"slug": slug})
    assert adapter.match(f"/events/{slug}") == ("public.event", {"slug": slug})
    page = client.get(f"/events/{slug}")
    assert page.mimetype == "text/html"
    response = client.get(f"/events/{slug}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    ical = parse(response.data)
    assert ical["METHOD"] == "PUBLISH"
    assert len(ical.events) == 3  # the event and its two tracks
    assert ical.events[0]["SUMMARY"] == "Izbraukuma sēde Jēkabpilī"


@pytest.mark.parametrize("url", ["/events/{draft}.ics", "/events/neesoss.ics", "/events/{draft}"])
def test_drafts_and_unknown_events_have_no_calendar(client, make, url):
    draft = make.event(status=EventStatus.DRAFT)
    assert client.get(url.format(draft=draft)).status_code == 404


def test_a_cancelled_event_s_calendar_says_so(client, make):
    slug = make.event(status=EventStatus.CANCELLED)
    ical = parse(client.get(f"/events/{slug}.ics").data)
    assert {str(e["STATUS"]) for e in ical.events} == {"CANCELLED"}


def test_calendars_are_cached_and_revalidated(client, make):
    slug, _ = registered(make)
    url = f"/events/{slug}.ics"
    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=300"

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    a_day_before = first.last_modified - timedelta(days=1)
    assert client.get(url, headers={"If-Modified-Since": a_day_before.strftime("%a, %d %b %Y %H:%M:%S GMT")}).status_code == 200

    # An organiser renames a track: the file changes, and so does its ETag.
    def rename(s):
        track = s.scalar(select(Slot).join(Event).where(Event.slug == slug)).tracks[0]
        events.update_track(s, None, track, events.TrackData.of(track, title_lv="Jauns nosaukums"))

    make.run(rename)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Jauns nosaukums" in changed.data.decode()


def test_the_feed_lists_public_events_and_filters_by_kind(client, make):
    make.event(title_lv="Izbraukuma sēde Liepājā", starts_at=future(10))
    make.event(title_lv="Tiešsaistes sanāksme", kind=EventKind.ONLINE_MEETING, starts_at=future(20))
    make.event(title_lv="Atcelta sēde", status=EventStatus.CANCELLED, starts_at=future(30))
    make.event(title_lv="Melnraksts", status=EventStatus.DRAFT, starts_at=future(40))

    def titles(url):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert response.headers["Cache-Control"] == "public, max-age=300"
        assert response.headers["ETag"] and response.headers["Last-Modified"]
        return [str(e["SUMMARY"]) for e in parse(response.data).events]

    assert titles("/calendar.ics") == ["Izbraukuma sēde Liepājā", "Tiešsaistes sanāksme", "Atcelta sēde"]
    assert titles("/calendar.ics?kind=online_meeting") == ["Tiešsaistes sanāksme"]
    assert titles("/calendar.ics?kind=online_meeting&kind=regional_session") == [
        "Izbraukuma sēde Liepājā", "Tiešsaistes sanāksme", "Atcelta sēde"]
    assert titles("/calendar.ics?kind=nekas") == titles("/calendar.ics")
    assert titles("/calendar.ics?kind=%27%3B--") == titles("/calendar.ics")

    etag = client.get("/calendar.ics").headers["ETag"]
    assert client.get("/calendar.ics", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/calendar.ics?kind=online_meeting", headers={"If-None-Match": etag}).status_code == 200


def test_an_empty_feed_is_still_a_calendar(client):
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert parse(response.data).events == []


def test_the_event_page_offers_the_file_and_google_calendar(client, make):
    starts = datetime(2027, 3, 28, 8, tzinfo=timezone.utc)
    slug = make.event(title_lv="Izbraukuma sēde Jēkabpilī", starts_at=starts, ends_at=starts + timedelta(hours=6))
    page = client.get(f"/events/{slug}").get_data(as_text=True)
    assert f'href="/events/{slug}.ics"' in page
    google = re.search(r'href="(https://calendar\.google\.com/calendar/render\?[^"]+)"', page).group(1)
    assert "action=TEMPLATE&amp;text=Izbraukuma+s%C4%93de+J%C4%93kabpil%C4%AB" in google
    assert "dates=20270328T080000Z%2F20270328T140000Z" in google
    assert "details=http%3A%2F%2Feventapp.test%2Fevents%2F" in google


def test_a_past_event_offers_no_calendar_links(client, make):
    slug = make.event(starts_at=utcnow() - timedelta(days=3))
    assert 'data-testid="add-to-calendar"' not in client.get(f"/events/{slug}").get_data(as_text=True)


# --- the mail, through a real SMTP server --------------------------------------------------

def calendar_part(message):
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part


def test_a_confirmation_carries_a_request_and_a_cancellation_a_cancel(mail_app, smtp_server):
    with mail_app.test_request_context():
        event = create_event(db.session, tracks=1, title_lv="Izbraukuma sēde Jēkabpilī")
        person = create_registration(db.session, event, full_name="Žanis Ēķis-Šņoriņa")
        db.session.commit()
        assert outbox.deliver_due(db.session, utcnow()).sent == 1
        registrations.cancel_registration(db.session, db.session.get(Registration, person.id), utcnow())
        db.session.commit()
        assert outbox.deliver_due(db.session, utcnow()).sent == 1

    confirmation, cancellation = smtp_server.messages
    request = calendar_part(confirmation)
    assert request.get_content_type() == "text/calendar"
    assert request["Content-Type"].params == {"method": "REQUEST", "charset": "UTF-8"}
    assert request.get_filename() == "invite.ics"
    invite = parse(request.get_payload(decode=True))
    assert invite["METHOD"] == "REQUEST"
    assert invite.events[0]["ATTENDEE"].params["CN"] == "Žanis Ēķis-Šņoriņa"
    # The mail's text parts are still there, the invite beside them.
    assert "Žanis Ēķis-Šņoriņa" in confirmation.get_body(("plain",)).get_content()

    cancel = calendar_part(cancellation)
    assert cancel["Content-Type"].params == {"method": "CANCEL", "charset": "UTF-8"}
    cancelled = parse(cancel.get_payload(decode=True))
    assert cancelled["METHOD"] == "CANCEL"
    assert cancelled.events[0]["UID"] == invite.events[0]["UID"]
    assert cancelled.events[0]["SEQUENCE"] > invite.events[0]["SEQUENCE"]


# --- copying an event (the next monthly meeting) -----------------------------------------

def test_an_organiser_clones_an_event_to_another_date(client, login, make):
    login("organiser")
    slug = make.event(tracks=2, kind=EventKind.ONLINE_MEETING, title_lv="Tiešsaistes sanāksme",
                      starts_at=datetime(2027, 2, 18, 8, tzinfo=timezone.utc))
    detail = f"/admin/events/{slug}"
    assert 'data-testid="clone"' in client.get(detail).get_data(as_text=True)
    response = client.post(f"{detail}/clone", data={"csrf_token": csrf_token(client, detail), "starts_on": "2027-04-15"})
    assert response.status_code == 302
    assert response.location == "/admin/events/2027-04-15-tiessaistes-sanaksme"

    def check(s):
        copy = s.scalar(select(Event).where(Event.slug == "2027-04-15-tiessaistes-sanaksme"))
        assert copy.status is EventStatus.DRAFT
        assert copy.starts_at == datetime(2027, 4, 15, 7, tzinfo=timezone.utc)  # 10:00 in Riga, summer time
        assert len(copy.tracks) == 2

    make.run(check)
    assert client.get("/events/2027-04-15-tiessaistes-sanaksme").status_code == 404  # a draft


def test_cloning_needs_a_date(client, login, make):
    login("organiser")
    slug = make.event()
    detail = f"/admin/events/{slug}"
    response = client.post(f"{detail}/clone", data={"csrf_token": csrf_token(client, detail), "starts_on": "nav"},
                           follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    assert make.run(lambda s: s.query(Event).count()) == 1


@pytest.mark.parametrize("role", ["partner", "facilitator"])
def test_only_organisers_clone(client, login, make, role):
    def setup(s):
        from ..factories import create_organisation

        co_host = create_organisation(s)
        event = create_event(s)
        event.co_hosts = [co_host]
        return event.slug, co_host.id

    slug, org_id = make.run(setup)
    login(role, organisation_id=org_id if role == "partner" else None)
    page = client.get(f"/admin/events/{slug}")
    assert 'data-testid="clone"' not in page.get_data(as_text=True)
    data = {"starts_on": "2027-04-15", "csrf_token": csrf_token(client, "/")}
    assert client.post(f"/admin/events/{slug}/clone", data=data).status_code == 403
    assert make.run(lambda s: s.query(Event).count()) == 1
