"""A remote participant's own join link, /join/<token>: leads to the meeting and records the join.

The package makes the blueprint, then imports its view module, which adds its routes to it.
"""
from flask import Blueprint

bp = Blueprint("join", __name__, url_prefix="/join")

from . import routes  # noqa: E402,F401
