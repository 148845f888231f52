"""Writing to registrants through the pages: filters, count, preview, one confirmed send."""
import re
from datetime import timedelta

from sqlalchemy import func, insert, select
from werkzeug.datastructures import MultiDict

from eventapp.models import (
    AttendanceMode,
    AuditEntry,
    MessageRecipient,
    OutboxMessage,
    RegistrantMessage,
    Registration,
    RegistrationStatus,
    Sector,
    utcnow,
)
from eventapp.services.mail import messages

from ..factories import create_event, create_organisation, create_registration
from ..helpers import form_values


def world(make, **event_values):
    """An event with two tracks: Anna (lv) and John (en, remote) in the first, Zane in the second."""
    def build(session):
        event = create_event(session, tracks=2, remote_allowed=True, **event_values)
        first, second = event.slots[0].tracks
        create_registration(session, event, full_name="Anna Bērziņa", email="anna@example.lv", language="lv")
        create_registration(session, event, full_name="John Smith", email="john@example.org", language="en",
                            attendance_mode=AttendanceMode.REMOTE)
        create_registration(session, event, full_name="Zane Ozola", email="zane@example.lv",
                            track_ids={event.slots[0].id: second.id})
        return event.slug, first.id
    return make.run(build)


def compose(client, slug, **fields):
    """Open the compose page, fill in `fields`, ask for the preview; the response."""
    url = f"/admin/events/{slug}/messages/new"
    page = client.get(url)
    assert page.status_code == 200
    data = MultiDict(form_values(page.get_data(as_text=True), submit="preview"))
    for name, value in fields.items():
        data.setlist(name, [str(value)])
    return client.post(url, data=data)


def confirm(client, slug, preview_page):
    data = MultiDict(form_values(preview_page.get_data(as_text=True), submit="send"))
    return client.post(f"/admin/events/{slug}/messages/new", data=data), data


TEXT = {"subject_lv": "Svarīgi", "body_lv": "Sveiki, {name}!", "subject_en": "Important", "body_en": "Hello, {name}!"}


def test_count_preview_then_one_send_however_often_it_is_posted(app, client, login, make):
    slug, first = world(make)
    login()
    shown = compose(client, slug, track=first, **TEXT)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert "Send to 2 people" in html or "Nosūtīt 2 cilvēkiem" in html
    assert re.search(r'data-testid="preview-body">Sveiki, Anna Bērziņa!<', html)

    sent, data = confirm(client, slug, shown)
    assert sent.status_code == 302
    again = client.post(f"/admin/events/{slug}/messages/new", data=data)  # the same form, posted twice
    assert again.status_code == 302 and again.location == sent.location
    make.run(lambda s: create_registration(s, s.scalar(select(Registration).limit(1)).event))
    late = client.post(f"/admin/events/{slug}/messages/new", data=data)  # more people match now: still once
    assert late.status_code == 302 and late.location == sent.location

    def stored(session):
        [message] = session.scalars(select(RegistrantMessage)).all()
        people = session.scalars(
            select(Registration.email).join(MessageRecipient, MessageRecipient.registration_id == Registration.id)
            .order_by(Registration.id)
        ).all()
        audited = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "message.send"))
        return message.recipient_count, message.body_en, people, audited
    assert make.run(stored) == (2, "Hello, {name}!", ["anna@example.lv", "john@example.org"], 1)

    listed = client.get(f"/admin/events/{slug}/messages").get_data(as_text=True)
    assert "Svarīgi" in listed and 'data-testid="recipient-count">2<' in listed
    detail = client.get(sent.location).get_data(as_text=True)
    assert "anna@example.lv" in detail and "zane@example.lv" not in detail


def test_an_unknown_placeholder_is_shown_on_its_field(app, client, login, make):
    slug, _first = world(make)
    login()
    page = compose(client, slug, subject_lv="Sveiki", body_lv="Sveiki, {vārds}! {{ config }}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "{vārds}" in html and 'data-testid="preview"' not in html
    assert make.run(lambda s: s.scalar(select(func.count()).select_from(RegistrantMessage))) == 0


def test_junk_filters_and_nobody_matching_are_answered_without_an_error(app, client, login, make):
    slug, _first = world(make)
    login()
    page = compose(client, slug, track="x' OR 1=1", status="nope", sector="municipality", checkin="maybe", **TEXT)
    assert page.status_code == 200
    assert 'data-testid="nobody"' in page.get_data(as_text=True)
    junk = compose(client, slug, track="999999999999", q="\x00" * 500, **TEXT)
    assert junk.status_code == 200


def test_a_changed_count_is_shown_again_before_anything_is_sent(app, client, login, make):
    slug, _first = world(make)
    login()
    shown = compose(client, slug, **TEXT)
    data = MultiDict(form_values(shown.get_data(as_text=True), submit="send"))
    make.run(lambda s: create_registration(s, s.scalar(select(Registration).limit(1)).event))
    again = client.post(f"/admin/events/{slug}/messages/new", data=data)
    assert again.status_code == 200 and 'data-testid="preview"' in again.get_data(as_text=True)
    assert make.run(lambda s: s.scalar(select(func.count()).select_from(RegistrantMessage))) == 0


def test_a_co_host_writes_to_its_event_only(app, client, login, make):
    def build(session):
        org = create_organisation(session)
        here = create_event(session, tracks=1)
        here.co_hosts = [org]
        elsewhere = create_event(session, tracks=1)
        create_registration(session, here)
        return org.id, here.slug, elsewhere.slug
    org, here, elsewhere = make.run(build)
    login("partner", organisation_id=org)
    assert compose(client, here, **TEXT).status_code == 200
    assert client.get(f"/admin/events/{elsewhere}/messages/new").status_code == 403
    assert client.get(f"/admin/events/{elsewhere}/messages").status_code == 403
    assert client.get(f"/admin/events/{here}").get_data(as_text=True).count(f"/admin/events/{here}/messages") == 1


def test_a_facilitator_does_not_write_to_registrants(app, client, login, make):
    slug, _first = world(make)
    login("facilitator")
    assert client.get(f"/admin/events/{slug}/messages").status_code == 403
    assert client.get(f"/admin/events/{slug}/messages/new").status_code == 403


def test_another_event_s_message_is_not_found(app, client, login, make):
    slug, _first = world(make)
    other, _ = world(make)
    message_id = make.run(lambda s: messages.send_message(
        s, s.scalar(select(Registration).where(Registration.email == "anna@example.lv").limit(1)).event, None,
        messages.RegistrationFilters(), messages.MessageText(subject_lv="A", body_lv="B"), "t", utcnow()).message.id)
    login()
    owner = make.run(lambda s: s.get(RegistrantMessage, message_id).event.slug)
    stranger = other if owner == slug else slug
    assert client.get(f"/admin/events/{owner}/messages/{message_id}").status_code == 200
    assert client.get(f"/admin/events/{stranger}/messages/{message_id}").status_code == 404


def test_the_event_page_says_when_the_reminder_is_planned_and_when_it_went(app, client, login, make):
    from eventapp.services.mail import event_reminders

    slug, _first = world(make, starts_at=utcnow() + timedelta(days=10))
    login()
    page = client.get(f"/admin/events/{slug}").get_data(as_text=True)
    assert 'data-testid="reminder"' in page and "/messages" in page
    reminder = re.search(r'data-testid="reminder">([^<]*)<', page).group(1)

    def send(session):
        return event_reminders.send_event_reminders(session, utcnow() + timedelta(days=9), 48).messages
    assert make.run(send) == 3
    after = re.search(r'data-testid="reminder">([^<]*)<', client.get(f"/admin/events/{slug}").get_data(as_text=True)).group(1)
    assert after != reminder and "3" in after


def test_six_hundred_people_are_recorded_in_a_few_statements(app, client, login, make, count_queries):
    def build(session):
        event = create_event(session, tracks=1)
        track = event.slots[0].tracks[0]
        now = utcnow()
        rows = [
            {"event_id": event.id, "status": RegistrationStatus.CONFIRMED, "attendance_mode": AttendanceMode.IN_PERSON,
             "full_name": f"Dalībnieks {n}", "email": f"d{n}@example.lv", "sector": Sector.NGO,
             "language": "en" if n % 3 == 0 else "lv", "consent_data_at": now, "consent_wording_version": "2025-1",
             "secret": f"s{n:04d}" + "x" * 40, "badge_secret": f"b{n:04d}" + "x" * 40}
            for n in range(600)
        ]
        session.execute(insert(Registration), rows)
        return event.slug, track.id
    slug, _track = make.run(build)
    login()
    shown = compose(client, slug, **TEXT)
    assert "600" in shown.get_data(as_text=True)
    data = MultiDict(form_values(shown.get_data(as_text=True), submit="send"))
    with count_queries() as queries:
        sent = client.post(f"/admin/events/{slug}/messages/new", data=data)
    assert sent.status_code == 302
    assert len(queries) < 40  # the recipients go in as one statement, not one per person

    def expand(session):
        written = messages.expand_messages(session, utcnow())
        languages = dict(session.execute(
            select(OutboxMessage.subject, func.count()).where(OutboxMessage.kind == messages.KIND)
            .group_by(OutboxMessage.subject)
        ).all())
        return written, languages
    assert make.run(expand) == (1, {"Svarīgi": 400, "Important": 200})


def test_a_co_host_s_preview_and_sent_page_show_no_one_s_private_links(app, client, login, make):
    """A partner may write to registrants but not manage their registrations: neither the preview
    nor the page of the sent message gives them anyone's private or remote connection link."""
    def build(session):
        org = create_organisation(session)
        event = create_event(session, tracks=1, remote_allowed=True, remote_link="https://meet.example.lv/sede")
        event.co_hosts = [org]
        john = create_registration(session, event, full_name="John Smith", email="john@example.org", language="en",
                                   attendance_mode=AttendanceMode.REMOTE)
        return org.id, event.slug, john.secret, john.join_secret
    org, slug, secret, join_secret = make.run(build)
    login("partner", organisation_id=org)
    body = "{private_link} {remote_link}"
    shown = compose(client, slug, q="john@example.org", subject_lv="Saite", body_lv=body, subject_en="Link", body_en=body)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'data-testid="preview"' in html
    assert secret not in html and join_secret not in html
    sent, _data = confirm(client, slug, shown)
    assert sent.status_code == 302
    detail = client.get(sent.location).get_data(as_text=True)
    assert secret not in detail and join_secret not in detail
    # Only the mail to John himself carries them.
    bodies = make.run(lambda s: [messages.expand(s, m, utcnow()) and m.recipients[0].outbox_message.body_text
                                 for m in s.scalars(select(RegistrantMessage))])
    assert secret in bodies[0] and join_secret in bodies[0]
