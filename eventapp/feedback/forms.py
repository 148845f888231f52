from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..forms import BaseForm
from ..labels import label_choices
from ..models import StateAdminPresence, Track
from ..services.feedback.answers import TEXT_MAX_LENGTH, SurveyAnswers, TrackAnswer

RATING_CHOICES = [
    (1, _l("1 – poor")), (2, "2"), (3, "3"), (4, "4"), (5, _l("5 – excellent")),
]


class SurveyForm(BaseForm):
    what_to_change = TextAreaField(
        _l("What should change at the council's events?"),
        validators=[Length(max=TEXT_MAX_LENGTH)],
    )
    comments = TextAreaField(_l("Anything else you want to tell us"), validators=[Length(max=TEXT_MAX_LENGTH)])


def survey_form(tracks: list[Track], locale: str, **kwargs) -> SurveyForm:
    """The survey with two questions per track attended: `rating_<id>` and `present_<id>`."""
    fields = {}
    for track in tracks:
        fields[f"rating_{track.id}"] = RadioField(
            _l("Your rating of the working group"), choices=RATING_CHOICES, coerce=int,
            validators=[InputRequired(_l("Choose a rating from 1 to 5."))],
        )
        fields[f"present_{track.id}"] = RadioField(
            _l("Was state administration present in your group?"), choices=label_choices(StateAdminPresence),
            validators=[InputRequired(_l("Choose yes, no or don't know."))],
        )
    form_class = type("SurveyFormForTracks", (SurveyForm,), fields)
    return form_class(**kwargs)


def track_fields(form: SurveyForm, track: Track) -> tuple:
    return form[f"rating_{track.id}"], form[f"present_{track.id}"]


def answers_of(form: SurveyForm, tracks: list[Track]) -> SurveyAnswers:
    return SurveyAnswers(
        tracks=[
            TrackAnswer(track.id, form[f"rating_{track.id}"].data, StateAdminPresence(form[f"present_{track.id}"].data))
            for track in tracks
        ],
        what_to_change=form.what_to_change.data or "",
        comments=form.comments.data or "",
    )
