"""The directory of organisations as the organisers keep it: contact addresses, regions, an import
of contacts from CSV, and the list of organisations without a contact, to chase. Staff only."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional

from ..actions import attempt
from ..downloads import table_response
from ..extensions import db
from ..forms import BaseForm
from ..labels import label, label_choices
from ..models import Organisation, Sector
from ..permissions import require
from ..services import organisations as directory
from ..services.accounts import audit
from ..services.documents import spreadsheets
from ..services.exceptions import DomainError
from . import bp

ACTION = "manage_directory"
MAX_IMPORT_BYTES = 2 * 1024 * 1024


class ContactForm(BaseForm):
    contact_email = StringField(_l("Contact email"), validators=[Optional(), Length(max=254)])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=directory.MAX_REGION_LENGTH)])
    invite_again = BooleanField(_l("Invite again (the organisation asked the secretariat to be invited)"))


class ImportForm(BaseForm):
    file = FileField(_l("CSV file"))


def filter_options():
    choices = directory.filter_choices(db.session)
    return {"sectors": label_choices(Sector), "regions": choices.regions, "policy_areas": choices.policy_areas}


@bp.get("/organisations")
def organisation_list():
    require(ACTION)
    filters = directory.DirectoryFilters.from_args(request.args)
    found = directory.directory(db.session, filters)
    return render_template(
        "admin/organisations.html", organisations=found, filters=filters, options=filter_options(),
        with_contact=sum(1 for org in found if org.contact_email),
        unsubscribed=sum(1 for org in found if org.unsubscribed_at),
        import_form=ImportForm(),
    )


@bp.get("/organisations/without-contact.<any(csv, xlsx):format>")
def organisations_without_contact(format: str):
    """The organisations to chase for a contact address, as a spreadsheet (the filters apply)."""
    require(ACTION)
    if format not in spreadsheets.FORMATS:
        abort(404)
    found = directory.without_contact(db.session, directory.DirectoryFilters.from_args(request.args))
    table = spreadsheets.Table(
        title=_("Without contact"),
        header=[_("Organisation"), _("Sector"), _("Region"), _("Policy areas")],
        rows=[[org.name, label(org.sector), org.region, org.policy_areas] for org in found],
    )
    return table_response(table, format, "organisations-without-contact")


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def organisation_edit(organisation_id: int):
    require(ACTION)
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        abort(404)
    form = ContactForm(obj=org)
    if form.validate_on_submit():
        done, changed = attempt(form, directory.update_contact, current_user, org, form.contact_email.data or "",
                                form.region.data or "", form.invite_again.data)
        if done:
            flash(_("The organisation was saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("admin.organisation_list"))
    return render_template("admin/organisation_form.html", organisation=org, form=form)


@bp.post("/organisations/import")
def organisations_import():
    """Add or update organisations, their contact addresses and regions, from a CSV."""
    require(ACTION)
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.file.data
    data = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
    if not data:
        flash(_("Choose a CSV file."), "error")
    elif len(data) > MAX_IMPORT_BYTES:
        flash(_("The file is too large."), "error")
    else:
        try:
            rows = directory.read_csv(data)
        except (UnicodeDecodeError, ValueError):
            flash(_("The file is not UTF-8 text; save it from the spreadsheet as 'CSV UTF-8'."), "error")
            return redirect(url_for("admin.organisation_list"))
        except DomainError as error:
            flash(str(error.message), "error")
            return redirect(url_for("admin.organisation_list"))
        result = directory.import_organisations(db.session, rows)
        entry = audit.record(db.session, current_user, "organisation.import", None, created=result.created,
                             updated=result.updated, refused=len(result.refused))
        entry.object_type = "organisation"
        db.session.commit()
        flash(_("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(refused)d refused.",
                created=result.created, updated=result.updated, unchanged=result.unchanged,
                refused=len(result.refused)), "success" if not result.refused else "warning")
        for line, reason in result.refused[:20]:
            flash(_("Line %(line)d: %(reason)s", line=line, reason=reason), "warning")
    return redirect(url_for("admin.organisation_list"))
