from flask_babel import lazy_gettext as _l
from wtforms import RadioField

from ..forms import BaseForm
from ..labels import label_choices
from ..models import AttendanceMode


class ChangeForm(BaseForm):
    attendance_mode = RadioField(_l("I will take part"), choices=label_choices(AttendanceMode))
