"""Messages from the organisers to a filtered set of an event's registrants.

The organiser writes a subject and a text in Latvian, in English or in both, with a fixed set
of placeholders (`{name}`, `{private_link}` ...) filled in per person: plain substitution,
never a template language, so nothing typed is ever evaluated. Who gets it is chosen by the
registrations list's own filters (`registration_list.registrations_query`).

Sending records the message and its recipients in the organiser's request (a few inserts,
however many people); the sender (`outbox.deliver_due`) writes it out as one outbox message per
person, in their language, before it delivers, as it does for the mail jobs. The form carries a
one-time token: the same form posted twice finds the message it made and queues nothing more.
"""
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, object_session, selectinload

from ...languages import LANGUAGES, in_language, normalise_language
from ...models import (
    AttendanceMode,
    Event,
    MessageRecipient,
    OutboxMessage,
    OutboxStatus,
    RegistrantMessage,
    Registration,
    RegistrationStatus,
    Slot,
    Track,
    TrackChoice,
    User,
)
from ...urls import public_url
from ..accounts import audit
from ..exceptions import DomainError
from ..registration import seat_allocation
from ..registration.registration_list import RegistrationFilters, registrations_query
from ..remote.joins import join_links
from . import compose

log = logging.getLogger(__name__)

KIND = "registrant_message"
PLACEHOLDERS = ("name", "event", "tracks", "private_link", "remote_link", "event_link")
# `{name}`, and the `{{name}}` and `{ name }` people used to other tools type.
_PLACEHOLDER = re.compile(r"\{\{?([^{}]*)\}\}?")
_URL = re.compile(r"https?://[^\s<>\"']+")
_URL_TRAILING = ".,;:!?)»”'"
MAX_SUBJECT = 300
MAX_BODY = 20000


@dataclass(frozen=True)
class MessageText:
    """What the organiser wrote, per language; a language is written when its text is."""

    subject_lv: str = ""
    body_lv: str = ""
    subject_en: str = ""
    body_en: str = ""

    def subject(self, language: str) -> str:
        return getattr(self, f"subject_{language}").strip()

    def body(self, language: str) -> str:
        return getattr(self, f"body_{language}").strip()

    def written(self, language: str) -> bool:
        return bool(self.body(language))

    def language_for(self, language: str) -> str:
        """The language a person reads: theirs when written, else Latvian, else English."""
        language = normalise_language(language)
        if self.written(language):
            return language
        return next(lang for lang in LANGUAGES if self.written(lang))


def unknown_placeholders(text: str) -> list[str]:
    return [match.group(0) for match in _PLACEHOLDER.finditer(text) if match.group(1).strip() not in PLACEHOLDERS]


def check_text(text: MessageText) -> None:
    """Refuse a message no one could read, or one with a placeholder that is not ours (on its field)."""
    if not any(text.written(language) for language in LANGUAGES):
        raise DomainError(_l("Write the message in Latvian, in English or in both."), field="body_lv")
    for language in LANGUAGES:
        for part in ("subject", "body"):
            unknown = unknown_placeholders(getattr(text, f"{part}_{language}"))
            if unknown:
                raise DomainError(
                    _l("Unknown placeholder %(found)s. You can use: %(known)s.",
                       found=", ".join(dict.fromkeys(unknown)), known=", ".join(f"{{{p}}}" for p in PLACEHOLDERS)),
                    field=f"{part}_{language}",
                )
        if text.written(language) and not text.subject(language):
            raise DomainError(_l("Write a subject for this text."), field=f"subject_{language}")
        if not text.written(language) and text.subject(language):
            raise DomainError(_l("Write the text for this subject."), field=f"body_{language}")


def new_token() -> str:
    """The one-time token a compose form carries."""
    return secrets.token_urlsafe(24)


# Who is written to ---------------------------------------------------------------------------

def recipients_query(event: Event, filters: RegistrationFilters):
    """The registrations the filters name; cancelled ones only when the filter asks for them,
    and never a registration whose personal data is erased."""
    query = registrations_query(event, filters).where(Registration.anonymised_at.is_(None))
    if filters.status is None:
        query = query.where(Registration.status != RegistrationStatus.CANCELLED)
    return query


def count_recipients(session: Session, event: Event, filters: RegistrationFilters) -> int:
    ids = recipients_query(event, filters).with_only_columns(Registration.id).order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(ids))


def first_recipient(session: Session, event: Event, filters: RegistrationFilters) -> Registration | None:
    return session.scalar(recipients_query(event, filters).limit(1))


# What each person reads ----------------------------------------------------------------------

def track_state(registration: Registration, choice: TrackChoice, position: int | None) -> str:
    """A track's state in the words of the reminders: waiting (with the place), remote, or seated."""
    if choice.status is RegistrationStatus.WAITLISTED or position is not None:
        return _("waiting list, number %(n)d", n=position) if position else _("waiting list")
    if registration.attendance_mode is AttendanceMode.REMOTE:
        return _("remote")
    return _("your seat is confirmed")


def placeholder_values(
    registration: Registration, language: str, queues: seat_allocation.QueuePositions | None = None,
    stand_in: bool = False,
) -> dict[str, str]:
    """What each placeholder stands for in this person's message, in `language`.

    `queues`: the event's waiting-list places, read once for many people (read for this one when
    not given). `stand_in`: for the organisers' eyes (the preview): the personal links, which
    give whoever holds them this person's registration, are replaced by words saying what they are.
    """
    event = registration.event
    if queues is None:
        queues = seat_allocation.queue_positions_of(object_session(registration), registration)
    with in_language(language):
        tracks = [
            f"{choice.track.slot.local('title', language)}: {choice.track.local('title', language)} "
            f"({track_state(registration, choice, queues.of_choice(choice))})"
            for choice in registration.choices if choice.status is not RegistrationStatus.CANCELLED
        ]
    joins = join_links(registration)
    if stand_in:
        private_link = _("(this person's private link)")
        remote_link = _("(this person's remote connection link)") if joins else ""
    else:
        private_link = public_url("my_registration.show", token=registration.secret)
        remote_link = ", ".join(link for _track, link in joins)
    return {
        "name": registration.full_name,
        "event": event.local("title", language),
        "tracks": "; ".join(tracks),
        "private_link": private_link,
        "remote_link": remote_link,
        "event_link": public_url("public.event", slug=event.slug),
    }


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with each placeholder replaced by its value (checked beforehand by `check_text`)."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1).strip(), match.group(0)), text)


@dataclass(frozen=True)
class Personal:
    """The message as one person reads it."""

    language: str
    subject: str
    body: str


def personal(
    text: MessageText, registration: Registration, queues: seat_allocation.QueuePositions | None = None,
    stand_in: bool = False,
) -> Personal:
    """The message as this person reads it; `stand_in`: as the organisers may see it (no personal links)."""
    language = text.language_for(registration.language)
    values = placeholder_values(registration, language, queues, stand_in)
    return Personal(language, fill(text.subject(language), values), fill(text.body(language), values))


def html_paragraphs(body: str) -> list[list[list[tuple[str, bool]]]]:
    """The text as paragraphs of lines of pieces (text, is_link), for the HTML part to show with
    the links clickable; the template escapes every piece."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = []
        for line in block.splitlines():
            pieces, at = [], 0
            for match in _URL.finditer(line):
                url = match.group(0).rstrip(_URL_TRAILING)
                if match.start() > at:
                    pieces.append((line[at:match.start()], False))
                pieces.append((url, True))
                at = match.start() + len(url)
            if at < len(line):
                pieces.append((line[at:], False))
            lines.append(pieces)
        paragraphs.append(lines)
    return paragraphs


@dataclass(frozen=True)
class Preview:
    count: int
    recipient: Registration | None
    message: Personal | None


def preview(session: Session, event: Event, filters: RegistrationFilters, text: MessageText) -> Preview:
    """How many people the message would reach, and what the first of them would read, their
    personal links apart: the organisers see words in their place, never the links themselves."""
    check_text(text)
    recipient = first_recipient(session, event, filters)
    return Preview(
        count=count_recipients(session, event, filters),
        recipient=recipient,
        message=personal(text, recipient, stand_in=True) if recipient else None,
    )


# Sending -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sent:
    message: RegistrantMessage
    new: bool  # False: the same form was sent before, and nothing more was queued


def send_message(
    session: Session, event: Event, actor: User | None, filters: RegistrationFilters, text: MessageText,
    token: str, now: datetime,
) -> Sent:
    """Record the message and its recipients (the people the filters name now); the sender writes
    it out. The same `token` again returns the message it made."""
    check_text(text)
    token = (token or "").strip()[:64]
    if not token:
        raise DomainError(_l("The form has expired; open it again."))
    earlier = sent_with_token(session, event, token)
    if earlier is not None:
        return Sent(earlier, False)
    ids = session.scalars(recipients_query(event, filters).with_only_columns(Registration.id)).all()
    if not ids:
        raise DomainError(_l("Nobody matches these filters: the message was not sent."))
    message = RegistrantMessage(
        event=event, author=actor, token=token, filters=filters.as_args(), recipient_count=len(ids), created_at=now,
        subject_lv=text.subject_lv.strip(), body_lv=text.body_lv.strip(),
        subject_en=text.subject_en.strip(), body_en=text.body_en.strip(),
    )
    try:
        with session.begin_nested():  # two posts of one form at the same moment: one message
            session.add(message)
            session.flush()
    except IntegrityError:
        return Sent(sent_with_token(session, event, token), False)
    session.execute(insert(MessageRecipient), [{"message_id": message.id, "registration_id": i} for i in ids])
    audit.record(
        session, actor, "message.send", message, event, recipients=len(ids),
        filters={k: v for k, v in message.filters.items() if k != "q"}, searched="q" in message.filters,
        languages=[lang for lang in LANGUAGES if text.written(lang)],
    )
    return Sent(message, True)


def sent_with_token(session: Session, event: Event, token: str) -> RegistrantMessage | None:
    return session.scalar(
        select(RegistrantMessage).where(RegistrantMessage.event_id == event.id, RegistrantMessage.token == token)
    )


def expand_messages(session: Session, now: datetime, limit: int = 20) -> int:
    """Write out the messages not yet in the outbox, oldest first, committing each; returns how many.

    A message that cannot be written out is logged and left for the next round; it holds up no other.
    """
    done, failed = 0, []
    for _round in range(limit):
        query = (
            select(RegistrantMessage).where(RegistrantMessage.queued_at.is_(None))
            .order_by(RegistrantMessage.id).limit(1)
        )
        if failed:
            query = query.where(RegistrantMessage.id.not_in(failed))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        message = session.scalar(query)
        if message is None:
            break
        message_id = message.id
        try:
            written = expand(session, message, now)
        except SQLAlchemyError:
            raise
        except Exception:
            session.rollback()
            log.exception("message %s to registrants could not be written out; it is tried again next round", message_id)
            failed.append(message_id)
            continue
        session.commit()
        log.info("message %s to registrants written out as %d messages", message_id, written)
        done += 1
    return done


def expand(session: Session, message: RegistrantMessage, now: datetime) -> int:
    """One outbox message per recipient still on record, in the language they read; marked queued.

    Everything shown is read in a fixed number of queries, then rendered from memory."""
    text = MessageText(message.subject_lv, message.body_lv, message.subject_en, message.body_en)
    recipients = session.scalars(
        select(MessageRecipient)
        .where(MessageRecipient.message_id == message.id, MessageRecipient.outbox_message_id.is_(None))
        .options(
            selectinload(MessageRecipient.registration).options(
                selectinload(Registration.choices).selectinload(TrackChoice.track).selectinload(Track.slot)
                .selectinload(Slot.event),
                selectinload(Registration.event),
            )
        )
        .order_by(MessageRecipient.id)
    ).all()
    written = 0
    queues = seat_allocation.queue_positions(session, message.event)
    for recipient in recipients:
        registration = recipient.registration
        if registration is None or registration.anonymised_at is not None:
            continue
        mail = personal(text, registration, queues)
        outbox_message = compose.queue_mail(
            session, KIND, registration.email, mail.language,
            {"event": message.event, "registration": registration, "body": mail.body,
             "paragraphs": html_paragraphs(mail.body),
             "manage_url": public_url("my_registration.show", token=registration.secret)},
            registration, template="message",
            # One line, within the column; queue_mail fills `%(event)s` in a subject, so a % stays a %.
            subject=" ".join(mail.subject.split())[:MAX_SUBJECT].replace("%", "%%"),
        )
        outbox_message.next_attempt_at = now
        recipient.outbox_message = outbox_message
        written += 1
    message.queued_at = now
    return written


# What the organisers see ---------------------------------------------------------------------

@dataclass(frozen=True)
class SentRow:
    message: RegistrantMessage
    delivered: int
    failed: int


def sent_messages(session: Session, event: Event) -> list[SentRow]:
    """The event's messages, the latest first, each with how many were delivered and given up on."""
    messages = list(session.scalars(
        select(RegistrantMessage).where(RegistrantMessage.event_id == event.id)
        .options(selectinload(RegistrantMessage.author))
        .order_by(RegistrantMessage.created_at.desc(), RegistrantMessage.id.desc())
    ))
    counts: dict[tuple[int, OutboxStatus], int] = {}
    if messages:
        for message_id, status, count in session.execute(
            select(MessageRecipient.message_id, OutboxMessage.status, func.count())
            .join(OutboxMessage, OutboxMessage.id == MessageRecipient.outbox_message_id)
            .where(MessageRecipient.message_id.in_([m.id for m in messages]))
            .group_by(MessageRecipient.message_id, OutboxMessage.status)
        ):
            counts[message_id, status] = count
    return [
        SentRow(m, counts.get((m.id, OutboxStatus.SENT), 0), counts.get((m.id, OutboxStatus.FAILED), 0))
        for m in messages
    ]
