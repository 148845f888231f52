"""The council's working groups: members, meetings and their invitations, agendas, attendance,
protocols and the tasks they give."""
