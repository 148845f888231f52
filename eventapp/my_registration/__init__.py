"""A participant's own registration, through the private link /r/<token> sent to them.

The package makes the blueprint, then imports its view modules, which add their routes to it.
"""
from flask import Blueprint

bp = Blueprint("my_registration", __name__, url_prefix="/r")

from . import badge, routes  # noqa: E402,F401
