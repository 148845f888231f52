"""The secretariat's forms of the working groups: groups, members, meetings, agenda items, guests
and the protocol (its details, an item's entry, a decision)."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Email, Length, Optional, ValidationError

from ...formatting import riga_datetime_from_local
from ...forms import BaseForm
from ...labels import label_choices
from ...models import DecisionKind, Event, EventKind, GroupMember, MemberRole, Sector
from ...question_fields import CheckboxesField
from ...services.events import EventData
from ...services.working_groups.agenda import AgendaItemData, SpeakerData
from ...services.working_groups.members import GroupData, MemberData
from ...services.working_groups.protocols import DecisionData
from ..forms import RigaDateTimeField, sensible_year

LANGUAGES = [("lv", "Latviešu"), ("en", "English")]
NOBODY = 0  # the "—" option of a choice that may stay empty


def text(form_field) -> str:
    return (form_field.data or "").replace("\r\n", "\n").strip()


class GroupForm(BaseForm):
    name_lv = StringField(_l("Name in Latvian"), validators=[DataRequired(_l("Give the working group a name.")),
                                                             Length(max=300)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=300)])
    slug = StringField(_l("Address (optional)"), validators=[Optional(), Length(max=100)])
    description_lv = TextAreaField(_l("Description in Latvian"), validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=5000)])

    def as_data(self) -> GroupData:
        return GroupData(name_lv=text(self.name_lv), name_en=text(self.name_en), slug=text(self.slug),
                         description_lv=text(self.description_lv), description_en=text(self.description_en))


class MemberForm(BaseForm):
    full_name = StringField(_l("Name, surname"), validators=[DataRequired(_l("Give the member's name.")),
                                                             Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Give the member's email address.")),
                                                Email(_l("Give a valid email address.")), Length(max=254)])
    organisation_name = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)],
                                    render_kw={"list": "organisations", "autocomplete": "off"})
    sector = SelectField(_l("Sector"), choices=label_choices(Sector), coerce=Sector)
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role in the group"), choices=label_choices(MemberRole), coerce=MemberRole)
    language = SelectField(_l("Language of the mail"), choices=LANGUAGES)

    @classmethod
    def of(cls, member: GroupMember) -> "MemberForm":
        return cls(full_name=member.full_name, email=member.email, organisation_name=member.organisation_display,
                   sector=member.sector, position=member.position, role=member.role, language=member.language)

    def as_data(self) -> MemberData:
        return MemberData(full_name=text(self.full_name), email=text(self.email),
                          organisation_name=text(self.organisation_name), sector=self.sector.data,
                          position=text(self.position), role=self.role.data, language=self.language.data)


class RoleForm(BaseForm):
    role = SelectField(_l("Role in the group"), choices=label_choices(MemberRole), coerce=MemberRole)


class MeetingForm(BaseForm):
    title_lv = StringField(_l("Title in Latvian"), validators=[Optional(), Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=300)])
    day = DateField(_l("Date"), validators=[DataRequired(_l("Choose the date.")), sensible_year])
    starts_at = TimeField(_l("Starts"), validators=[DataRequired(_l("Give the time it starts."))])
    ends_at = TimeField(_l("Ends"), validators=[DataRequired(_l("Give the time it ends."))])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    remote_allowed = BooleanField(_l("Members can also join remotely"))
    remote_link = URLField(_l("Link to the remote meeting (Zoom, Teams)"),
                           validators=[Optional(), URL(message=_l("Give a full address, starting with https://.")),
                                       Length(max=500)])

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The meeting must end after it starts."))

    def validate_remote_link(self, field) -> None:
        if self.remote_allowed.data and not field.data:
            raise ValidationError(_l("Give the link to the remote meeting."))

    def as_data(self) -> EventData:
        return EventData(
            kind=EventKind.WORKING_GROUP_MEETING, title_lv=text(self.title_lv), title_en=text(self.title_en),
            starts_at=riga_datetime_from_local(self.day.data, self.starts_at.data),
            ends_at=riga_datetime_from_local(self.day.data, self.ends_at.data),
            venue=text(self.venue), address=text(self.address), city=text(self.city),
            remote_allowed=self.remote_allowed.data, remote_link=text(self.remote_link) if self.remote_allowed.data else "",
        )


def speaker_lines(speakers) -> str:
    return "\n".join(f"{s.full_name}, {s.organisation_name}" if s.organisation_name else s.full_name
                     for s in speakers)


def parse_speakers(value: str) -> list[SpeakerData]:
    """'Name, Organisation' per line; the organisation may be left out."""
    people = []
    for line in (value or "").splitlines():
        name, _comma, organisation = line.partition(",")
        if name.strip():
            people.append(SpeakerData(full_name=name.strip()[:200], organisation_name=organisation.strip()[:300]))
    return people


class AgendaItemForm(BaseForm):
    title_lv = StringField(_l("Title in Latvian"), validators=[DataRequired(_l("Give the agenda item a title.")),
                                                               Length(max=500)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=500)])
    reporting_members = CheckboxesField(_l("Members who report"), coerce=int, validators=[Optional()])
    other_reporters = TextAreaField(_l("Others who report"), validators=[Optional(), Length(max=5000)],
                                    render_kw={"rows": 3})
    guests = TextAreaField(_l("Invited guests"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 3})

    def offer(self, group_members: list[GroupMember]) -> None:
        self.reporting_members.choices = [
            (m.id, f"{m.full_name} ({m.organisation_display})" if m.organisation_display else m.full_name)
            for m in group_members
        ]
        self._members = {m.id: m for m in group_members}

    def fill(self, item) -> None:
        self.title_lv.data, self.title_en.data = item.title_lv, item.title_en
        self.reporting_members.data = [s.member_id for s in item.reporters if s.member_id in self._members]
        self.other_reporters.data = speaker_lines(s for s in item.reporters if s.member_id not in self._members)
        self.guests.data = speaker_lines(item.guests)

    def as_data(self) -> AgendaItemData:
        chosen = [self._members[i] for i in self.reporting_members.data or []]
        reporters = [SpeakerData(full_name=m.full_name, organisation_name=m.organisation_display, member_id=m.id)
                     for m in chosen]
        return AgendaItemData(title_lv=text(self.title_lv), title_en=text(self.title_en),
                              reporters=reporters + parse_speakers(self.other_reporters.data),
                              guests=parse_speakers(self.guests.data))


class GuestForm(BaseForm):
    full_name = StringField(_l("Name, surname"), validators=[DataRequired(_l("Give the guest's name.")),
                                                             Length(max=200)])
    organisation_name = StringField(_l("Organisation"), validators=[Optional(), Length(max=300)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Email (optional)"), validators=[Optional(), Email(_l("Give a valid email address.")),
                                                           Length(max=254)])
    remote = BooleanField(_l("Joined remotely"))


class ProtocolDetailsForm(BaseForm):
    number = StringField(_l("Protocol number"), validators=[DataRequired(_l("Give the protocol a number.")),
                                                            Length(max=40)])
    chair = SelectField(_l("Chair of the meeting"), coerce=int)
    keeper = SelectField(_l("Protocol keeper"), coerce=int)
    closed_at = RigaDateTimeField(_l("Meeting closed at"), validators=[Optional()])

    def offer(self, group_members: list[GroupMember]) -> None:
        choices = [(NOBODY, "—")] + [(m.id, m.full_name) for m in group_members]
        self.chair.choices = self.keeper.choices = choices


class EntryForm(BaseForm):
    reporters = CheckboxesField(_l("Reported (Ziņo)"), coerce=int, validators=[Optional()])
    speakers = CheckboxesField(_l("Spoke (Izsakās)"), coerce=int, validators=[Optional()])
    discussion = TextAreaField(_l("Discussion"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 6})

    def offer(self, people: list[tuple[int, str]]) -> None:
        self.reporters.choices = self.speakers.choices = people


class DecisionForm(BaseForm):
    text = TextAreaField(_l("Decision"), validators=[DataRequired(_l("Write the decision.")), Length(max=5000)],
                         render_kw={"rows": 3})
    kind = SelectField(_l("Kind"), choices=label_choices(DecisionKind), coerce=DecisionKind)
    owner_organisation_id = SelectField(_l("Owner: an organisation of the directory"), coerce=int)
    owner_name = StringField(_l("or a person or another organisation"), validators=[Optional(), Length(max=300)])
    deadline = DateField(_l("Deadline"), validators=[Optional(), sensible_year])
    linked_event_id = SelectField(_l("To be brought to the council's session"), coerce=int)

    def offer(self, organisations: list[tuple[int, str]], sessions: list[Event]) -> None:
        self.owner_organisation_id.choices = [(NOBODY, "—")] + organisations
        self.linked_event_id.choices = [(NOBODY, "—")] + [
            (e.id, f"{e.starts_at.date().isoformat()} {e.title_lv}") for e in sessions]

    @classmethod
    def of(cls, decision) -> "DecisionForm":
        return cls(text=decision.text, kind=decision.kind, owner_organisation_id=decision.owner_organisation_id or NOBODY,
                   owner_name=decision.owner_name, deadline=decision.deadline,
                   linked_event_id=decision.linked_event_id or NOBODY)

    def as_data(self) -> DecisionData:
        return DecisionData(text=text(self.text), kind=self.kind.data,
                            owner_organisation_id=self.owner_organisation_id.data or None,
                            owner_name=text(self.owner_name), deadline=self.deadline.data,
                            linked_event_id=self.linked_event_id.data or None)
