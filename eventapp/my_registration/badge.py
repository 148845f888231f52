"""A participant's own badge, through their private link: /r/<token>/badge.pdf (one A6 page)."""
from flask import Response, render_template

from ..lookups import get_private_registration
from ..models import EventStatus, RegistrationStatus
from ..services import online_meetings
from ..services.checkin.badges import badges_pdf
from . import bp


@bp.get("/<token>/badge.pdf")
def badge(token: str):
    registration = get_private_registration(token)
    event = registration.event
    if (registration.status is not RegistrationStatus.CONFIRMED or event.status is EventStatus.CANCELLED
            or not online_meetings.has_badges(event)):
        return render_template("my_registration/no_badge.html", registration=registration, event=event), 404
    return Response(
        badges_pdf([registration], "a6"), mimetype="application/pdf",
        headers={"Content-Disposition": 'inline; filename="badge.pdf"', "Cache-Control": "no-store"},
    )
