"""What both benchmarks share: a throwaway PostgreSQL database, the app on it, one event.

Every run creates a database of its own, `eventapp_bench_<random>`, next to the database
named in `--database-url` / `BENCH_DATABASE_URL` (default: the machine's own server, as
the test suite uses it), builds the schema with the migrations (as in production), and
drops the database at the end, whatever happened.
"""
import argparse
import atexit
import contextlib
import math
import os
import shutil
import statistics
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import psycopg

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"

# The goals (bench/README.md) and the figures of comparable systems on 2-core machines.
GOAL_REGISTRATIONS_PER_MINUTE = 5000  # through HTTP, 2 cores
GOAL_WORKER_CPU_MS = 12.0  # gunicorn's CPU per registration (GET the form + POST it)
GOAL_POST_P95_MS = 500.0  # at 50 clients
GOAL_MS_PER_REGISTRATION = 7.0  # in process
REFERENCE_FIGURES = "Indico registration ~15 ms, pretix checkout ~110 ms"


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="a PostgreSQL database on the server to use; the benchmark creates and drops a database "
        "of its own next to it (default: $BENCH_DATABASE_URL or %(default)s)",
    )


def _plain_url(url: str) -> str:
    """psycopg wants `postgresql://`; accept SQLAlchemy's `postgresql+psycopg://` too."""
    for prefix in ("postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix):]
    return url


@contextlib.contextmanager
def bench_database(base_url: str):
    """Yield the URL of a new, empty database `eventapp_bench_<random>`; drop it afterwards."""
    base_url = _plain_url(base_url)
    name = f"eventapp_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    head, _, tail = base_url.rpartition("/")
    _, sep, query = tail.partition("?")
    url = f"{head}/{name}{sep}{query}"
    try:
        yield url
    finally:
        with psycopg.connect(base_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(database_url: str, **config):
    """The app on `database_url`; mail is never sent (no MAIL_SERVER), files go to a temporary folder."""
    from eventapp import create_app

    scratch = Path(tempfile.mkdtemp(prefix="eventapp-bench-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "bench",
        "MAIL_SERVER": None,
        "MAIL_FOLDER": str(scratch / "mail"),
        "UPLOAD_FOLDER": str(scratch / "uploads"),
    }
    settings.update(config)
    return create_app(settings)


def migrate(app) -> None:
    """Build the schema the way production does: the migrations."""
    import logging

    from flask_migrate import upgrade

    # Alembic's logging configuration announces every migration; the figures matter here.
    logging.disable(logging.INFO)
    try:
        with app.app_context():
            upgrade()
    finally:
        logging.disable(logging.NOTSET)


@dataclass
class BenchEvent:
    id: int
    slug: str
    capacity: int
    slot_id: int
    track_ids: list[int]
    track_capacities: list[int]


def split_capacity(total: int, parts: int = 4) -> list[int]:
    """`total` seats over `parts` tracks, the larger ones first: 90 -> 23/23/22/22."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def create_event(app, *, capacity: int = 90, track_capacities=(25, 25, 20, 20), slug: str | None = None) -> BenchEvent:
    """A published regional session a month ahead, registration open, remote attendance allowed,
    one time block of parallel tracks (no seats held for state administration)."""
    from eventapp.extensions import db
    from eventapp.models import Event, EventKind, EventStatus, Slot, Track, utcnow

    now = utcnow()
    starts = (now + timedelta(days=30)).replace(hour=7, minute=0, second=0, microsecond=0)
    with app.app_context():
        event = Event(
            slug=slug or f"bench-{uuid.uuid4().hex[:8]}",
            kind=EventKind.REGIONAL_SESSION,
            status=EventStatus.PUBLISHED,
            title_lv="Izbraukuma sēde (slodzes tests)",
            title_en="Visiting session (load test)",
            venue="Jēkabpils pilsētas kultūras nams",
            address="Brīvības iela 120",
            city="Jēkabpils",
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            capacity=capacity,
            registration_opens_at=now - timedelta(days=1),
            registration_closes_at=starts - timedelta(days=1),
            remote_allowed=True,
            remote_link="https://meet.example.lv/bench",
        )
        slot = Slot(title_lv="Darba grupas", title_en="Working groups",
                    starts_at=starts + timedelta(hours=3), ends_at=starts + timedelta(hours=4))
        event.slots.append(slot)
        for position, track_capacity in enumerate(track_capacities, start=1):
            slot.tracks.append(Track(
                position=position, title_lv=f"Darba grupa {position}", title_en=f"Working group {position}",
                capacity=track_capacity, state_admin_minimum=0,
            ))
        db.session.add(event)
        db.session.commit()
        result = BenchEvent(
            id=event.id, slug=event.slug, capacity=capacity, slot_id=slot.id,
            track_ids=[t.id for t in slot.tracks], track_capacities=list(track_capacities),
        )
        db.session.remove()
    return result


DIRECTORY_SIZE = 577  # the memorandum's signatory organisations


def load_directory(app) -> list[tuple[str, str]]:
    """The demo directory of organisations (eventapp/data/organisations.csv), filled up to the
    memorandum's 577 signatories with numbered associations, as production has it; returns
    [(name, sector value)]."""
    from eventapp.extensions import db
    from eventapp.services import organisations

    rows = organisations.read_csv((PROJECT_ROOT / "eventapp" / "data" / "organisations.csv").read_bytes())
    rows += [{"name": f"biedrība \"Kopienu tīkls Nr. {n}\"", "sector": "ngo", "policy_areas": "kopienas"}
             for n in range(len(rows) + 1, DIRECTORY_SIZE + 1)]
    with app.app_context():
        organisations.import_organisations(db.session, rows)
        db.session.commit()
        db.session.remove()
    return [(" ".join(row["name"].split()), organisations.parse_sector(row["sector"]).value) for row in rows]


FIRST_NAMES = ["Anna", "Jānis", "Līga", "Andris", "Ilze", "Mārtiņš", "Dace", "Edgars", "Kristīne", "Raimonds"]
SURNAMES = ["Bērziņa", "Kalniņš", "Ozola", "Liepiņš", "Krūmiņa", "Jansons", "Zariņa", "Vītols", "Pētersone", "Eglītis"]


@dataclass
class Attendee:
    """What one person types into the form; `track_index` picks the event's track round-robin."""

    full_name: str
    email: str
    sector: str
    organisation: str
    attendance_mode: str  # "in_person" or "remote"
    track_index: int
    language: str


def attendee(i: int, directory: list[tuple[str, str]], run: str, *, remote_every: int | None = 10) -> Attendee:
    """The i-th attendee: distinct email, tracks round-robin, every `remote_every`-th remote (10%),
    two in three from an organisation in the directory, the others typing a name of their own."""
    if directory and i % 3 != 2:
        organisation, sector = directory[i % len(directory)]
    else:
        organisation, sector = f'biedrība "Vietējā iniciatīva {i}"', "ngo"
    remote = remote_every is not None and i % remote_every == remote_every - 1
    return Attendee(
        full_name=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {SURNAMES[(i // len(FIRST_NAMES)) % len(SURNAMES)]}",
        email=f"dalibnieks.{run}.{i:05d}@example.lv",
        sector=sector,
        organisation=organisation,
        attendance_mode="remote" if remote else "in_person",
        track_index=i,
        language="en" if i % 5 == 4 else "lv",
    )


# --- checks on the stored result -------------------------------------------------------

@dataclass
class Verification:
    registrations: int = 0
    confirmed: int = 0
    waitlisted: int = 0
    in_person_seated: int = 0
    oversold_event: int = 0
    oversold_tracks: dict[int, int] = field(default_factory=dict)
    without_message: int = 0
    messages: int = 0

    @property
    def oversold(self) -> int:
        return self.oversold_event + sum(self.oversold_tracks.values())


def verify(database_url: str, event: BenchEvent) -> Verification:
    """Count what the database holds for the event: seats above capacity, registrations without mail."""
    check = Verification()
    with psycopg.connect(_plain_url(database_url)) as conn:
        rows = dict(conn.execute(
            "SELECT status, count(*) FROM registration WHERE event_id = %s GROUP BY status", (event.id,)
        ).fetchall())
        check.confirmed = rows.get("confirmed", 0)
        check.waitlisted = rows.get("waitlisted", 0)
        check.registrations = sum(rows.values())
        check.in_person_seated = conn.execute(
            "SELECT count(*) FROM registration WHERE event_id = %s AND status = 'confirmed'"
            " AND attendance_mode = 'in_person'", (event.id,)
        ).fetchone()[0]
        check.oversold_event = max(check.in_person_seated - event.capacity, 0)
        taken = dict(conn.execute(
            "SELECT c.track_id, count(*) FROM track_choice c JOIN registration r ON r.id = c.registration_id"
            " WHERE r.event_id = %s AND r.status = 'confirmed' AND r.attendance_mode = 'in_person'"
            " AND c.status = 'confirmed' GROUP BY c.track_id", (event.id,)
        ).fetchall())
        for track_id, capacity in zip(event.track_ids, event.track_capacities):
            check.oversold_tracks[track_id] = max(taken.get(track_id, 0) - capacity, 0)
        check.without_message = conn.execute(
            "SELECT count(*) FROM registration r WHERE r.event_id = %s AND NOT EXISTS"
            " (SELECT 1 FROM outbox_message m WHERE m.registration_id = r.id)", (event.id,)
        ).fetchone()[0]
        check.messages = conn.execute(
            "SELECT count(*) FROM outbox_message m JOIN registration r ON r.id = m.registration_id"
            " WHERE r.event_id = %s", (event.id,)
        ).fetchone()[0]
    return check


# --- figures ----------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "mean": statistics.fmean(ms) if ms else math.nan,
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "max": max(ms) if ms else math.nan,
    }


def met(condition: bool) -> str:
    return "met" if condition else "NOT MET"


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows)
    print(f"\n{title}")
    print("-" * max(len(title), width + 20))
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
