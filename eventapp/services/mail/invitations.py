"""Inviting the directory's organisations to an event.

An organiser chooses a part of the directory (sector, region, policy area); every organisation
in it with a contact address, that has not asked not to be invited and was not invited to this
event before, gets one invitation: its own registration link (the form filled in for the
organisation) and its own unsubscribe link. An organisation is never invited twice to an event
(a unique row per event and organisation), and a double click on "send" is recognised by the
form's one-time token.

The organiser's request records the invitations only (one insert, however many organisations);
the sender (`outbox.deliver_due`) writes them out as outbox messages in batches before it
delivers, as it does for the organisers' messages to registrants.
"""
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from ...languages import in_language
from ...models import (
    Event,
    Organisation,
    OrganisationInvitation,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
    User,
)
from ...urls import public_url
from .. import organisations as directory
from .. import place
from ..accounts import audit
from ..exceptions import DomainError
from ..registration.seat_allocation import lock_event
from . import compose

log = logging.getLogger(__name__)

KIND = "organisation_invitation"
SUBJECT = _l("Invitation: %(event)s")
BATCH = 100


def new_token() -> str:
    return secrets.token_urlsafe(32)


def invited_ids(session: Session, event: Event) -> set[int]:
    return set(session.scalars(
        select(OrganisationInvitation.organisation_id).where(OrganisationInvitation.event_id == event.id)
    ))


@dataclass(frozen=True)
class Audience:
    """The part of the directory the filters name, as an invitation would reach it."""

    to_invite: list[Organisation]  # with a contact, not unsubscribed, not invited to this event yet
    already_invited: int
    unsubscribed: int
    without_contact: list[Organisation]


def audience(session: Session, event: Event, filters: directory.DirectoryFilters) -> Audience:
    chosen = directory.directory(session, directory.DirectoryFilters(filters.sector, filters.region, filters.policy_area))
    invited = invited_ids(session, event)
    to_invite, already, unsubscribed, without = [], 0, 0, []
    for org in chosen:
        if not org.contact_email:
            without.append(org)
        elif org.id in invited:
            already += 1
        elif org.unsubscribed_at is not None:
            unsubscribed += 1
        else:
            to_invite.append(org)
    return Audience(to_invite, already, unsubscribed, without)


# What an organisation reads ------------------------------------------------------------------

UNSUBSCRIBE_SENTENCE = _l("You receive this because %(organisation)s is in the Memorandum Council's directory of "
                          "organisations. Not to be invited again:")


def mail_context(event: Event, organisation: Organisation, token: str, unsubscribe_token: str) -> dict:
    context = {
        "event": event,
        "organisation": organisation,
        "register_url": public_url("registration.register", slug=event.slug, invitation=token),
        "event_url": public_url("public.event", slug=event.slug),
        "unsubscribe_url": public_url("unsubscribe.page", token=unsubscribe_token),
        "place_line": place.place_line(event),
    }
    # Organisations have no language: Latvian first, the same in English below it.
    with in_language("en"):
        context["english_text"] = render_template("email/_organisation_invitation_body.txt", locale="en", **context)
        context["english_html"] = Markup(render_template("email/_organisation_invitation_body.html", locale="en", **context))
        context["english_unsubscribe"] = str(UNSUBSCRIBE_SENTENCE % {"organisation": organisation.name})
    return context


def queue_invitation_mail(session: Session, invitation: OrganisationInvitation) -> OutboxMessage:
    context = mail_context(invitation.event, invitation.organisation, invitation.token, invitation.unsubscribe_token)
    message = compose.queue_mail(session, KIND, invitation.email, "lv", context, subject=SUBJECT)
    message.list_unsubscribe = context["unsubscribe_url"]
    return message


@dataclass(frozen=True)
class Preview:
    organisation: Organisation
    subject: str
    body_text: str


def preview(event: Event, organisation: Organisation) -> Preview:
    """The mail one organisation would get (its links shown as placeholders, nothing recorded)."""
    context = mail_context(event, organisation, "...", "...")
    with in_language("lv"):
        subject = str(SUBJECT % {"event": event.local("title", "lv")})
        body = render_template(f"email/{KIND}.txt", locale="lv", **context)
    return Preview(organisation, subject, body)


# Sending -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sent:
    count: int
    new: bool  # False: the same form was sent before, and nothing more was recorded


def sent_with_token(session: Session, event: Event, token: str) -> int:
    return len(session.scalars(
        select(OrganisationInvitation.id).where(
            OrganisationInvitation.event_id == event.id, OrganisationInvitation.batch_token == token
        )
    ).all())


def invite(session: Session, event: Event, actor: User | None, filters: directory.DirectoryFilters,
           token: str, now: datetime) -> Sent:
    """Record an invitation for every organisation the filters name that may be invited; the
    sender writes them out. The same `token` again records nothing."""
    token = (token or "").strip()[:64]
    if not token:
        raise DomainError(_l("The form has expired; open it again."))
    earlier = sent_with_token(session, event, token)
    if earlier:
        return Sent(earlier, False)
    # Two organisers sending at the same moment: one waits for the other, then sees its rows.
    lock_event(session, event.id)
    chosen = audience(session, event, filters).to_invite
    if not chosen:
        raise DomainError(_l("No organisation with a contact address is left to invite with these filters."))
    try:
        with session.begin_nested():  # another organiser's invitations at the same moment: never twice
            session.execute(insert(OrganisationInvitation), [
                {"event_id": event.id, "organisation_id": org.id, "email": org.contact_email, "token": new_token(),
                 "unsubscribe_token": new_token(), "batch_token": token, "invited_by_id": actor.id if actor else None,
                 "created_at": now}
                for org in chosen
            ])
    except IntegrityError:
        raise DomainError(_l("The number of organisations these filters match has changed. Check it, then send.")) from None
    audit.record(session, actor, "organisation.invite", event, event, organisations=len(chosen),
                 filters=filters.as_args())
    return Sent(len(chosen), True)


def expand_invitations(session: Session, now: datetime, limit: int = 20) -> int:
    """Write out invitations not yet in the outbox, a batch at a time, committing each batch;
    returns how many were written. Unsubscribed organisations are skipped (and marked queued)."""
    written = 0
    for _ in range(limit):
        query = (
            select(OrganisationInvitation).where(OrganisationInvitation.queued_at.is_(None))
            .order_by(OrganisationInvitation.id).limit(BATCH)
            .options(selectinload(OrganisationInvitation.event), selectinload(OrganisationInvitation.organisation))
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=OrganisationInvitation)
        batch = session.scalars(query).all()
        if not batch:
            break
        try:
            for invitation in batch:
                if invitation.organisation.unsubscribed_at is None:
                    message = queue_invitation_mail(session, invitation)
                    message.next_attempt_at = now
                    invitation.outbox_message = message
                    written += 1
                invitation.queued_at = now
        except SQLAlchemyError:
            raise
        except Exception:
            session.rollback()
            log.exception("organisation invitations could not be written out; they are tried again next round")
            break
        session.commit()
    return written


# The registration link -----------------------------------------------------------------------

def find_invitation(session: Session, event: Event, token: str | None) -> OrganisationInvitation | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(
        select(OrganisationInvitation)
        .where(OrganisationInvitation.token == token, OrganisationInvitation.event_id == event.id)
        .options(selectinload(OrganisationInvitation.organisation))
    )


def same_organisation_name(typed: str, name: str) -> bool:
    """Whether the organisation typed in the form is still the invited one (case and spaces aside)."""
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


def note_registration(session: Session, invitation: OrganisationInvitation, registration: Registration,
                      organisation_name: str) -> bool:
    """A registration through the invitation's link counts for the invited organisation only when
    the form still names it (`organisation_name`, as typed; the link only fills the form in, and may
    have been forwarded to someone of another organisation). Otherwise what the person typed stands
    (a directory organisation as usual) and the invitation is not marked. True when it counted."""
    if not same_organisation_name(organisation_name, invitation.organisation.name):
        return False
    if registration.organisation_id is None:
        registration.organisation_id = invitation.organisation_id
        registration.organisation_name = ""
    if invitation.registration_id is None:
        invitation.registration_id = registration.id
    return True


# The unsubscribe link ------------------------------------------------------------------------

def find_by_unsubscribe_token(session: Session, token: str) -> OrganisationInvitation | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(
        select(OrganisationInvitation).where(OrganisationInvitation.unsubscribe_token == token)
        .options(selectinload(OrganisationInvitation.organisation))
    )


def unsubscribe(session: Session, invitation: OrganisationInvitation, now: datetime) -> bool:
    return directory.mark_unsubscribed(session, invitation.organisation, now)


# The report ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReportRow:
    invitation: OrganisationInvitation
    status: str  # "preparing", "pending", "sent", "failed", "skipped"
    registrations: list[Registration]


@dataclass(frozen=True)
class Report:
    rows: list[ReportRow]
    sent: int
    failed: int
    waiting: int
    registered: int


def report(session: Session, event: Event) -> Report:
    invitations = list(session.scalars(
        select(OrganisationInvitation).where(OrganisationInvitation.event_id == event.id)
        .options(selectinload(OrganisationInvitation.organisation), selectinload(OrganisationInvitation.outbox_message))
    ))
    org_ids = {inv.organisation_id for inv in invitations}
    people: dict[int, list[Registration]] = {}
    if org_ids:
        for registration in session.scalars(
            select(Registration).where(
                Registration.event_id == event.id, Registration.organisation_id.in_(org_ids),
                Registration.status != RegistrationStatus.CANCELLED,
            ).order_by(Registration.id)
        ):
            people.setdefault(registration.organisation_id, []).append(registration)
    rows = []
    for inv in sorted(invitations, key=lambda i: directory.latvian_key(i.organisation.name)):
        if inv.queued_at is None:
            status = "preparing"
        elif inv.outbox_message is None:
            status = "skipped"
        else:
            status = {OutboxStatus.SENT: "sent", OutboxStatus.FAILED: "failed"}.get(inv.outbox_message.status, "pending")
        rows.append(ReportRow(inv, status, people.get(inv.organisation_id, [])))
    return Report(
        rows=rows,
        sent=sum(1 for r in rows if r.status == "sent"),
        failed=sum(1 for r in rows if r.status == "failed"),
        waiting=sum(1 for r in rows if r.status in ("preparing", "pending")),
        registered=sum(1 for r in rows if r.registrations),
    )


def register_invited(session: Session, invitation: OrganisationInvitation, event_id: int, data, now: datetime,
                     *, mail_after_commit: bool = False):
    """Register through an invitation's link (`lifecycle.register`); a new registration that still
    names the invited organisation is noted on the invitation and counts for it."""
    from ..registration import lifecycle

    result = lifecycle.register(session, event_id, data, now, mail_after_commit=mail_after_commit)
    if result.created:
        note_registration(session, invitation, result.registration, data.organisation_name)
    return result
