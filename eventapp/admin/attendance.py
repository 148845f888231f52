"""An online meeting's attendance: who joined, the organisations they represented, by sector,
and the organisations taking part for the first time; with its export."""
from flask import render_template

from ..downloads import table_response
from ..extensions import db
from ..models import Sector
from ..permissions import event_for
from ..services import online_meetings
from ..services.remote.joins import joined_by_track
from . import bp


def _report(slug: str):
    event = event_for(slug, "view_registrations")
    return online_meetings.attendance_report(db.session, event, joined_by_track(db.session, event))


@bp.get("/events/<slug>/attendance")
def attendance(slug: str):
    report = _report(slug)
    return render_template("admin/attendance.html", event=report.event, report=report, sectors=list(Sector))


@bp.get("/events/<slug>/attendance.<any(csv, xlsx):format>")
def attendance_export(slug: str, format: str):
    report = _report(slug)
    return table_response(online_meetings.attendance_table(report), format, f"{report.event.slug}-attendance")
