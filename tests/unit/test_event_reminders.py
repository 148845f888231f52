"""Reminders before an event: once, at their time, with what each person needs on the day."""
from datetime import timedelta

from sqlalchemy import func, select, update

from eventapp.extensions import db
from eventapp.models import AttendanceMode, EventStatus, OutboxMessage, OutboxStatus, utcnow
from eventapp.services.mail import event_reminders, outbox

from ..factories import create_event, create_registration

HOURS = event_reminders.DEFAULT_HOURS_BEFORE


def world(session, starts_in=timedelta(hours=40), **values):
    """An event with one in-person seat: Anna (lv) has it, John (en) comes remotely, Zane waits."""
    now = utcnow()
    event = create_event(
        session, tracks=1, capacity=1, title_lv="Izbraukuma sēde Cēsīs", title_en="Visiting session in Cēsis",
        starts_at=now + starts_in, venue="Cēsu kultūras centrs", address="Raunas iela 12", city="Cēsis",
        remote_allowed=True, remote_link="https://meet.example.lv/cesis", **values,
    )
    people = {
        "anna": create_registration(session, event, full_name="Anna Bērziņa", email="anna@example.lv", language="lv"),
        "john": create_registration(session, event, full_name="John Smith", email="john@example.org", language="en",
                                    attendance_mode=AttendanceMode.REMOTE),
        "zane": create_registration(session, event, full_name="Zane Ozola", email="zane@example.lv", language="lv"),
    }
    session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))  # the confirmations
    session.flush()
    return event, people


def reminders(session):
    return session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == event_reminders.KIND).order_by(OutboxMessage.id)
    ).all()


def test_reminders_reach_everyone_once_with_their_links(mail_app, smtp_server):
    with mail_app.test_request_context():
        session = db.session
        event, people = world(session)
        assert people["zane"].status.value == "waitlisted"
        report = event_reminders.send_event_reminders(session, utcnow(), HOURS)
        session.commit()
        assert (report.events, report.messages) == (1, 3)
        assert event_reminders.send_event_reminders(session, utcnow(), HOURS).messages == 0
        session.commit()
        assert outbox.deliver_due(session, utcnow()).sent == 3
        anna_link = f"http://eventapp.test/r/{people['anna'].secret}"
        john_join = f"http://eventapp.test/join/{people['john'].join_secret}"

    by_address = {m["X-Envelope-To"]: m for m in smtp_server.messages}
    assert set(by_address) == {"anna@example.lv", "john@example.org", "zane@example.lv"}

    anna = by_address["anna@example.lv"]
    assert anna["Subject"] == "Atgādinājums: Izbraukuma sēde Cēsīs"
    text = anna.get_body(("plain",)).get_content()
    assert "Raunas iela 12" in text and "https://www.openstreetmap.org/search?query=" in text
    assert anna_link in text and "meet.example.lv" not in text
    assert {part.get_filename() for part in anna.iter_attachments()} == {"invite.ics", "badge.pdf"}

    john = by_address["john@example.org"]
    assert john["Subject"] == "Reminder: Visiting session in Cēsis"
    text = john.get_body(("plain",)).get_content()
    assert john_join in text and "meet.example.lv" not in text and "openstreetmap" not in text
    assert {part.get_filename() for part in john.iter_attachments()} == {"invite.ics"}

    zane = by_address["zane@example.lv"]
    text = zane.get_body(("plain",)).get_content()
    assert "gaidīšanas sarakst" in zane["Subject"]
    assert "Gaida vietu pasākumā: nr. 1." in text and "meet.example.lv" not in text
    assert list(zane.iter_attachments()) == []


def test_not_before_its_time_then_once(session):
    event, _people = world(session, starts_in=timedelta(hours=HOURS + 2))
    now = utcnow()
    assert event_reminders.send_event_reminders(session, now, HOURS).messages == 0
    status = event_reminders.reminder_status(session, event, HOURS, now)
    assert status.sent_at is None and not status.none
    assert status.due_at == event.starts_at - timedelta(hours=HOURS)

    later = now + timedelta(hours=3)
    assert event_reminders.send_event_reminders(session, later, HOURS).messages == 3
    assert event_reminders.send_event_reminders(session, later + timedelta(hours=1), HOURS).messages == 0
    status = event_reminders.reminder_status(session, event, HOURS, later)
    assert status.sent_at == later and status.sent_to == 3
    assert len(reminders(session)) == 3


def test_the_hours_before_are_configurable(session):
    world(session, starts_in=timedelta(hours=30))
    assert event_reminders.send_event_reminders(session, utcnow(), 24).messages == 0
    assert event_reminders.send_event_reminders(session, utcnow(), 36).messages == 3


def test_who_registers_after_the_reminder_gets_none_from_it(session):
    event, _people = world(session)
    assert event_reminders.send_event_reminders(session, utcnow(), HOURS).messages == 3
    late = create_registration(session, event, attendance_mode=AttendanceMode.REMOTE)
    assert event_reminders.send_event_reminders(session, utcnow(), HOURS).messages == 0
    assert late.id not in {m.registration_id for m in reminders(session)}


def test_cancelled_draft_and_begun_events_get_none(session):
    cancelled, _ = world(session)
    cancelled.status = EventStatus.CANCELLED
    draft = create_event(session, tracks=1, starts_at=utcnow() + timedelta(hours=20), status=EventStatus.DRAFT)
    session.flush()
    assert event_reminders.send_event_reminders(session, utcnow(), HOURS).messages == 0
    assert event_reminders.reminder_status(session, cancelled, HOURS, utcnow()).none
    assert event_reminders.reminder_status(session, draft, HOURS, utcnow()).none

    begun, _ = world(session, starts_in=timedelta(hours=1))
    assert event_reminders.send_event_reminders(session, utcnow() + timedelta(hours=2), HOURS).messages == 0
    assert event_reminders.reminder_status(session, begun, HOURS, utcnow() + timedelta(hours=2)).none


def test_cancelled_registrations_are_not_reminded(session):
    from eventapp.services.registration import lifecycle

    _event, people = world(session)
    lifecycle.cancel_registration(session, people["john"], utcnow(), notify=False)
    event_reminders.send_event_reminders(session, utcnow(), HOURS)
    assert people["john"].id not in {m.registration_id for m in reminders(session)}
    assert len(reminders(session)) == 2


def test_the_periodic_command_sends_them_once(app, runner):
    with app.app_context():
        world(db.session)
        db.session.commit()
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert "event reminders: 1 events, 3 participants" in first.output
    second = runner.invoke(args=["send-reminders"])
    assert "event reminders: 0 events, 0 participants" in second.output
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == event_reminders.KIND)
        )
    assert count == 3
