"""A meeting of a working group, for the secretariat: inviting the members and their answers,
the agenda with who reports, and attendance marked at the table."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ...actions import attempt, run
from ...extensions import db
from ...forms import ConfirmForm
from ...lookups import get_registration
from ...models import Event, Registration, RegistrationStatus, Sector, utcnow
from ...services.working_groups import agenda, attendance, meetings, protocols
from .. import bp
from .forms import AgendaItemForm, GuestForm
from .lookups import confirmed, item_of, known_id, meeting_for

PRESENCE = ("in_person", "remote", "absent")


@bp.get("/meetings/<slug>")
def wg_meeting(slug: str):
    event = meeting_for(slug)
    return render_template(
        "admin/working_groups/meeting.html", event=event, group=event.working_group, confirm=ConfirmForm(),
        answers=meetings.answers(db.session, event), protocol=protocols.protocol_of(db.session, event),
        agenda=agenda.meeting_agenda(db.session, event), over=utcnow() >= event.ends_at,
    )


@bp.post("/meetings/<slug>/invite")
def wg_invite(slug: str):
    event = meeting_for(slug)
    confirmed()
    done, made = attempt(None, meetings.invite_members, current_user, event, utcnow())
    if done:
        if made:
            flash(ngettext("An invitation was sent to %(num)d member.", "Invitations were sent to %(num)d members.",
                           len(made)), "success")
        else:
            flash(_("Every member of the group has been invited already."), "info")
    return redirect(url_for("admin.wg_meeting", slug=event.slug))


def agenda_page(event: Event, form: AgendaItemForm, status: int = 200):
    return render_template(
        "admin/working_groups/agenda.html", event=event, group=event.working_group, form=form,
        items=agenda.items_of(db.session, event), confirm=ConfirmForm(),
        approved=(protocol := protocols.protocol_of(db.session, event)) is not None and protocol.approved,
    ), status


def item_form(event: Event) -> AgendaItemForm:
    form = AgendaItemForm()
    form.offer(event.working_group.active_members)
    return form


@bp.route("/meetings/<slug>/agenda", methods=["GET", "POST"])
def wg_agenda(slug: str):
    event = meeting_for(slug)
    form = item_form(event)
    if form.validate_on_submit():
        done, _item = attempt(form, agenda.add_item, current_user, event, form.as_data(), utcnow())
        if done:
            flash(_("The agenda item was added."), "success")
            return redirect(url_for("admin.wg_agenda", slug=event.slug))
    return agenda_page(event, form, 400 if request.method == "POST" else 200)


@bp.route("/meetings/<slug>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
def wg_agenda_item(slug: str, item_id: int):
    event = meeting_for(slug)
    item = item_of(event, item_id)
    form = item_form(event)
    if request.method == "GET":
        form.fill(item)
    elif form.validate_on_submit():
        done, _result = attempt(form, agenda.update_item, current_user, item, form.as_data(), utcnow())
        if done:
            flash(_("The agenda item was saved."), "success")
            return redirect(url_for("admin.wg_agenda", slug=event.slug))
    return render_template("admin/working_groups/agenda_item.html", event=event, group=event.working_group,
                           item=item, form=form)


@bp.post("/meetings/<slug>/agenda/<int:item_id>/move")
def wg_agenda_move(slug: str, item_id: int):
    event = meeting_for(slug)
    item = item_of(event, item_id)
    confirmed()
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        abort(400)
    attempt(None, agenda.move_item, current_user, item, item.position + step, utcnow())
    return redirect(url_for("admin.wg_agenda", slug=event.slug))


@bp.post("/meetings/<slug>/agenda/<int:item_id>/remove")
def wg_agenda_remove(slug: str, item_id: int):
    event = meeting_for(slug)
    item = item_of(event, item_id)
    confirmed()
    done, _result = attempt(None, agenda.remove_item, current_user, item, utcnow())
    if done:
        flash(_("The agenda item was removed."), "success")
    return redirect(url_for("admin.wg_agenda", slug=event.slug))


def table_rows(event: Event) -> list[dict]:
    """Everyone registered for the meeting (but the waiting list), members first, with their presence."""
    here = attendance.present(db.session, event)
    who = attendance.meeting_members(db.session, event)
    members_by_registration = {r.id: m for m, r in who.items() if r is not None}
    answers = {a.registration_id: a.answer for a in meetings.answers(db.session, event)}
    people = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status != RegistrationStatus.WAITLISTED,
                                   Registration.anonymised_at.is_(None))
    )
    rows = [{
        "registration": r, "member": members_by_registration.get(r.id), "answer": answers.get(r.id),
        "presence": "absent" if r.id not in here else ("remote" if here[r.id] else "in_person"),
    } for r in people]
    return sorted(rows, key=lambda row: (row["member"] is None, row["registration"].full_name, row["registration"].id))


def attendance_page(event: Event, guest_form: GuestForm, status: int = 200):
    return render_template(
        "admin/working_groups/attendance.html", event=event, group=event.working_group, rows=table_rows(event),
        guest_form=guest_form, confirm=ConfirmForm(), who=attendance.attendance(db.session, event),
    ), status


@bp.get("/meetings/<slug>/attendance")
def wg_attendance(slug: str):
    return attendance_page(meeting_for(slug), GuestForm())


def set_presence(session, actor, event: Event, registration: Registration, presence: str, now) -> None:
    """In person, remotely or not present: what was recorded otherwise is undone first."""
    here = attendance.present(session, event)
    now_remote = here.get(registration.id)
    if registration.id in here and (presence == "absent" or (presence == "remote") != now_remote):
        attendance.unmark_present(session, actor, event, registration, now)
    if presence != "absent":
        attendance.mark_present(session, actor, event, registration, presence == "remote", now)


@bp.post("/meetings/<slug>/attendance/<int:registration_id>")
def wg_mark(slug: str, registration_id: int):
    event = meeting_for(slug)
    registration = get_registration(event, known_id(registration_id))
    confirmed()
    presence = request.form.get("presence", "")
    if presence not in PRESENCE:
        abort(400)
    done, _result = attempt(None, set_presence, current_user, event, registration, presence, utcnow())
    if done:
        flash(_("%(name)s: recorded.", name=registration.full_name), "success")
    return redirect(url_for("admin.wg_attendance", slug=event.slug) + f"#person-{registration.id}")


@bp.post("/meetings/<slug>/attendance/guest")
def wg_guest(slug: str):
    event = meeting_for(slug)
    form = GuestForm()
    if form.validate_on_submit():
        done, guest = attempt(
            form, attendance.add_guest, current_user, event, form.full_name.data, utcnow(),
            organisation_name=form.organisation_name.data or "", position=form.position.data or "",
            email=form.email.data or "", sector=Sector.OTHER, remote=form.remote.data,
        )
        if done:
            flash(_("%(name)s was added to the meeting.", name=guest.full_name), "success")
            marked, error = run(set_presence, current_user, event, guest, "remote" if form.remote.data else "in_person",
                                utcnow())
            if not marked:
                flash(str(error.message), "info")
            return redirect(url_for("admin.wg_attendance", slug=event.slug))
    return attendance_page(event, form, 400)
