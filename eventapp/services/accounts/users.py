"""Accounts: invitations, passwords, roles, and signing someone out everywhere."""
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Organisation, User, UserRole
from ...models.user import password_matches
from ...permissions import may_manage_user
from ...urls import public_url
from ..exceptions import DomainError
from ..mail import compose
from . import audit

INVITATION_MAX_AGE = 7 * 24 * 3600  # seconds
RESET_MAX_AGE = 2 * 3600
MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    """An account's address as stored: one account, however the address is typed."""
    return email.strip().lower()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this address and password, else None: equally slow either way."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    return user if password_matches(user, password) else None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="eventapp.set-password")


def password_token(user: User) -> str:
    """A signed link token that works once: setting a password changes what it was signed with."""
    return _serializer().dumps({"user": user.id, "state": _state(user)})


def _state(user: User) -> str:
    return f"{user.session_version}:{(user.password_hash or '')[-12:]}"


def user_from_token(session: Session, token: str, max_age: int) -> User:
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError(_l("This link has expired; ask for a new one.")) from None
    except BadSignature:
        raise DomainError(_l("This link is not valid.")) from None
    user = session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("state") != _state(user):
        raise DomainError(_l("This link has already been used or is no longer valid."))
    return user


def invite_user(
    session: Session, actor: User, email: str, name: str, role: UserRole, organisation: Organisation | None = None
) -> User:
    email = normalise_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise DomainError(_l("A user with this email already exists."), "email")
    if role is UserRole.PARTNER and organisation is None:
        raise DomainError(_l("A partner belongs to a co-hosting organisation: choose it."), "organisation_id")
    if not may_manage_user(actor, role=role):
        raise DomainError(_l("Only an administrator can invite an administrator."), "role")
    user = User(email=email, name=name.strip(), role=role, organisation=organisation)
    session.add(user)
    session.flush()
    _queue_link(session, "invitation", user, actor)
    audit.record(session, actor, "user.invite", user, role=role.value)
    return user


def _queue_link(session: Session, kind: str, user: User, actor: User | None = None) -> None:
    link = public_url("auth.set_password", token=password_token(user))
    compose.queue_mail(session, kind, user.email, "lv", {"user": user, "link": link, "actor": actor})


def request_password_reset(session: Session, email: str) -> None:
    """Mail a reset link if the address belongs to an active user; say nothing either way."""
    user = session.scalar(select(User).where(User.email == normalise_email(email), User.active.is_(True)))
    if user is not None:
        _queue_link(session, "password_reset", user)


def set_password(session: Session, user: User, password: str, now: datetime) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(_l("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), "password")
    user.set_password(password)
    user.session_version += 1  # every other session of this user ends
    audit.record(session, user, "user.set_password", user)


def update_user(session: Session, actor: User, user: User, role: UserRole, organisation: Organisation | None, active: bool) -> None:
    if not may_manage_user(actor, user, role):
        raise DomainError(_l("Only an administrator can change an administrator or make one."), "role")
    if user.id == actor.id and (role is not actor.role or not active):
        raise DomainError(_l("You cannot change your own role or switch yourself off."), "role")
    if role is UserRole.PARTNER and organisation is None:
        raise DomainError(_l("A partner belongs to a co-hosting organisation: choose it."), "organisation_id")
    changed = {
        field for field, old, new in (
            ("role", user.role, role), ("organisation_id", user.organisation_id, organisation.id if organisation else None),
            ("active", user.active, active),
        ) if old != new
    }
    user.role, user.organisation, user.active = role, organisation, active
    if changed:
        user.session_version += 1  # new rights take effect at once
        audit.record(session, actor, "user.update", user, fields=sorted(changed))


def end_sessions(user: User) -> None:
    """Signing out ends every session and remember cookie of the user: a copied cookie works no more."""
    user.session_version += 1


def sign_out_everywhere(session: Session, actor: User, user: User) -> None:
    end_sessions(user)
    audit.record(session, actor, "user.sign_out_everywhere", user)
