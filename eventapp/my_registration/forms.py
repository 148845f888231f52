from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import BaseForm
from ..labels import label_choices
from ..models import AttendanceMode


class ChangeForm(BaseForm):
    attendance_mode = RadioField(_l("I will take part"), choices=label_choices(AttendanceMode))


class DetailsForm(BaseForm):
    """Spelling corrections of what the badge prints."""

    full_name = StringField(_l("Name and surname"), validators=[DataRequired(_l("Write your name.")), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    organisation = StringField(_l("Organisation or institution"), validators=[Optional(), Length(max=300)],
                               render_kw={"autocomplete": "organization"})
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)],
                           render_kw={"autocomplete": "organization-title"})


class AnswersForm(BaseForm):
    """The person's answers to the event's own questions: a field per question is added to it."""
