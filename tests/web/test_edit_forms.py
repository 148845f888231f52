"""Every edit form shows what is stored: sent back untouched, as a browser sends it, it changes nothing."""
from datetime import timedelta

from sqlalchemy import inspect, select

from eventapp.models import Event, EventKind, Sector, Slot, Summary, SummaryStatus, Track, User, utcnow

from ..factories import create_event, create_organisation, create_user, future
from ..helpers import form_values, submit_unchanged

LINES = "Pirmā rindkopa par sadarbību.\n\nOtrā: ministrijas, pašvaldības, NVO.\n— trešā"


def columns(obj) -> dict:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}


def snapshot(make, model, object_id, extra=None) -> dict:
    def read(s):
        obj = s.get(model, object_id)
        return columns(obj) | (extra(obj) if extra else {})

    return make.run(read)


def assert_unchanged(make, client, url, model, object_id, extra=None, **choose):
    before = snapshot(make, model, object_id, extra)
    response = submit_unchanged(client, url, **choose)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert snapshot(make, model, object_id, extra) == before


def co_host_ids(event):
    return {"co_hosts": sorted(o.id for o in event.co_hosts)}


def build_forum(s):
    """A forum co-hosted by an NGO, with every field of the form filled in."""
    partner = create_organisation(s, name='biedrība "Vidusdaugavas NVO centrs"')
    create_organisation(s, name="Aizsardzības ministrija", sector=Sector.STATE_ADMINISTRATION)
    create_organisation(s, name='biedrība "Apvienība"')
    starts = future(40, hour=7)
    event = create_event(
        s, tracks=2, state_admin_minimum=1, kind=EventKind.FORUM, starts_at=starts, ends_at=starts + timedelta(hours=8),
        description_lv=LINES, description_en="One paragraph.\nAnother.", agenda_lv="10:00 Atklāšana\n11:00 Darba grupas",
        agenda_en="", venue="Rīgas Latviešu biedrības nams", address="Merķeļa iela 13", capacity=90,
        registration_opens_at=starts - timedelta(days=30), registration_closes_at=starts - timedelta(days=2),
        held_seats_release_at=starts - timedelta(days=4), remote_allowed=True, remote_link="https://meet.example.lv/forums",
    )
    ministry = create_organisation(s, name="Valsts kanceleja", sector=Sector.STATE_ADMINISTRATION)
    event.co_hosts = [partner, ministry]  # an unusual co-host, but one saving must keep
    facilitator = create_user(s, role="facilitator")
    track = event.tracks[0]
    track.facilitator_id, track.room, track.facilitator_name = facilitator.id, "Zaļā zāle", "Ilze Kalniņa"
    track.description_lv, track.remote_link = LINES, "https://meet.example.lv/grupa-1"
    s.flush()
    return {"slug": event.slug, "event_id": event.id, "slot_id": event.slots[0].id, "track_id": track.id,
            "partner_org": partner.id}


def test_the_event_form_keeps_its_type_and_co_hosts(client, login, make):
    world = make.run(build_forum)
    login("organiser")
    url = f"/admin/events/{world['slug']}/edit"
    page = client.get(url).get_data(as_text=True)
    sent = form_values(page)
    assert ("kind", "forum") in sent
    assert ("co_hosts", str(world["partner_org"])) in sent
    assert_unchanged(make, client, url, Event, world["event_id"], co_host_ids)


def test_the_time_block_form_changes_nothing(client, login, make):
    world = make.run(build_forum)
    login("organiser")
    url = f"/admin/events/{world['slug']}/slots/{world['slot_id']}/edit"
    assert_unchanged(make, client, url, Slot, world["slot_id"])


def test_the_track_form_changes_nothing(client, login, make):
    world = make.run(build_forum)
    login("organiser")
    url = f"/admin/events/{world['slug']}/tracks/{world['track_id']}/edit"
    assert_unchanged(make, client, url, Track, world["track_id"])


def test_the_track_details_form_of_a_co_host_changes_nothing(client, login, make):
    world = make.run(build_forum)
    login("partner", organisation_id=world["partner_org"])
    url = f"/admin/events/{world['slug']}/tracks/{world['track_id']}/edit"
    assert "name=\"capacity\"" not in client.get(url).get_data(as_text=True)
    assert_unchanged(make, client, url, Track, world["track_id"])


def test_the_user_form_changes_nothing(client, login, make):
    org_id = make.organisation(name='biedrība "Vidusdaugavas NVO centrs"')
    make.organisation(name='biedrība "Apvienība"')
    login("admin")
    ministry_id = make.organisation(name="Valsts kanceleja", sector=Sector.STATE_ADMINISTRATION)
    for role, organisation_id in (("partner", org_id), ("facilitator", ministry_id), ("organiser", None)):
        email = make.user(role=role, organisation_id=organisation_id)
        user_id = make.run(lambda s, email=email: s.scalar(select(User.id).where(User.email == email)))
        assert_unchanged(make, client, f"/admin/users/{user_id}", User, user_id)


def test_the_summary_form_changes_nothing(client, login, make):
    world = make.run(build_forum)

    def write(s):
        summary = Summary(track_id=world["track_id"], conclusions=LINES, proposals="Viens.\nDivi.",
                          responsible_bodies="Valsts kanceleja", follow_up="", status=SummaryStatus.PUBLISHED,
                          published_at=utcnow())
        s.add(summary)
        s.flush()
        return summary.id

    summary_id = make.run(write)
    login("organiser")
    url = f"/admin/events/{world['slug']}/tracks/{world['track_id']}/summary"
    assert_unchanged(make, client, url, Summary, summary_id, containing="conclusions", submit="save")


def test_the_form_reader_reads_what_a_browser_sends():
    html = """<form method="post"><input type="hidden" name="csrf_token" value="t">
      <input name="a" value="x &amp; y"><input type="checkbox" name="b" value="y"><input type="checkbox" name="c" checked>
      <select name="d"><option value="1">1</option><option value="2" selected>2</option></select>
      <select name="e"><option value="1">1</option></select>
      <select name="f" multiple><option value="1" selected>1</option><option value="2">2</option><option value="3" selected>3</option></select>
      <textarea name="g">\r\nrinda\r\notra</textarea><input type="file" name="h"><input name="i" disabled value="z">
      <button type="submit" name="action" value="save">S</button></form>"""
    assert form_values(html) == [("csrf_token", "t"), ("a", "x & y"), ("c", "on"), ("d", "2"), ("e", "1"),
                                 ("f", "1"), ("f", "3"), ("g", "rinda\r\notra"), ("action", "save")]
