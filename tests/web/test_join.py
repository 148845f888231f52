"""The join link through HTTP: the redirect in the window, the pages outside it, organisers'
manual marking, and the join link (never the meeting address) in pages, mail and invites."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.formatting import on_date
from eventapp.models import (
    AttendanceMode,
    AuditEntry,
    Event,
    JoinKind,
    Organisation,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    RemoteJoin,
    Sector,
    utcnow,
)
from eventapp.services.coverage.track_coverage import Coverage, actual_coverage

from ..factories import PASSWORD, create_event, create_registration
from ..helpers import csrf_token

ZOOM = "https://zoom.example/j/987654"


@pytest.fixture
def meeting(make):
    """A session with a remote link, two tracks, and Inese of state administration joining remotely;
    `at(offset)` moves the event so that it starts `offset` from now."""

    def build(s):
        event = create_event(s, tracks=2, slug="cesis", remote_allowed=True, remote_link=ZOOM, state_admin_minimum=1)
        track = event.tracks[0]
        inese = create_registration(
            s, event, full_name="Inese Ozoliņa", sector=Sector.STATE_ADMINISTRATION,
            organisation_name="Labklājības ministrija", attendance_mode=AttendanceMode.REMOTE,
            track_ids={track.slot_id: track.id},
        )
        return {"slug": event.slug, "event_id": event.id, "id": inese.id, "join": inese.join_secret,
                "secret": inese.secret, "tracks": [t.id for t in event.tracks]}

    values = make.run(build)

    def at(offset: timedelta, **changes):
        def move(s):
            event = s.get(Event, values["event_id"])
            event.starts_at = utcnow() + offset
            event.ends_at = event.starts_at + timedelta(hours=3)
            for name, value in changes.items():
                setattr(event, name, value)
            return event.starts_at

        return make.run(move)

    values["at"] = at
    return values


def joins_recorded(app) -> list[tuple[int, int | None, JoinKind]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            select(RemoteJoin.registration_id, RemoteJoin.track_id, RemoteJoin.how).where(RemoteJoin.undone_at.is_(None))
        )]


def test_in_the_window_the_link_records_the_join_and_leads_to_the_meeting(app, client, meeting):
    meeting["at"](timedelta(minutes=20))  # opens 30 minutes before the start
    response = client.get(f"/join/{meeting['join']}")
    assert response.status_code == 302 and response.headers["Location"] == ZOOM
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert joins_recorded(app) == [(meeting["id"], None, JoinKind.LINK)]
    assert client.get(f"/join/{meeting['join']}").status_code == 302
    assert len(joins_recorded(app)) == 1


def test_following_the_link_in_the_window_covers_the_track_remotely_after_the_event(app, client, make, meeting):
    def late_colleague(s):
        event = s.get(Event, meeting["event_id"])
        track = event.tracks[1]
        return create_registration(
            s, event, sector=Sector.STATE_ADMINISTRATION, organisation_name="Finanšu ministrija",
            attendance_mode=AttendanceMode.REMOTE, track_ids={track.slot_id: track.id},
        ).join_secret

    late = make.run(late_colleague)
    meeting["at"](-timedelta(hours=1))
    assert client.get(f"/join/{meeting['join']}").status_code == 302
    meeting["at"](-timedelta(hours=5))  # the event is over when the other one follows theirs
    assert client.get(f"/join/{late}").status_code == 200

    def report(s):
        event = s.get(Event, meeting["event_id"])
        return {entry.track.id: entry.state for entry in actual_coverage(s, event, utcnow())}

    first, second = meeting["tracks"]
    assert make.run(report) == {first: Coverage.COVERED_REMOTELY, second: Coverage.UNCOVERED}


@pytest.mark.parametrize("offset", [timedelta(minutes=31), timedelta(days=2)])
def test_before_the_window_the_page_says_when_it_opens_and_keeps_the_address(app, client, meeting, offset):
    starts = meeting["at"](offset)
    response = client.get(f"/join/{meeting['join']}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    with app.test_request_context():
        when = on_date(starts - timedelta(minutes=30), "lv", with_time=True)
    assert f"Sanāksme atvērsies {when}." in page
    assert "zoom.example" not in page and "987654" not in page
    assert joins_recorded(app) == []


def test_after_the_event_the_page_says_it_is_over(app, client, meeting):
    meeting["at"](-timedelta(hours=4))
    page = client.get(f"/join/{meeting['join']}").get_data(as_text=True)
    assert "Sanāksme ir beigusies." in page and "zoom.example" not in page
    assert joins_recorded(app) == []


def test_english_speakers_read_the_opening_in_english(app, client, make, meeting):
    def english(s):
        s.get(Registration, meeting["id"]).language = "en"

    make.run(english)
    starts = meeting["at"](timedelta(days=1))
    with app.test_request_context():
        when = on_date(starts - timedelta(minutes=30), "en", with_time=True)
    assert f"The meeting opens {when}." in client.get(f"/join/{meeting['join']}").get_data(as_text=True)


@pytest.mark.parametrize("token", ["no-such-token", "x" * 40, "a" * 300, "' OR 1=1 --"])
def test_a_dead_link_is_a_clear_404(client, meeting, token):
    meeting["at"](timedelta(minutes=5))
    response = client.get(f"/join/{token}")
    assert response.status_code == 404
    assert "sekretari" in response.get_data(as_text=True).lower()


def test_the_private_page_s_secret_is_not_a_join_link_nor_the_other_way_round(client, meeting):
    meeting["at"](timedelta(minutes=5))
    assert client.get(f"/join/{meeting['secret']}").status_code == 404
    assert client.get(f"/r/{meeting['join']}").status_code == 404


def test_an_address_that_is_not_a_web_address_is_shown_to_copy(app, client, meeting):
    meeting["at"](timedelta(minutes=5), remote_link="+371 67 000 000, PIN 4321")
    response = client.get(f"/join/{meeting['join']}")
    assert response.status_code == 200
    assert "+371 67 000 000, PIN 4321" in response.get_data(as_text=True)
    assert joins_recorded(app) == [(meeting["id"], None, JoinKind.LINK)]


def test_several_meetings_are_listed_and_each_is_recorded_for_its_track(app, client, make, meeting):
    def own_link(s):
        s.get(Event, meeting["event_id"]).tracks[0].remote_link = "https://teams.example/seniori"

    make.run(own_link)
    meeting["at"](timedelta(minutes=5))
    track_id = meeting["tracks"][0]
    page = client.get(f"/join/{meeting['join']}").get_data(as_text=True)
    assert f"/join/{meeting['join']}/event" in page and f"/join/{meeting['join']}/{track_id}" in page
    assert "teams.example" not in page and "zoom.example" not in page
    assert joins_recorded(app) == []

    response = client.get(f"/join/{meeting['join']}/{track_id}")
    assert response.headers["Location"] == "https://teams.example/seniori"
    assert client.get(f"/join/{meeting['join']}/event").headers["Location"] == ZOOM
    assert sorted(joins_recorded(app), key=str) == sorted(
        [(meeting["id"], track_id, JoinKind.LINK), (meeting["id"], None, JoinKind.LINK)], key=str)
    assert client.get(f"/join/{meeting['join']}/{meeting['tracks'][1]}").status_code == 404  # not their track
    assert client.get(f"/join/{meeting['join']}/999999").status_code == 404


@pytest.mark.parametrize("status", [RegistrationStatus.CANCELLED, RegistrationStatus.WAITLISTED])
def test_a_cancelled_or_waiting_registration_is_told_so_without_the_address(app, client, make, meeting, status):
    def change(s):
        s.get(Registration, meeting["id"]).status = status

    make.run(change)
    meeting["at"](timedelta(minutes=5))
    response = client.get(f"/join/{meeting['join']}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "zoom.example" not in page
    assert ("atcelta" if status is RegistrationStatus.CANCELLED else "gaidīšanas sarakstā") in page
    assert joins_recorded(app) == []


def test_an_in_person_participant_has_no_meeting(app, client, make, meeting):
    def in_person(s):
        event = s.get(Event, meeting["event_id"])
        return create_registration(s, event).join_secret

    token = make.run(in_person)
    meeting["at"](timedelta(minutes=5))
    page = client.get(f"/join/{token}").get_data(as_text=True)
    assert "zoom.example" not in page and 'data-situation="no_meeting"' in page
    assert joins_recorded(app) == []


# --- organisers mark people present by hand -------------------------------------------------

def mark_url(meeting, undo=False) -> str:
    return f"/admin/events/{meeting['slug']}/registrations/{meeting['id']}/remote-present" + ("/undo" if undo else "")


def test_an_organiser_marks_a_remote_person_present_and_undoes_it_audited(app, client, login, meeting):
    meeting["at"](-timedelta(minutes=10))
    login()
    listing = client.get(f"/admin/events/{meeting['slug']}/registrations").get_data(as_text=True)
    assert mark_url(meeting) in listing
    token = csrf_token(client, f"/admin/events/{meeting['slug']}/registrations")
    assert client.post(mark_url(meeting), data={"csrf_token": token}).status_code == 302
    assert joins_recorded(app) == [(meeting["id"], None, JoinKind.MARKED)]
    listing = client.get(f"/admin/events/{meeting['slug']}/registrations").get_data(as_text=True)
    assert mark_url(meeting, undo=True) in listing and 'data-testid="remote-present"' in listing

    assert client.post(mark_url(meeting, undo=True), data={"csrf_token": token}).status_code == 302
    assert joins_recorded(app) == []
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("remote_join.%"))
                                     .order_by(AuditEntry.id)).all()
        assert actions == ["remote_join.mark", "remote_join.undo"]
        assert db.session.scalar(select(AuditEntry.user_id).where(AuditEntry.action == "remote_join.mark")) is not None


def test_marking_needs_csrf_and_the_right_to_manage_registrations(app, client, login, make, meeting):
    meeting["at"](-timedelta(minutes=10))
    login()
    assert client.post(mark_url(meeting), data={}).status_code == 400
    assert joins_recorded(app) == []

    # A partner co-hosting the event may check people in, not manage their registrations.
    co_host = make.organisation(name='biedrība "Cēsu NVO centrs"')

    def co_host_event(s):
        s.get(Event, meeting["event_id"]).co_hosts = [s.get(Organisation, co_host)]

    make.run(co_host_event)
    partner = app.test_client()
    email = make.user(role="partner", organisation_id=co_host)
    partner.post("/admin/login", data={"email": email, "password": PASSWORD,
                                       "csrf_token": csrf_token(partner, "/admin/login")})
    token = csrf_token(partner, f"/admin/events/{meeting['slug']}/registrations")
    assert partner.post(mark_url(meeting), data={"csrf_token": token}).status_code == 403
    assert joins_recorded(app) == []


def test_marking_is_refused_before_the_meeting_opens(app, client, login, meeting):
    meeting["at"](timedelta(days=1))
    login()
    listing = client.get(f"/admin/events/{meeting['slug']}/registrations").get_data(as_text=True)
    assert mark_url(meeting) not in listing
    token = csrf_token(client, f"/admin/events/{meeting['slug']}/registrations")
    assert client.post(mark_url(meeting), data={"csrf_token": token}, follow_redirects=True).status_code == 200
    assert joins_recorded(app) == []


# --- the join link, never the address, in what the person gets --------------------------------

def test_the_private_page_mail_and_invite_give_the_join_link_not_the_address(app, client, meeting):
    page = client.get(f"/r/{meeting['secret']}").get_data(as_text=True)
    assert f"/join/{meeting['join']}" in page and "zoom.example" not in page
    invite = client.get(f"/r/{meeting['secret']}/invite.ics").get_data(as_text=True)
    unfolded = invite.replace("\r\n ", "")
    assert f"/join/{meeting['join']}" in unfolded and "zoom.example" not in unfolded
    assert f"LOCATION:http://eventapp.test/join/{meeting['join']}" in unfolded
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == meeting["id"])).one()
        assert f"/join/{meeting['join']}" in message.body_text and f"/join/{meeting['join']}" in message.body_html
        assert "zoom.example" not in message.body_text + message.body_html


def test_a_new_registration_gets_its_own_unguessable_join_secret(app, meeting, make):
    def another(s):
        event = s.get(Event, meeting["event_id"])
        return create_registration(s, event, attendance_mode=AttendanceMode.REMOTE).join_secret

    other = make.run(another)
    assert other != meeting["join"] and len(other) >= 32 and meeting["join"] != meeting["secret"]
