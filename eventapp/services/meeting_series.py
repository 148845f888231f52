"""A season of online meetings, made at once from the council's sessions.

The monthly online meeting with the signatory organisations is held on the Thursday of the week
after each council session. From the sessions of a season (the council sessions in the calendar
between two dates, or dates the organiser types), `plan_series` lists the meetings to make, and
`create_series` makes each one an event of its own, with its own registration. A meeting already
on that day is never made twice.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..formatting import long_date, riga_datetime_from_local, to_riga
from ..models import Event, EventKind, EventStatus, User
from . import events
from .exceptions import DomainError

DEFAULT_TITLE_LV = "Tiešsaistes tikšanās ar memoranda parakstītājām organizācijām, {date}"
DEFAULT_TITLE_EN = "Online meeting with the memorandum's signatory organisations, {date}"
MOST_MEETINGS = 60  # a season is a year at most; more is a typing slip
SERIES_LOCK_KEY = 4_711_202_601  # PostgreSQL advisory lock: one season made at a time


def meeting_date_after(session_date: date) -> date:
    """The day of the online meeting after a council session: the Thursday of the next week
    (weeks run Monday to Sunday)."""
    return events.thursday_after_council_session(session_date)


def meeting_title(pattern: str, day: date, language: str) -> str:
    """The pattern with `{date}` replaced by the day in the language; without `{date}`, the day
    is added at the end."""
    text = long_date(day, language)
    pattern = pattern.strip()
    if "{date}" not in pattern:
        return f"{pattern}, {text}" if pattern else text
    return pattern.replace("{date}", text)


DATE_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?$"), (3, 2, 1)),
)


def _one_date(word: str) -> date | None:
    for pattern, (y, m, d) in DATE_FORMATS:
        match = pattern.match(word)
        if match:
            try:
                day = date(int(match.group(y)), int(match.group(m)), int(match.group(d)))
            except ValueError:
                return None
            return day if 2000 <= day.year <= 2100 else None
    return None


def parse_dates(text: str) -> list[date]:
    """Dates typed one per line or separated by commas or spaces, as 2026-01-15 or 15.01.2026;
    sorted, each once. A word that is not a date raises `DomainError` naming it."""
    found = set()
    for word in re.split(r"[\s,;]+", text.strip()):
        if not word:
            continue
        day = _one_date(word)
        if day is None:
            raise DomainError(
                _l("“%(word)s” is not a date; write dates as 2026-01-15 or 15.01.2026.", word=word[:40]), "dates")
        found.add(day)
    if len(found) > MOST_MEETINGS:
        raise DomainError(_l("At most %(num)d dates at once.", num=MOST_MEETINGS), "dates")
    return sorted(found)


def council_session_dates(session: Session, first: date, last: date) -> list[date]:
    """The Riga days of the council sessions (not cancelled) from `first` to `last`, inclusive."""
    if last < first:
        raise DomainError(_l("The end of the period must not be before its start."), "last_day")
    starts = session.scalars(
        select(Event.starts_at).where(
            Event.kind == EventKind.COUNCIL_SESSION, Event.status != EventStatus.CANCELLED,
            Event.starts_at >= riga_datetime_from_local(first, time(0)),
            Event.starts_at < riga_datetime_from_local(last + timedelta(days=1), time(0)),
        ).order_by(Event.starts_at)
    )
    return sorted({to_riga(moment).date() for moment in starts})


@dataclass
class PlannedMeeting:
    session_date: date
    meeting_date: date
    starts_at: datetime
    ends_at: datetime
    title_lv: str
    title_en: str
    existing: Event | None  # an online meeting already on that day: nothing is made

    @property
    def to_create(self) -> bool:
        return self.existing is None


@dataclass
class SeriesSettings:
    starts: time
    ends: time
    title_lv: str = DEFAULT_TITLE_LV
    title_en: str = DEFAULT_TITLE_EN
    remote_link: str = ""
    description_lv: str = ""
    description_en: str = ""
    publish: bool = False


def existing_meetings(session: Session, days: list[date]) -> dict[date, Event]:
    """Online meetings (not cancelled) on any of `days`, by their Riga day. One query."""
    if not days:
        return {}
    found = session.scalars(
        select(Event).where(
            Event.kind == EventKind.ONLINE_MEETING, Event.status != EventStatus.CANCELLED,
            Event.starts_at >= riga_datetime_from_local(min(days), time(0)),
            Event.starts_at < riga_datetime_from_local(max(days) + timedelta(days=1), time(0)),
        ).order_by(Event.starts_at, Event.id)
    )
    by_day: dict[date, Event] = {}
    for event in found:
        by_day.setdefault(to_riga(event.starts_at).date(), event)
    return {day: event for day, event in by_day.items() if day in set(days)}


def plan_series(session: Session, session_dates: list[date], settings: SeriesSettings) -> list[PlannedMeeting]:
    """The meeting after each session, at the organiser's Riga time (summer or winter time as
    the day has it), and whether one is already there."""
    if settings.ends <= settings.starts:
        raise DomainError(_l("The meeting must end after it starts."), "ends")
    meeting_days = {}
    for session_date in sorted(set(session_dates)):
        meeting_days.setdefault(meeting_date_after(session_date), session_date)
    existing = existing_meetings(session, list(meeting_days))
    return [
        PlannedMeeting(
            session_date=session_date, meeting_date=day,
            starts_at=riga_datetime_from_local(day, settings.starts),
            ends_at=riga_datetime_from_local(day, settings.ends),
            title_lv=meeting_title(settings.title_lv, day, "lv")[:300],
            title_en=meeting_title(settings.title_en, day, "en")[:300],
            existing=existing.get(day),
        )
        for day, session_date in sorted(meeting_days.items())
    ]


def lock_series(session: Session) -> None:
    """Make seasons one at a time, until the transaction ends, so that two organisers pressing
    “make” at the same moment never both find a day free. On PostgreSQL a transaction-level
    advisory lock; on SQLite a write that changes nothing takes the database's write lock at once
    (before the days are looked at, rather than at the first insert)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SERIES_LOCK_KEY})
    elif dialect == "sqlite":
        session.execute(text(f"UPDATE {Event.__tablename__} SET id = id WHERE 1 = 0"))


def create_series(
    session: Session, actor: User | None, session_dates: list[date], settings: SeriesSettings
) -> list[Event]:
    """Make the planned meetings that are not there yet, as drafts or published; returns the new ones.

    Planned again here (not taken from an earlier preview), under `lock_series`, so that running it
    twice, even at the same moment, makes nothing twice.
    """
    lock_series(session)
    made = []
    for plan in plan_series(session, session_dates, settings):
        if not plan.to_create:
            continue
        data = events.EventData(
            kind=EventKind.ONLINE_MEETING, title_lv=plan.title_lv, title_en=plan.title_en,
            starts_at=plan.starts_at, ends_at=plan.ends_at, remote_allowed=True, remote_link=settings.remote_link,
            description_lv=settings.description_lv, description_en=settings.description_en,
        )
        event = events.create_event(session, actor, data)
        if settings.publish:
            events.publish_event(session, actor, event)
        made.append(event)
    return made
