"""Messages to registrants: the filtered people get it once, each in their language, through the outbox."""
import pytest
from sqlalchemy import select, update

from eventapp.extensions import db
from eventapp.models import (
    AttendanceMode,
    AuditEntry,
    MessageRecipient,
    OutboxMessage,
    OutboxStatus,
    RegistrantMessage,
    Sector,
    utcnow,
)
from eventapp.services.exceptions import DomainError
from eventapp.services.mail import messages, outbox
from eventapp.services.registration import lifecycle
from eventapp.services.registration.registration_list import RegistrationFilters

from ..factories import create_event, create_registration, create_user

TEXT = messages.MessageText(
    subject_lv="Svarīgi: {event}", body_lv="Sveiki, {name}!\nJūsu darba grupa: {tracks}.\nSaite: {private_link}",
    subject_en="Important: {event}", body_en="Hello, {name}!\nYour group: {tracks}.\nLink: {private_link}",
)


def world(session):
    """An event with two tracks: Anna (lv) and John (en, remote) in the first, Zane in the
    second, Ilze cancelled from the first."""
    event = create_event(session, tracks=2, title_lv="Izbraukuma sēde Cēsīs", title_en="Visiting session in Cēsis",
                         remote_allowed=True, remote_link="https://meet.example.lv/cesis")
    first, second = event.slots[0].tracks
    slot = event.slots[0].id
    people = {
        "anna": create_registration(session, event, full_name="Anna Bērziņa", email="anna@example.lv", language="lv"),
        "john": create_registration(session, event, full_name="John Smith", email="john@example.org", language="en",
                                    attendance_mode=AttendanceMode.REMOTE),
        "zane": create_registration(session, event, full_name="Zane Ozola", email="zane@example.lv",
                                    track_ids={slot: second.id}, sector=Sector.STATE_ADMINISTRATION,
                                    organisation_name="Kultūras ministrija"),
        "ilze": create_registration(session, event, full_name="Ilze Kalniņa", email="ilze@example.lv"),
    }
    lifecycle.cancel_registration(session, people["ilze"], utcnow(), notify=False)
    # The confirmations are not what these tests are about.
    session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))
    session.flush()
    return event, first, second, people


def only(event, **args):
    return RegistrationFilters.from_args({k: str(v) for k, v in args.items()}, event)


def test_a_filtered_message_reaches_exactly_those_people_once_in_their_languages(mail_app, smtp_server):
    with mail_app.test_request_context():
        session = db.session
        event, first, _second, people = world(session)
        organiser = create_user(session)
        filters = only(event, track=first.id)
        token = messages.new_token()
        sent = messages.send_message(session, event, organiser, filters, TEXT, token, utcnow())
        session.commit()
        assert sent.new and sent.message.recipient_count == 2
        # The same form posted again: the same message, nothing more queued.
        again = messages.send_message(session, event, organiser, filters, TEXT, token, utcnow())
        session.commit()
        assert not again.new and again.message.id == sent.message.id
        assert session.scalar(select(RegistrantMessage.id).where(RegistrantMessage.id != sent.message.id)) is None

        assert outbox.deliver_due(session, utcnow()).sent == 2
        assert outbox.deliver_due(session, utcnow()).sent == 0
        recipients = session.scalars(select(MessageRecipient).order_by(MessageRecipient.id)).all()
        assert [r.registration_id for r in recipients] == [people["anna"].id, people["john"].id]
        assert all(r.outbox_message.status is OutboxStatus.SENT for r in recipients)
        anna_link = f"http://eventapp.test/r/{people['anna'].secret}"

    by_address = {m["X-Envelope-To"]: m for m in smtp_server.messages}
    assert set(by_address) == {"anna@example.lv", "john@example.org"}
    anna, john = by_address["anna@example.lv"], by_address["john@example.org"]
    assert anna["Subject"] == "Svarīgi: Izbraukuma sēde Cēsīs"
    assert john["Subject"] == "Important: Visiting session in Cēsis"
    anna_text = anna.get_body(("plain",)).get_content()
    assert "Sveiki, Anna Bērziņa!" in anna_text and "Darba grupas: Darba grupa 1" in anna_text
    assert anna_link in anna_text and anna_link in anna.get_body(("html",)).get_content()
    john_text = john.get_body(("plain",)).get_content()
    assert "Hello, John Smith!" in john_text and "Working groups: Working group 1" in john_text
    assert "Sveiki" not in john_text


def test_the_status_filter_reaches_cancelled_people_only_when_asked(session):
    event, _first, _second, people = world(session)
    assert messages.count_recipients(session, event, only(event)) == 3
    assert messages.count_recipients(session, event, only(event, status="cancelled")) == 1
    assert messages.first_recipient(session, event, only(event, status="cancelled")).id == people["ilze"].id
    assert messages.count_recipients(session, event, only(event, sector="state_administration")) == 1
    assert messages.count_recipients(session, event, only(event, mode="remote")) == 1
    assert messages.count_recipients(session, event, only(event, checkin="yes")) == 0


def test_preview_is_the_first_real_recipient_s_own_message(session):
    event, first, _second, people = world(session)
    shown = messages.preview(session, event, only(event, mode="remote"), TEXT)
    assert shown.count == 1 and shown.recipient.id == people["john"].id
    assert shown.message.language == "en"
    assert shown.message.subject == "Important: Visiting session in Cēsis"
    assert "Hello, John Smith!" in shown.message.body


def test_the_preview_never_shows_a_personal_link_only_the_mail_does(session):
    """Whoever may write to registrants must not see, through the preview, the links that give
    a person's registration (or their remote connection) to whoever holds them."""
    event, _first, _second, people = world(session)
    john = people["john"]
    text = messages.MessageText(subject_lv="Saites", body_lv="Jūsu: {private_link}\nPieslēgums: {remote_link}")
    shown = messages.preview(session, event, only(event, q="john@example.org"), text)
    assert shown.recipient.id == john.id
    assert john.secret not in shown.message.body and john.join_secret not in shown.message.body
    assert "/r/" not in shown.message.body and "/join/" not in shown.message.body
    assert shown.message.body == ("Jūsu: (šīs personas privātā saite)\n"
                                  "Pieslēgums: (šīs personas attālinātā pieslēguma saite)")
    # Someone without a remote connection: the preview shows what they will read, nothing.
    anna = messages.preview(session, event, only(event, q="anna@example.lv"), text).message.body
    assert anna == "Jūsu: (šīs personas privātā saite)\nPieslēgums: "
    # The person's own mail carries the real links.
    mail = messages.personal(text, john).body
    assert f"http://eventapp.test/r/{john.secret}" in mail and f"http://eventapp.test/join/{john.join_secret}" in mail


def test_tracks_placeholder_says_who_waits_as_the_reminders_do(session):
    event = create_event(session, tracks=2, track_capacity=1)
    first = event.slots[0].tracks[0]
    slot = event.slots[0].id
    seated = create_registration(session, event, full_name="Anna Bērziņa", language="lv")
    waiting = create_registration(session, event, full_name="Jānis Ozols", language="lv", track_ids={slot: first.id})
    english = create_registration(session, event, full_name="John Smith", language="en", track_ids={slot: first.id})
    text = messages.MessageText(subject_lv="Grupa", body_lv="{tracks}", subject_en="Group", body_en="{tracks}")
    assert messages.personal(text, seated).body == "Darba grupas: Darba grupa 1 (jūsu vieta apstiprināta)"
    assert messages.personal(text, waiting).body == "Darba grupas: Darba grupa 1 (gaidīšanas sarakstā, nr. 1)"
    assert messages.personal(text, english).body == "Working groups: Working group 1 (waiting list, number 2)"
    # Written out by the sender, from the event's queues read once: the same.
    organiser = create_user(session)
    sent = messages.send_message(session, event, organiser, only(event), text, messages.new_token(), utcnow())
    messages.expand(session, sent.message, utcnow())
    bodies = {r.registration_id: r.outbox_message.body_text for r in sent.message.recipients}
    assert "Darba grupa 1 (gaidīšanas sarakstā, nr. 1)" in bodies[waiting.id]
    assert "Working group 1 (waiting list, number 2)" in bodies[english.id]


def test_remote_link_placeholder_is_the_person_s_own_connection(session):
    event, _first, _second, people = world(session)
    text = messages.MessageText(subject_lv="Saite", body_lv="Pieslēgums: {remote_link}.")
    john_join = f"http://eventapp.test/join/{people['john'].join_secret}"
    assert messages.personal(text, people["john"]).body == f"Pieslēgums: {john_join}."
    assert messages.personal(text, people["anna"]).body == "Pieslēgums: ."


def test_a_language_without_text_falls_back_to_latvian(session):
    event, _first, _second, people = world(session)
    text = messages.MessageText(subject_lv="Tikai latviski", body_lv="Sveiki, {{ name }}!")
    mail = messages.personal(text, people["john"])
    assert (mail.language, mail.subject, mail.body) == ("lv", "Tikai latviski", "Sveiki, John Smith!")
    english_only = messages.MessageText(subject_en="Only English", body_en="Hi")
    assert messages.personal(english_only, people["anna"]).language == "en"


@pytest.mark.parametrize(("text", "field"), [
    (messages.MessageText(subject_lv="Sveiki", body_lv="Sveiki, {vards}!"), "body_lv"),
    (messages.MessageText(subject_en="Hi {{ config }}", body_en="Hi"), "subject_en"),
    (messages.MessageText(subject_lv="Sveiki", body_lv="{name.__class__}"), "body_lv"),
    (messages.MessageText(), "body_lv"),
    (messages.MessageText(body_lv="Bez temata"), "subject_lv"),
    (messages.MessageText(subject_lv="Sveiki", body_lv="Labi", subject_en="Hello"), "body_en"),
])
def test_what_cannot_be_sent_is_refused_on_its_field(session, text, field):
    with pytest.raises(DomainError) as refused:
        messages.check_text(text)
    assert refused.value.field == field


def test_user_text_is_plain_in_the_text_part_and_escaped_in_the_html(session):
    event, _first, _second, people = world(session)
    text = messages.MessageText(subject_lv="50% <b>", body_lv="<script>x</script> & {name}\n\nhttps://example.lv/a?b=1&c=2.")
    sent = messages.send_message(session, event, None, only(event, mode="remote"), text, "t1", utcnow())
    messages.expand(session, sent.message, utcnow())
    session.flush()
    [row] = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == messages.KIND)).all()
    assert row.subject == "50% <b>"
    assert "<script>x</script> & John Smith" in row.body_text
    assert "<script>" not in row.body_html and "&lt;script&gt;x&lt;/script&gt; &amp; John Smith" in row.body_html
    assert '<a href="https://example.lv/a?b=1&amp;c=2">' in row.body_html


def test_sending_is_audited_without_personal_data_and_listed(session):
    event, first, _second, _people = world(session)
    organiser = create_user(session)
    sent = messages.send_message(session, event, organiser, only(event, track=first.id, q="Bērziņa"), TEXT, "t2", utcnow())
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "message.send")).all()
    assert (entry.user_id, entry.event_id, entry.object_id) == (organiser.id, event.id, sent.message.id)
    assert entry.details["recipients"] == 1 and entry.details["searched"] is True
    assert "Bērziņa" not in str(entry.details)
    messages.expand(session, sent.message, utcnow())
    session.flush()
    [row] = messages.sent_messages(session, event)
    assert (row.message.id, row.message.recipient_count, row.delivered, row.failed) == (sent.message.id, 1, 0, 0)


def test_nobody_matching_sends_nothing(session):
    event, _first, _second, _people = world(session)
    with pytest.raises(DomainError):
        messages.send_message(session, event, None, only(event, sector="municipality"), TEXT, "t3", utcnow())
    assert session.scalar(select(RegistrantMessage)) is None
