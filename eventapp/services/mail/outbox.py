"""Delivering the outbox: through SMTP with retries, or into .eml files when no server is set.

Unlike the other services this one commits, once per message: an SMTP server's "accepted"
must be on record at once, so that a message is never sent twice. With several sender
processes, each takes its own messages (`SKIP LOCKED` on PostgreSQL).

A message that cannot be sent never holds up the others: whatever goes wrong with it is
written into it. What no retry can mend (an address neither we nor the server can carry,
a recipient the server refuses for good) fails at once; the rest is tried again later, with
a growing pause. Only a server that cannot be reached ends the round early.
"""
import email.policy
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ...models import Event, OutboxMessage, OutboxStatus
from ..checkin import badges
from . import compose, invitations, mail_jobs, messages

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 60
NON_ASCII_ADDRESS = "the mail server cannot deliver to a non-ASCII address"
# The reasons this module writes into `last_error` itself, as the organisers read them; a reason
# that starts with one of the prefixes goes on with the server's own words.
REASONS = {NON_ASCII_ADDRESS: _l("the mail server cannot deliver to a non-ASCII address")}
REASON_PREFIXES = {
    "the server refused the recipient: ": _l("the server refused the recipient: %(detail)s"),
    "the server refused the message: ": _l("the server refused the message: %(detail)s"),
    "the address is not valid: ": _l("the address is not valid: %(detail)s"),
}


def failure_reason(last_error: str) -> str:
    """Why a message was not delivered, in the reader's language where the words are ours."""
    if last_error in REASONS:
        return str(REASONS[last_error])
    for prefix, words in REASON_PREFIXES.items():
        if last_error.startswith(prefix):
            return str(words % {"detail": last_error.removeprefix(prefix)})
    return last_error


class MailPolicy(email.policy.EmailPolicy):
    """`email.policy.SMTP`, except that the Subject is folded by `email.header.Header`.

    The modern folder (Python 3.11 to 3.13) loses the space between a plain word and the
    encoded word after it ("Pieņemšanas pārbaude" decodes as "Pieņemšanaspārbaude") and
    starts some English subjects on a line of their own.
    """

    def fold(self, name, value):
        if name.lower() == "subject":
            return self._fold_subject(name, value)
        return super().fold(name, value)

    def fold_binary(self, name, value):
        if name.lower() == "subject":
            return self._fold_subject(name, value).encode("ascii")
        return super().fold_binary(name, value)

    def _fold_subject(self, name, value) -> str:
        text = str(value)
        charset = "us-ascii" if text.isascii() else "utf-8"
        header = Header(text, charset, maxlinelen=self.max_line_length or None, header_name=name)
        return f"{name}: {header.encode(linesep=self.linesep)}{self.linesep}"


POLICY = MailPolicy(linesep="\r\n")


class Undeliverable(Exception):
    """What no retry can mend: the message fails at once."""


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def carried_address(address: str) -> str:
    """The address as mail carries it: a domain with non-ASCII letters in IDNA ("punycode").

    A non-ASCII part before the @ stays as it is; only a server that offers SMTPUTF8 takes it.
    The check is the forms' own (`wtforms.validators.Email`), so what a form accepts is carried.
    """
    try:
        valid = validate_email(address, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as error:
        raise Undeliverable(f"the address is not valid: {error}") from error
    return f"{valid.local_part}@{valid.ascii_domain}"


def build_message(row: OutboxMessage, recipient: str, now: datetime) -> EmailMessage:
    """The message as it leaves: text, its HTML alternative, then the attachments."""
    message = EmailMessage(policy=POLICY)
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = recipient
    message["Subject"] = row.subject
    message["Date"] = format_datetime(now)
    # The same outbox row always carries the same Message-ID, so a resend can be recognised.
    domain = current_app.config["PUBLIC_URL"].split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "eventapp"
    message["Message-ID"] = f"<outbox-{row.id}@{domain}>"
    if row.list_unsubscribe:  # RFC 8058: one click in the mail program unsubscribes, by a POST
        message["List-Unsubscribe"] = f"<{row.list_unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.body_text, cte="quoted-printable")
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html", cte="quoted-printable")
    for attachment in row.attachments:
        data = attachment.data or made_when_sent(attachment, row)
        if data:
            content_type = POLICY.header_factory("Content-Type", attachment.content_type)
            message.add_attachment(
                data, maintype=content_type.maintype, subtype=content_type.subtype,
                filename=attachment.filename, params=dict(content_type.params),
            )
    return message


def made_when_sent(attachment, row: OutboxMessage) -> bytes:
    """An attachment queued empty is made now: the badge (its PDF takes longer to draw than the
    rest of registering, so it is not drawn while the event is locked). None for a person since erased."""
    registration = row.registration
    if attachment.filename != compose.BADGE_FILENAME or registration is None or registration.anonymised_at:
        return b""
    return badges.badges_pdf([registration], "a6")


def needs_smtputf8(message: EmailMessage) -> bool:
    """Whether an address (not a name: names travel as encoded words) has non-ASCII letters."""
    addresses = [*message["From"].addresses, *message["To"].addresses]
    return not all(address.addr_spec.isascii() for address in addresses)


class SMTPSender:
    """One SMTP connection for a round of sending, opened for the first message."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def connect(self) -> smtplib.SMTP:
        if self.connection is None:
            config = self.config
            kind = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
            connection = kind(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=SMTP_TIMEOUT_SECONDS)
            try:
                if config.get("MAIL_USE_TLS"):
                    connection.starttls()
                if config.get("MAIL_USERNAME"):
                    connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
                connection.ehlo_or_helo_if_needed()
            except BaseException:
                connection.close()
                raise
            self.connection = connection
        return self.connection

    def send(self, message: EmailMessage) -> None:
        connection = self.connect()
        if needs_smtputf8(message) and not connection.has_extn("smtputf8"):
            raise Undeliverable(NON_ASCII_ADDRESS)
        # send_message adds SMTPUTF8 (and writes the headers in UTF-8) when an address needs it.
        connection.send_message(message)

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None


def _write_eml(row: OutboxMessage, message: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    policy = POLICY.clone(utf8=True) if needs_smtputf8(message) else POLICY
    (folder / f"{row.id:08d}-{row.kind}.eml").write_bytes(message.as_bytes(policy=policy))


def _next_due(session: Session, now: datetime) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalar(query)


# The server cannot take any message now: the round stops and every message waits for the next.
# (smtplib's own errors are OSErrors too: those about one message are judged before plain OSError.)
SERVER_UNREACHABLE = (
    smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected, smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused,
)


# Errors after which the SMTP conversation is still in order.
ANSWERED = (Undeliverable, smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused, smtplib.SMTPNotSupportedError)


def judge(error: Exception) -> tuple[str, bool, bool]:
    """What went wrong, whether no retry can mend it, and whether the server is out of reach."""
    if isinstance(error, Undeliverable):
        return str(error), True, False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        reason = "; ".join(f"{code} {text.decode(errors='replace')}" for code, text in replies)
        return f"the server refused the recipient: {reason}", all(code >= 500 for code, _ in replies), False
    if isinstance(error, SERVER_UNREACHABLE):
        return f"{type(error).__name__}: {error}", False, True
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"the server refused the message: {error.smtp_code} {text}", error.smtp_code >= 500, False
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return NON_ASCII_ADDRESS, True, False
    if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException):
        return f"{type(error).__name__}: {error}", False, True  # refused connection, timeout, DNS
    return f"{type(error).__name__}: {error}", False, False


def _record_failure(row: OutboxMessage, error: Exception, now: datetime, report: DeliveryReport) -> bool:
    """Write down what went wrong; True when the server is out of reach (the round ends)."""
    reason, permanent, unreachable = judge(error)
    row.last_error = reason[:2000]
    if permanent or row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        row.status = OutboxStatus.FAILED
        row.failed_at = now
        report.failed += 1
        log.error("giving up on outbox message %s (%s): %s", row.id, row.kind, failure_category(error),
                  extra={"event": "mail_failed", "outbox_id": row.id, "kind": row.kind,
                         "reason": failure_category(error), "attempts": row.attempts})
    else:
        row.next_attempt_at = now + timedelta(seconds=current_app.config["MAIL_RETRY_SECONDS"] * 2 ** (row.attempts - 1))
        report.retrying += 1
        log.warning("outbox message %s (%s) will be retried: %s", row.id, row.kind, failure_category(error),
                    extra={"event": "mail_retry", "outbox_id": row.id, "kind": row.kind,
                           "reason": failure_category(error), "attempts": row.attempts})
    return unreachable


def failure_category(error: Exception) -> str:
    """Why a message failed, in a word for the log: the full reason (`last_error`) may quote the
    address, so it stays in the database."""
    if isinstance(error, Undeliverable):
        return "non_ascii_address" if str(error) == NON_ASCII_ADDRESS else "invalid_address"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "recipient_refused"
    if isinstance(error, SERVER_UNREACHABLE):
        return "server_unreachable"
    if isinstance(error, smtplib.SMTPResponseException):
        return "message_refused"
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return "non_ascii_address"
    if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException):
        return "server_unreachable"
    return type(error).__name__


def deliver_due(session: Session, now: datetime, limit: int = 500) -> DeliveryReport:
    """Send what is due, oldest first; each message succeeds or fails on its own.

    The mail to everyone about an event change is written out first (`mail_jobs`), and so are
    the organisers' messages to registrants (`messages`) and invitations of organisations (`invitations`)."""
    mail_jobs.expand_mail_jobs(session, now)
    messages.expand_messages(session, now)
    invitations.expand_invitations(session, now)
    report = DeliveryReport()
    config = current_app.config
    use_smtp = bool(config.get("MAIL_SERVER"))
    suppress = config.get("MAIL_SUPPRESS_SEND", current_app.testing)
    sender = SMTPSender(config)
    try:
        for _ in range(limit):
            row = _next_due(session, now)
            if row is None:
                break
            row.attempts += 1
            try:
                message = build_message(row, carried_address(row.to_address), now)
                if not use_smtp:
                    _write_eml(row, message)
                elif not suppress:
                    sender.send(message)
            except SQLAlchemyError:
                raise
            except Exception as error:
                if not isinstance(error, ANSWERED):
                    sender.close()  # the conversation may be left half-way: the next message starts afresh
                unreachable = _record_failure(row, error, now, report)
                session.commit()
                if unreachable:  # the rest would fail the same way; try again on the next run
                    break
                continue
            row.status = OutboxStatus.SENT
            row.sent_at = now
            row.last_error = ""
            report.sent += 1
            session.commit()
    finally:
        sender.close()
    return report


def failed_messages(session: Session, event: Event, about_registrations_only: bool) -> list[OutboxMessage]:
    """An event's messages that were given up on, the latest first."""
    query = select(OutboxMessage).where(OutboxMessage.event_id == event.id, OutboxMessage.status == OutboxStatus.FAILED)
    if about_registrations_only:
        query = query.where(OutboxMessage.registration_id.is_not(None))
    return list(session.scalars(query.order_by(OutboxMessage.failed_at.desc(), OutboxMessage.id.desc())))


def retry(message: OutboxMessage, now: datetime) -> None:
    """Try a failed message again, from its first attempt, on the sender's next round."""
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = now
    message.failed_at = None
