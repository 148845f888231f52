"""A registration through the form: the seat is decided and committed under the event's lock, the
message is rendered after it (a job recorded in the same transaction, so it cannot be lost)."""
from sqlalchemy import func, select

from eventapp.actions import run_keeping_loaded
from eventapp.extensions import db
from eventapp.models import AttendanceMode, MailJob, OutboxMessage, Registration, Sector, utcnow
from eventapp.services.mail import compose, mail_jobs
from eventapp.services.registration import lifecycle

from ..factories import create_event, create_registration


def data(event, email="anna@example.lv", **values) -> lifecycle.RegistrationData:
    return lifecycle.RegistrationData(**{
        "full_name": "Anna Bērziņa", "email": email, "sector": Sector.NGO, "attendance_mode": AttendanceMode.IN_PERSON,
        "consent_data": True, "track_ids": {slot.id: slot.tracks[0].id for slot in event.slots if slot.tracks},
        **values,
    })


def messages(session, registration_id=None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if registration_id is not None:
        query = query.where(OutboxMessage.registration_id == registration_id)
    return list(session.scalars(query))


def test_under_the_lock_only_a_job_is_recorded_and_nothing_is_rendered(session, monkeypatch):
    event = create_event(session, tracks=2)
    rendered = []
    monkeypatch.setattr(compose, "queue_registration_mail", lambda *args, **kwargs: rendered.append(args))

    result = lifecycle.register(session, event.id, data(event), utcnow(), mail_after_commit=True)

    assert rendered == []
    job = session.get(MailJob, result.mail_job_id)
    assert job.kind == lifecycle.REGISTERED_JOB and job.done_at is None
    assert job.payload == {"registration_ids": [result.registration.id], "message": "confirmation", "answers": False}


def test_after_the_commit_the_message_is_written_from_the_objects_still_loaded(app, count_queries):
    with app.test_request_context():
        event = create_event(db.session, tracks=2, title_lv="Reģionālā sesija Jēkabpilī")
        event_id = event.id
        db.session.commit()
        done, result = run_keeping_loaded(lifecycle.register, event_id, data(event), utcnow(), mail_after_commit=True)
        assert done
        registration = result.registration
        assert "full_name" in registration.__dict__  # not expired by the commit
        assert db.session().expire_on_commit is True  # and the session expires as before afterwards

        with count_queries() as queries:
            assert mail_jobs.write_out_now(db.session, result.mail_job_id, registration, utcnow())
        # the claim of the job, then the message and its attachments: nothing is read again
        kinds = [q.split()[0].upper() for q in queries.statements]
        assert kinds[0] == "UPDATE" and set(kinds[1:]) == {"INSERT"}, kinds

        [message] = messages(db.session, registration.id)
        assert message.kind == "confirmation"
        assert "Reģionālā sesija Jēkabpilī" in message.subject
        assert db.session.get(MailJob, result.mail_job_id).done_at is not None
        # The sender finds nothing left to do, so the person gets one message.
        assert mail_jobs.expand_mail_jobs(db.session, utcnow()) == 0
        assert len(messages(db.session, registration.id)) == 1


def test_a_job_the_sender_took_first_is_not_written_twice(app):
    with app.test_request_context():
        event = create_event(db.session, tracks=1)
        db.session.commit()
        done, result = run_keeping_loaded(lifecycle.register, event.id, data(event), utcnow(), mail_after_commit=True)
        assert mail_jobs.expand_mail_jobs(db.session, utcnow()) == 1  # the sender ran in between
        registration = db.session.get(Registration, result.registration.id)

        assert mail_jobs.write_out_now(db.session, result.mail_job_id, registration, utcnow()) is False
        assert len(messages(db.session, registration.id)) == 1


def test_when_writing_fails_the_registration_stays_and_the_sender_writes_the_message(app, monkeypatch):
    with app.test_request_context():
        event = create_event(db.session, tracks=1)
        db.session.commit()
        done, result = run_keeping_loaded(lifecycle.register, event.id, data(event), utcnow(), mail_after_commit=True)
        registration = result.registration

        def broken(*args, **kwargs):
            raise RuntimeError("a template that cannot be rendered")

        with monkeypatch.context() as patch:
            patch.setattr(compose, "queue_registration_mail", broken)
            assert mail_jobs.write_out_now(db.session, result.mail_job_id, registration, utcnow()) is False

        assert db.session.get(Registration, registration.id) is not None
        assert messages(db.session, registration.id) == []
        assert db.session.get(MailJob, result.mail_job_id).done_at is None
        assert mail_jobs.expand_mail_jobs(db.session, utcnow()) == 1  # the sender's next round
        [message] = messages(db.session, registration.id)
        assert message.kind == "confirmation"


def test_a_registration_whose_job_was_left_gets_its_answers_and_who_cancels_first_gets_nothing(session):
    event = create_event(session, tracks=1, capacity=1)
    create_registration(session, event)  # the one seat
    waiting = lifecycle.register(session, event.id, data(event, email="janis@example.lv"), utcnow(),
                                 mail_after_commit=True)
    gone = lifecycle.register(session, event.id, data(event, email="ilze@example.lv"), utcnow(),
                              mail_after_commit=True)
    lifecycle.cancel_registration(session, gone.registration, utcnow())
    session.commit()

    assert mail_jobs.expand_mail_jobs(session, utcnow()) == 2
    assert [m.kind for m in messages(session, waiting.registration.id)] == ["waitlisted"]
    assert [m.kind for m in messages(session, gone.registration.id)] == ["cancelled"]


def test_registering_the_same_address_again_sends_the_link_again_after_the_commit(session):
    event = create_event(session, tracks=1)
    first = lifecycle.register(session, event.id, data(event), utcnow(), mail_after_commit=True)
    again = lifecycle.register(session, event.id, data(event), utcnow(), mail_after_commit=True)
    session.commit()
    assert again.created is False
    jobs = {job.id: job.payload["message"] for job in session.scalars(select(MailJob))}
    assert jobs == {first.mail_job_id: "confirmation", again.mail_job_id: "link_resent"}
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    mail_jobs.expand_mail_jobs(session, utcnow())
    assert [m.kind for m in messages(session, first.registration.id)] == ["confirmation", "link_resent"]
