"""The secretariat's pages of the council's working groups: groups and their members, meetings
(invitations, agenda, attendance at the table), protocols and the tasks they give.

Everything here is the staff's (`manage_working_groups`): a partner or a facilitator sees none of it.
"""
from . import groups, meetings, protocol  # noqa: F401
