"""Mail to everyone about an event change: the organiser's request records one job, the sender
writes a message per person from it, once, in each person's language."""
from datetime import timedelta

from sqlalchemy import select, text

from eventapp.extensions import db
from eventapp.models import Event, MailJob, OutboxMessage, utcnow
from eventapp.services import events
from eventapp.services.mail import mail_jobs
from eventapp.services.registration import lifecycle as registrations

from ..factories import create_event, create_registration


def mails(session, kind):
    return session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)).all()


def move(session, event, days=7, **values):
    start = event.starts_at + timedelta(days=days)
    data = events.EventData.of(event, starts_at=start, ends_at=start + timedelta(hours=6), **values)
    return events.update_event(session, None, event, data)


def test_moving_an_event_records_who_is_to_be_told_and_renders_nothing(session):
    event = create_event(session, tracks=1, venue="Kultūras nams", city="Jēkabpils")
    anna, janis, gone = (create_registration(session, event) for _ in range(3))
    registrations.cancel_registration(session, gone, utcnow())
    before = event.starts_at

    move(session, event, city="Rīga")

    assert mails(session, "changed") == []
    [job] = session.scalars(select(MailJob)).all()
    assert (job.kind, job.event_id, job.done_at) == ("event_changed", event.id, None)
    assert job.payload["registration_ids"] == [anna.id, janis.id]
    assert job.payload["previous"] == {
        "starts_at": before.isoformat(), "ends_at": (before + timedelta(hours=6)).isoformat(),
        "place": "Kultūras nams, Jēkabpils",
    }


def test_the_sender_tells_those_registered_at_the_change_once(session):
    event = create_event(session, tracks=1)
    anna = create_registration(session, event)
    move(session, event)
    late = create_registration(session, event)  # already registers for the new time

    assert mail_jobs.expand_mail_jobs(session, utcnow()) == 1
    assert mail_jobs.expand_mail_jobs(session, utcnow()) == 0
    assert [m.registration_id for m in mails(session, "changed")] == [anna.id]
    assert late.id not in {m.registration_id for m in mails(session, "changed")}
    assert session.scalar(select(MailJob.done_at)) is not None


def test_who_cancels_before_the_sender_runs_is_not_told_of_the_move(session):
    event = create_event(session, tracks=1)
    anna, janis = create_registration(session, event), create_registration(session, event)
    move(session, event)
    registrations.cancel_registration(session, janis, utcnow())
    mail_jobs.expand_mail_jobs(session, utcnow())
    assert [m.registration_id for m in mails(session, "changed")] == [anna.id]


def test_a_move_then_a_cancellation_before_the_sender_runs_mails_only_the_cancellation(session):
    event = create_event(session, tracks=1)
    anna = create_registration(session, event)
    move(session, event)
    events.cancel_event(session, None, event)
    assert mail_jobs.expand_mail_jobs(session, utcnow()) == 2
    assert mails(session, "changed") == []
    assert [m.registration_id for m in mails(session, "event_cancelled")] == [anna.id]


def test_a_job_that_cannot_be_written_out_holds_up_no_other(session):
    event = create_event(session, tracks=1)
    anna = create_registration(session, event)
    session.add(MailJob(kind="no_such_kind", event=event, payload={}))
    session.flush()
    move(session, event)
    session.commit()  # as the sender finds them: a failing job is rolled back
    assert mail_jobs.expand_mail_jobs(session, utcnow()) == 1
    assert [m.registration_id for m in mails(session, "changed")] == [anna.id]
    broken = session.scalar(select(MailJob).where(MailJob.kind == "no_such_kind"))
    assert broken.done_at is None  # left for the next round, and logged


def test_a_job_another_sender_holds_is_left_to_it(session):
    """On PostgreSQL a job another sender has claimed (its row locked) is skipped; SQLite lets one
    writer in at a time, so there the second sender finds the job done."""
    event = create_event(session, tracks=1)
    create_registration(session, event)
    events.cancel_event(session, None, event)
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        with db.engine.connect() as other:
            other.execute(text("SELECT id FROM mail_job FOR UPDATE"))
            assert mail_jobs.expand_mail_jobs(session, utcnow()) == 0
            other.rollback()
    assert mail_jobs.expand_mail_jobs(session, utcnow()) == 1
    assert mail_jobs.expand_mail_jobs(session, utcnow()) == 0
    assert len(mails(session, "event_cancelled")) == 1


def test_after_a_move_send_mail_delivers_the_change_once_to_each_registrant_in_their_language(mail_app, smtp_server):
    runner = mail_app.test_cli_runner()
    with mail_app.test_request_context():
        event = create_event(db.session, tracks=1, title_lv="Izbraukuma sēde Jēkabpilī",
                             title_en="Visiting session in Jēkabpils")
        anna = create_registration(db.session, event, email="anna@example.lv", language="lv")
        john = create_registration(db.session, event, email="john@example.lv", language="en")
        db.session.commit()
        event_id, ids = event.id, {anna.email: anna.id, john.email: john.id}
    assert "sent 2," in runner.invoke(args=["send-mail"]).output  # the confirmations
    with mail_app.test_request_context():
        event = db.session.get(Event, event_id)
        move(db.session, event)
        db.session.commit()
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "changed")) is None
        create_registration(db.session, event, email="zane@example.lv", language="lv")
        db.session.commit()

    first = runner.invoke(args=["send-mail"])
    assert first.exit_code == 0, first.output
    assert "sent 3, to retry 0, failed 0" in first.output
    second = runner.invoke(args=["send-mail"])
    assert "sent 0, to retry 0, failed 0" in second.output

    delivered = {m["X-Envelope-To"]: m for m in smtp_server.messages[2:]}
    assert len(smtp_server.messages) == 5 and set(delivered) == {"anna@example.lv", "john@example.lv", "zane@example.lv"}
    assert delivered["anna@example.lv"]["Subject"] == "Jūsu reģistrācija mainīta: Izbraukuma sēde Jēkabpilī"
    assert delivered["john@example.lv"]["Subject"] == "Your registration was changed: Visiting session in Jēkabpils"
    assert delivered["zane@example.lv"]["Subject"].startswith("Reģistrācija apstiprināta")
    anna_text = delivered["anna@example.lv"].get_body(("plain",)).get_content()
    john_text = delivered["john@example.lv"].get_body(("plain",)).get_content()
    assert "Organizatori ir mainījuši pasākuma laiku vai vietu" in anna_text and "pirms izmaiņām" in anna_text
    assert "The organisers have changed the time or place" in john_text and "before the change" in john_text
    for address, message in delivered.items():
        if address in ids:
            [invite] = [part for part in message.iter_attachments() if part.get_filename() == "invite.ics"]
            assert invite.get_content_type() == "text/calendar" and invite.get_param("method") == "REQUEST"
            ical = invite.get_payload(decode=True).decode()
            assert f"UID:registration-{ids[address]}@" in ical and "SEQUENCE:1\r\n" in ical
