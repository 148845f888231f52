"""Dates and times as people in Latvia read them: Europe/Riga, in the page's language."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from flask_babel import format_date

from .languages import babel_locale

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
    """'09:05' on Riga's clock (a moment without a zone is taken as UTC). The same in every language,
    so written without babel's formatter: lists call this for hundreds of rows."""
    if moment is None:
        return ""
    return to_riga(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).strftime("%H:%M")


def long_date(day: date, language: str) -> str:
    """A day in words in `language`, without a request: '2026. gada 15. janvāris', '15 January 2026'."""
    return babel_format_date(day, "long", locale=babel_locale(language))


def calendar_date(day: date | None, style: str = "long") -> str:
    """A date without a time (a task's deadline), in the page's language."""
    return format_date(day, style) if day else ""


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


# After "līdz" Latvian puts the date in the dative: "līdz 2026. gada 1. decembrim". Babel's
# locale data has only the nominative month names, so the dative ones are kept here.
LATVIAN_MONTHS_DATIVE = (
    "janvārim", "februārim", "martam", "aprīlim", "maijam", "jūnijam",
    "jūlijam", "augustam", "septembrim", "oktobrim", "novembrim", "decembrim",
)
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def _language(locale) -> str:
    """'lv' from 'lv', 'lv_LV' or a babel Locale; the page's language when None."""
    if locale is None:
        from flask_babel import get_locale

        locale = get_locale()
    language = getattr(locale, "language", None) or str(locale or "lv")
    return language.replace("-", "_").split("_")[0].lower()


def until_date(moment: datetime | None, locale=None, with_time: bool = False) -> str:
    """Until when, in Riga time, in the grammar of the language (the page's when `locale` is None):
    'līdz 2026. gada 1. decembrim' / 'until 1 December 2026'; with the time
    'līdz 2026. gada 1. decembrim plkst. 17:00' / 'until 1 December 2026, 17:00'."""
    if moment is None:
        return ""
    local = to_riga(moment)
    clock = local.strftime("%H:%M")  # as `riga_time` writes it
    if _language(locale) == "lv":
        text = f"līdz {local.year}. gada {local.day}. {LATVIAN_MONTHS_DATIVE[local.month - 1]}"
        return f"{text} plkst. {clock}" if with_time else text
    text = f"until {local.day} {ENGLISH_MONTHS[local.month - 1]} {local.year}"
    return f"{text}, {clock}" if with_time else text


# "On" a date Latvian puts it in the locative: "2026. gada 1. decembrī".
LATVIAN_MONTHS_LOCATIVE = (
    "janvārī", "februārī", "martā", "aprīlī", "maijā", "jūnijā",
    "jūlijā", "augustā", "septembrī", "oktobrī", "novembrī", "decembrī",
)


def on_date(moment: datetime | None, locale=None, with_time: bool = False) -> str:
    """On which day, in Riga time, in the grammar of the language (the page's when `locale` is None):
    '2026. gada 1. decembrī' / 'on 1 December 2026'; with the time
    '2026. gada 1. decembrī plkst. 09:30' / 'on 1 December 2026 at 09:30'."""
    if moment is None:
        return ""
    local = to_riga(moment)
    clock = local.strftime("%H:%M")
    if _language(locale) == "lv":
        text = f"{local.year}. gada {local.day}. {LATVIAN_MONTHS_LOCATIVE[local.month - 1]}"
        return f"{text} plkst. {clock}" if with_time else text
    text = f"on {local.day} {ENGLISH_MONTHS[local.month - 1]} {local.year}"
    return f"{text} at {clock}" if with_time else text
