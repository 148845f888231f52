"""The protocol of a meeting, as the keeper fills it: its details, per agenda item who reported and
who spoke (picked from those present), the discussion and the numbered decisions; then approval,
and the PDF and DOCX (a draft marked "PROJEKTS")."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...actions import attempt
from ...downloads import protocol_response
from ...extensions import db
from ...forms import ConfirmForm
from ...models import EntryRole, Event, EventKind, Organisation, Protocol, utcnow
from ...services.exceptions import DomainError
from ...services.working_groups import agenda, attendance, protocols
from .. import bp
from .forms import NOBODY, DecisionForm, EntryForm, ProtocolDetailsForm
from .lookups import confirmed, decision_of_meeting, item_of, meeting_for


def protocol_for(event: Event) -> Protocol:
    protocol = protocols.protocol_of(db.session, event)
    if protocol is None:
        abort(404)
    return protocol


def editable(event: Event) -> Protocol:
    """The meeting's draft protocol; an approved one sends the keeper back to read it."""
    protocol = protocol_for(event)
    if protocol.approved:
        flash(_("The protocol is approved and can no longer be changed."), "error")
        abort(redirect(url_for("admin.wg_protocol", slug=event.slug)))
    return protocol


def back(event: Event, anchor: str = "") -> str:
    return url_for("admin.wg_protocol", slug=event.slug) + anchor


def details_form(event: Event, protocol: Protocol | None) -> ProtocolDetailsForm:
    form = ProtocolDetailsForm()
    form.offer(event.working_group.members)
    if request.method == "GET" and protocol is not None:
        who = attendance.attendance(db.session, event)
        form.number.data = protocol.number
        form.chair.data = who.chair.member.id if who.chair and who.chair.member else NOBODY
        form.keeper.data = who.keeper.member.id if who.keeper and who.keeper.member else NOBODY
        form.closed_at.process_data(protocol.closed_at)
    return form


@bp.route("/meetings/<slug>/protocol", methods=["GET", "POST"])
def wg_protocol(slug: str):
    event = meeting_for(slug)
    protocol = protocols.protocol_of(db.session, event)
    form = details_form(event, protocol)
    if request.method == "POST":
        protocol = editable(event)
        if form.validate_on_submit():
            chosen = {m.id: m for m in event.working_group.members}
            done, _result = attempt(
                form, protocols.set_details, current_user, protocol, utcnow(), number=form.number.data,
                chair=chosen.get(form.chair.data), keeper=chosen.get(form.keeper.data), closed_at=form.closed_at.aware,
            )
            if done:
                flash(_("The protocol's details were saved."), "success")
                return redirect(back(event))
    entries = {e.agenda_item_id: e for e in protocol.entries} if protocol else {}
    return render_template(
        "admin/working_groups/protocol.html", event=event, group=event.working_group, protocol=protocol, form=form,
        items=agenda.items_of(db.session, event), entries=entries, confirm=ConfirmForm(),
        who=attendance.attendance(db.session, event), EntryRole=EntryRole,
    ), 400 if form.errors else 200


@bp.post("/meetings/<slug>/protocol/start")
def wg_protocol_start(slug: str):
    event = meeting_for(slug)
    confirmed()
    attempt(None, protocols.start_protocol, current_user, event, utcnow())
    return redirect(back(event))


def people_present(event: Event) -> list[tuple[int, str]]:
    who = attendance.attendance(db.session, event)
    return [(a.registration.id, f"{a.name} ({a.organisation})" if a.organisation else a.name)
            for a in who.members_present + who.others_present if a.registration is not None]


def proposed_reporters(event: Event, item, present: set[int]) -> list[int]:
    """The item's reporters on the agenda who are present, to start the keeper's list with."""
    registrations = {m.id: r.id for m, r in attendance.meeting_members(db.session, event).items() if r is not None}
    found = [registrations.get(s.member_id) if s.member_id else s.registration_id for s in item.reporters]
    return [rid for rid in found if rid in present]


@bp.route("/meetings/<slug>/protocol/items/<int:item_id>", methods=["GET", "POST"])
def wg_protocol_entry(slug: str, item_id: int):
    event = meeting_for(slug)
    item = item_of(event, item_id)
    protocol = editable(event)
    form = EntryForm()
    form.offer(people_present(event))
    if request.method == "GET":
        entry = next((e for e in protocol.entries if e.agenda_item_id == item.id), None)
        reported = [r.id for r in entry.people_in(EntryRole.REPORTED)] if entry else []
        form.reporters.data = reported or proposed_reporters(event, item, {rid for rid, _n in form.reporters.choices})
        form.speakers.data = [r.id for r in entry.people_in(EntryRole.SPOKE)] if entry else []
        form.discussion.data = entry.discussion if entry else ""
    elif form.validate_on_submit():
        done, _entry = attempt(
            form, protocols.fill_entry, current_user, protocol, item, utcnow(), reporter_ids=form.reporters.data or [],
            speaker_ids=form.speakers.data or [], discussion=(form.discussion.data or "").replace("\r\n", "\n"),
        )
        if done:
            flash(_("Item %(number)d of the protocol was saved.", number=item.position), "success")
            return redirect(back(event, f"#item-{item.id}"))
    return render_template("admin/working_groups/protocol_entry.html", event=event, group=event.working_group,
                           item=item, form=form), 400 if form.errors else 200


def decision_form(decision=None) -> DecisionForm:
    form = DecisionForm.of(decision) if decision is not None and request.method == "GET" else DecisionForm()
    organisations = [(o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))]
    sessions = list(db.session.scalars(
        select(Event).where(Event.kind == EventKind.COUNCIL_SESSION).order_by(Event.starts_at.desc())))
    form.offer(organisations, sessions)
    return form


@bp.route("/meetings/<slug>/protocol/items/<int:item_id>/decisions/new", methods=["GET", "POST"])
@bp.route("/meetings/<slug>/protocol/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
def wg_decision_form(slug: str, item_id: int | None = None, decision_id: int | None = None):
    event = meeting_for(slug)
    protocol = editable(event)
    decision = decision_of_meeting(event, decision_id) if decision_id else None
    item = decision.entry.agenda_item if decision else item_of(event, item_id)
    form = decision_form(decision)
    if form.validate_on_submit():
        if decision is None:
            done, _result = attempt(form, protocols.add_item_decision, current_user, protocol, item, form.as_data(),
                                    utcnow())
        else:
            done, _result = attempt(form, protocols.update_decision, current_user, decision, form.as_data(), utcnow())
        if done:
            flash(_("The decision was saved."), "success")
            return redirect(back(event, f"#item-{item.id}"))
    return render_template("admin/working_groups/decision_form.html", event=event, group=event.working_group,
                           item=item, decision=decision, form=form), 400 if form.errors else 200


@bp.post("/meetings/<slug>/protocol/decisions/<int:decision_id>/remove")
def wg_decision_remove(slug: str, decision_id: int):
    event = meeting_for(slug)
    editable(event)
    decision = decision_of_meeting(event, decision_id)
    confirmed()
    item_id = decision.entry.agenda_item_id
    done, _result = attempt(None, protocols.remove_decision, current_user, decision, utcnow())
    if done:
        flash(_("The decision was removed."), "success")
    return redirect(back(event, f"#item-{item_id}"))


@bp.post("/meetings/<slug>/protocol/approve")
def wg_protocol_approve(slug: str):
    event = meeting_for(slug)
    protocol = editable(event)
    confirmed()
    done, _result = attempt(None, protocols.approve, current_user, protocol, utcnow())
    if done:
        flash(_("The protocol is approved and published on the group's page."), "success")
    return redirect(back(event))


@bp.get("/meetings/<slug>/protocol.pdf", defaults={"format": "pdf"})
@bp.get("/meetings/<slug>/protocol.docx", defaults={"format": "docx"})
def wg_protocol_file(slug: str, format: str):
    """The protocol as it is now, a draft too, for the secretariat."""
    event = meeting_for(slug)
    protocol_for(event)
    try:
        document = protocols.protocol_document(db.session, event)
    except DomainError:
        abort(404)
    return protocol_response(document, format, private=True)


