"""The secretariat's pages of the working groups themselves: the list, a group with its members
and meetings, adding a meeting, and the tasks its protocols gave."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...actions import attempt
from ...extensions import db
from ...formatting import to_riga
from ...forms import ConfirmForm
from ...models import Organisation, utcnow
from ...permissions import require
from ...services.working_groups import meetings, members, tasks
from .. import bp
from .forms import GroupForm, MeetingForm, MemberForm, RoleForm
from .lookups import ACTION, confirmed, decision_of_group, group_for, member_of

DEFAULT_VENUE, DEFAULT_CITY = "Latvijas Pilsoniskā alianse", "Rīga"


def organisation_names() -> list[str]:
    return list(db.session.scalars(select(Organisation.name).order_by(Organisation.name)))


@bp.get("/working-groups")
def wg_list():
    require(ACTION)
    return render_template("admin/working_groups/groups.html", groups=members.groups(db.session),
                           open_tasks=tasks.open_tasks_everywhere(db.session))


@bp.route("/working-groups/new", methods=["GET", "POST"])
@bp.route("/working-groups/<slug>/edit", methods=["GET", "POST"])
def wg_form(slug: str | None = None):
    group = group_for(slug) if slug else None
    require(ACTION)
    form = GroupForm(obj=group) if group is not None and request.method == "GET" else GroupForm()
    if form.validate_on_submit():
        if group is None:
            done, group = attempt(form, members.create_group, current_user, form.as_data(), utcnow())
        else:
            done, _result = attempt(form, members.update_group, current_user, group, form.as_data(), utcnow())
        if done:
            flash(_("The working group was saved."), "success")
            return redirect(url_for("admin.wg_detail", slug=group.slug))
    return render_template("admin/working_groups/group_form.html", form=form, group=group)


@bp.get("/working-groups/<slug>")
def wg_detail(slug: str):
    group = group_for(slug)
    now = utcnow()
    everything = meetings.meetings_of(db.session, group)
    return render_template(
        "admin/working_groups/group.html", group=group, confirm=ConfirmForm(), role_form=RoleForm(),
        upcoming=[e for e in everything if e.ends_at > now], past=[e for e in reversed(everything) if e.ends_at <= now],
        open_tasks=tasks.open_tasks(db.session, group), former=[m for m in group.members if not m.active],
    )


@bp.route("/working-groups/<slug>/members/new", methods=["GET", "POST"])
@bp.route("/working-groups/<slug>/members/<int:member_id>/edit", methods=["GET", "POST"])
def wg_member_form(slug: str, member_id: int | None = None):
    group = group_for(slug)
    member = member_of(group, member_id) if member_id else None
    form = MemberForm.of(member) if member is not None and request.method == "GET" else MemberForm()
    if form.validate_on_submit():
        if member is None:
            done, _result = attempt(form, meetings.add_member, current_user, group, form.as_data(), utcnow())
        else:
            done, _result = attempt(form, members.update_member, current_user, member, form.as_data(), utcnow())
        if done:
            flash(_("The member was saved."), "success")
            return redirect(url_for("admin.wg_detail", slug=group.slug) + "#members")
    return render_template("admin/working_groups/member_form.html", form=form, group=group, member=member,
                           organisations=organisation_names())


@bp.post("/working-groups/<slug>/members/<int:member_id>/role")
def wg_member_role(slug: str, member_id: int):
    group = group_for(slug)
    member = member_of(group, member_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role."), "error")
    else:
        done, _result = attempt(None, members.set_role, current_user, member, form.role.data, utcnow())
        if done:
            flash(_("%(name)s is now: %(role)s.", name=member.full_name, role=form.role.data.label), "success")
    return redirect(url_for("admin.wg_detail", slug=group.slug) + "#members")


@bp.post("/working-groups/<slug>/members/<int:member_id>/remove")
def wg_member_remove(slug: str, member_id: int):
    group = group_for(slug)
    member = member_of(group, member_id)
    confirmed()
    done, _result = attempt(None, meetings.remove_member, current_user, member, utcnow())
    if done:
        flash(_("%(name)s has left the group; past protocols still name them.", name=member.full_name), "success")
    return redirect(url_for("admin.wg_detail", slug=group.slug) + "#members")


@bp.route("/working-groups/<slug>/meetings/new", methods=["GET", "POST"])
def wg_meeting_new(slug: str):
    group = group_for(slug)
    form = MeetingForm()
    if request.method == "GET":
        # Where the council's groups meet: the Civic Alliance's office, and Zoom.
        form.venue.data, form.city.data, form.remote_allowed.data = DEFAULT_VENUE, DEFAULT_CITY, True
    if form.validate_on_submit():
        done, event = attempt(form, meetings.create_meeting, current_user, group, form.as_data(), utcnow())
        if done:
            flash(_("The meeting was created and published. Add its agenda, then invite the members."), "success")
            return redirect(url_for("admin.wg_meeting", slug=event.slug))
    return render_template("admin/working_groups/meeting_form.html", form=form, group=group)


@bp.get("/working-groups/<slug>/tasks")
def wg_tasks(slug: str):
    group = group_for(slug)
    return render_template("admin/working_groups/tasks.html", group=group, confirm=ConfirmForm(),
                           tasks=tasks.group_tasks(db.session, group), today=to_riga(utcnow()).date(),
                           meeting_of=tasks.meeting_of)


@bp.post("/working-groups/<slug>/tasks/<int:decision_id>/done", defaults={"action": "done"})
@bp.post("/working-groups/<slug>/tasks/<int:decision_id>/reopen", defaults={"action": "reopen"})
def wg_task_status(slug: str, decision_id: int, action: str):
    group = group_for(slug)
    decision = decision_of_group(group, decision_id)
    confirmed()
    change = tasks.mark_done if action == "done" else tasks.reopen
    done, _result = attempt(None, change, current_user, decision, utcnow())
    if done:
        flash(_("Task %(number)s is marked done.", number=decision.number) if action == "done"
              else _("Task %(number)s is open again.", number=decision.number), "success")
    return redirect(url_for("admin.wg_tasks", slug=group.slug))
