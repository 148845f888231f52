"""The organisers' form of an event's own question."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import BaseForm
from ..labels import label_choices
from ..models import Question, QuestionKind
from ..services.registration.questions import QuestionData


def _lines(text: str | None) -> list[str]:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")


class QuestionForm(BaseForm):
    # Coerced to the enum, so that the stored kind (from `obj`) is the option shown as selected.
    kind = SelectField(_l("Kind of answer"), choices=label_choices(QuestionKind), coerce=QuestionKind)
    required = BooleanField(_l("An answer is required"))
    text_lv = StringField(_l("Question in Latvian"), validators=[DataRequired(_l("Write the question in Latvian.")), Length(max=500)])
    text_en = StringField(_l("Question in English"), validators=[Optional(), Length(max=500)])
    help_lv = TextAreaField(_l("Hint in Latvian"), validators=[Optional(), Length(max=2000)])
    help_en = TextAreaField(_l("Hint in English"), validators=[Optional(), Length(max=2000)])
    options_lv = TextAreaField(_l("Options in Latvian, one per line"), validators=[Optional(), Length(max=30000)],
                               render_kw={"rows": 8})
    options_en = TextAreaField(_l("Options in English, one per line"), validators=[Optional(), Length(max=30000)],
                               render_kw={"rows": 8})

    @classmethod
    def of(cls, question: Question) -> "QuestionForm":
        """The form filled with the question as it is, its offered options one per line."""
        options = question.active_options
        english = [option.text_en for option in options]
        return cls(
            kind=question.kind, required=question.required, text_lv=question.text_lv, text_en=question.text_en,
            help_lv=question.help_lv, help_en=question.help_en,
            options_lv="\n".join(option.text_lv for option in options),
            options_en="\n".join(english) if any(english) else "",
        )

    def as_data(self) -> QuestionData:
        return QuestionData(
            kind=self.kind.data, required=self.required.data, text_lv=self.text_lv.data or "",
            text_en=self.text_en.data or "", help_lv=(self.help_lv.data or "").replace("\r\n", "\n"),
            help_en=(self.help_en.data or "").replace("\r\n", "\n"),
            options_lv=_lines(self.options_lv.data), options_en=_lines(self.options_en.data),
        )
