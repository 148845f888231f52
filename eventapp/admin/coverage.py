"""The coverage board: does every track have its state-administration people, and what to do next."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import EmailField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..downloads import table_response
from ..extensions import db
from ..forms import BaseForm
from ..models import Organisation, Sector, utcnow
from ..permissions import require
from ..services import coverage, coverage_report, delegation
from ..services.exceptions import DomainError
from .routes import bp, get_event, get_track, show_error


class DelegationForm(BaseForm):
    organisation_id = SelectField(_l("Institution"), coerce=int, validators=[DataRequired()])
    contact_email = EmailField(
        _l("Contact email"), validators=[DataRequired(), Email(_l("This does not look like an email address.")), Length(max=254)]
    )
    message = TextAreaField(_l("Personal message (optional)"), validators=[Optional(), Length(max=3000)])


def delegation_form(track, suggestions, formdata=None) -> DelegationForm:
    """Suggested institutions first, then every other state institution."""
    form = DelegationForm(formdata=formdata, prefix=f"t{track.id}")
    suggested = [(s.organisation.id, f"{s.organisation.name} ({', '.join(s.matched)})") for s in suggestions]
    others = [
        (org.id, org.name)
        for org in db.session.scalars(
            select(Organisation).where(Organisation.sector == Sector.STATE_ADMINISTRATION).order_by(Organisation.name)
        )
        if org.id not in {s.organisation.id for s in suggestions}
    ]
    form.organisation_id.choices = suggested + others
    if formdata is None and suggested:
        form.organisation_id.data = suggested[0][0]
    return form


def board(event, forms=None):
    """Before the event, what is planned and what to do; after it, who came."""
    now = utcnow()
    if now >= event.ends_at:
        return render_template(
            "admin/coverage.html", event=event, actual=coverage.actual_coverage(db.session, event, now), now=now,
            with_check_ins=coverage.has_check_ins(db.session, event),
        )
    entries = coverage.event_coverage(db.session, event, now)
    requests_closed = delegation.requests_closed_reason(event, now)
    forms = forms or {}
    if not requests_closed:
        for entry in entries:
            forms.setdefault(entry.track.id, delegation_form(entry.track, delegation.suggest_institutions(db.session, entry.track)))
    return render_template(
        "admin/coverage.html", event=event, entries=entries, forms=forms, now=now, requests_closed=requests_closed,
        release_at=coverage.holds.release_moment(event), Coverage=coverage.Coverage,
    )


@bp.get("/events/<slug>/coverage")
def coverage_board(slug: str):
    return board(get_event(slug, "view_coverage"))


@bp.post("/events/<slug>/tracks/<int:track_id>/delegation-requests")
def delegation_send(slug: str, track_id: int):
    event = get_event(slug, "manage_coverage")
    track = get_track(event, track_id)
    closed = delegation.requests_closed_reason(event, utcnow())
    if closed:
        flash(closed, "error")
        return redirect(url_for("admin.coverage_board", slug=event.slug))
    form = delegation_form(track, delegation.suggest_institutions(db.session, track), formdata=request.form)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        try:
            delegation.send_request(
                db.session, current_user, track, organisation, form.contact_email.data, form.message.data or "", utcnow()
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The request was sent to %(institution)s.", institution=organisation.name), "success")
            return redirect(url_for("admin.coverage_board", slug=event.slug) + f"#track-{track.id}")
    return board(event, {track.id: form}), 400


@bp.get("/coverage")
def coverage_year():
    require("view_coverage")
    now = utcnow()
    try:
        year = int(request.args.get("year", now.year))
    except ValueError:
        year = now.year
    if not 2000 <= year <= 2100:
        abort(404)
    events = coverage.year_events(db.session, year)
    columns = [(event, coverage.event_coverage(db.session, event, now)) for event in events]
    return render_template(
        "admin/coverage_year.html", year=year, columns=columns, Coverage=coverage.Coverage,
        chart=coverage_report.year_chart_svg(columns),
    )


@bp.get("/events/<slug>/coverage-report.<any(csv, xlsx, pdf):format>")
def coverage_report_file(slug: str, format: str):
    event = get_event(slug, "view_coverage")
    rows = coverage.actual_coverage(db.session, event, utcnow())
    with_check_ins = coverage.has_check_ins(db.session, event)
    locale = get_locale().language
    if format != "pdf":
        table = coverage_report.report_table(event, rows, with_check_ins, locale)
        return table_response(table, format, f"{event.slug}-coverage")
    return Response(
        coverage_report.report_pdf(event, rows, with_check_ins, locale), mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-coverage.pdf"'},
    )
