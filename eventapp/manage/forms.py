from flask_babel import lazy_gettext as _l
from wtforms import RadioField

from ..forms import MODE_LABELS, BaseForm


class ChangeForm(BaseForm):
    attendance_mode = RadioField(_l("I will take part"), choices=[(m.value, label) for m, label in MODE_LABELS.items()])


class ConfirmForm(BaseForm):
    """A button that posts with a CSRF token."""
