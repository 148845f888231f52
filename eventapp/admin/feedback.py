"""What participants said after an event: counts per track, never a person's own answers."""
from flask import render_template
from flask_babel import get_locale

from ..downloads import table_response
from ..extensions import db
from ..permissions import event_for
from ..services.feedback import invitations, results
from . import bp


@bp.get("/events/<slug>/feedback")
def feedback_results(slug: str):
    event = event_for(slug, "view_feedback")
    return render_template(
        "admin/feedback.html", event=event, results=results.event_results(db.session, event),
        minimum=results.MIN_ANSWERS, ratings=results.RATINGS, closes_at=invitations.closes_at(event),
    )


@bp.get("/events/<slug>/feedback.<any(csv, xlsx):format>")
def feedback_export(slug: str, format: str):
    event = event_for(slug, "view_feedback")
    table = results.results_table(event, results.event_results(db.session, event), get_locale().language)
    return table_response(table, format, f"{event.slug}-feedback")
