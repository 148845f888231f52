"""The coverage board: does every track have its state-administration people, and what to do next."""
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..actions import attempt
from ..downloads import table_response
from ..extensions import db
from ..lookups import get_track
from ..models import Organisation, utcnow
from ..permissions import event_for, require
from ..services.coverage import coverage_report, delegation, track_coverage
from ..services.feedback import results as feedback_results
from ..services.registration import seat_holds
from ..services.remote.joins import joined_by_track
from . import bp
from .forms import DelegationForm


def delegation_form(track, institutions, formdata=None) -> DelegationForm:
    """Suggested institutions first, then every other state institution (`institutions`: all of them)."""
    suggestions = delegation.suggest_institutions(db.session, track, institutions=institutions)
    form = DelegationForm(formdata=formdata, prefix=f"t{track.id}")
    suggested = [(s.organisation.id, f"{s.organisation.name} ({', '.join(s.matched)})") for s in suggestions]
    others = [(org.id, org.name) for org in institutions if org.id not in {s.organisation.id for s in suggestions}]
    form.organisation_id.choices = suggested + others
    if formdata is None and suggested:
        form.organisation_id.data = suggested[0][0]
    return form


def participants_saw(event) -> coverage_report.Saw:
    """What each track's participants said in the survey; None when nobody was invited (two queries)."""
    if not feedback_results.was_surveyed(db.session, event):
        return None
    return feedback_results.participants_saw(db.session, event)


def board(event, forms=None):
    """Before the event, what is planned and what to do; after it, who came."""
    now = utcnow()
    if now >= event.ends_at:
        joins = joined_by_track(db.session, event)
        actual = track_coverage.actual_coverage(db.session, event, now, joins)
        saw = participants_saw(event)
        return render_template(
            "admin/coverage.html", event=event, actual=actual, now=now, summary=track_coverage.summarise(actual),
            with_check_ins=track_coverage.has_presence(db.session, event, joins),
            said={row.track.id: coverage_report.participants_said(saw, row.track.id) for row in actual},
        )
    entries = track_coverage.event_coverage(db.session, event, now)
    release_at = seat_holds.release_moment(event)
    requests_closed = delegation.requests_closed_reason(event, now)
    forms = forms or {}
    if not requests_closed:
        institutions = delegation.state_institutions(db.session)
        for entry in entries:
            if entry.track.id not in forms:
                forms[entry.track.id] = delegation_form(entry.track, institutions)
    summary = track_coverage.summarise(entries, track_coverage.next_deadline(entries, release_at, now))
    return render_template(
        "admin/coverage.html", event=event, entries=entries, forms=forms, now=now, requests_closed=requests_closed,
        release_at=release_at, summary=summary,
    )


@bp.get("/events/<slug>/coverage")
def coverage_board(slug: str):
    return board(event_for(slug, "view_coverage"))


@bp.post("/events/<slug>/tracks/<int:track_id>/delegation-requests")
def delegation_send(slug: str, track_id: int):
    event = event_for(slug, "manage_coverage")
    track = get_track(event, track_id)
    closed = delegation.requests_closed_reason(event, utcnow())
    if closed:
        flash(closed, "error")
        return redirect(url_for("admin.coverage_board", slug=event.slug))
    form = delegation_form(track, delegation.state_institutions(db.session), formdata=request.form)
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        done, _sent = attempt(
            form, delegation.send_request, current_user, track, organisation, form.contact_email.data,
            form.message.data or "", utcnow(),
        )
        if done:
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
    columns = track_coverage.year_columns(db.session, year, now)
    return render_template(
        "admin/coverage_year.html", year=year, columns=columns,
        chart=coverage_report.year_chart_svg(columns, get_locale().language),
    )


@bp.get("/events/<slug>/coverage-report.<any(csv, xlsx, pdf):format>")
def coverage_report_file(slug: str, format: str):
    event = event_for(slug, "view_coverage")
    joins = joined_by_track(db.session, event)
    rows = track_coverage.actual_coverage(db.session, event, utcnow(), joins)
    with_check_ins = track_coverage.has_presence(db.session, event, joins)
    saw = participants_saw(event)
    locale = get_locale().language
    if format != "pdf":
        table = coverage_report.report_table(event, rows, with_check_ins, locale, saw)
        return table_response(table, format, f"{event.slug}-coverage")
    return Response(
        coverage_report.report_pdf(event, rows, with_check_ins, locale, saw), mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-coverage.pdf"'},
    )
