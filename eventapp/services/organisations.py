"""The directory of organisations: importing it from CSV and searching it."""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Organisation, Sector, User
from .accounts import audit
from .checkin.badges import latvian_key
from .coverage.words import fold
from .exceptions import DomainError

# Besides the codes, the Latvian words people write in a spreadsheet.
SECTOR_WORDS = {
    "ngo": Sector.NGO, "nvo": Sector.NGO, "biedrība": Sector.NGO, "nodibinājums": Sector.NGO,
    "state_administration": Sector.STATE_ADMINISTRATION, "valsts pārvalde": Sector.STATE_ADMINISTRATION,
    "municipality": Sector.MUNICIPALITY, "pašvaldība": Sector.MUNICIPALITY,
    "other": Sector.OTHER, "cits": Sector.OTHER, "cita": Sector.OTHER,
}
MAX_NAME_LENGTH = 300
MAX_REGION_LENGTH = 100
# The column of a contact address, as the CSV may name it.
CONTACT_COLUMNS = ("contact_email", "email", "e-pasts", "epasts", "e-mail")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason, a lazy string)


def parse_sector(text: str) -> Sector | None:
    return SECTOR_WORDS.get(" ".join(text.lower().split()))


def normalise_areas(text: str) -> str:
    return "; ".join(area.strip() for area in text.replace(",", ";").split(";") if area.strip())


def read_csv(data: bytes | str) -> list[dict[str, str]]:
    """Rows of a CSV as dicts; UTF-8 with or without BOM, comma or semicolon (as Excel writes it).

    A file the CSV reader cannot take (a field longer than it reads, a broken quote) raises
    `DomainError` saying so."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
        return list(reader)
    except csv.Error:
        raise DomainError(_l(
            "The file cannot be read as CSV: a field is too long (more than %(num)d characters) or a quote is "
            "not closed.", num=csv.field_size_limit())) from None


# Characters no cell may hold (the database refuses NUL; the others are never meant): control
# characters other than tab and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(row: dict) -> bool:
    """Whether any cell of the row (extra cells included) holds a control character."""
    values = []
    for value in row.values():
        values.extend(value if isinstance(value, list) else [value])
    return any(isinstance(value, str) and CONTROL_CHARACTERS.search(value) for value in values)


def import_organisations(session: Session, rows: list[dict[str, str]]) -> ImportResult:
    """Create or update organisations by name; refuse rows that cannot be right, saying why.

    Line numbers count the header as line 1, as a spreadsheet shows them.
    """
    result = ImportResult()
    if rows and "name" not in rows[0]:
        result.refused.append((1, _l("the header has no “name” column")))
        return result
    existing = {org.name: org for org in session.scalars(select(Organisation))}
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if has_control_characters(row):
            result.refused.append((line, _l("a cell holds a control character (such as a NUL byte)")))
            continue
        name = " ".join((row.get("name") or "").split())
        sector_text = (row.get("sector") or "").strip()
        if not name:
            result.refused.append((line, _l("no name")))
            continue
        if len(name) > MAX_NAME_LENGTH:
            result.refused.append((line, _l("name longer than %(num)d characters", num=MAX_NAME_LENGTH)))
            continue
        if name in seen:
            result.refused.append((line, _l("“%(name)s” appears earlier in the file", name=name[:100])))
            continue
        sector = parse_sector(sector_text)
        if sector is None:
            result.refused.append((line, _l(
                "unknown sector “%(sector)s” (use ngo, state_administration, municipality or other)",
                sector=sector_text[:100])))
            continue
        contact_text = next((row[c] or "" for c in CONTACT_COLUMNS if row.get(c) is not None), "").strip()
        contact = None  # no address in the file: the directory's own is kept
        if contact_text:
            try:
                contact = normalise_contact(contact_text)
            except DomainError:
                result.refused.append((line, _l("the contact address “%(address)s” is not valid",
                                                 address=contact_text[:100])))
                continue
        region_text = row.get("region")
        region = " ".join(region_text.split())[:MAX_REGION_LENGTH] if region_text is not None else None
        seen.add(name)
        areas = normalise_areas(row.get("policy_areas") or "")
        org = existing.get(name)
        if org is None:
            session.add(Organisation(name=name, sector=sector, policy_areas=areas, contact_email=contact or "",
                                     region=region or ""))
            result.created += 1
            continue
        wanted = {"sector": sector, "policy_areas": areas}
        if contact is not None:
            wanted["contact_email"] = contact
        if region is not None:
            wanted["region"] = region
        changed = {key: value for key, value in wanted.items() if getattr(org, key) != value}
        if changed:
            for key, value in changed.items():
                setattr(org, key, value)
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    return result


def find_organisation(session: Session, name: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.name == name))


SEARCH_LIMIT = 10
MAX_QUERY_LENGTH = 100


def latvian_sorted(names: list[str]) -> list[str]:
    """In Latvian alphabetical order: a ā b c č … (Python alone puts ā after z)."""
    return sorted(names, key=latvian_key)


def search_organisations(session: Session, query: str, limit: int = SEARCH_LIMIT) -> list[Organisation]:
    """Directory organisations whose name holds every word of `query`, ignoring case and diacritics.

    Folding happens in Python so that SQLite and PostgreSQL agree; the directory holds a few
    hundred names, read as (name, sector) only.
    """
    words = fold(query[:MAX_QUERY_LENGTH]).split()
    if not words:
        return []
    found = [org for org in session.scalars(select(Organisation)) if all(word in fold(org.name) for word in words)]
    return sorted(found, key=lambda org: latvian_key(org.name))[:limit]


# Contact addresses and the organisers' view of the directory ----------------------------------

def normalise_contact(text: str) -> str:
    """A contact address as kept: checked as the forms check one, the domain lower-cased."""
    text = text.strip()
    if not text:
        return ""
    try:
        valid = validate_email(text, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        raise DomainError(_l("This is not a valid email address."), field="contact_email") from None
    return valid.normalized


def update_contact(session: Session, actor: User | None, org: Organisation, contact_email: str, region: str,
                   invite_again: bool = False) -> bool:
    """Change an organisation's contact address and region (audited); True when anything changed.

    `invite_again` clears the organisation's request not to be invited (it asked the secretariat).
    """
    contact = normalise_contact(contact_email)
    region = " ".join(region.split())[:MAX_REGION_LENGTH]
    changed = [key for key, value in (("contact_email", contact), ("region", region)) if getattr(org, key) != value]
    for key in changed:
        setattr(org, key, contact if key == "contact_email" else region)
    if invite_again and org.unsubscribed_at is not None:
        org.unsubscribed_at = None
        changed.append("unsubscribed_at")
    if changed:
        audit.record(session, actor, "organisation.contact", org, fields=changed)
    return bool(changed)


@dataclass(frozen=True)
class DirectoryFilters:
    """Which part of the directory: a sector, a region, a policy area (exact, as the directory writes
    them), and whether it has a contact address ("yes", "no" or "" for either)."""

    sector: Sector | None = None
    region: str = ""
    policy_area: str = ""
    contact: str = ""

    @classmethod
    def from_args(cls, args) -> "DirectoryFilters":
        sector = parse_sector(args.get("sector", "") or "")
        contact = args.get("contact", "")
        return cls(
            sector=sector if sector and (args.get("sector") or "") == sector.value else None,
            region=" ".join((args.get("region") or "").split())[:MAX_REGION_LENGTH],
            policy_area=" ".join((args.get("policy_area") or "").split())[:200],
            contact=contact if contact in ("yes", "no") else "",
        )

    def as_args(self) -> dict[str, str]:
        values = {"sector": self.sector.value if self.sector else "", "region": self.region,
                  "policy_area": self.policy_area, "contact": self.contact}
        return {key: value for key, value in values.items() if value}

    def matches(self, org: Organisation) -> bool:
        if self.sector is not None and org.sector is not self.sector:
            return False
        if self.region and fold(org.region) != fold(self.region):
            return False
        if self.policy_area and fold(self.policy_area) not in {fold(area) for area in org.policy_area_list}:
            return False
        if self.contact == "yes" and not org.contact_email:
            return False
        return not (self.contact == "no" and org.contact_email)


def directory(session: Session, filters: DirectoryFilters = DirectoryFilters()) -> list[Organisation]:
    """The organisations the filters name, in Latvian alphabetical order (the directory is a few
    hundred rows: filtered in Python, so that policy areas match alike on SQLite and PostgreSQL)."""
    found = [org for org in session.scalars(select(Organisation)) if filters.matches(org)]
    return sorted(found, key=lambda org: latvian_key(org.name))


@dataclass(frozen=True)
class FilterChoices:
    regions: list[str]
    policy_areas: list[str]


def filter_choices(session: Session) -> FilterChoices:
    """The regions and policy areas the directory holds, for the filters' options."""
    regions, areas = set(), set()
    for region, policy_areas in session.execute(select(Organisation.region, Organisation.policy_areas)):
        if region:
            regions.add(region)
        areas.update(area.strip() for area in (policy_areas or "").split(";") if area.strip())
    return FilterChoices(latvian_sorted(list(regions)), latvian_sorted(list(areas)))


def without_contact(session: Session, filters: DirectoryFilters = DirectoryFilters()) -> list[Organisation]:
    """The organisations with no contact address: the secretariat asks them for one."""
    return directory(session, DirectoryFilters(filters.sector, filters.region, filters.policy_area, "no"))


def mark_unsubscribed(session: Session, org: Organisation, now: datetime) -> bool:
    """The organisation asked not to be invited again; True the first time."""
    if org.unsubscribed_at is not None:
        return False
    org.unsubscribed_at = now
    audit.record(session, None, "organisation.unsubscribe", org)
    return True
