"""The survey after an event, through the link each participant got by mail: /feedback/<token>.

No account: the link is the key, good for one answer. The package makes the blueprint, then
imports its view module, which adds its routes to it.
"""
from flask import Blueprint

bp = Blueprint("feedback", __name__, url_prefix="/feedback")

from . import routes  # noqa: E402,F401
