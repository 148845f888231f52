"""A season of online meetings at once: one after each council session, each an event of its own.

The organiser fills the form, sees the list of meetings it would make (and those already there),
then makes them with a second button; the same form posts both, so nothing is kept in between.
"""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField, TimeField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional

from ..actions import attempt, show_error
from ..extensions import db
from ..forms import BaseForm
from ..permissions import require
from ..services import meeting_series
from ..services.exceptions import DomainError
from . import bp
from .forms import sensible_year


class SeriesForm(BaseForm):
    source = RadioField(
        _l("The council's sessions"), default="sessions",
        choices=[("sessions", _l("Council sessions in the calendar within a period")),
                 ("dates", _l("Dates I type"))],
    )
    first_day = DateField(_l("First day of the period"), validators=[Optional(), sensible_year])
    last_day = DateField(_l("Last day of the period"), validators=[Optional(), sensible_year])
    dates = TextAreaField(
        _l("Dates of the council's sessions, one per line (2026-01-15 or 15.01.2026)"),
        validators=[Optional(), Length(max=2000)],
    )
    starts = TimeField(_l("The meeting starts (Riga time)"), validators=[DataRequired()], format="%H:%M")
    ends = TimeField(_l("The meeting ends (Riga time)"), validators=[DataRequired()], format="%H:%M")
    title_lv = StringField(_l("Title in Latvian ({date} is replaced by the day)"),
                           default=meeting_series.DEFAULT_TITLE_LV, validators=[DataRequired(), Length(max=250)])
    title_en = StringField(_l("Title in English ({date} is replaced by the day)"),
                           default=meeting_series.DEFAULT_TITLE_EN, validators=[Optional(), Length(max=250)])
    remote_link = URLField(
        _l("Meeting address (given only to registered people, through their join links)"),
        validators=[Optional(), URL(require_tld=False), Length(max=500)],
    )
    publish = BooleanField(_l("Publish the meetings at once (otherwise they are drafts)"))

    def session_dates(self) -> list:
        """The council sessions' days the form names; a `DomainError` when they cannot be read."""
        if self.source.data == "dates":
            found = meeting_series.parse_dates(self.dates.data or "")
            if not found:
                raise DomainError(_l("Type at least one date."), "dates")
            return found
        if not self.first_day.data or not self.last_day.data:
            raise DomainError(_l("Choose the first and the last day of the period."), "first_day")
        found = meeting_series.council_session_dates(db.session, self.first_day.data, self.last_day.data)
        if not found:
            raise DomainError(_l("There is no council session in the calendar within this period."), "first_day")
        return found

    def settings(self) -> meeting_series.SeriesSettings:
        return meeting_series.SeriesSettings(
            starts=self.starts.data, ends=self.ends.data, title_lv=self.title_lv.data.strip(),
            title_en=(self.title_en.data or "").strip(), remote_link=(self.remote_link.data or "").strip(),
            publish=self.publish.data,
        )


def make_series(form: SeriesForm, session_dates: list) -> tuple[bool, list]:
    """`create_series`, looked at again once when another event took an address (slug) at the
    same moment: the meetings made meanwhile are then found and not made twice."""
    for last_try in (False, True):
        try:
            return attempt(form, meeting_series.create_series, current_user, session_dates, form.settings())
        except IntegrityError:
            db.session.rollback()
            if last_try:
                flash(_("Someone else was making events at the same moment; look at the list and try again."),
                      "error")
    return False, []


@bp.route("/online-meetings/series", methods=["GET", "POST"])
def meeting_series_page():
    require("manage_events")
    form = SeriesForm()
    plan = None
    if form.validate_on_submit():
        try:
            session_dates = form.session_dates()
            plan = meeting_series.plan_series(db.session, session_dates, form.settings())
        except DomainError as error:
            show_error(form, error)
        if plan is not None and request.form.get("action") == "create":
            done, made = make_series(form, session_dates)
            if done:
                if made:
                    flash(ngettext("%(num)d online meeting was made.", "%(num)d online meetings were made.", len(made)),
                          "success")
                else:
                    flash(_("Nothing was made: every meeting is already there."), "success")
                return redirect(url_for("admin.index"))
    return render_template("admin/meeting_series.html", form=form, plan=plan)
