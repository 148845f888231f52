import secrets
from datetime import datetime
from functools import lru_cache

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..labels import LabelledEnum
from .organisation import Organisation
from .types import UTCDateTime, str_enum, utcnow


class UserRole(LabelledEnum):
    ADMIN = "admin", _l("Administrator (the secretariat)")  # everything, users included
    ORGANISER = "organiser", _l("Organiser (all events)")
    PARTNER = "partner", _l("Partner (the events their organisation co-hosts)")
    FACILITATOR = "facilitator", _l("Facilitator (the tracks they host)")


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[UserRole] = mapped_column(str_enum(UserRole))
    # None until an invited person sets a password.
    password_hash: Mapped[str | None] = mapped_column(String(256))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised to sign the user out everywhere: it is part of the session's user id.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_method())

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_staff(self) -> bool:
        return self.role in (UserRole.ADMIN, UserRole.ORGANISER)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


def password_method() -> str:
    """scrypt unless configured otherwise (the tests use a cheap method to stay fast)."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"


@lru_cache(maxsize=4)
def _stand_in_hash(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def password_matches(user: User | None, password: str) -> bool:
    """Whether `password` signs this user in. Without such a user (unknown, switched off, invited),
    a stand-in hash of the same method is checked, so that the time of the answer does not tell
    which addresses have accounts."""
    usable = user is not None and user.active and bool(user.password_hash)
    stored = user.password_hash if usable else _stand_in_hash(password_method())
    return check_password_hash(stored, password) and usable
