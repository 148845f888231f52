"""What forms share: text cleaned of control characters, the confirm button, and the choice of tracks."""
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import InputRequired

from .form_messages import TRANSLATIONS
from .models import Event
from .services.registration.seat_holds import TrackSeats

# NUL and the other C0 controls (but tab and newlines) have no place in typed text;
# PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def drop_control_characters(value):
    return _CONTROL.sub("", value) if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                kwargs = dict(unbound_field.kwargs)
                kwargs["filters"] = [drop_control_characters, *kwargs.get("filters", ())]
                unbound_field = UnboundField(unbound_field.field_class, *unbound_field.args, **kwargs)
            return unbound_field.bind(form=form, **options)


class ConfirmForm(BaseForm):
    """An empty form: a button that posts with a CSRF token."""




def with_track_fields(form_class: type[BaseForm], event: Event, locale: str) -> type[BaseForm]:
    """`form_class` with one radio group per time block that has tracks: `slot_<id>`, a track id.

    The options are the tracks' titles; `show_track_seats` adds their seats before the form is shown
    (a form that is only validated needs no seat counts). A full track stays choosable: choosing it
    means its waiting list.
    """
    fields = {}
    for slot in event.slots:
        if not slot.tracks:
            continue
        fields[f"slot_{slot.id}"] = RadioField(
            slot.local("title", locale), choices=[(track.id, track.local("title", locale)) for track in slot.tracks],
            coerce=int, validators=[InputRequired(_l("Choose one working group for this time block."))],
        )
    return type(f"{form_class.__name__}ForEvent", (form_class,), fields)


def show_track_seats(form: BaseForm, event: Event, locale: str, seats: dict[int, TrackSeats]) -> None:
    """Each track option says the seats open to anyone and those held for state administration
    (`seat_holds.track_seats`)."""
    for slot in event.slots:
        field = getattr(form, f"slot_{slot.id}", None)
        if field is not None:
            field.choices = [(track.id, track_label(track.local("title", locale), seats[track.id])) for track in slot.tracks]


def track_label(title: str, seats: TrackSeats) -> str:
    if seats.open is None:
        return title
    if seats.open == 0 and not seats.held:
        return _("%(title)s (%(seats)s)", title=title, seats=_("full: waiting list"))
    free = ngettext("%(num)d seat free", "%(num)d seats free", seats.open)
    if not seats.held:
        return _("%(title)s (%(seats)s)", title=title, seats=free)
    held = ngettext("+%(num)d held for state administration", "+%(num)d held for state administration", seats.held)
    return _("%(title)s (%(seats)s; %(held)s)", title=title, seats=free, held=held)


def chosen_tracks(form: BaseForm) -> dict[int, int]:
    """{slot id: track id} from the form's `slot_<id>` fields."""
    return {int(field.name.removeprefix("slot_")): field.data for field in form if field.name.startswith("slot_")}


def show_on_field(form: BaseForm, error) -> bool:
    """Put a domain error's message next to the field it names; False when it names none of the form's."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        return False
    field.errors = list(field.errors) + [str(error.message)]
    return True
