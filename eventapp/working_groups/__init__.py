"""The working groups' public pages: the groups, each with its members, meetings and approved
protocols, and the page a member's one-click answer link opens."""
from flask import Blueprint

bp = Blueprint("working_groups", __name__, url_prefix="/working-groups")

from . import routes  # noqa: E402,F401
