"""Public pages of the working groups.

A group's page names its members with their organisations and roles, never their addresses, and
lists only approved protocols: a draft is not found here. A member's answer link opens a page that
shows the meeting and asks for a button press (a POST): mail scanners follow links, so opening it
never records anything. A member who has left the group is told so, and nothing is recorded.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..actions import run
from ..downloads import protocol_response
from ..extensions import db, limiter
from ..forms import ConfirmForm
from ..models import Event, EventStatus, MeetingAnswerChoice, MemberRole, WorkingGroup, utcnow
from ..services.exceptions import NotFound
from ..services.working_groups import agenda, meetings, members, protocols
from . import bp

# The largest id a row can have (a 32-bit integer); the database refuses to compare with more.
MAX_ID = 2**31 - 1
ROLE_ORDER = {MemberRole.CHAIR: 0, MemberRole.KEEPER: 1, MemberRole.MEMBER: 2}


@bp.app_template_global("working_group_meeting")
def working_group_meeting(event: Event) -> agenda.MeetingAgenda | None:
    """For the event page: the agenda and the open tasks of a group's meeting; None for other events."""
    if event.working_group_id is None:
        return None
    return agenda.meeting_agenda(db.session, event)


def public_group(slug: str) -> WorkingGroup:
    group = members.group_by_slug(db.session, slug)
    if group is None:
        abort(404)
    return group


@bp.get("/")
def index():
    return render_template("working_groups/index.html", groups=members.groups(db.session))


@bp.get("/<slug>")
def group(slug: str):
    found = public_group(slug)
    now = utcnow()
    shown = [e for e in meetings.meetings_of(db.session, found) if e.status is not EventStatus.DRAFT]
    return render_template(
        "working_groups/group.html", group=found,
        people=sorted(found.active_members, key=lambda m: (ROLE_ORDER[m.role], m.full_name)),
        upcoming=[e for e in shown if e.ends_at > now and e.status is EventStatus.PUBLISHED],
        protocols=protocols.published_protocols(db.session, found),
    )


@bp.get("/<slug>/protocols/<int:event_id>.<any(pdf, docx):format>")
def protocol_file(slug: str, event_id: int, format: str):
    """An approved protocol; a draft, or a meeting of another group, is not found."""
    found = public_group(slug)
    event = db.session.get(Event, event_id) if 0 < event_id <= MAX_ID else None
    protocol = protocols.protocol_of(db.session, event) if event and event.working_group_id == found.id else None
    if protocol is None or not protocol.approved:
        abort(404)
    return protocol_response(protocols.protocol_document(db.session, event), format, private=False)


def invitation_or_404(token: str, event_id: int, answer: str):
    choice = next((c for c in MeetingAnswerChoice if c.value == answer), None)
    invitation = meetings.find_invitation(db.session, token, event_id) if choice and 0 < event_id <= MAX_ID else None
    if invitation is None:
        abort(404)
    return invitation, choice


@bp.route("/answer/<token>/<int:event_id>/<answer>", methods=["GET", "POST"])
@limiter.limit("60 per minute")
def answer(token: str, event_id: int, answer: str):
    invitation, choice = invitation_or_404(token, event_id, answer)
    form = ConfirmForm()
    status = 200
    left = not invitation.member.active  # a member who left answers nothing any more
    if form.is_submitted() and left:
        status = 400
    elif form.is_submitted():
        if not form.validate():
            abort(400)
        done, outcome = run(meetings.answer_meeting, token, event_id, choice, utcnow())
        if done:
            flash(_("Your answer was recorded: %(answer)s.", answer=choice.label) if outcome.changed
                  else _("This was your answer already: %(answer)s.", answer=choice.label), "success")
            return redirect(url_for("working_groups.answer", token=token, event_id=event_id, answer=answer))
        if isinstance(outcome, NotFound):
            abort(404)
        flash(str(outcome.message), "error")
        status = 400
        invitation, choice = invitation_or_404(token, event_id, answer)
        left = not invitation.member.active
    event = invitation.event
    return render_template(
        "working_groups/answer.html", invitation=invitation, event=event, group=event.working_group, chosen=choice,
        form=form, choices=list(MeetingAnswerChoice), token=token, over=utcnow() >= event.ends_at,
        cancelled=event.status is EventStatus.CANCELLED, agenda=agenda.items_of(db.session, event),
        language=get_locale().language, left=left,
    ), status
