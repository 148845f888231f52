"""The organisers' forms: events, time blocks, tracks, registrations, delegations, summaries, users."""
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..formatting import RIGA
from ..forms import BaseForm
from ..labels import label_choices
from ..models import EventKind, Organisation, UserRole
from ..services.documents import summaries
from ..services.events import EventData, SlotData, TrackData, TrackDetailsData, field_names

# The years an event of the council can fall in; anything else is a typing slip (and year 1
# or 9999 cannot even be moved into UTC).
FIRST_YEAR, LAST_YEAR = 2000, 2100
Data = TypeVar("Data")


def sensible_year(form, field) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Choose a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR))


class RigaDateTimeField(DateTimeLocalField):
    """A date and time typed as Riga wall-clock time, handed on as an aware datetime."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%dT%H:%M", **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None
            raise ValueError(_l("Choose a date between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR))

    def process_data(self, value):
        super().process_data(value.astimezone(RIGA).replace(tzinfo=None) if value else value)

    @property
    def aware(self) -> datetime | None:
        return self.data.replace(tzinfo=RIGA) if self.data else None


def organisation_id(value) -> int:
    """A choice of organisation: its id as the form sends it, or taken from the organisation itself."""
    return value.id if isinstance(value, Organisation) else int(value)


def form_data(form: BaseForm, data_class: type[Data]) -> Data:
    """`data_class` built from the form's fields of the same names."""
    values = {}
    for name in field_names(data_class):
        field = getattr(form, name)
        value = field.aware if isinstance(field, RigaDateTimeField) else field.data
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()  # browsers send a textarea's lines with CRLF
        values[name] = value
    return data_class(**values)


class EventForm(BaseForm):
    # Coerced to the enum, so that the stored kind (from `obj`) is the option shown as selected.
    kind = SelectField(_l("Type"), choices=label_choices(EventKind), coerce=EventKind)
    title_lv = StringField(_l("Title in Latvian"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=300)])
    description_lv = TextAreaField(_l("Description in Latvian"), validators=[Optional(), Length(max=20000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=20000)])
    agenda_lv = TextAreaField(_l("Agenda in Latvian, one item per line"), validators=[Optional(), Length(max=10000)])
    agenda_en = TextAreaField(_l("Agenda in English, one item per line"), validators=[Optional(), Length(max=10000)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    city = StringField(_l("City or town"), validators=[Optional(), Length(max=120)])
    starts_at = RigaDateTimeField(_l("Starts (Riga time)"), validators=[DataRequired()])
    ends_at = RigaDateTimeField(_l("Ends (Riga time)"), validators=[DataRequired()])
    capacity = IntegerField(
        _l("In-person seats (empty: no limit)"), validators=[Optional(), NumberRange(min=1, max=100000)]
    )
    registration_opens_at = RigaDateTimeField(_l("Registration opens"), validators=[Optional()])
    registration_closes_at = RigaDateTimeField(_l("Registration closes"), validators=[Optional()])
    held_seats_release_at = RigaDateTimeField(
        _l("Seats held for state administration are released (empty: three days before)"), validators=[Optional()]
    )
    remote_allowed = BooleanField(_l("Remote attendance possible"))
    remote_link = URLField(
        _l("Remote connection link (shown only to registered people)"),
        validators=[Optional(), URL(require_tld=False), Length(max=500)],
    )
    co_hosts = SelectMultipleField(_l("Co-hosting organisations"), coerce=organisation_id, validators=[Optional()])

    def as_data(self) -> EventData:
        return form_data(self, EventData)


class SlotForm(BaseForm):
    title_lv = StringField(_l("Title in Latvian"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=300)])
    starts_at = RigaDateTimeField(_l("Starts (Riga time)"), validators=[DataRequired()])
    ends_at = RigaDateTimeField(_l("Ends (Riga time)"), validators=[DataRequired()])

    def as_data(self) -> SlotData:
        return form_data(self, SlotData)


class TrackDetailsForm(BaseForm):
    """What a co-hosting partner may change: the description, the room and the facilitator's name."""

    description_lv = TextAreaField(_l("Description in Latvian"), validators=[Optional(), Length(max=10000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=10000)])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=120)])
    facilitator_name = StringField(_l("Facilitator"), validators=[Optional(), Length(max=200)])

    def as_data(self) -> TrackDetailsData:
        return form_data(self, TrackDetailsData)


class TrackForm(TrackDetailsForm):
    title_lv = StringField(_l("Title in Latvian"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=300)])
    facilitator_id = SelectField(
        _l("Facilitator's account (sees the track's people, writes its summary)"), coerce=int, default=0,
        validate_choice=False,  # optional: anything not offered is taken as none
    )
    remote_link = URLField(
        _l("The track's own remote link (only its remote participants get it)"),
        validators=[Optional(), URL(require_tld=False), Length(max=500)],
    )
    capacity = IntegerField(_l("In-person seats (empty: no limit)"), validators=[Optional(), NumberRange(min=1, max=10000)])
    state_admin_minimum = IntegerField(
        _l("State-administration participants required"), validators=[Optional(), NumberRange(min=0, max=100)]
    )

    def as_data(self) -> TrackData:
        offered = {value for value, _label in self.facilitator_id.choices or ()}
        chosen = self.facilitator_id.data if self.facilitator_id.data in offered - {0} else None
        return replace(form_data(self, TrackData), facilitator_id=chosen)


class CloneEventForm(BaseForm):
    """A copy of an event on another day, at the same Riga time (the next monthly meeting)."""

    starts_on = DateField(_l("Date of the copy"), validators=[DataRequired(), sensible_year])


class MoveForm(BaseForm):
    """One registration's track in one time block, changed by an organiser."""

    slot_id = IntegerField(validators=[InputRequired()])
    track_id = IntegerField(validators=[InputRequired()])


class DelegationForm(BaseForm):
    organisation_id = SelectField(_l("Institution"), coerce=int, validators=[DataRequired()])
    contact_email = EmailField(
        _l("Contact email"), validators=[DataRequired(), Email(_l("This does not look like an email address.")), Length(max=254)]
    )
    message = TextAreaField(_l("Personal message (optional)"), validators=[Optional(), Length(max=3000)])


SUMMARY_TEXT_LIMIT = 20000


class SummaryForm(BaseForm):
    conclusions = TextAreaField(_l("Key conclusions"), validators=[Optional(), Length(max=SUMMARY_TEXT_LIMIT)])
    proposals = TextAreaField(_l("Proposals"), validators=[Optional(), Length(max=SUMMARY_TEXT_LIMIT)])
    responsible_bodies = TextAreaField(
        _l("Who should act (which ministry or other body)"), validators=[Optional(), Length(max=SUMMARY_TEXT_LIMIT)]
    )
    follow_up = TextAreaField(_l("Follow-up"), validators=[Optional(), Length(max=SUMMARY_TEXT_LIMIT)])

    def as_data(self) -> summaries.SummaryText:
        return summaries.SummaryText(**{field: getattr(self, field).data or "" for field in summaries.TEXT_FIELDS})


class SummaryFileForm(BaseForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    file = FileField(_l("File"))
    replaces = SelectField(_l("Replaces"), choices=[], default="")

    def offer(self, summary) -> None:
        """A new file, or a new version of one of the summary's current files."""
        self.replaces.choices = [("", _("Nothing: this is a new file"))] + [
            (str(file.document_id), _("%(title)s (version %(version)d, %(name)s)", title=file.title,
                                      version=file.version, name=file.original_name))
            for file in (summaries.current_files(summary) if summary else [])
        ]

    def replaced_document(self) -> int | None:
        return int(self.replaces.data) if self.replaces.data else None


class UserForm(BaseForm):
    # Coerced to the enum, so that the stored role (from `obj`) is the option shown as selected.
    role = SelectField(
        _l("Role"), choices=label_choices(UserRole), coerce=UserRole
    )
    organisation_id = SelectField(_l("Organisation (for partners)"), coerce=int)
    active = BooleanField(_l("Can sign in"), default=True)


class InviteForm(UserForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


class BulkRegistrationsForm(BaseForm):
    """One action on the people ticked in the registrations list; the ticked ids come as `ids`.

    The action is `cancel`, `resend` (the private link), or `move-<track id>` for each of the
    event's tracks in a time block with more than one; "" is the placeholder: nothing chosen.
    """

    action = SelectField(_l("With the selected"), default="")

    @classmethod
    def for_event(cls, event, locale: str, settled: bool = False) -> "BulkRegistrationsForm":
        """The actions on selected people; once the event has started (`settled`) only resending the link."""
        form = cls()
        choices: dict[str, list[tuple[str, str]]] = {"": [("", _l("Choose an action…"))]}
        for slot in event.slots if not settled else ():
            if len(slot.tracks) > 1:
                label = _("Move to a track: %(slot)s", slot=slot.local("title", locale))
                choices[label] = [(f"move-{track.id}", track.local("title", locale)) for track in slot.tracks]
        choices[_("Other actions")] = [("resend", _l("Send the private link again"))] + (
            [] if settled else [("cancel", _l("Cancel the registrations"))])
        form.action.choices = choices
        return form

    @property
    def kind(self) -> str | None:
        """`move`, `cancel` or `resend`; None when nothing was chosen."""
        data = self.action.data or ""
        return "move" if data.startswith("move-") else (data or None)

    @property
    def track_id(self) -> int | None:
        data = self.action.data or ""
        return int(data.removeprefix("move-")) if data.startswith("move-") else None
