"""Summaries of tracks and World Café tables: writing, files and their versions, publishing.

The facilitator of the track, a partner of a co-hosting organisation and the organisers write,
upload and withdraw files (`edit_summary`); only organisers publish (`publish_summary`).
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..actions import attempt
from ..downloads import summary_file_response
from ..extensions import db
from ..forms import ConfirmForm
from ..lookups import get_track
from ..models import SummaryStatus, utcnow
from ..permissions import can, event_for, require
from ..services.documents import summaries, uploads
from . import bp
from .forms import SummaryFileForm, SummaryForm


def editable_track(slug: str, track_id: int):
    event = event_for(slug, "edit_summary")
    track = get_track(event, track_id)
    require("edit_summary", event, track)
    return event, track


@bp.route("/events/<slug>/tracks/<int:track_id>/summary", methods=["GET", "POST"])
def summary_edit(slug: str, track_id: int):
    event, track = editable_track(slug, track_id)
    summary = summaries.summary_for(db.session, track)
    text_form = SummaryForm(obj=summary)
    file_form = SummaryFileForm()
    file_form.offer(summary)
    preview, status = None, 200
    action = request.form.get("action")
    if request.method == "POST" and action == "upload":
        if file_form.validate_on_submit():
            if upload_file(track, file_form):
                return redirect(url_for("admin.summary_edit", slug=event.slug, track_id=track.id) + "#files")
        status = 400
    elif text_form.validate_on_submit():
        if action == "preview":
            preview = text_form.as_data()
        else:
            done, saved = attempt(text_form, summaries.update_text, current_user, track, text_form.as_data(), utcnow())
            if done:
                _summary, went_draft = saved
                flash(_("The summary was saved."), "success")
                if went_draft:
                    flash(_("The summary is a draft again until an organiser publishes it."), "info")
                return redirect(url_for("admin.summary_edit", slug=event.slug, track_id=track.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "admin/summary_form.html", event=event, track=track, summary=summary, text_form=text_form,
        file_form=file_form, preview=preview, confirm=ConfirmForm(), accept=uploads.ACCEPT,
        may_publish=can(current_user, "publish_summary", event), kinds=uploads.KINDS,
        human_size=uploads.human_size, uploaders=summaries.uploader_names(db.session, summary),
    ), status


def upload_file(track, form: SummaryFileForm) -> bool:
    upload = form.file.data
    if not upload or not getattr(upload, "filename", None):
        form.file.errors = list(form.file.errors) + [_("Choose a file to upload.")]
        return False
    done, result = attempt(
        form, summaries.add_file, current_user, track, form.title.data or "", upload.filename, upload.read(),
        current_app.config["UPLOAD_FOLDER"], utcnow(), replaces=form.replaced_document(),
    )
    if not done:
        return False
    if result.created:
        flash(_("“%(title)s” was uploaded as version %(version)d.", title=result.file.title,
                version=result.file.version), "success")
    else:
        flash(_("This file is already the current version of “%(title)s”: nothing was added.",
                title=result.file.title), "info")
    if result.went_draft:
        flash(_("The summary is a draft again until an organiser publishes it."), "info")
    return True


@bp.post("/events/<slug>/tracks/<int:track_id>/summary/<any(publish, unpublish):action>")
def summary_status(slug: str, track_id: int, action: str):
    event = event_for(slug, "publish_summary")
    track = get_track(event, track_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    change = summaries.publish if action == "publish" else summaries.unpublish
    done, _result = attempt(None, change, current_user, track, utcnow())
    if done:
        flash(_("The summary is published on the event's page.") if action == "publish"
              else _("The summary is a draft again and hidden from the public."), "success")
    if request.form.get("back") == "list":
        return redirect(url_for("admin.summary_list", slug=event.slug))
    return redirect(url_for("admin.summary_edit", slug=event.slug, track_id=track.id))


@bp.get("/events/<slug>/summaries")
def summary_list(slug: str):
    event = event_for(slug, "edit_summary")
    by_track = summaries.event_summaries(db.session, event)
    return render_template(
        "admin/summaries.html", event=event, by_track=by_track, confirm=ConfirmForm(),
        may_publish=can(current_user, "publish_summary", event),
        any_published=any(s.status is SummaryStatus.PUBLISHED for s in by_track.values()),
        current_files=summaries.current_files,
    )


@bp.get("/events/<slug>/tracks/<int:track_id>/summary/files/<int:file_id>")
def summary_file_private(slug: str, track_id: int, file_id: int):
    """Any version of a file, draft or published, for those who may edit the summary."""
    event, track = editable_track(slug, track_id)
    file = summaries.event_file(db.session, event, file_id)
    if file is None or file.summary.track_id != track.id:
        abort(404)
    return summary_file_response(file, private=True)


@bp.post("/events/<slug>/tracks/<int:track_id>/summary/files/<int:file_id>/withdraw")
def summary_file_withdraw(slug: str, track_id: int, file_id: int):
    """Take a version (`scope=version`) or the whole file (`scope=file`) off the public page and the pack."""
    event, track = editable_track(slug, track_id)
    scope = request.form.get("scope")
    if not ConfirmForm().validate_on_submit() or scope not in ("version", "file"):
        abort(400)
    file = summaries.event_file(db.session, event, file_id)
    if file is None or file.summary.track_id != track.id:
        abort(404)
    done, result = attempt(None, summaries.withdraw, current_user, track, file_id, scope == "file", utcnow())
    if done:
        if result.current is None:
            flash(_("The file was withdrawn: it is no longer public."), "success")
        else:
            flash(_("The version was withdrawn; version %(version)d is the current one.",
                    version=result.current.version), "success")
        if result.went_draft:
            flash(_("The summary is a draft again until an organiser publishes it."), "info")
    return redirect(url_for("admin.summary_edit", slug=event.slug, track_id=track.id) + "#files")

