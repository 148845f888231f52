"""What organisers do to several registrations at once: move them to a track, cancel them, send
them their private link again. Each person goes through the same rules as one at a time
(`lifecycle`); one who cannot be changed is left as they were and said why, the others are done.

Doing the same thing twice (a form sent twice) changes nothing more: a cancelled person stays
cancelled, a moved one is already there, and a link sent in the last `RESEND_PAUSE` is not sent again.
"""
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from ...models import Event, OutboxMessage, Registration, RegistrationStatus, Track
from ..accounts import audit
from ..exceptions import DomainError
from ..mail import compose
from .lifecycle import cancel_registration, change_registration, registration_details

CANCELLED = RegistrationStatus.CANCELLED
ACTIONS = ("move", "cancel", "resend")
# At most this many people in one action (a page of the list is 50).
MAX_PEOPLE = 200
# A private link sent again within this time is not sent once more (a double click, a form sent twice).
RESEND_PAUSE = timedelta(minutes=10)
RESEND_KIND = "link_resent"
RESEND_OPENING = _l(
    "The organisers are sending you the link to your registration again. With it you can see, "
    "change or cancel your registration."
)
_ID = re.compile(r"[0-9]{1,9}")

REASONS = {
    "cancelled": _l("already cancelled"),
    "anonymised": _l("personal data deleted"),
    "no_track": _l("has no track in that time block"),
    "same_track": _l("already in that track"),
    "recent": _l("link sent a few minutes ago"),
    "full": _l("the track is full, they keep their current place"),
}


@dataclass
class Outcome:
    """Who was done and who not, and why (a key of REASONS, or a rule's own message)."""

    done: list[Registration] = field(default_factory=list)
    not_done: list[tuple[Registration, str]] = field(default_factory=list)

    def refuse(self, registration: Registration, reason: str) -> None:
        # A rule's own message is a sentence; in a list of reasons it goes without its full stop.
        self.not_done.append((registration, str(REASONS.get(reason, reason)).rstrip(".")))


# More values than this in one form (repeats included) is not a form the list sent.
MAX_VALUES = 10 * MAX_PEOPLE


def too_many_message():
    return _l("Choose at most %(num)d people at a time.", num=MAX_PEOPLE)


def parse_ids(values: Iterable) -> list[int] | None:
    """The registration ids a form sent, in order and without repeats; None when any is not an id
    or there are none. More than `MAX_PEOPLE` people (or `MAX_VALUES` values) is refused as soon
    as it is seen, whatever follows: DomainError."""
    ids: list[int] = []
    seen: set[int] = set()
    for count, value in enumerate(values, 1):
        if count > MAX_VALUES:
            raise DomainError(too_many_message())
        if not isinstance(value, str) or not _ID.fullmatch(value):
            return None
        number = int(value)
        if number not in seen:
            if len(seen) == MAX_PEOPLE:
                raise DomainError(too_many_message())
            seen.add(number)
            ids.append(number)
    return ids or None


def event_registrations(session: Session, event: Event, ids: list[int]) -> list[Registration] | None:
    """The registrations of `event` with these ids, in that order; None when any id is not one of
    its registrations (then nothing is to be done at all)."""
    found = {
        registration.id: registration
        for registration in session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.id.in_(ids))
            .options(selectinload(Registration.choices))
        )
    }
    if len(found) != len(ids):
        return None
    return [found[i] for i in ids]


def _attempt(session: Session, outcome: Outcome, registration: Registration, action) -> None:
    """`action()` in a savepoint: when a rule refuses, only this person's change is undone."""
    try:
        with session.begin_nested():
            result = action()
    except DomainError as error:
        session.refresh(registration)
        # A full track's refusal speaks to the participant; the organisers read their own words.
        full = (error.field or "").startswith("slot_")
        outcome.refuse(registration, "full" if full else str(error.message))
        return
    if result is False:
        outcome.refuse(registration, "same_track")
    else:
        outcome.done.append(registration)


def cancel_many(session: Session, event: Event, registrations: list[Registration], now: datetime, actor=None) -> Outcome:
    """Cancel each; each one's seats go to the next people waiting, who are told."""
    outcome = Outcome()
    for registration in registrations:
        if registration.status is CANCELLED:
            outcome.refuse(registration, "cancelled")
        else:
            _attempt(session, outcome, registration, lambda r=registration: cancel_registration(session, r, now, actor=actor))
    return outcome


def move_many(
    session: Session, event: Event, registrations: list[Registration], track: Track, now: datetime, actor=None
) -> Outcome:
    """Move each into `track`, in its time block; one whose new seat is not free keeps their place."""
    if track.slot.event_id != event.id:
        raise DomainError(_l("That track is not one of this event's."))
    outcome = Outcome()
    for registration in registrations:
        current = {choice.slot_id: choice.track_id for choice in registration.choices}
        if registration.status is CANCELLED:
            outcome.refuse(registration, "cancelled")
        elif registration.anonymised_at is not None:
            outcome.refuse(registration, "anonymised")
        elif track.slot_id not in current:
            outcome.refuse(registration, "no_track")
        elif current[track.slot_id] == track.id:
            outcome.refuse(registration, "same_track")
        else:
            _attempt(session, outcome, registration, lambda r=registration, c=current: bool(change_registration(
                session, r, r.attendance_mode, c | {track.slot_id: track.id}, now, actor=actor,
            )))
    return outcome


def lock_registrations(session: Session, registrations: list[Registration]) -> list[Registration]:
    """Hold these registrations until the transaction ends, so that two requests about the same
    people (a double click) take turns: the second sees what the first did. They come back fresh.

    PostgreSQL: `SELECT ... FOR UPDATE` on their rows, in the order of their ids (two requests
    about overlapping people cannot wait for each other). SQLite: an empty write, which takes
    the database's write lock (SQLite has one writer at a time).
    """
    ids = sorted(r.id for r in registrations)
    if not ids:
        return registrations
    query = (
        select(Registration).where(Registration.id.in_(ids)).order_by(Registration.id)
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Registration)
    else:
        session.execute(
            update(Registration).where(Registration.id.in_(ids))
            .values(sequence=Registration.sequence, updated_at=Registration.updated_at)
            .execution_options(synchronize_session=False)
        )
    session.scalars(query).all()
    return registrations


def resend_many(session: Session, event: Event, registrations: list[Registration], now: datetime, actor=None) -> Outcome:
    """Send each active person their private link again, through the outbox, in their language."""
    outcome = Outcome()
    registrations = lock_registrations(session, registrations)
    recent = set(session.scalars(
        select(OutboxMessage.registration_id).where(
            OutboxMessage.registration_id.in_([r.id for r in registrations]),
            OutboxMessage.kind == RESEND_KIND,
            OutboxMessage.created_at >= now - RESEND_PAUSE,
        )
    ))
    for registration in registrations:
        if registration.status is CANCELLED:
            outcome.refuse(registration, "cancelled")
        elif registration.anonymised_at is not None:
            outcome.refuse(registration, "anonymised")
        elif registration.id in recent:
            outcome.refuse(registration, "recent")
        else:
            details = registration_details(session, registration) | {"opening": RESEND_OPENING}
            message = compose.queue_registration_mail(session, RESEND_KIND, registration, details)
            message.created_at = now
            audit.record(session, actor, "registration.resend_link", registration, event)
            outcome.done.append(registration)
    return outcome
