"""People who sign in: invited by organisers, their roles and organisations, signed out everywhere."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..actions import attempt
from ..extensions import db
from ..forms import ConfirmForm
from ..models import Organisation, Sector, User, UserRole
from ..permissions import may_manage_user, require_user_management
from ..services.accounts import users
from . import bp
from .forms import InviteForm, UserForm


def organisation_choices(current: int | None = None) -> list[tuple[int, str]]:
    """Organisations a partner may belong to, and the one the user already has (so that saving keeps it)."""
    query = select(Organisation).where(
        (Organisation.sector != Sector.STATE_ADMINISTRATION) | (Organisation.id == current)
    ).order_by(Organisation.name)
    return [(0, "—")] + [(org.id, org.name) for org in db.session.scalars(query)]


def offer_roles(form: UserForm, person: User | None = None) -> None:
    """Offer only the roles the signed-in user may give (an organiser never sees "Administrator");
    a role sent all the same is still refused by `require_user_management`."""
    form.role.choices = [
        (value, text) for value, text in form.role.choices if may_manage_user(current_user, person, UserRole(value))
    ]
    form.role.validate_choice = False


def chosen_organisation(form: UserForm) -> Organisation | None:
    return db.session.get(Organisation, form.organisation_id.data) if form.organisation_id.data else None


@bp.route("/users", methods=["GET", "POST"])
def user_list():
    require_user_management()
    form = InviteForm()
    offer_roles(form)
    form.organisation_id.choices = organisation_choices()
    if form.validate_on_submit():
        done, _user = attempt(form, users.invite_user, current_user, form.email.data, form.name.data,
                              form.role.data, chosen_organisation(form))
        if done:
            flash(_("The invitation was sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("admin.user_list"))
    people = db.session.scalars(select(User).order_by(User.role, User.name)).all()
    return render_template(
        "admin/users.html", people=people, form=form, confirm=ConfirmForm(),
        may_manage=may_manage_user,
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    require_user_management(user)
    form = UserForm(obj=user)
    offer_roles(form, user)
    form.organisation_id.choices = organisation_choices(user.organisation_id)
    if form.validate_on_submit():
        require_user_management(user, form.role.data)
        done, _result = attempt(form, users.update_user, current_user, user, form.role.data,
                                chosen_organisation(form), form.active.data)
        if done:
            flash(_("The changes were saved."), "success")
            return redirect(url_for("admin.user_list"))
    return render_template("admin/user_form.html", user=user, form=form, confirm=ConfirmForm())


@bp.post("/users/<int:user_id>/sign-out")
def user_sign_out(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    require_user_management(user)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done, _result = attempt(None, users.sign_out_everywhere, current_user, user)
    if done:
        flash(_("%(name)s is signed out on every device.", name=user.name), "success")
    return redirect(url_for("admin.user_list"))
