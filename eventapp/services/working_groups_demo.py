"""Demo data for the working groups: the council's four groups, the members of the first one (people
invented, organisations from the directory), and the real meeting of 3 October 2025 as its meeting,
with an agenda. The agenda's items and the people are examples; the meeting itself is in
`data/events_2025.json`. Running it again adds nothing.
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Event, EventKind, GroupMember, MemberRole, Sector
from .demo import event_slug, load_events_file
from .working_groups import agenda, meetings, members

GROUPS = [
    # (slug, Latvian name, English name)
    ("sabiedribas-iesaiste", "Sabiedrības iesaistes un atvērtās pārvaldības darba grupa",
     "Public engagement and open government working group"),
    ("finanses-un-nodokli", "Finanšu un nodokļu darba grupa", "Finance and taxes working group"),
    ("satura-planosana", "Satura plānošanas darba grupa", "Content planning working group"),
    ("delegeto-parstavju-koordinacija", "Deleģēto pārstāvju koordinācijas darba grupa",
     "Coordination of delegated representatives working group"),
]

FIRST_GROUP_MEMBERS = [
    # (name, organisation as in the directory, position, role)
    ("Kristīne Zariņa", 'biedrība "Sabiedriskās politikas centrs Providus"', "pētniece", MemberRole.CHAIR),
    ("Elīna Ozola", 'biedrība "Latvijas Pilsoniskā alianse"', "projektu vadītāja", MemberRole.KEEPER),
    ("Mārtiņš Bērziņš", "Valsts kanceleja", "padomnieks sabiedrības līdzdalības jautājumos", MemberRole.MEMBER),
    ("Laura Krastiņa", "Tieslietu ministrija", "vecākā referente", MemberRole.MEMBER),
    ("Edgars Kļaviņš", 'nodibinājums "Sabiedrības līdzdalības fonds"', "valdes loceklis", MemberRole.MEMBER),
    ("Gunta Pūce", 'biedrība "Latvijas Lauku forums"', "valdes priekšsēdētāja", MemberRole.MEMBER),
    ("Andris Ķēniņš", "Finanšu ministrija", "nodaļas vadītājs", MemberRole.MEMBER),
]

# (title in Latvian, in English, reporters by their place in FIRST_GROUP_MEMBERS)
FIRST_MEETING_AGENDA = [
    ("Par sabiedrības līdzdalības kārtības grozījumiem", "Amendments to the rules on public participation", [3]),
    ("Par Atvērtās pārvaldības rīcības plāna īstenošanu", "Implementing the Open Government Action Plan", [2, 0]),
    ("Par darba grupas darba plānu 2026. gadam", "The working group's plan for 2026", [0]),
]


def demo_meeting(session: Session) -> Event | None:
    """The meeting of 3 October 2025 as the demo seeds it from the events file."""
    item = next((e for e in load_events_file()["events"] if e["kind"] == EventKind.WORKING_GROUP_MEETING.value), None)
    return session.scalar(select(Event).where(Event.slug == event_slug(item))) if item else None


def seed_working_groups(session: Session, now: datetime) -> list[str]:
    """The four groups, the first one's members, and its meeting of 3 October 2025 with an agenda."""
    added = []
    for slug, name_lv, name_en in GROUPS:
        if members.group_by_slug(session, slug) is None:
            members.create_group(session, None, members.GroupData(name_lv=name_lv, name_en=name_en, slug=slug), now)
            added.append(f"working group {slug}")
    group = members.group_by_slug(session, GROUPS[0][0])
    people: list[GroupMember] = []
    for n, (name, organisation, position, role) in enumerate(FIRST_GROUP_MEMBERS, start=1):
        email = f"demo-darba-grupa{n}@example.lv"
        member = session.scalar(select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.email == email))
        if member is None:
            sector = Sector.STATE_ADMINISTRATION if "ministrija" in organisation or "kanceleja" in organisation else Sector.NGO
            member = members.add_member(session, None, group, members.MemberData(
                full_name=name, email=email, organisation_name=organisation, sector=sector, position=position,
                role=role), now)
            added.append(f"member {name}")
        people.append(member)
    event = demo_meeting(session)
    if event is not None and event.working_group_id is None:
        meetings.link_meeting(session, None, event, group, now)
        if not agenda.items_of(session, event):
            for title_lv, title_en, reporters in FIRST_MEETING_AGENDA:
                agenda.add_item(session, None, event, agenda.AgendaItemData(
                    title_lv=title_lv, title_en=title_en,
                    reporters=[agenda.SpeakerData(people[i].full_name, people[i].organisation_display, people[i].id)
                               for i in reporters],
                ), now)
        added.append(f"{event.slug}: {group.slug}")
    session.flush()
    return added
