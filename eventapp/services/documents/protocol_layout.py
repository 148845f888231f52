"""The protocol (minutes) of a working-group meeting: what it says, apart from how it is drawn.

Plain dataclasses filled by the caller, and the lines of the council's layout worked out from
them once, so that the PDF (`protocol_pdf`) and the DOCX (`protocol_docx`) say the same thing.
The document's language is the meeting's (`ProtocolDocument.language`), not the reader's, so its
words come from `HEADINGS` below rather than from the page's translations.
"""
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from ...formatting import ENGLISH_MONTHS, RIGA, on_date, to_riga, until_date


@dataclass
class ProtocolPerson:
    name: str
    organisation: str = ""
    position: str = ""        # e.g. "valdes priekšsēdētāja"
    remote: bool = False      # joined remotely (else in person)


@dataclass
class ProtocolDecision:
    number: str               # "1.1", "2.3": item number . decision number
    text: str
    owner: str = ""           # a task's owner (organisation or person), "" when not a task
    deadline: date | None = None


@dataclass
class ProtocolItem:
    number: int
    title: str
    reporters: list[ProtocolPerson]   # "Ziņo"
    speakers: list[ProtocolPerson]    # "Izsakās"
    discussion: str = ""              # free text, paragraphs separated by blank lines
    decisions: list[ProtocolDecision] = field(default_factory=list)


@dataclass
class ProtocolDocument:
    council: str               # "Memoranda padome"
    group_name: str            # "Sabiedrības iesaistes un atvērtās pārvaldības darba grupa"
    number: str                # protocol number, e.g. "5" or "2025/5"
    starts_at: datetime        # aware datetimes (UTC); show in Europe/Riga time
    ends_at: datetime | None
    place: str                 # venue and address, "" for online-only
    remote_platform: str       # "Zoom", "" when in person only
    chair: ProtocolPerson | None
    keeper: ProtocolPerson | None      # protocol keeper ("Protokolē")
    members_present: list[ProtocolPerson]
    others_present: list[ProtocolPerson]   # invited speakers, guests, other participants
    members_absent: list[ProtocolPerson]
    items: list[ProtocolItem]
    open_tasks: list[ProtocolDecision] = field(default_factory=list)  # earlier tasks still open (may be empty)
    approved: bool = False
    language: str = "lv"       # "lv" (the council's layout) or "en"


HEADINGS = {
    "lv": {
        "meeting": "sēdes protokols",
        "protocol": "PROTOKOLS Nr. {number}",
        "draft": "PROJEKTS",
        "city": "Rīgā",
        "at": "plkst. {time}",
        "place": "Norises vieta",
        "remote_via": "attālināti: {platform}",
        "remote_only": "attālināti",
        "chair": "Sēdi vada",
        "keeper": "Protokolē",
        "members_present": "Piedalās darba grupas locekļi",
        "others_present": "Piedalās arī",
        "members_absent": "Nepiedalās",
        "in_person": "klātienē",
        "remote": "attālināti",
        "agenda": "Darba kārtība",
        "agenda_number": "Nr.",
        "agenda_title": "Jautājums",
        "agenda_reporters": "Ziņo",
        "reported_by": "Ziņo",
        "speakers": "Izsakās",
        "decision": "Lēmums",
        "decisions": "Lēmumi",
        "responsible": "Atbildīgais",
        "open_tasks": "Iepriekšējo sēžu neizpildītie uzdevumi",
        "closed": "Sēde slēgta plkst. {time}",
        "chair_signature": "Sēdes vadītājs",
        "keeper_signature": "Protokolētājs",
        "title": "{council}: {group}, protokols Nr. {number}",
    },
    "en": {
        "meeting": "meeting minutes",
        "protocol": "Minutes No. {number}",
        "draft": "DRAFT",
        "city": "Riga",
        "at": "at {time}",
        "place": "Place",
        "remote_via": "remotely: {platform}",
        "remote_only": "remotely",
        "chair": "Chair",
        "keeper": "Minutes taken by",
        "members_present": "Members present",
        "others_present": "Also present",
        "members_absent": "Absent",
        "in_person": "in person",
        "remote": "remotely",
        "agenda": "Agenda",
        "agenda_number": "No.",
        "agenda_title": "Item",
        "agenda_reporters": "Reported by",
        "reported_by": "Reported by",
        "speakers": "Speakers",
        "decision": "Decision",
        "decisions": "Decisions",
        "responsible": "Responsible",
        "open_tasks": "Open tasks from earlier meetings",
        "closed": "Meeting closed at {time}",
        "chair_signature": "Chair",
        "keeper_signature": "Minutes taken by",
        "title": "{council}: {group}, minutes No. {number}",
    },
}
SIGNATURE_LINE = "____________________"


def words(doc: ProtocolDocument) -> dict[str, str]:
    """The headings in the document's language (Latvian for any language not known)."""
    return HEADINGS.get(doc.language, HEADINGS["lv"])


def riga(moment: datetime) -> datetime:
    """The moment in Riga time; a naive moment is taken as UTC."""
    return to_riga(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def clock(moment: datetime) -> str:
    return riga(moment).strftime("%H:%M")


def meeting_date(moment: datetime, language: str) -> str:
    """'2025. gada 3. oktobrī' / '3 October 2025', the day in Riga."""
    local = riga(moment)
    if language == "en":
        return f"{local.day} {ENGLISH_MONTHS[local.month - 1]} {local.year}"
    return on_date(local, "lv")


def deadline_text(deadline: date, language: str) -> str:
    """'Termiņš – līdz 2025. gada 31. oktobrim' / 'Deadline: 31 October 2025'."""
    if language == "en":
        return f"Deadline: {deadline.day} {ENGLISH_MONTHS[deadline.month - 1]} {deadline.year}"
    return f"Termiņš – {until_date(datetime.combine(deadline, time(12), tzinfo=RIGA), 'lv')}"


def title(doc: ProtocolDocument) -> str:
    """The document's title (PDF and DOCX metadata)."""
    return words(doc)["title"].format(council=doc.council, group=doc.group_name, number=doc.number)


def _joined(*parts: str) -> str:
    return ", ".join(part.strip() for part in parts if part and part.strip())


def person_described(person: ProtocolPerson) -> str:
    """'Name, position, organisation' (the chair and the keeper)."""
    return _joined(person.name, person.position, person.organisation)


def person_in_list(person: ProtocolPerson, doc: ProtocolDocument, attendance: bool = True) -> str:
    """'Name – position, organisation (klātienē)' for the lists of who took part."""
    text = person.name.strip()
    role = _joined(person.position, person.organisation)
    if role:
        text += f" – {role}"
    if attendance:
        w = words(doc)
        text += f" ({w['remote'] if person.remote else w['in_person']})"
    return text


def reporters_line(people: list[ProtocolPerson]) -> str:
    """'Name (position, organisation), Name (…)' after 'Ziņo:'."""
    described = []
    for person in people:
        role = _joined(person.position, person.organisation)
        described.append(f"{person.name.strip()} ({role})" if role else person.name.strip())
    return ", ".join(described)


def speakers_line(people: list[ProtocolPerson]) -> str:
    """'Name (position, organisation), Name' after 'Izsakās:', as the reporters are named."""
    return reporters_line(people)


def agenda_names(item: ProtocolItem) -> str:
    """The reporters' names in the agenda table."""
    return ", ".join(person.name.strip() for person in item.reporters)


def date_line(doc: ProtocolDocument) -> tuple[str, str]:
    """('Rīgā, 2025. gada 3. oktobrī', 'plkst. 15:00'): left and right of the same line."""
    w = words(doc)
    return f"{w['city']}, {meeting_date(doc.starts_at, doc.language)}", w["at"].format(time=clock(doc.starts_at))


def place_line(doc: ProtocolDocument) -> str:
    """'Norises vieta: <place>; attālināti: Zoom', or '' when neither is known."""
    w = words(doc)
    where = [doc.place.strip()] if doc.place.strip() else []
    if doc.remote_platform.strip():
        where.append(w["remote_via"].format(platform=doc.remote_platform.strip()))
    return f"{w['place']}: {'; '.join(where)}" if where else ""


def paragraphs(text: str) -> list[str]:
    """Free text split at blank lines; each paragraph keeps its own line breaks."""
    found, lines = [], []
    for line in (text or "").splitlines():
        if line.strip():
            lines.append(line.strip())
        elif lines:
            found.append("\n".join(lines))
            lines = []
    if lines:
        found.append("\n".join(lines))
    return found


def decisions_heading(item: ProtocolItem, doc: ProtocolDocument) -> str:
    w = words(doc)
    return f"{w['decisions'] if len(item.decisions) > 1 else w['decision']}:"


def decision_task(decision: ProtocolDecision, doc: ProtocolDocument) -> str:
    """'Atbildīgais: <owner>. Termiņš – līdz …', or '' when the decision is not a task."""
    parts = []
    if decision.owner.strip():
        parts.append(f"{words(doc)['responsible']}: {decision.owner.strip()}.")
    if decision.deadline is not None:
        parts.append(f"{deadline_text(decision.deadline, doc.language)}.")
    return " ".join(parts)


def decision_number(decision: ProtocolDecision) -> str:
    """'1.1.': the number as the council writes it, with its closing full stop."""
    number = decision.number.strip()
    return number if number.endswith(".") else f"{number}."


def closing_line(doc: ProtocolDocument) -> str:
    return words(doc)["closed"].format(time=clock(doc.ends_at)) if doc.ends_at else ""


def signatures(doc: ProtocolDocument) -> list[tuple[str, str]]:
    """[('Sēdes vadītājs:', name), ('Protokolētājs:', name)]."""
    w = words(doc)
    return [
        (f"{w['chair_signature']}:", doc.chair.name.strip() if doc.chair else ""),
        (f"{w['keeper_signature']}:", doc.keeper.name.strip() if doc.keeper else ""),
    ]


def attendance_sections(doc: ProtocolDocument) -> list[tuple[str, list[str]]]:
    """The lists of who took part and who did not, each with its heading; empty ones left out
    (the members present keep their heading even when none is listed)."""
    w = words(doc)
    sections = [(f"{w['members_present']}:", [person_in_list(p, doc) for p in doc.members_present])]
    if doc.others_present:
        sections.append((f"{w['others_present']}:", [person_in_list(p, doc) for p in doc.others_present]))
    if doc.members_absent:
        sections.append((f"{w['members_absent']}:",
                         [person_in_list(p, doc, attendance=False) for p in doc.members_absent]))
    return sections
