"""Mail goes into the outbox, in the same transaction as the change that causes it."""
from dataclasses import dataclass

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ...languages import in_language, normalise_language
from ...models import OutboxAttachment, OutboxMessage, Registration
from ...urls import public_url
from .. import place
from ..documents import calendar
from ..online_meetings import has_badges

SUBJECTS = {
    "confirmation": _l("Registration confirmed: %(event)s"),
    "waitlisted": _l("You are on the waiting list: %(event)s"),
    "promoted": _l("A seat has freed up for you: %(event)s"),
    "changed": _l("Your registration was changed: %(event)s"),
    "cancelled": _l("Registration cancelled: %(event)s"),
    "event_cancelled": _l("The event is cancelled: %(event)s"),
    "link_resent": _l("Your registration link: %(event)s"),
    "delegation_request": _l("Request to delegate an expert: %(event)s"),
    "delegation_reminder": _l("Reminder: request to delegate an expert: %(event)s"),
    "coverage_summary": _l("Tracks still without state administration"),
    "invitation": _l("Invitation to the Memorandum Council's event system"),
    "password_reset": _l("Setting a new password"),
}


# The opening paragraph of each message about a registration (`templates/email/registration.*`).
REGISTRATION_OPENINGS = {
    "confirmation": _l("Thank you for registering: your participation is confirmed."),
    "waitlisted": _l(
        "Thank you for registering. Some of your choices are full, so you are on the waiting list: "
        "as soon as a seat frees up, it is yours, and we will write to you at once."
    ),
    "promoted": _l("Good news: a seat has freed up and it is now yours."),
    "changed": _l("Your registration has been changed. This is how it stands now:"),
    "cancelled": _l(
        "Your registration has been cancelled. If that was a mistake, you can register again on the event page: %(url)s"
    ),
    "event_cancelled": _l("We are sorry: the event has been cancelled. You do not need to do anything."),
    "link_resent": _l(
        "Someone, probably you, tried to register for this event again with this address. "
        "You are already registered; your registration is below."
    ),
}


# Where the person's state (`registration_state`) changes what a message says: a freed seat that
# leaves a working group still full must not read as "everything is yours".
STATE_SUBJECTS = {
    ("waitlisted", "partly_seated"): _l("Partly seated, a working group is still full: %(event)s"),
    ("promoted", "partly_seated"): _l("Partly seated, a working group is still full: %(event)s"),
}
STATE_OPENINGS = {
    ("waitlisted", "partly_seated"): _l(
        "Thank you for registering: you have a seat at the event. A working group you chose is full, so you are "
        "on its waiting list (see below): as soon as a seat frees up there, it is yours, and we will write to you at once."
    ),
    ("promoted", "partly_seated"): _l(
        "Good news: a seat has freed up for you. You are partly seated: for a working group you are still on "
        "the waiting list (see below), and we will write to you as soon as a seat there frees up."
    ),
}


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


def queue_mail(
    session: Session,
    kind: str,
    to: str,
    language: str,
    context: dict,
    registration: Registration | None = None,
    attachments: list[Attachment] = (),
    template: str | None = None,
    subject=None,
) -> OutboxMessage:
    """Render `templates/email/<template or kind>.txt` and `.html` in `language`; put the message in the outbox.

    The subject is the kind's own unless `subject` (a lazy string, `%(event)s` filled in) says otherwise.
    """
    template = template or kind
    locale = normalise_language(language)
    with in_language(locale):
        context = {"locale": locale, **context}
        subject = subject or SUBJECTS[kind]
        if "event" in context:
            subject = subject % {"event": context["event"].local("title", locale)}
        subject = str(subject)
        body_text = render_template(f"email/{template}.txt", **context)
        body_html = render_template(f"email/{template}.html", **context)
    message = OutboxMessage(
        kind=kind, to_address=to, subject=subject, body_text=body_text, body_html=body_html,
        registration=registration, event=context.get("event") or (registration.event if registration else None),
        attachments=[OutboxAttachment(filename=a.filename, content_type=a.content_type, data=a.data) for a in attachments],
    )
    session.add(message)
    return message


# The calendar invite each message about a registration carries (RFC 6047: the MIME type names the method).
INVITE_METHODS = {
    "confirmation": "REQUEST", "waitlisted": "REQUEST", "promoted": "REQUEST", "changed": "REQUEST",
    "link_resent": "REQUEST", "cancelled": "CANCEL", "event_cancelled": "CANCEL",
}


# Messages that give the person a seat carry their badge, drawn when the message is sent.
WITH_BADGE = {"confirmation", "waitlisted", "promoted"}
BADGE_FILENAME = "badge.pdf"


def registration_attachments(kind: str, registration: Registration) -> list[Attachment]:
    """The files that go with a message about a registration: the calendar invite, and the badge
    when the person has an in-person seat (an online meeting has no badges)."""
    files = []
    method = INVITE_METHODS.get(kind)
    if method is not None:
        files.append(Attachment(
            filename="invite.ics", content_type=f"text/calendar; method={method}; charset=UTF-8",
            data=calendar.registration_invite(registration, method),
        ))
    if (kind in WITH_BADGE and registration.status.value == "confirmed" and registration.attendance_mode.value == "in_person"
            and has_badges(registration.event)):
        files.append(Attachment(filename=BADGE_FILENAME, content_type="application/pdf", data=b""))
    return files


def queue_registration_mail(session: Session, kind: str, registration: Registration, details: dict) -> OutboxMessage:
    """A message to a registrant about their registration, with their private link."""
    state = details.get("state")
    key = (kind, state.state.value if state else None)
    attachments = registration_attachments(kind, registration)
    context = {
        # What the message says it carries: the invite's method (a cancellation removes the event) and the badge.
        "attached_invite": INVITE_METHODS.get(kind),
        "attached_badge": any(file.filename == BADGE_FILENAME for file in attachments),
        "map_link": place.map_link(registration.event),
        "opening": STATE_OPENINGS.get(key, REGISTRATION_OPENINGS[kind]),
        "event": registration.event,
        "registration": registration,
        "manage_url": public_url("my_registration.show", token=registration.secret),
        "event_url": public_url("public.event", slug=registration.event.slug),
        **details,
    }
    return queue_mail(
        session, kind, registration.email, registration.language, context, registration,
        attachments=attachments, template="registration",
        subject=STATE_SUBJECTS.get(key),
    )
