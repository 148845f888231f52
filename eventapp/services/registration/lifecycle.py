"""Registering, changing, cancelling, and what a registrant may see and delete of their own data."""
import functools
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ...languages import normalise_language
from ...models import (
    AttendanceMode,
    DelegationRequest,
    DelegationStatus,
    Event,
    EventStatus,
    MailJob,
    Organisation,
    OutboxMessage,
    Question,
    Registration,
    RegistrationStatus,
    Sector,
    TrackChoice,
    utcnow,
)
from .. import online_meetings
from ..accounts import audit
from ..exceptions import DomainError
from ..mail import compose
from . import registration_state, seat_allocation, seat_counts, seat_holds
from .answers import AnswerValue, answer_lines, answer_text, answers_of, check_answers, save_answers, value_of
from .questions import event_questions

CONSENT_WORDING_VERSION = "2025-1"
CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED,
)


@dataclass
class RegistrationData:
    """What a person gives when registering (already checked for form: lengths, email syntax)."""

    full_name: str
    email: str
    sector: Sector
    attendance_mode: AttendanceMode
    track_ids: dict[int, int]  # slot id -> track id
    consent_data: bool
    organisation_name: str = ""
    position: str = ""
    access_needs: str = ""
    dietary_needs: str = ""
    consent_photos: bool = False
    language: str = "lv"
    answers: dict[int, AnswerValue] = field(default_factory=dict)  # question id -> answer


@dataclass
class RegistrationResult:
    registration: Registration
    created: bool  # False: the email was already registered, and its link was sent again
    # With `mail_after_commit`: the job that writes the person's message once the seat is committed.
    mail_job_id: int | None = None


# The mail job of one registration's message (`mail_jobs.write_out_now` renders it after the commit).
REGISTERED_JOB = "registered"


def registration_closed_reason(event: Event, now: datetime) -> str | None:
    """Why registration is not possible now, or None when it is open."""
    if event.status is EventStatus.CANCELLED:
        return str(_l("The event has been cancelled."))
    if event.status is not EventStatus.PUBLISHED:
        return str(_l("Registration is not open for this event."))
    if event.registration_opens_at and now < event.registration_opens_at:
        return str(_l("Registration has not opened yet."))
    closes = event.registration_closes_at or event.starts_at
    if now >= closes:
        return str(_l("Registration has closed."))
    return None


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_choices(event: Event, data: RegistrationData) -> None:
    if data.attendance_mode is AttendanceMode.REMOTE and not online_meetings.remote_possible(event):
        raise DomainError(_l("This event can only be attended in person."), "attendance_mode")
    for slot in event.slots:
        if not slot.tracks:
            continue
        track_id = data.track_ids.get(slot.id)
        if track_id is None:
            raise DomainError(_l("Choose one working group for this time block."), f"slot_{slot.id}")
        if track_id not in {t.id for t in slot.tracks}:
            raise DomainError(_l("This working group is not part of this time block."), f"slot_{slot.id}")
    if not data.consent_data:
        raise DomainError(_l("Registration needs your consent to the processing of your data."), "consent_data")
    if data.sector is Sector.STATE_ADMINISTRATION and not data.organisation_name.strip():
        raise DomainError(_l("Name the institution you represent."), "organisation")


@dataclass
class _Lookups:
    existing_id: int | None
    organisation_id: int | None
    organisation_sector: str | None
    taken_event: int
    taken_tracks: dict[int, int]


@functools.lru_cache(maxsize=32)
def _lookups_statement(track_count: int):
    """The lookups of `_lookups` for an event of `track_count` chosen tracks, built once (bound parameters)."""
    in_directory = Organisation.name == bindparam("organisation_name")
    return select(
        select(Registration.id)
        .where(Registration.event_id == bindparam("event_id"), Registration.email == bindparam("email"))
        .scalar_subquery(),
        select(Organisation.id).where(in_directory).scalar_subquery(),
        select(Organisation.sector).where(in_directory).scalar_subquery(),
        *seat_counts.taken_seats_columns(track_count),
    )


def _lookups(session: Session, event: Event, email: str, organisation_name: str, track_ids: list[int]) -> _Lookups:
    """What registering needs to know, read under the event's lock in one round trip: an earlier
    registration of the address, the directory's organisation of that name, and the taken seats."""
    row = session.execute(
        _lookups_statement(len(track_ids)),
        {"email": email, "organisation_name": organisation_name, **seat_counts.seat_parameters(event.id, track_ids)},
    ).one()
    return _Lookups(row[0], row[1], row[2], row[3], dict(zip(track_ids, row[4:])))


def register(
    session: Session, event_id: int, data: RegistrationData, now: datetime, delegation: DelegationRequest | None = None,
    *, mail_after_commit: bool = False, questions: list[Question] | None = None,
) -> RegistrationResult:
    """Register a person, seated or on the waiting lists in order, with the message that says which.

    With `delegation`, the person is the expert an institution delegates through a request:
    state administration, of that institution, in the request's track.

    The event's lock is held until the transaction ends. With `mail_after_commit` the message is
    not rendered under it: a `MailJob` in the same transaction records it (so it cannot be lost),
    and the caller writes it out after the commit (`mail_jobs.write_out_now`), or the sender does.
    `questions`: the event's asked questions, when the caller has read them already (the form has).
    """
    event = seat_allocation.lock_event(session, event_id)
    reason = registration_closed_reason(event, now)
    if reason:
        raise DomainError(reason)
    if delegation is not None:
        if delegation.status is not DelegationStatus.SENT or delegation.deadline_at <= now:
            raise DomainError(_l("This request is no longer open; please contact the secretariat."))
        data = replace(
            data, sector=Sector.STATE_ADMINISTRATION, organisation_name=delegation.organisation.name,
            track_ids=data.track_ids | {delegation.track.slot_id: delegation.track_id},
        )
    if online_meetings.is_online_meeting(event):
        data = replace(data, attendance_mode=AttendanceMode.REMOTE)  # no room, no seats, no waiting list
    _check_choices(event, data)
    questions = event_questions(session, event) if questions is None else questions
    answers = check_answers(questions, data.answers)
    email = normalise_email(data.email)
    track_ids = [data.track_ids[slot.id] for slot in event.slots if slot.tracks]
    found = _lookups(session, event, email, " ".join(data.organisation_name.split()), track_ids)

    if found.existing_id is not None:
        existing = session.get(Registration, found.existing_id)
        if existing.status is not CANCELLED:
            if mail_after_commit:
                return RegistrationResult(existing, created=False, mail_job_id=_mail_job(session, existing, "link_resent"))
            compose.queue_registration_mail(session, "link_resent", existing, registration_details(session, existing))
            return RegistrationResult(existing, created=False)
        # Registering again after cancelling: a new place at the end of the queues.
        session.delete(existing)
        session.flush()

    if found.organisation_sector:
        # The directory knows an organisation's sector better than a hurried click does;
        # coverage of the tracks by state administration counts on it.
        data = replace(data, sector=Sector(found.organisation_sector))
    registration = new_registration(event, data, now, organisation_id=found.organisation_id)
    held = {}
    if registration.sector is not Sector.STATE_ADMINISTRATION and data.attendance_mode is AttendanceMode.IN_PERSON:
        held = seat_holds.held_seats(session, event, now)
    seat_allocation.seat_newcomer(event, registration, found.taken_event, found.taken_tracks, held)
    session.add(registration)
    save_answers(session, registration, questions, answers, now)
    if delegation is not None:
        registration.delegation_request_id = delegation.id
        delegation.status = DelegationStatus.ACCEPTED
        delegation.responded_at = now
        audit.record(session, None, "delegation.accept", delegation, event)
    kind = "confirmation" if is_fully_seated(registration) else "waitlisted"
    session.flush()  # the id: the invite's UID and the place in the queues are made from it
    # No audit entry: the registration itself records when it was made and by whom.
    if mail_after_commit:
        return RegistrationResult(registration, created=True,
                                  mail_job_id=_mail_job(session, registration, kind, answers=bool(answers)))
    details = registration_details(session, registration) | {"answers": answer_lines(questions, answers, registration.language)}
    compose.queue_registration_mail(session, kind, registration, details)
    return RegistrationResult(registration, created=True)


def _mail_job(session: Session, registration: Registration, kind: str, answers: bool = False) -> int:
    """The id of a job for the message `kind` to `registration`, written out after the commit
    (`answers`: with the person's answers)."""
    job = MailJob(kind=REGISTERED_JOB, event_id=registration.event_id,
                  payload={"registration_ids": [registration.id], "message": kind, "answers": answers})
    session.add(job)
    session.flush()
    return job.id


def registered_answer_lines(session: Session, registration: Registration) -> list[tuple[str, str]]:
    """The person's answers as their confirmation lists them."""
    questions = event_questions(session, registration.event)
    return answer_lines(questions, answers_of(registration), registration.language)


def new_registration(
    event: Event, data: RegistrationData, now: datetime, organisation_id: int | None = None
) -> Registration:
    """The rows of a new registration, made at `now`: the person, and a choice in each time block
    `data` chooses a track in (in the queues from `now`). Not seated and not in the session yet:
    the caller seats it (`seat_allocation`), then adds it.

    `organisation_id`: the directory's organisation the person represents, when it has one of
    that name (`data.sector` is then its sector); otherwise the name is kept as typed.
    """
    tracks = {track.id: track for track in event.tracks}
    return Registration(
        event=event,
        attendance_mode=data.attendance_mode,
        full_name=data.full_name.strip(),
        email=normalise_email(data.email),
        organisation_id=organisation_id,
        organisation_name="" if organisation_id else " ".join(data.organisation_name.split()),
        sector=data.sector,
        position=data.position.strip(),
        language=normalise_language(data.language),
        access_needs=data.access_needs.strip(),
        dietary_needs=data.dietary_needs.strip(),
        consent_data_at=now,
        consent_wording_version=CONSENT_WORDING_VERSION,
        consent_photos=data.consent_photos,
        secret=new_secret(),
        badge_secret=new_secret(),
        created_at=now,
        updated_at=now,
        choices=[
            TrackChoice(track=tracks[data.track_ids[slot.id]], track_id=data.track_ids[slot.id], slot_id=slot.id,
                        queued_at=now)
            for slot in event.slots if slot.tracks and slot.id in data.track_ids
        ],
    )


def is_fully_seated(registration: Registration) -> bool:
    return registration.status is CONFIRMED and all(c.status is CONFIRMED for c in registration.choices)


def registration_details(
    session: Session, registration: Registration, queues: seat_allocation.QueuePositions | None = None
) -> dict:
    """What the pages and mails show: the event queue position, each track with its own, and the
    person's state in one word.

    For many people of one event, pass the event's `queues` (`seat_allocation.queue_positions`, read once)
    so that nothing is queried per person.
    """
    if queues is None:
        queues = seat_allocation.queue_positions_of(session, registration)
    event_position = queues.of(registration)
    choices = [(choice, queues.of_choice(choice)) for choice in registration.choices]
    positions = {choice.id: position for choice, position in choices if position is not None}
    return {
        "event_position": event_position,
        "choices": choices,
        "state": registration_state.state_summary(registration, event_position, positions),
    }


def notify_promotions(session: Session, promotions: seat_allocation.Promotions, exclude: Registration | None = None) -> None:
    for registration in promotions.people:
        if registration is exclude:
            continue
        registration.sequence += 1
        compose.queue_registration_mail(session, "promoted", registration, registration_details(session, registration))
        audit.record(session, None, "registration.promote", registration, registration.event)


def refill_event(session: Session, event: Event, now: datetime | None = None) -> None:
    """After seats were added or released (a larger capacity, held seats let go), seat the
    waiting people and tell them."""
    event = seat_allocation.lock_event(session, event.id)
    notify_promotions(session, seat_allocation.fill_seats(session, event, now or utcnow()))


def seats_settled(event: Event, now: datetime) -> bool:
    """Whether the event has started: from then on nobody cancels or changes a registration (who
    came, in person or remotely, counts in the coverage figures and the attendance reports)."""
    return now >= event.starts_at


def _refuse_once_started(event: Event, now: datetime, started, over) -> None:
    if seats_settled(event, now):
        raise DomainError(over if now >= event.ends_at else started)


def cancel_registration(session: Session, registration: Registration, now: datetime, actor=None, notify: bool = True) -> None:
    """Cancel, free the seats, and promote the next people waiting. Refused once the event has started."""
    event = seat_allocation.lock_event(session, registration.event.id)
    session.refresh(registration)
    if registration.status is CANCELLED:
        return
    _refuse_once_started(
        event, now,
        _l("The event has started; the registration can no longer be cancelled."),
        _l("The event is over; the registration can no longer be cancelled."),
    )
    registration.status = CANCELLED
    registration.cancelled_at = now
    registration.sequence += 1
    for choice in registration.choices:
        choice.status = CANCELLED
    notify_promotions(session, seat_allocation.fill_seats(session, event, now))
    if notify:
        compose.queue_registration_mail(session, "cancelled", registration, registration_details(session, registration))
    audit.record(session, actor, "registration.cancel", registration, event)


def change_registration(
    session: Session, registration: Registration, mode: AttendanceMode, track_ids: dict[int, int], now: datetime, actor=None
) -> list[str]:
    """Change the attendance mode or tracks; a seat is given up only once the new one is certain.

    Returns the names of what changed (for the mail). Refuses, changing nothing, when a
    chosen in-person seat is not free.
    """
    event = seat_allocation.lock_event(session, registration.event.id)
    session.refresh(registration)
    if online_meetings.is_online_meeting(event):
        mode = AttendanceMode.REMOTE
    if registration.status is CANCELLED:
        raise DomainError(_l("This registration has been cancelled."))
    _refuse_once_started(
        event, now,
        _l("The event has started; the registration can no longer be changed."),
        _l("The event is over; the registration can no longer be changed."),
    )
    _check_choices(event, RegistrationData(
        full_name=registration.full_name, email=registration.email, sector=registration.sector,
        attendance_mode=mode, track_ids=track_ids, consent_data=True,
        organisation_name=registration.organisation_display,
    ))
    current = {choice.slot_id: choice for choice in registration.choices}
    moved_slots = [slot_id for slot_id, track_id in track_ids.items() if current.get(slot_id) is None or current[slot_id].track_id != track_id]
    to_in_person = mode is AttendanceMode.IN_PERSON and registration.attendance_mode is AttendanceMode.REMOTE
    if not moved_slots and mode is registration.attendance_mode:
        return []

    taken = seat_allocation.taken_seats_by_track(session, event)
    if mode is AttendanceMode.IN_PERSON and registration.status is CONFIRMED:
        # A seat the person does not hold yet must be one they may take: seats held for state
        # administration are not, unless they are state administration themselves.
        held = seat_holds.held_seats(session, event, now)
        event_free = seat_allocation.seats_left(event.capacity, seat_allocation.taken_event_seats(session, event))
        if to_in_person and not seat_allocation.can_take(registration.sector, event_free, sum(held.values())):
            raise DomainError(_l("There is no free in-person seat at the event; your registration stays remote."), "attendance_mode")
        for slot_id in track_ids:
            keeps_seat = not to_in_person and slot_id not in moved_slots and current[slot_id].status is CONFIRMED
            track = next(t for t in event.tracks if t.id == track_ids[slot_id])
            free = seat_allocation.seats_left(track.capacity, taken[track.id])
            if not keeps_seat and not seat_allocation.can_take(registration.sector, free, held.get(track.id, 0)):
                raise DomainError(
                    _l("“%(track)s” is full; you keep your current place.", track=track.local("title", registration.language)),
                    f"slot_{slot_id}",
                )

    changed = []
    if mode is not registration.attendance_mode:
        changed.append("attendance_mode")
        registration.attendance_mode = mode
        if mode is AttendanceMode.REMOTE:
            registration.status = CONFIRMED
    for slot_id in moved_slots:
        if slot_id in current:
            registration.choices.remove(current[slot_id])
        changed.append("tracks")
    session.flush()
    seated_now = mode is AttendanceMode.REMOTE or registration.status is CONFIRMED
    for slot_id in moved_slots:
        registration.choices.append(TrackChoice(
            track_id=track_ids[slot_id], slot_id=slot_id, queued_at=now,
            status=CONFIRMED if seated_now else WAITLISTED,
        ))
    if to_in_person or mode is AttendanceMode.REMOTE:
        for choice in registration.choices:
            choice.status = CONFIRMED
    registration.sequence += 1
    registration.updated_at = now
    session.flush()
    notify_promotions(session, seat_allocation.fill_seats(session, event, now), exclude=registration)
    compose.queue_registration_mail(session, "changed", registration, registration_details(session, registration) | {"changed": set(changed)})
    audit.record(session, actor, "registration.change", registration, event, fields=sorted(set(changed)))
    return sorted(set(changed))


def correct_details(
    session: Session, registration: Registration, full_name: str, organisation_name: str, position: str, actor=None
) -> list[str]:
    """The person corrects how their name, organisation and position are spelled (badges print them).

    A name that is the directory's links the registration to that organisation; the sector stays
    as registered. Audited with the names of the changed fields only; returns them.
    """
    full_name, position = " ".join(full_name.split()), " ".join(position.split())
    organisation_name = " ".join(organisation_name.split())
    if not full_name:
        raise DomainError(_l("Write your name."), "full_name")
    in_directory = session.scalar(select(Organisation).where(Organisation.name == organisation_name)) if organisation_name else None
    wanted = {
        "full_name": full_name, "position": position,
        "organisation_id": in_directory.id if in_directory else None,
        "organisation_name": "" if in_directory else organisation_name,
    }
    changed = sorted(name for name, value in wanted.items() if getattr(registration, name) != value)
    for name in changed:
        setattr(registration, name, wanted[name])
    if changed:
        session.flush()
        session.expire(registration, ["organisation"])
        audit.record(session, actor, "registration.correct_details", registration, registration.event, fields=changed)
    return changed


def export_personal_data(registration: Registration) -> dict:
    """Everything kept about the person, as they can download it."""
    return {
        "event": {"title": registration.event.title_lv, "starts_at": registration.event.starts_at.isoformat()},
        "full_name": registration.full_name,
        "email": registration.email,
        "organisation": registration.organisation_display,
        "sector": registration.sector.value,
        "position": registration.position,
        "attendance_mode": registration.attendance_mode.value,
        "status": registration.status.value,
        "tracks": [{"title": c.track.title_lv, "status": c.status.value} for c in registration.choices],
        "access_needs": registration.access_needs,
        "dietary_needs": registration.dietary_needs,
        "answers": [
            {"question": answer.question.local("text", registration.language),
             "answer": answer_text(answer.question, value_of(answer), registration.language)}
            for answer in registration.answers
        ],
        "language": registration.language,
        "consent": {
            "data_processing_at": registration.consent_data_at.isoformat(),
            "wording_version": registration.consent_wording_version,
            "photos": registration.consent_photos,
        },
        "registered_at": registration.created_at.isoformat(),
        "cancelled_at": registration.cancelled_at.isoformat() if registration.cancelled_at else None,
    }


def delete_personal_data(session: Session, registration: Registration, now: datetime) -> None:
    """Cancel the registration and erase the person from it, keeping only what counts need.

    Once the event has started the registration is not cancelled, only anonymised: whether the
    person came stays in the counts."""
    if not seats_settled(registration.event, now):
        cancel_registration(session, registration, now, notify=False)
    # Messages to the person hold their name: sent or not, they go too.
    session.execute(OutboxMessage.__table__.delete().where(OutboxMessage.registration_id == registration.id))
    anonymise(registration, now)
    audit.record(session, None, "registration.delete_personal_data", registration, registration.event)


def anonymise(registration: Registration, now: datetime) -> None:
    """Erase who the person was; keep sector, organisation, mode, tracks and status for reports."""
    registration.full_name = ""
    registration.email = f"anonymised-{registration.id}@invalid"
    registration.position = ""
    registration.access_needs = ""
    registration.dietary_needs = ""
    registration.consent_photos = False
    registration.answers.clear()  # what people write in answers may say who they are
    registration.secret = new_secret()
    registration.badge_secret = new_secret()
    registration.anonymised_at = now
