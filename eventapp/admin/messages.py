"""Messages to an event's registrants: write, see who gets it and a preview, confirm, send; and the
list of what was sent. Organisers on every event, partners on the events they co-host."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from ..actions import run, show_error
from ..extensions import db
from ..forms import BaseForm
from ..labels import label_choices
from ..models import (
    AttendanceMode,
    Event,
    MessageRecipient,
    RegistrantMessage,
    Registration,
    RegistrationStatus,
    Sector,
    utcnow,
)
from ..permissions import can, event_for
from ..services.mail import event_reminders, messages
from ..services.registration.answers import filter_choices
from ..services.registration.registration_list import RegistrationFilters, answer_arg
from . import bp

ACTION = "message_registrants"
FILTER_FIELDS = ("track", "status", "sector", "mode", "checkin", "q")


class MessageForm(BaseForm):
    track = SelectField(_l("Track"), choices=[], validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    sector = SelectField(_l("Sector"), validate_choice=False)
    mode = SelectField(_l("Attendance"), validate_choice=False)
    checkin = SelectField(_l("Check-in"), validate_choice=False)
    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    subject_lv = StringField(_l("Subject in Latvian"), validators=[Optional(), Length(max=messages.MAX_SUBJECT)])
    body_lv = TextAreaField(_l("Text in Latvian"), validators=[Optional(), Length(max=messages.MAX_BODY)])
    subject_en = StringField(_l("Subject in English"), validators=[Optional(), Length(max=messages.MAX_SUBJECT)])
    body_en = TextAreaField(_l("Text in English"), validators=[Optional(), Length(max=messages.MAX_BODY)])
    token = HiddenField()
    count = HiddenField()  # the number of people the organiser confirmed

    @classmethod
    def for_event(cls, event: Event, locale: str, **kwargs) -> "MessageForm":
        form = cls(**kwargs)
        everyone = [("", _l("All"))]
        form.track.choices = everyone + [
            (str(track.id), f"{track.slot.local('title', locale)}: {track.local('title', locale)}") for track in event.tracks
        ]
        form.status.choices = [("", _l("All but cancelled"))] + label_choices(RegistrationStatus)
        form.sector.choices = everyone + label_choices(Sector)
        form.mode.choices = everyone + label_choices(AttendanceMode)
        form.checkin.choices = everyone + [("yes", _l("Checked in")), ("no", _l("Not checked in"))]
        form.answer_filters = ()
        return form

    def filters(self, event: Event) -> RegistrationFilters:
        """The recipients' filters, read as the registrations list reads its own (junk ignored);
        filters on answers come as the list's hidden `a<question id>` fields."""
        args = {name: self[name].data or "" for name in FILTER_FIELDS}
        filters = RegistrationFilters.from_args(args | answer_args(request.form), event)
        self.answer_filters = answer_filters(filters, _locale())
        return filters

    def text(self) -> messages.MessageText:
        return messages.MessageText(
            self.subject_lv.data or "", self.body_lv.data or "", self.subject_en.data or "", self.body_en.data or "",
        )


def answer_args(args) -> dict[str, str]:
    """The `a<question id>` filters among `args` (checked by `RegistrationFilters.from_args`)."""
    return {key: value for key, value in args.items() if key[:1] == "a" and key[1:].isdigit()}


def answer_filters(filters: RegistrationFilters, locale: str) -> tuple[tuple[str, str, str, str], ...]:
    """(field name, value, question, answer in words) of each filter on an answer, for the form to carry."""
    return tuple(
        (answer_arg(question), value, question.local("text", locale), dict(filter_choices(question, locale)).get(value, value))
        for question, value in filters.answers
    )


def _locale() -> str:
    return get_locale().language


@bp.get("/events/<slug>/messages")
def message_list(slug: str):
    event = event_for(slug, ACTION)
    return render_template("admin/messages.html", event=event, rows=messages.sent_messages(db.session, event))


@bp.route("/events/<slug>/messages/new", methods=["GET", "POST"])
def message_new(slug: str):
    event = event_for(slug, ACTION)
    if request.method == "GET":
        # Filters may come from the registrations list's address.
        filters = RegistrationFilters.from_args(request.args, event)
        prefill = filters.as_args()
        form = MessageForm.for_event(event, _locale(), formdata=None, token=messages.new_token(), **prefill)
        form.answer_filters = answer_filters(filters, _locale())
        return render_template("admin/message_form.html", event=event, form=form, shown=None)
    form = MessageForm.for_event(event, _locale())
    form.filters(event)  # reads the filters on answers the form carries
    if not form.validate_on_submit():
        return render_template("admin/message_form.html", event=event, form=form, shown=None)
    action = request.form.get("action")
    earlier = messages.sent_with_token(db.session, event, form.token.data or "") if action == "send" else None
    if earlier is not None:  # the same form posted again (a double click, the back button)
        flash(_("This message was already sent; it was not sent again."), "info")
        return redirect(url_for("admin.message_detail", slug=event.slug, sent_id=earlier.id))
    if action == "edit":
        return render_template("admin/message_form.html", event=event, form=form, shown=None)
    filters, text = form.filters(event), form.text()
    done, shown = run(messages.preview, event, filters, text)
    if not done:
        show_error(form, shown)
        return render_template("admin/message_form.html", event=event, form=form, shown=None)
    confirmed = form.count.data
    form.count.data = str(shown.count)
    if action != "send" or not shown.count:
        return render_template("admin/message_form.html", event=event, form=form, shown=shown, confirm=bool(shown.count))
    if confirmed != str(shown.count):
        flash(_("The number of people these filters match has changed. Check it, then send."), "warning")
        return render_template("admin/message_form.html", event=event, form=form, shown=shown, confirm=True)
    done, sent = run(messages.send_message, event, current_user, filters, text, form.token.data, utcnow())
    if not done:
        show_error(form, sent)
        return render_template("admin/message_form.html", event=event, form=form, shown=None)
    if sent.new:
        count = sent.message.recipient_count
        flash(ngettext("The message is on its way to %(num)d person.", "The message is on its way to %(num)d people.", count), "success")
    else:
        flash(_("This message was already sent; it was not sent again."), "info")
    return redirect(url_for("admin.message_detail", slug=event.slug, sent_id=sent.message.id))


@bp.get("/events/<slug>/messages/<int:sent_id>")
def message_detail(slug: str, sent_id: int):
    event = event_for(slug, ACTION)
    message = db.session.scalar(
        select(RegistrantMessage)
        .where(RegistrantMessage.id == sent_id, RegistrantMessage.event_id == event.id)
        .options(
            selectinload(RegistrantMessage.recipients).options(
                selectinload(MessageRecipient.registration).selectinload(Registration.organisation),
                selectinload(MessageRecipient.outbox_message),
            ),
            selectinload(RegistrantMessage.author),
        )
    )
    if message is None:
        abort(404)
    filters = RegistrationFilters.from_args(message.filters, event)
    return render_template("admin/message_detail.html", event=event, message=message, filters=filters,
                           answer_filters=answer_filters(filters, _locale()))


@bp.app_template_global("event_reminder")
def event_reminder(event: Event):
    """What the event page says about the reminder to its participants (for those who may write to them)."""
    if not can(current_user, ACTION, event):
        return None
    hours = event_reminders.hours_before(current_app.config)
    return event_reminders.reminder_status(db.session, event, hours, utcnow())
