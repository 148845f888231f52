"""The directory of organisations: importing it from CSV and searching it."""
import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Organisation, Sector
from .checkin.badges import latvian_key
from .coverage.words import fold

# Besides the codes, the Latvian words people write in a spreadsheet.
SECTOR_WORDS = {
    "ngo": Sector.NGO, "nvo": Sector.NGO, "biedrība": Sector.NGO, "nodibinājums": Sector.NGO,
    "state_administration": Sector.STATE_ADMINISTRATION, "valsts pārvalde": Sector.STATE_ADMINISTRATION,
    "municipality": Sector.MUNICIPALITY, "pašvaldība": Sector.MUNICIPALITY,
    "other": Sector.OTHER, "cits": Sector.OTHER, "cita": Sector.OTHER,
}
MAX_NAME_LENGTH = 300


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def parse_sector(text: str) -> Sector | None:
    return SECTOR_WORDS.get(" ".join(text.lower().split()))


def normalise_areas(text: str) -> str:
    return "; ".join(area.strip() for area in text.replace(",", ";").split(";") if area.strip())


def read_csv(data: bytes | str) -> list[dict[str, str]]:
    """Rows of a CSV as dicts; UTF-8 with or without BOM, comma or semicolon (as Excel writes it)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    return list(reader)


def import_organisations(session: Session, rows: list[dict[str, str]]) -> ImportResult:
    """Create or update organisations by name; refuse rows that cannot be right, saying why.

    Line numbers count the header as line 1, as a spreadsheet shows them.
    """
    result = ImportResult()
    if rows and "name" not in rows[0]:
        result.refused.append((1, "the header has no 'name' column"))
        return result
    existing = {org.name: org for org in session.scalars(select(Organisation))}
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        name = " ".join((row.get("name") or "").split())
        sector_text = (row.get("sector") or "").strip()
        if not name:
            result.refused.append((line, "no name"))
            continue
        if len(name) > MAX_NAME_LENGTH:
            result.refused.append((line, f"name longer than {MAX_NAME_LENGTH} characters"))
            continue
        if name in seen:
            result.refused.append((line, f"'{name}' appears earlier in the file"))
            continue
        sector = parse_sector(sector_text)
        if sector is None:
            result.refused.append((line, f"unknown sector '{sector_text}' (use ngo, state_administration, municipality or other)"))
            continue
        seen.add(name)
        areas = normalise_areas(row.get("policy_areas") or "")
        org = existing.get(name)
        if org is None:
            session.add(Organisation(name=name, sector=sector, policy_areas=areas))
            result.created += 1
        elif (org.sector, org.policy_areas) != (sector, areas):
            org.sector, org.policy_areas = sector, areas
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
