"""Who may do what, asked in one place: `can(user, action, event)`."""
from functools import wraps

from flask import abort
from flask_login import current_user

from .models import Event, User, UserRole

# What a partner (a person of a co-hosting organisation) may do on the events it co-hosts.
PARTNER_ACTIONS = {"view_event", "view_registrations"}


def can(user: User, action: str, event: Event | None = None) -> bool:
    if not user or not user.is_authenticated:
        return False
    if user.role in (UserRole.ADMIN, UserRole.ORGANISER):
        return True
    if user.role is UserRole.PARTNER and event is not None and action in PARTNER_ACTIONS:
        return user.organisation_id is not None and any(o.id == user.organisation_id for o in event.co_hosts)
    return False


def require(action: str, event: Event | None = None) -> None:
    """Stop the request with 403 unless the signed-in user may do this."""
    if not can(current_user, action, event):
        abort(403)


def staff_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        require("manage_events")
        return view(*args, **kwargs)

    return wrapper
