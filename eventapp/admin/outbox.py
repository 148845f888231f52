"""Mail of an event that could not be sent: what, to whom, why, and a button to try again.

Organisers see every such message of the event; a co-hosting partner, the messages to the
event's registrants (not the delegation requests to institutions, which it does not see).
"""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..forms import ConfirmForm
from ..models import Event, OutboxMessage, utcnow
from ..permissions import event_for
from ..services.accounts import audit
from ..services.mail import outbox
from . import bp


def visible_failed(event: Event) -> list[OutboxMessage]:
    return outbox.failed_messages(db.session, event, about_registrations_only=not current_user.is_staff)


@bp.get("/events/<slug>/failed-mail")
def failed_mail(slug: str):
    event = event_for(slug, "view_failed_mail")
    return render_template("admin/outbox.html", event=event, messages=visible_failed(event),
                           failure_reason=outbox.failure_reason)


@bp.post("/events/<slug>/failed-mail/<int:message_id>/retry")
def retry_mail(slug: str, message_id: int):
    event = event_for(slug, "view_failed_mail")
    message = next((m for m in visible_failed(event) if m.id == message_id), None)
    if message is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    outbox.retry(message, utcnow())
    audit.record(db.session, current_user, "mail.retry", message, event)
    db.session.commit()
    flash(_("The message will be sent again in a moment."), "success")
    return redirect(url_for("admin.failed_mail", slug=event.slug))
