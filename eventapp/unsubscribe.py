"""An organisation's link in an invitation: not to be invited again.

The page asks for a confirmation (a button, so that a link scanner opening the mail changes
nothing); mail programs that offer "unsubscribe" post `List-Unsubscribe=One-Click` to the same
address (RFC 8058), which needs no page and no form token.
"""
from flask import Blueprint, abort, render_template, request

from .extensions import csrf, db
from .forms import ConfirmForm
from .models import utcnow
from .services.mail import invitations

bp = Blueprint("unsubscribe", __name__)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the one-click post comes from a mail program; the page's own form checks its token
def page(token: str):
    invitation = invitations.find_by_unsubscribe_token(db.session, token)
    if invitation is None:
        abort(404)
    if request.method == "POST" and request.form.get("List-Unsubscribe") == "One-Click":
        invitations.unsubscribe(db.session, invitation, utcnow())
        db.session.commit()
        return "", 200
    form = ConfirmForm()
    done = False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        invitations.unsubscribe(db.session, invitation, utcnow())
        db.session.commit()
        done = True
    return render_template("unsubscribe/page.html", organisation=invitation.organisation, form=form,
                           email=invitation.email,
                           done=done or invitation.organisation.unsubscribed_at is not None)
