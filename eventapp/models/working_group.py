"""The council's working groups: standing members, their meetings' agendas, answers and protocols.

A meeting of a group is an `Event` of kind `working_group_meeting` whose `working_group_id`
names the group. Each invited member is an ordinary `Registration` of that event (so badges,
check-in and remote join links work unchanged); `MeetingAnswer` ties the member to it.

The protocol names people by their registrations: whoever reported or spoke must have been
present (checked in, joined remotely, or marked present), and that is checkable against the
check-ins and remote joins of the same registrations.
"""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..labels import LabelledEnum
from .event import Event, Localised
from .organisation import Organisation, Sector
from .registration import Registration
from .types import UTCDateTime, str_enum, utcnow


class MemberRole(LabelledEnum):
    CHAIR = "chair", _l("Chair")
    MEMBER = "member", _l("Member")
    KEEPER = "keeper", _l("Protocol keeper")


class MeetingAnswerChoice(LabelledEnum):
    IN_PERSON = "in_person", _l("Will come in person")
    REMOTE = "remote", _l("Will join remotely")
    ABSENT = "absent", _l("Cannot come")


class SpeakerRole(LabelledEnum):
    REPORTER = "reporter", _l("Reports")
    GUEST = "guest", _l("Invited guest")


class EntryRole(LabelledEnum):
    REPORTED = "reported", _l("Reported")
    SPOKE = "spoke", _l("Spoke")


class ProtocolStatus(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    APPROVED = "approved", _l("Approved")


class DecisionKind(LabelledEnum):
    DECISION = "decision", _l("Decision")
    TASK = "task", _l("Task")


class WorkingGroup(Localised, db.Model):
    __tablename__ = "working_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name_lv: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    description_lv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list["GroupMember"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="GroupMember.id"
    )

    @property
    def active_members(self) -> list["GroupMember"]:
        return [member for member in self.members if member.left_at is None]

    def __repr__(self) -> str:
        return f"<WorkingGroup {self.slug}>"


# A meeting names its group. Declared here rather than in models/event.py: the working groups are
# a feature of their own, and an event knows nothing else about them. No ON DELETE: a group that
# has meetings is kept (and SQLite could not add the rule to the existing table).
Event.working_group_id = mapped_column(ForeignKey("working_group.id"), nullable=True, index=True)
Event.working_group = relationship(WorkingGroup, foreign_keys=[Event.working_group_id])


class GroupMember(db.Model):
    """A standing member of a group: a person from an NGO or an institution, with a role."""

    __tablename__ = "group_member"
    __table_args__ = (UniqueConstraint("group_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # Stored lower-cased, as registrations are.
    email: Mapped[str] = mapped_column(String(254))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    # As typed, when the organisation is not in the directory.
    organisation_name: Mapped[str] = mapped_column(String(300), default="")
    sector: Mapped[Sector] = mapped_column(str_enum(Sector))
    position: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole), default=MemberRole.MEMBER)
    language: Mapped[str] = mapped_column(String(2), default="lv")
    # Carried by the one-click answer links of the member's invitations; grants nothing else.
    secret: Mapped[str] = mapped_column(String(64), unique=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A member who left stays for the protocols of the meetings they attended.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[WorkingGroup] = relationship(back_populates="members")
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def active(self) -> bool:
        return self.left_at is None

    @property
    def organisation_display(self) -> str:
        return self.organisation.name if self.organisation else self.organisation_name

    def __repr__(self) -> str:
        return f"<GroupMember {self.id} {self.role.value}>"


class MeetingAnswer(db.Model):
    """A member invited to a meeting, their registration for it, and their answer (None: not yet)."""

    __tablename__ = "meeting_answer"
    __table_args__ = (UniqueConstraint("event_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("group_member.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answer: Mapped[MeetingAnswerChoice | None] = mapped_column(str_enum(MeetingAnswerChoice))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    member: Mapped[GroupMember] = relationship()
    registration: Mapped[Registration | None] = relationship()


class AgendaItem(Localised, db.Model):
    """An item of a meeting's agenda; `position` (1, 2, ...) is its number in the protocol."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title_lv: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    speakers: Mapped[list["AgendaSpeaker"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="(AgendaSpeaker.position, AgendaSpeaker.id)"
    )

    @property
    def reporters(self) -> list["AgendaSpeaker"]:
        return [s for s in self.speakers if s.role is SpeakerRole.REPORTER]

    @property
    def guests(self) -> list["AgendaSpeaker"]:
        return [s for s in self.speakers if s.role is SpeakerRole.GUEST]


class AgendaSpeaker(db.Model):
    """Who reports on an agenda item, or is invited to it: a member, a registration, or a name."""

    __tablename__ = "agenda_speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[SpeakerRole] = mapped_column(str_enum(SpeakerRole))
    full_name: Mapped[str] = mapped_column(String(200))
    organisation_name: Mapped[str] = mapped_column(String(300), default="")
    member_id: Mapped[int | None] = mapped_column(ForeignKey("group_member.id", ondelete="SET NULL"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))

    item: Mapped[AgendaItem] = relationship(back_populates="speakers")
    member: Mapped[GroupMember | None] = relationship()
    registration: Mapped[Registration | None] = relationship()


class Protocol(db.Model):
    """The numbered protocol of one meeting: a draft the keeper fills, then approved and read-only."""

    __tablename__ = "protocol"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    number: Mapped[str] = mapped_column(String(40))
    status: Mapped[ProtocolStatus] = mapped_column(str_enum(ProtocolStatus), default=ProtocolStatus.DRAFT)
    chair_member_id: Mapped[int | None] = mapped_column(ForeignKey("group_member.id", ondelete="SET NULL"))
    keeper_member_id: Mapped[int | None] = mapped_column(ForeignKey("group_member.id", ondelete="SET NULL"))
    # When the chair closed the meeting; None: the event's end.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    chair: Mapped[GroupMember | None] = relationship(foreign_keys=[chair_member_id])
    keeper: Mapped[GroupMember | None] = relationship(foreign_keys=[keeper_member_id])
    entries: Mapped[list["ProtocolEntry"]] = relationship(back_populates="protocol", cascade="all, delete-orphan")

    @property
    def approved(self) -> bool:
        return self.status is ProtocolStatus.APPROVED


class ProtocolEntry(db.Model):
    """What the protocol says about one agenda item."""

    __tablename__ = "protocol_entry"
    __table_args__ = (UniqueConstraint("protocol_id", "agenda_item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    protocol_id: Mapped[int] = mapped_column(ForeignKey("protocol.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    discussion: Mapped[str] = mapped_column(Text, default="")

    protocol: Mapped[Protocol] = relationship(back_populates="entries")
    agenda_item: Mapped[AgendaItem] = relationship()
    people: Mapped[list["EntryPerson"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="(EntryPerson.position, EntryPerson.id)"
    )
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="(Decision.position, Decision.id)"
    )

    def people_in(self, role: EntryRole) -> list[Registration]:
        return [person.registration for person in self.people if person.role is role]


class EntryPerson(db.Model):
    """A person present who reported ("Ziņo") or spoke ("Izsakās") on an agenda item."""

    __tablename__ = "entry_person"
    __table_args__ = (UniqueConstraint("entry_id", "registration_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("protocol_entry.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    role: Mapped[EntryRole] = mapped_column(str_enum(EntryRole))
    position: Mapped[int] = mapped_column(Integer, default=0)

    entry: Mapped[ProtocolEntry] = relationship(back_populates="people")
    registration: Mapped[Registration] = relationship()


class Decision(db.Model):
    """A numbered decision ("Lēmums") of an agenda item; a task has an owner and may have a deadline.

    Its number is the item's and its own: "2.1". A decision to bring a draft decision to the
    council's session names that session's event (`linked_event_id`).
    """

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("protocol_entry.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[DecisionKind] = mapped_column(str_enum(DecisionKind), default=DecisionKind.DECISION)
    owner_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    # A person, or an organisation not in the directory.
    owner_name: Mapped[str] = mapped_column(String(300), default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    linked_event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[ProtocolEntry] = relationship(back_populates="decisions")
    owner_organisation: Mapped[Organisation | None] = relationship()
    linked_event: Mapped[Event | None] = relationship(foreign_keys=[linked_event_id])

    @property
    def number(self) -> str:
        return f"{self.entry.agenda_item.position}.{self.position}"

    @property
    def owner(self) -> str:
        return self.owner_organisation.name if self.owner_organisation else self.owner_name

    @property
    def is_task(self) -> bool:
        return self.kind is DecisionKind.TASK

    @property
    def is_open(self) -> bool:
        return self.kind is DecisionKind.TASK and self.done_at is None
