from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from ..formatting import RIGA
from ..forms import BaseForm
from ..models import EventKind, Organisation

KIND_LABELS = {
    EventKind.REGIONAL_SESSION: _l("Regional visiting session"),
    EventKind.FORUM: _l("Forum"),
    EventKind.COUNCIL_SESSION: _l("Council session"),
    EventKind.ONLINE_MEETING: _l("Online meeting"),
    EventKind.WORKING_GROUP_MEETING: _l("Working group meeting"),
}


class RigaDateTimeField(DateTimeLocalField):
    """A date and time typed as Riga wall-clock time, handed on as an aware datetime."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%dT%H:%M", **kwargs)

    def process_data(self, value):
        super().process_data(value.astimezone(RIGA).replace(tzinfo=None) if value else value)

    @property
    def aware(self) -> datetime | None:
        return self.data.replace(tzinfo=RIGA) if self.data else None


def organisation_id(value) -> int:
    """A choice of organisation: its id as the form sends it, or taken from the organisation itself."""
    return value.id if isinstance(value, Organisation) else int(value)


def _values(form: BaseForm, names: tuple[str, ...]) -> dict:
    values = {}
    for name in names:
        field = getattr(form, name)
        value = field.aware if isinstance(field, RigaDateTimeField) else field.data
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()  # browsers send a textarea's lines with CRLF
        values[name] = value
    return values


class EventForm(BaseForm):
    # Coerced to the enum, so that the stored kind (from `obj`) is the option shown as selected.
    kind = SelectField(_l("Type"), choices=[(k.value, label) for k, label in KIND_LABELS.items()], coerce=EventKind)
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

    FIELDS = (
        "title_lv", "title_en", "description_lv", "description_en", "agenda_lv", "agenda_en",
        "venue", "address", "city", "starts_at", "ends_at", "capacity", "registration_opens_at",
        "registration_closes_at", "remote_allowed", "remote_link", "held_seats_release_at",
    )

    def values(self) -> dict:
        return _values(self, self.FIELDS) | {"kind": self.kind.data}


class SlotForm(BaseForm):
    title_lv = StringField(_l("Title in Latvian"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=300)])
    starts_at = RigaDateTimeField(_l("Starts (Riga time)"), validators=[DataRequired()])
    ends_at = RigaDateTimeField(_l("Ends (Riga time)"), validators=[DataRequired()])

    def values(self) -> dict:
        return _values(self, ("title_lv", "title_en", "starts_at", "ends_at"))


class TrackDetailsForm(BaseForm):
    """What a co-hosting partner may change: the description, the room and the facilitator's name."""

    description_lv = TextAreaField(_l("Description in Latvian"), validators=[Optional(), Length(max=10000)])
    description_en = TextAreaField(_l("Description in English"), validators=[Optional(), Length(max=10000)])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=120)])
    facilitator_name = StringField(_l("Facilitator"), validators=[Optional(), Length(max=200)])

    def values(self) -> dict:
        return _values(self, ("description_lv", "description_en", "room", "facilitator_name"))


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

    def values(self) -> dict:
        values = _values(
            self,
            ("title_lv", "title_en", "description_lv", "description_en", "room", "facilitator_name",
             "capacity", "state_admin_minimum", "remote_link"),
        )
        offered = {value for value, _label in self.facilitator_id.choices or ()}
        return values | {"facilitator_id": self.facilitator_id.data if self.facilitator_id.data in offered - {0} else None}


class CloneEventForm(BaseForm):
    """A copy of an event on another day, at the same Riga time (the next monthly meeting)."""

    starts_on = DateField(_l("Date of the copy"), validators=[DataRequired()])


class ConfirmForm(BaseForm):
    """An empty form: a button that posts with a CSRF token."""
