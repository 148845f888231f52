"""Who may do what, asked in one place: `can(user, action, event, track)`.

Administrators (the secretariat) and organisers may do everything on every event. Accounts
follow one rule, `may_manage_user`: organisers manage every account but administrators'.
A partner acts only on the events its organisation co-hosts, and only while it does.
A facilitator acts only on the tracks they host. Views call `require(...)`, which answers
403; an object of another event is never found in the first place (404).
"""
from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Event, Slot, Track, User, UserRole

STAFF = (UserRole.ADMIN, UserRole.ORGANISER)
# On an event its organisation co-hosts, a partner may:
PARTNER_ACTIONS = {
    "view_event", "view_registrations", "checkin", "edit_track_details", "edit_summary", "view_failed_mail",
    "view_feedback", "message_registrants",
}
# On a track they host, a facilitator may:
FACILITATOR_ACTIONS = {"view_event", "view_track_people", "edit_summary"}


def can(user: User, action: str, event: Event | None = None, track: Track | None = None) -> bool:
    if not user or not user.is_authenticated:
        return False
    if user.role in STAFF:
        return True
    if event is None:
        return False
    if user.role is UserRole.PARTNER:
        return action in PARTNER_ACTIONS and co_hosts(user, event)
    if user.role is UserRole.FACILITATOR:
        tracks = [track] if track is not None else event.tracks
        return action in FACILITATOR_ACTIONS and any(t.facilitator_id == user.id for t in tracks)
    return False


def co_hosts(user: User, event: Event) -> bool:
    return user.organisation_id is not None and any(o.id == user.organisation_id for o in event.co_hosts)


def may_manage_user(actor: User, person: User | None = None, role: UserRole | None = None) -> bool:
    """Staff manage accounts; only an administrator acts on an administrator or makes one.

    Every action on an account (open, change, switch off, sign out everywhere, invite) asks this.
    """
    if not can(actor, "manage_users"):
        return False
    touches_admin = (person is not None and person.role is UserRole.ADMIN) or role is UserRole.ADMIN
    return not touches_admin or actor.role is UserRole.ADMIN


def require_user_management(person: User | None = None, role: UserRole | None = None) -> None:
    """Stop the request with 403 unless the signed-in user may manage this account (or give this role)."""
    if not may_manage_user(current_user, person, role):
        abort(403)


def require(action: str, event: Event | None = None, track: Track | None = None) -> None:
    """Stop the request with 403 unless the signed-in user may do this."""
    if not can(current_user, action, event, track):
        abort(403)


def event_for(slug: str, action: str) -> Event:
    """The event of an address, for a user who may do `action` on it: 404 when there is none, else 403.

    Its time blocks and tracks come with it (two more queries, not one per time block).
    """
    event = db.session.scalar(
        select(Event).where(Event.slug == slug).options(selectinload(Event.slots).selectinload(Slot.tracks))
    )
    if event is None:
        abort(404)
    require(action, event)
    return event
