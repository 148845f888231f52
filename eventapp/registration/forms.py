from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ..forms import BaseForm
from ..labels import label_choices
from ..models import AttendanceMode, Sector


class RegistrationForm(BaseForm):
    full_name = StringField(_l("Name and surname"), validators=[DataRequired(_l("Write your name.")), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Write your email address.")),
            Email(_l("This does not look like an email address.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )
    organisation = StringField(_l("Organisation or institution"), validators=[Optional(), Length(max=300)],
                               render_kw={"autocomplete": "organization"})
    sector = RadioField(
        _l("Sector"),
        choices=label_choices(Sector, "form"),
        validators=[InputRequired(_l("Choose the sector you represent."))],
    )
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)],
                           render_kw={"autocomplete": "organization-title"})
    attendance_mode = RadioField(
        _l("I will take part"), choices=label_choices(AttendanceMode),
        default=AttendanceMode.IN_PERSON.value, validators=[InputRequired()],
    )
    access_needs = TextAreaField(_l("Accessibility needs"), validators=[Optional(), Length(max=2000)])
    dietary_needs = TextAreaField(_l("Dietary needs"), validators=[Optional(), Length(max=2000)])
    consent_data = BooleanField(
        _l("I agree that my data are processed to organise this event."),
        validators=[DataRequired(_l("Registration needs your consent to the processing of your data."))],
    )
    consent_photos = BooleanField(_l("I agree to be photographed and filmed at the event."))
    language = RadioField(_l("Language of messages"), choices=[("lv", "latviešu"), ("en", "English")], default="lv")
