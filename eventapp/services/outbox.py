"""Delivering the outbox: through SMTP with retries, or into .eml files when no server is set.

Unlike the other services this one commits, once per message: an SMTP server's "accepted"
must be on record at once, so that a message is never sent twice. With several sender
processes, each takes its own messages (`SKIP LOCKED` on PostgreSQL).
"""
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_mail import Message
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..extensions import mail as flask_mail
from ..models import OutboxMessage, OutboxStatus
from . import badges, mail

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def build_message(row: OutboxMessage) -> Message:
    message = Message(
        subject=row.subject,
        recipients=[row.to_address],
        body=row.body_text,
        html=row.body_html or None,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    # The same outbox row always carries the same Message-ID, so a resend can be recognised.
    domain = current_app.config["PUBLIC_URL"].split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "eventapp"
    message.msgId = f"<outbox-{row.id}@{domain}>"
    for attachment in row.attachments:
        data = attachment.data or made_when_sent(attachment, row)
        if data:
            message.attach(attachment.filename, attachment.content_type, data)
    return message


def made_when_sent(attachment, row: OutboxMessage) -> bytes:
    """An attachment queued empty is made now: the badge (its PDF takes longer to draw than the
    rest of registering, so it is not drawn while the event is locked). None for a person since erased."""
    registration = row.registration
    if attachment.filename != mail.BADGE_FILENAME or registration is None or registration.anonymised_at:
        return b""
    return badges.badges_pdf([registration], "a6")


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


def _write_eml(row: OutboxMessage, message: Message) -> None:
    folder = Path(current_app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{row.id:08d}-{row.kind}.eml").write_bytes(message.as_bytes())


def deliver_due(session: Session, now: datetime, limit: int = 500) -> DeliveryReport:
    """Send what is due, oldest first; a failure is retried later, with a growing pause."""
    report = DeliveryReport()
    use_smtp = bool(current_app.config.get("MAIL_SERVER"))
    retry_seconds = current_app.config["MAIL_RETRY_SECONDS"]
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    for _ in range(limit):
        row = _next_due(session, now)
        if row is None:
            break
        message = build_message(row)
        row.attempts += 1
        try:
            if use_smtp:
                flask_mail.send(message)
            else:
                _write_eml(row, message)
        except (smtplib.SMTPException, OSError) as error:
            server_down = isinstance(error, (OSError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected))
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            if row.attempts >= max_attempts:
                row.status = OutboxStatus.FAILED
                report.failed += 1
                log.error("giving up on outbox message %s: %s", row.id, row.last_error)
            else:
                row.next_attempt_at = now + timedelta(seconds=retry_seconds * 2 ** (row.attempts - 1))
                report.retrying += 1
            if server_down:  # the rest would fail the same way; try again on the next run
                session.commit()
                break
        else:
            row.status = OutboxStatus.SENT
            row.sent_at = now
            row.last_error = ""
            report.sent += 1
        session.commit()
    return report
