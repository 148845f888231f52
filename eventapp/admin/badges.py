"""Printing an event's badges in one PDF: all of them, one track's, or only those not printed yet.

`/admin/events/<slug>/badges.pdf?layout=a4|a6|label&track=<id>&only=new`. Downloading counts as
printing: the badges in the file are marked printed, so that `only=new` later gives just the
people who registered since.
"""
import re

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..models import utcnow
from ..permissions import event_for
from ..services.checkin import badges
from . import bp


@bp.get("/events/<slug>/badges.pdf")
def badges_pdf(slug: str):
    event = event_for(slug, "print_badges")
    layout = request.args.get("layout", "a4")
    if layout not in badges.LAYOUTS:
        abort(400)
    track_id = None
    if request.args.get("track"):
        track = request.args["track"]
        track_id = int(track) if re.fullmatch(r"[0-9]{1,9}", track) else None
        if track_id not in {t.id for t in event.tracks}:
            abort(404)
    only_new = request.args.get("only") == "new"
    chosen = badges.badge_registrations(db.session, event, track_id=track_id, only_new=only_new)
    if not chosen:
        flash(_("There are no badges to print: every confirmed participant's badge has been printed.")
              if only_new else _("There are no badges to print: nobody is confirmed to attend in person."), "info")
        return redirect(url_for("admin.event_detail", slug=event.slug))
    document = badges.badges_pdf(chosen, layout)
    badges.mark_printed(chosen, utcnow())
    db.session.commit()
    filename = re.sub(r"[^A-Za-z0-9._-]", "-", f"{event.slug}-badges-{layout}.pdf")
    return Response(
        document, mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
