"""Inviting the directory's organisations to an event: choose a part of the directory, see how
many will be invited and the mail one of them gets, send once; and the report of who was invited,
whether the mail went out and who registered. Organisers only."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..actions import run
from ..downloads import table_response
from ..extensions import db
from ..forms import ConfirmForm
from ..models import utcnow
from ..permissions import event_for
from ..services import organisations as directory
from ..services.documents import spreadsheets
from ..services.mail import invitations, messages
from . import bp
from .organisations import filter_options

ACTION = "invite_organisations"
STATUS_WORDS = {
    "preparing": lambda: _("being prepared"), "pending": lambda: _("waiting to be sent"),
    "sent": lambda: _("sent"), "failed": lambda: _("not delivered"), "skipped": lambda: _("not sent (unsubscribed)"),
}


@bp.route("/events/<slug>/invitations/new", methods=["GET", "POST"])
def invitation_new(slug: str):
    event = event_for(slug, ACTION)
    source = request.form if request.method == "POST" else request.args
    filters = directory.DirectoryFilters.from_args(source)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        token = request.form.get("token", "")
        if invitations.sent_with_token(db.session, event, token):
            flash(_("These invitations were already sent; nothing was sent again."), "info")
            return redirect(url_for("admin.invitation_report", slug=event.slug))
        shown = invitations.audience(db.session, event, filters)
        if request.form.get("count") != str(len(shown.to_invite)):
            flash(_("The number of organisations these filters match has changed. Check it, then send."), "warning")
        else:
            done, sent = run(invitations.invite, event, current_user, filters, token, utcnow())
            if not done:
                flash(str(sent.message), "error")
            else:
                if sent.new:
                    flash(ngettext("%(num)d invitation is on its way.", "%(num)d invitations are on their way.", sent.count), "success")
                else:
                    flash(_("These invitations were already sent; nothing was sent again."), "info")
                return redirect(url_for("admin.invitation_report", slug=event.slug))
    shown = invitations.audience(db.session, event, filters)
    preview = invitations.preview(event, shown.to_invite[0]) if shown.to_invite else None
    return render_template(
        "admin/invitations_new.html", event=event, filters=filters, options=filter_options(), shown=shown,
        preview=preview, form=form, token=messages.new_token(),
    )


@bp.get("/events/<slug>/invitations")
def invitation_report(slug: str):
    event = event_for(slug, ACTION)
    report = invitations.report(db.session, event)
    format = request.args.get("format")
    if format:
        if format not in spreadsheets.FORMATS:
            abort(404)
        return table_response(report_table(report), format, f"{event.slug}-invitations")
    return render_template("admin/invitations.html", event=event, report=report,
                           words={key: word() for key, word in STATUS_WORDS.items()})


def report_table(report: invitations.Report) -> spreadsheets.Table:
    return spreadsheets.Table(
        title=_("Invitations"),
        header=[_("Organisation"), _("Email"), _("Invited"), _("Delivery"), _("Registered"), _("Who")],
        rows=[
            [row.invitation.organisation.name, row.invitation.email, row.invitation.created_at,
             STATUS_WORDS[row.status](), _("yes") if row.registrations else _("no"),
             "; ".join(r.full_name for r in row.registrations if not r.anonymised_at)]
            for row in report.rows
        ],
    )
