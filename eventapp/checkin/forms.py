from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, EmailField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ..forms import BaseForm
from ..labels import label_choices
from ..models import Event, Sector


class WalkInForm(BaseForm):
    """Someone at the door without a registration: name, organisation and sector; email optional."""

    full_name = StringField(
        _l("Name and surname"), validators=[DataRequired(_l("Write the person's name.")), Length(max=200)]
    )
    organisation = StringField(
        _l("Organisation or institution"),
        validators=[DataRequired(_l("Write the organisation or institution.")), Length(max=300)],
    )
    sector = RadioField(
        _l("Sector"), choices=label_choices(Sector),
        validators=[InputRequired(_l("Choose the sector."))],
    )
    email = EmailField(
        _l("Email (optional: the confirmation and the private link are sent there)"),
        validators=[Optional(), Email(_l("This does not look like an email address.")), Length(max=254)],
    )
    consent_data = BooleanField(
        _l("The person agrees that their data are processed to organise this event."),
        validators=[DataRequired(_l("Registration needs the person's consent to the processing of their data."))],
    )


def walk_in_form(event: Event, locale: str) -> WalkInForm:
    """The form with an optional choice of track for each time block (`slot_<id>`: "" or a track id)."""
    fields = {}
    for slot in event.slots:
        if slot.tracks:
            fields[f"slot_{slot.id}"] = SelectField(
                slot.local("title", locale),
                choices=[("", _l("No working group"))] + [(str(t.id), t.local("title", locale)) for t in slot.tracks],
                default="",
            )
    return type("WalkInFormForEvent", (WalkInForm,), fields)()


def chosen_tracks(form: WalkInForm) -> dict[int, int]:
    return {
        int(field.name.removeprefix("slot_")): int(field.data)
        for field in form if field.name.startswith("slot_") and field.data
    }


class CheckInLinkForm(BaseForm):
    label = StringField(
        _l("Label: who uses the link (such as “Anna's phone”)"),
        validators=[DataRequired(_l("Give the link a label, such as the volunteer's name.")), Length(max=200)],
    )
    valid_until = DateTimeLocalField(_l("Valid until (Riga time)"), format="%Y-%m-%dT%H:%M",
                                     validators=[DataRequired()])
