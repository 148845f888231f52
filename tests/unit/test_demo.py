"""The demo data: the council's real 2025 events."""
from datetime import date

from eventapp.formatting import to_riga
from eventapp.models import Event, EventKind, Organisation, User, utcnow
from eventapp.services.demo import EXAMPLE_SLUG, seed_demo


def test_seed_loads_the_2025_events_with_their_tracks_and_co_host(session):
    seed_demo(session, utcnow())
    by_slug = {e.slug: e for e in session.query(Event)}
    jekabpils = by_slug["2025-09-03-jekabpils-regional-session"]
    assert jekabpils.title_lv == "Memoranda padomes izbraukuma sēde Jēkabpilī"
    assert [t.title_lv for t in jekabpils.tracks][1] == "Senioru līdzdalības jautājumi"
    assert len(jekabpils.tracks) == 4
    assert [o.name for o in jekabpils.co_hosts] == ['biedrība "Vidusdaugavas NVO centrs"']
    assert len(by_slug["2025-10-29-liepaja-regional-session"].tracks) == 4
    forum = by_slug["2025-09-15-riga-forum"]
    assert forum.kind is EventKind.FORUM and forum.capacity == 90
    meeting = by_slug["2025-10-03-riga-working-group-meeting"]
    assert (to_riga(meeting.starts_at).strftime("%H:%M"), to_riga(meeting.ends_at).strftime("%H:%M")) == ("15:00", "17:13")
    assert meeting.remote_allowed
    assert to_riga(jekabpils.starts_at).date() == date(2025, 9, 3)
    assert session.query(Organisation).count() == 30


def test_example_event_is_in_the_future_and_labelled(session):
    now = utcnow()
    seed_demo(session, now)
    example = session.query(Event).filter_by(slug=EXAMPLE_SLUG).one()
    assert example.starts_at > now
    assert example.title_lv.startswith("PIEMĒRS") and example.title_en.startswith("EXAMPLE")
    assert example.registration_opens_at <= now < example.registration_closes_at


def test_seed_twice_changes_nothing(session):
    seed_demo(session, utcnow())
    counts = (session.query(Event).count(), session.query(Organisation).count(), session.query(User).count())
    assert seed_demo(session, utcnow()) == []
    assert (session.query(Event).count(), session.query(Organisation).count(), session.query(User).count()) == counts
