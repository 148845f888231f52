"""People who sign in: invited by organisers, their roles and organisations, signed out everywhere."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..extensions import db
from ..forms import BaseForm
from ..models import Organisation, Sector, User, UserRole
from ..permissions import may_manage_user, require_user_management
from ..services import users
from ..services.exceptions import DomainError
from .forms import ConfirmForm
from .routes import bp, show_error

ROLE_LABELS = {
    UserRole.ADMIN: _l("Administrator (the secretariat)"),
    UserRole.ORGANISER: _l("Organiser (all events)"),
    UserRole.PARTNER: _l("Partner (the events their organisation co-hosts)"),
    UserRole.FACILITATOR: _l("Facilitator (the tracks they host)"),
}


class UserForm(BaseForm):
    # Coerced to the enum, so that the stored role (from `obj`) is the option shown as selected.
    role = SelectField(
        _l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()], coerce=UserRole
    )
    organisation_id = SelectField(_l("Organisation (for partners)"), coerce=int)
    active = BooleanField(_l("Can sign in"), default=True)


class InviteForm(UserForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


def organisation_choices(current: int | None = None) -> list[tuple[int, str]]:
    """Organisations a partner may belong to, and the one the user already has (so that saving keeps it)."""
    query = select(Organisation).where(
        (Organisation.sector != Sector.STATE_ADMINISTRATION) | (Organisation.id == current)
    ).order_by(Organisation.name)
    return [(0, "—")] + [(org.id, org.name) for org in db.session.scalars(query)]


def chosen_organisation(form: UserForm) -> Organisation | None:
    return db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None


@bp.route("/users", methods=["GET", "POST"])
def user_list():
    require_user_management()
    form = InviteForm()
    form.organisation_id.choices = organisation_choices()
    if form.validate_on_submit():
        try:
            users.invite_user(db.session, current_user, form.email.data, form.name.data, form.role.data,
                              chosen_organisation(form))
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The invitation was sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("admin.user_list"))
    people = db.session.scalars(select(User).order_by(User.role, User.name)).all()
    return render_template(
        "admin/users.html", people=people, form=form, role_labels=ROLE_LABELS, confirm=ConfirmForm(),
        may_manage=may_manage_user,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    require_user_management(user)
    form = UserForm(obj=user)
    form.organisation_id.choices = organisation_choices(user.organisation_id)
    if form.validate_on_submit():
        require_user_management(user, form.role.data)
        try:
            users.update_user(db.session, current_user, user, form.role.data, chosen_organisation(form),
                              form.active.data)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The changes were saved."), "success")
            return redirect(url_for("admin.user_list"))
    return render_template("admin/user_form.html", user=user, form=form, confirm=ConfirmForm())


@bp.post("/users/<int:user_id>/sign-out")
def user_sign_out(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    require_user_management(user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    users.sign_out_everywhere(db.session, current_user, user)
    db.session.commit()
    flash(_("%(name)s is signed out on every device.", name=user.name), "success")
    return redirect(url_for("admin.user_list"))
