"""Working groups and their standing members.

A group has at most one chair and one protocol keeper among its active members: giving the role
to someone makes the one who had it a plain member, so that handing it over is one step. A member
who leaves keeps their row (the protocols of the meetings they attended name them).
"""
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...languages import normalise_language
from ...models import GroupMember, MemberRole, Sector, User, WorkingGroup
from ..accounts import audit
from ..events import slugify
from ..exceptions import DomainError
from ..organisations import find_organisation
from ..registration.lifecycle import new_secret, normalise_email


@dataclass
class GroupData:
    name_lv: str
    name_en: str = ""
    description_lv: str = ""
    description_en: str = ""
    slug: str = ""


@dataclass
class MemberData:
    """A member as the organisers describe them (already checked for form: lengths, email syntax)."""

    full_name: str
    email: str
    organisation_name: str = ""
    sector: Sector = Sector.NGO
    position: str = ""
    role: MemberRole = MemberRole.MEMBER
    language: str = "lv"


def visible(text: str) -> str:
    """The text without invisible format characters (zero-width spaces, direction marks and
    overrides, a byte order mark) and with its spaces collapsed: a name of only those is empty."""
    kept = "".join(ch for ch in unicodedata.normalize("NFC", text or "") if unicodedata.category(ch) != "Cf")
    return " ".join(kept.split())


def create_group(session: Session, actor: User | None, data: GroupData, now: datetime) -> WorkingGroup:
    data.name_lv, data.name_en = visible(data.name_lv), visible(data.name_en)
    if not data.name_lv:
        raise DomainError(_l("Give the working group a name."), "name_lv")
    slug = slugify(data.slug or data.name_lv)
    if session.scalar(select(WorkingGroup.id).where(WorkingGroup.slug == slug)) is not None:
        raise DomainError(_l("A working group with this address already exists."), "slug")
    group = WorkingGroup(slug=slug, name_lv=data.name_lv.strip(), name_en=data.name_en.strip(),
                         description_lv=data.description_lv.strip(), description_en=data.description_en.strip(),
                         created_at=now)
    session.add(group)
    session.flush()
    audit.record(session, actor, "working_group.create", group)
    return group


def update_group(session: Session, actor: User | None, group: WorkingGroup, data: GroupData, now: datetime) -> None:
    data.name_lv, data.name_en = visible(data.name_lv), visible(data.name_en)
    if not data.name_lv:
        raise DomainError(_l("Give the working group a name."), "name_lv")
    group.name_lv, group.name_en = data.name_lv.strip(), data.name_en.strip()
    group.description_lv, group.description_en = data.description_lv.strip(), data.description_en.strip()
    session.flush()
    audit.record(session, actor, "working_group.update", group)


def groups(session: Session) -> list[WorkingGroup]:
    return list(session.scalars(select(WorkingGroup).order_by(WorkingGroup.id)))


def group_by_slug(session: Session, slug: str) -> WorkingGroup | None:
    return session.scalar(select(WorkingGroup).where(WorkingGroup.slug == slug))


def member_by_secret(session: Session, secret: str) -> GroupMember | None:
    if not isinstance(secret, str) or not secret:
        return None
    return session.scalar(select(GroupMember).where(GroupMember.secret == secret))


def _apply(session: Session, member: GroupMember, data: MemberData) -> None:
    data.full_name = visible(data.full_name)
    if not data.full_name:
        raise DomainError(_l("Give the member's name."), "full_name")
    if "@" not in data.email:
        raise DomainError(_l("Give the member's email address."), "email")
    organisation = find_organisation(session, " ".join(data.organisation_name.split()))
    member.full_name = data.full_name.strip()
    member.email = normalise_email(data.email)
    member.organisation_id = organisation.id if organisation else None
    member.organisation = organisation
    member.organisation_name = "" if organisation else " ".join(data.organisation_name.split())
    member.sector = organisation.sector if organisation else data.sector
    member.position = data.position.strip()
    member.language = normalise_language(data.language)


def _same_address(session: Session, group: WorkingGroup, email: str, exclude_id: int | None) -> GroupMember | None:
    return session.scalar(select(GroupMember).where(
        GroupMember.group_id == group.id, GroupMember.email == normalise_email(email),
        GroupMember.id != (exclude_id or 0),
    ))


def _take_role(group: WorkingGroup, member: GroupMember, role: MemberRole) -> None:
    """Give `member` the role; a chair or keeper before them becomes a plain member."""
    if role is not MemberRole.MEMBER:
        for other in group.active_members:
            if other is not member and other.role is role:
                other.role = MemberRole.MEMBER
    member.role = role


def add_member(session: Session, actor: User | None, group: WorkingGroup, data: MemberData, now: datetime) -> GroupMember:
    """Add a standing member; a member who had left comes back with the same row."""
    member = _same_address(session, group, data.email, None)
    if member is not None and member.active:
        raise DomainError(_l("This person is already a member of the group."), "email")
    with session.no_autoflush:  # the new row is complete only after _apply
        if member is None:
            member = GroupMember(group=group, secret=new_secret(), joined_at=now)
            session.add(member)
        member.left_at = None
        _apply(session, member, data)
        _take_role(group, member, data.role)
    session.flush()
    audit.record(session, actor, "working_group.member_add", member, group_id=group.id, role=member.role.value)
    return member


def update_member(session: Session, actor: User | None, member: GroupMember, data: MemberData, now: datetime) -> None:
    if not member.active:
        raise DomainError(_l("This person is no longer a member of the group."))
    if _same_address(session, member.group, data.email, member.id) is not None:
        raise DomainError(_l("This person is already a member of the group."), "email")
    _apply(session, member, data)
    _take_role(member.group, member, data.role)
    session.flush()
    audit.record(session, actor, "working_group.member_update", member, group_id=member.group_id)


def set_role(session: Session, actor: User | None, member: GroupMember, role: MemberRole, now: datetime) -> None:
    if not member.active:
        raise DomainError(_l("This person is no longer a member of the group."))
    _take_role(member.group, member, role)
    session.flush()
    audit.record(session, actor, "working_group.member_role", member, group_id=member.group_id, role=role.value)


def remove_member(session: Session, actor: User | None, member: GroupMember, now: datetime) -> None:
    """The member leaves the group: not invited any more, kept in past protocols."""
    if not member.active:
        raise DomainError(_l("This person is no longer a member of the group."))
    member.left_at = now
    member.role = MemberRole.MEMBER
    session.flush()
    audit.record(session, actor, "working_group.member_remove", member, group_id=member.group_id)


def holder(group: WorkingGroup, role: MemberRole) -> GroupMember | None:
    """The active chair or keeper of the group, if it has one."""
    return next((m for m in group.active_members if m.role is role), None)
