"""Signing in and out, invitations and forgotten passwords."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..actions import attempt
from ..extensions import db, limiter
from ..models import utcnow
from ..navigation import safe_next_url
from ..services.accounts import users
from ..services.exceptions import DomainError
from .forms import ForgotPasswordForm, LoginForm, SetPasswordForm

bp = Blueprint("auth", __name__, url_prefix="/admin")


def sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def account_limit() -> str:
    return current_app.config["SIGN_IN_ACCOUNT_RATE_LIMIT"]


def account_tried() -> str:
    """The account an attempt is about, however its address is typed: guesses spread over many
    client addresses still count against it."""
    return "account:" + users.normalise_email(request.form.get("email", ""))[:254]


# Counted per client address and per account; a limit reached answers 429 (errors/error.html).
limit_sign_in = limiter.limit(sign_in_limit, methods=["POST"])
limit_account = limiter.limit(account_limit, key_func=account_tried, methods=["POST"])


@bp.route("/login", methods=["GET", "POST"])
@limit_sign_in
@limit_account
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = users.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong email or password."))
        else:
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next"), "admin.index"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    users.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limit_sign_in
@limit_account
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        done, _result = attempt(form, users.request_password_reset, form.email.data)
        if done:
            flash(_("If the address belongs to an account, a link to set a new password is on its way."), "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """From an invitation (valid a week) or a reset mail (valid two hours): either way, once."""
    max_age = users.INVITATION_MAX_AGE
    try:
        user = users.user_from_token(db.session, token, max_age)
    except DomainError as error:
        return render_template("auth/link_invalid.html", message=error.message), 400
    if user.password_hash is not None:  # a reset, not a first password
        try:
            user = users.user_from_token(db.session, token, users.RESET_MAX_AGE)
        except DomainError as error:
            return render_template("auth/link_invalid.html", message=error.message), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        done, _result = attempt(form, users.set_password, user, form.password.data, utcnow())
        if done:
            logout_user()
            flash(_("Your password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=user)
