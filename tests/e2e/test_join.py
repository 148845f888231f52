"""A remote participant opens their join link in a browser and lands on the meeting: a small local
page stands in for Zoom."""
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.models import AttendanceMode, JoinKind, RemoteJoin, Sector, utcnow

from ..factories import create_event, create_registration

MEETING_PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test meeting</title></head>
<body><h1>Test meeting</h1><p>Stands in for Zoom.</p></body></html>"""


class MeetingPage(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(MEETING_PAGE)))
        self.end_headers()
        self.wfile.write(MEETING_PAGE)

    def log_message(self, format, *args):
        """Quiet: the test reads the browser, not the log."""


@pytest.fixture
def meeting_server():
    """The stand-in meeting, on a free local port; yields its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), MeetingPage)
    thread = threading.Thread(target=server.serve_forever, name="e2e-meeting", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/j/123456"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


def test_the_join_link_leads_to_the_meeting_and_records_the_join(page, live_app, live_server, meeting_server):
    with live_app.app_context():
        starts = utcnow() + timedelta(minutes=10)
        event = create_event(db.session, tracks=1, remote_allowed=True, remote_link=meeting_server,
                             state_admin_minimum=1)
        person = create_registration(
            db.session, event, full_name="Inese Ozoliņa", sector=Sector.STATE_ADMINISTRATION,
            organisation_name="Labklājības ministrija", attendance_mode=AttendanceMode.REMOTE,
        )
        event.starts_at, event.ends_at = starts, starts + timedelta(hours=2)
        token, registration_id = person.join_secret, person.id
        db.session.commit()

    page.goto(f"{live_server}/join/{token}")
    expect(page).to_have_title("Test meeting")
    assert page.url == meeting_server
    expect(page.get_by_role("heading", name="Test meeting")).to_be_visible()

    with live_app.app_context():
        joined = db.session.execute(
            select(RemoteJoin.track_id, RemoteJoin.how).where(RemoteJoin.registration_id == registration_id)
        ).all()
    assert [tuple(row) for row in joined] == [(None, JoinKind.LINK)]


def test_before_the_window_the_browser_stays_and_reads_when_it_opens(page, live_app, live_server, meeting_server):
    with live_app.app_context():
        event = create_event(db.session, remote_allowed=True, remote_link=meeting_server)
        person = create_registration(db.session, event, attendance_mode=AttendanceMode.REMOTE)
        token = person.join_secret
        db.session.commit()

    page.goto(f"{live_server}/join/{token}")
    expect(page.get_by_test_id("join-state")).to_contain_text("Sanāksme atvērsies")
    assert page.url.startswith(live_server)
    assert meeting_server not in page.content() and "/j/123456" not in page.content()
