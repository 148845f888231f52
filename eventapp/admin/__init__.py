"""The organisers' pages, one module per area; every page needs a signed-in user.

The package makes the blueprint, then imports its view modules, which add their routes to it
(`from . import bp`); they share lookups through `eventapp.lookups`, never through each other.
"""
from flask import Blueprint
from flask_login import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def require_sign_in():
    """Every page here needs a signed-in user; each view then checks what that user may do."""


from . import (  # noqa: E402,F401
    attendance,
    audit,
    badges,
    coverage,
    events,
    feedback,
    invitations,
    meeting_series,
    messages,
    organisations,
    outbox,
    questions,
    registrations,
    remote,
    summaries,
    users,
    working_groups,
)
