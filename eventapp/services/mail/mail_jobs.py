"""Mail written out after the change that causes it: to everyone registered for an event about a
change to it (moved, or cancelled), and one person's message about their new registration.

The organiser's request only records what is to be sent: one `MailJob`, in the same
transaction as the change (so nothing is lost), with the registrations to tell and what the
event was before. Rendering a message with its invite takes a few milliseconds a person; the
sender (`outbox.deliver_due`) does that before it sends: a message per person, as any message
about a registration (their language, their invite with the event's SEQUENCE), and the job
marked done, in one transaction. Like the sender, this commits once per job; with several
senders running, each takes its own jobs (`SKIP LOCKED` on PostgreSQL).

A registration's message is a job too (`lifecycle.register(..., mail_after_commit=True)`), so that
the event's lock is not held while it is rendered: the request writes it out right after the
commit (`write_out_now`); should that fail, the sender does it in its next round.

Only the people registered at the change are told (whoever registers later reads the new time
in their confirmation), unless they cancel before the sender runs. A move is not mailed once
the event is cancelled: the cancellation is, to everyone.
"""
import logging
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from ...models import Event, EventStatus, MailJob, Registration, RegistrationStatus, TrackChoice
from ..registration import lifecycle, seat_allocation
from . import compose

log = logging.getLogger(__name__)

EVENT_CHANGED = "event_changed"
EVENT_CANCELLED = "event_cancelled"
# The message about a registration each kind of job is written out as.
MESSAGE_KINDS = {EVENT_CHANGED: "changed", EVENT_CANCELLED: "event_cancelled"}
CHANGED_BY_ORGANISERS = _l(
    "The organisers have changed the time or place of the event. This is how it stands now:"
)
# What a "changed" message says the event was before: these are kept as ISO times.
TIMES = ("starts_at", "ends_at")


def queue_event_changed(session: Session, event: Event, changed: set[str], previous: dict) -> MailJob | None:
    """Record that everyone registered is to be told the event moved; `previous` holds what the
    message shows as before the change (`starts_at`, `ends_at`, `place`)."""
    was = {key: value.isoformat() if key in TIMES else value for key, value in previous.items()}
    return _queue(session, event, EVENT_CHANGED, {"changed": sorted(changed), "previous": was})


def queue_event_cancelled(session: Session, event: Event) -> MailJob | None:
    return _queue(session, event, EVENT_CANCELLED, {})


def _queue(session: Session, event: Event, kind: str, payload: dict) -> MailJob | None:
    """A job naming the people registered now (in order of registration); none if nobody is."""
    ids = session.scalars(
        select(Registration.id)
        .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.id)
    ).all()
    if not ids:
        return None
    job = MailJob(kind=kind, event=event, payload={"registration_ids": list(ids), **payload})
    session.add(job)
    return job


def expand_mail_jobs(session: Session, now: datetime, limit: int = 100) -> int:
    """Write out the jobs not yet done, oldest first, committing each; returns how many were done.

    A job that cannot be written out is logged and left for the next round; it holds up no other.
    """
    done, failed = 0, []
    for _ in range(limit):
        job = _next_job(session, failed)
        if job is None:
            break
        job_id, kind = job.id, job.kind
        try:
            messages = expand(session, job, now)
        except SQLAlchemyError:
            raise
        except Exception:
            session.rollback()
            log.exception("mail job %s (%s) could not be written out; it is tried again next round", job_id, kind)
            failed.append(job_id)
            continue
        session.commit()
        log.info("mail job %s (%s) written out as %d messages", job_id, kind, messages)
        done += 1
    return done


def _next_job(session: Session, skip: list[int]) -> MailJob | None:
    query = select(MailJob).where(MailJob.done_at.is_(None)).order_by(MailJob.id).limit(1)
    if skip:
        query = query.where(MailJob.id.not_in(skip))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalar(query)


def expand(session: Session, job: MailJob, now: datetime) -> int:
    """One message per person the job names, rendered as today; the job is marked done.

    Everything the messages show is read first, in a fixed number of queries (the people with
    their tracks and organisations, the places in the queues); the messages are then rendered
    from memory and written together when the session flushes.
    """
    if job.kind == lifecycle.REGISTERED_JOB:  # left by a request that could not write it (none once cancelled)
        people = _still_registered(session, job)
        for person in people:
            _write_registered(session, person, job.payload)
        job.done_at = now
        return len(people)
    kind = MESSAGE_KINDS[job.kind]
    event = job.event
    extra = {}
    if kind == "changed":
        extra = {"changed": set(job.payload["changed"]), "previous": _previous(job.payload["previous"]),
                 "opening": CHANGED_BY_ORGANISERS}
    people = [] if kind == "changed" and event.status is EventStatus.CANCELLED else _still_registered(session, job)
    queues = seat_allocation.queue_positions(session, event)
    for person in people:
        details = lifecycle.registration_details(session, person, queues) | extra
        message = compose.queue_registration_mail(session, kind, person, details)
        message.next_attempt_at = now  # due in the sender's round that wrote it
    job.done_at = now
    return len(people)


def _write_registered(session: Session, person: Registration, payload: dict) -> None:
    """One person's message about their registration, as it stands now."""
    details = lifecycle.registration_details(session, person)
    if payload.get("answers"):
        details["answers"] = lifecycle.registered_answer_lines(session, person)
    compose.queue_registration_mail(session, payload["message"], person, details)


def write_out_now(session: Session, job_id: int, registration: Registration, now: datetime) -> bool:
    """Write out the job of `registration`'s message right after the commit that recorded it, from the
    objects still loaded (`actions.run_keeping_loaded`), and commit. False when it is left to the
    sender: the sender has taken it already, or it failed here (logged; the sender tries it again)."""
    try:
        payload = session.execute(
            update(MailJob).where(MailJob.id == job_id, MailJob.done_at.is_(None))
            .values(done_at=now).returning(MailJob.payload)
        ).scalar()
        if payload is None:
            session.rollback()
            return False
        _write_registered(session, registration, payload)
        session.commit()
    except Exception:
        session.rollback()
        log.exception("mail job %s could not be written out; the sender tries again", job_id)
        return False
    return True


def _previous(was: dict) -> dict:
    return {key: datetime.fromisoformat(value) if key in TIMES else value for key, value in was.items()}


def _still_registered(session: Session, job: MailJob) -> list[Registration]:
    """The people the job names who are still registered, in order of registration."""
    return list(session.scalars(
        select(Registration)
        .where(
            Registration.id.in_(job.payload["registration_ids"]),
            Registration.event_id == job.event_id,
            Registration.status != RegistrationStatus.CANCELLED,
            Registration.anonymised_at.is_(None),
        )
        .options(
            selectinload(Registration.choices).selectinload(TrackChoice.track),
            selectinload(Registration.organisation),
        )
        .order_by(Registration.id)
    ))
