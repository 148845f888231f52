"""Organisers mark a remote participant present by hand (joined by phone, say), or undo a
presence, from the registrations list; both audited by the service."""
from flask import abort, current_app, flash, redirect
from flask_babel import gettext as _
from flask_login import current_user

from ..actions import attempt
from ..forms import ConfirmForm
from ..lookups import get_registration
from ..models import utcnow
from ..permissions import event_for
from ..services.remote import joins
from . import bp
from .registrations import list_url


@bp.post("/events/<slug>/registrations/<int:registration_id>/remote-present")
def registration_mark_remote(slug: str, registration_id: int):
    event = event_for(slug, "manage_registrations")
    registration = get_registration(event, registration_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = list_url(event)
    done, _row = attempt(None, joins.mark_present, registration, None, current_user, utcnow(), current_app.config)
    if done:
        flash(_("%(name)s is marked present remotely.", name=registration.full_name), "success")
    return redirect(back)


@bp.post("/events/<slug>/registrations/<int:registration_id>/remote-present/undo")
def registration_unmark_remote(slug: str, registration_id: int):
    event = event_for(slug, "manage_registrations")
    registration = get_registration(event, registration_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = list_url(event)
    done, _rows = attempt(None, joins.unmark_everywhere, registration, current_user, utcnow())
    if done:
        flash(_("%(name)s is no longer recorded as present remotely.", name=registration.full_name), "success")
    return redirect(back)
