"""Dates and times as people in Latvia read them: Europe/Riga, in the page's language."""
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_time

RIGA = ZoneInfo("Europe/Riga")


def riga_datetime_from_local(day: date, at: time) -> datetime:
    """A wall-clock time in Riga, as an aware datetime (DST handled by zoneinfo)."""
    return datetime.combine(day, at, tzinfo=RIGA)


def to_riga(moment: datetime) -> datetime:
    return moment.astimezone(RIGA)


def riga_date(moment: datetime | None, style: str = "long") -> str:
    if moment is None:
        return ""
    return format_date(to_riga(moment).date(), style)


def riga_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return format_time(moment, "HH:mm")


def riga_datetime(moment: datetime | None) -> str:
    """'2026. gada 19. decembris, 23:59'."""
    if moment is None:
        return ""
    return f"{riga_date(moment)}, {riga_time(moment)}"


def time_range(start: datetime, end: datetime | None) -> str:
    """'3. septembris 2025, 10:00–15:00' or across days '… – …'."""
    if end is None:
        return f"{riga_date(start)}, {riga_time(start)}"
    if to_riga(start).date() == to_riga(end).date():
        return f"{riga_date(start)}, {riga_time(start)}–{riga_time(end)}"
    return f"{riga_date(start)} {riga_time(start)} – {riga_date(end)} {riga_time(end)}"
