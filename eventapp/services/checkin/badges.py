"""Name badges as PDF: one per A6 page, eight to an A4 sheet with cut marks, or one per 90 × 54 mm label.

A badge shows the person's name (large), their organisation, their sector as a coloured band
that also carries the sector's name (colour is never the only sign), their tracks, the event
and its date, and a QR code. The code is `EVA1:` followed by the registration's random
`badge_secret`: never an id, so badges cannot be guessed or made up; the prefix lets the
scanner tell our codes from any other QR code (`parse_code` in `services/checkin/check_ins.py`).
How a badge is drawn is in `badge_layout.py`.
"""
import io
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import and_, select
from sqlalchemy.orm import Session, joinedload

from ...formatting import riga_date, riga_time
from ...languages import in_language, normalise_language
from ...models import AttendanceMode, Event, Registration, RegistrationStatus, Sector, TrackChoice
from ...pdf import register_fonts
from .badge_layout import (
    A4,
    A6,
    LABEL,
    SHEET_CELL,
    SHEET_COLUMNS,
    SHEET_ROWS,
    BadgeText,
    cut_marks,
    draw_badge,
)

CODE_PREFIX = "EVA1:"
LAYOUTS = ("a6", "a4", "label")

def badge_code(registration: Registration) -> str:
    """What the QR code carries."""
    return CODE_PREFIX + registration.badge_secret


# --- what a badge says ---------------------------------------------------------------------

def _clean(text: str) -> str:
    """One line, composed characters (a name typed as `e` + combining macron prints as `ē`)."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


class _Wording:
    """The badge's words in each language, worked out once per document, not per badge."""

    def __init__(self):
        self._labels: dict[str, dict[Sector, str]] = {}
        self._events: dict[tuple[int, str], tuple[str, str]] = {}
        self._times: dict[tuple[int, str], str] = {}

    def sector(self, sector: Sector, language: str) -> str:
        if language not in self._labels:
            with in_language(language):
                self._labels[language] = {s: s.label for s in Sector}
        return self._labels[language][sector]

    def event(self, registration: Registration, language: str) -> tuple[str, str]:
        key = (registration.event_id, language)
        if key not in self._events:
            event = registration.event
            with in_language(language):
                when = riga_date(event.starts_at)
            place = event.city or event.venue
            self._events[key] = (_clean(event.local("title", language)), _clean(f"{when}, {place}" if place else when))
        return self._events[key]

    def slot_time(self, slot, language: str) -> str:
        key = (slot.id, language)
        if key not in self._times:
            with in_language(language):
                self._times[key] = riga_time(slot.starts_at)
        return self._times[key]

    def badge(self, registration: Registration) -> BadgeText:
        language = normalise_language(registration.language)
        title, when = self.event(registration, language)
        tracks = []
        for choice in registration.choices:
            if choice.status is not RegistrationStatus.CONFIRMED:
                continue
            track = choice.track
            line = f"{self.slot_time(track.slot, language)} {track.local('title', language)}"
            tracks.append(_clean(f"{line} · {track.room}" if track.room else line))
        return BadgeText(
            name=_clean(registration.full_name),
            organisation=_clean(registration.organisation_display),
            sector=registration.sector,
            sector_label=self.sector(registration.sector, language),
            tracks=tracks,
            event_title=title,
            when=when,
            code=badge_code(registration),
        )


# --- documents -----------------------------------------------------------------------------

def badges_pdf(registrations: Iterable[Registration], layout: str = "a6") -> bytes:
    """The badges of these registrations, in their order, as one PDF (`layout`: a6, a4 or label).

    Needs an application context (the sector's name and the date are in each person's language).
    Load the registrations with their event, organisation and choices (with tracks and slots).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown badge layout {layout!r}; one of {', '.join(LAYOUTS)}")
    register_fonts()
    wording = _Wording()
    badges = [wording.badge(registration) for registration in registrations]
    buffer = io.BytesIO()
    pagesize = {"a6": A6, "a4": A4, "label": LABEL}[layout]
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1)
    canvas.setTitle(str(_l("Badges")) if len(badges) != 1 else badges[0].name)
    canvas.setCreator("eventapp")
    if layout == "a4":
        cell_w, cell_h = SHEET_CELL
        left = (A4[0] - SHEET_COLUMNS * cell_w) / 2
        bottom = (A4[1] - SHEET_ROWS * cell_h) / 2
        per_sheet = SHEET_COLUMNS * SHEET_ROWS
        for start in range(0, len(badges), per_sheet):
            for index, badge in enumerate(badges[start:start + per_sheet]):
                row, column = divmod(index, SHEET_COLUMNS)
                x, y = left + column * cell_w, bottom + (SHEET_ROWS - 1 - row) * cell_h
                draw_badge(canvas, badge, x, y, cell_w, cell_h)
            cut_marks(canvas, left, bottom)
            canvas.showPage()
    else:
        for badge in badges:
            draw_badge(canvas, badge, 0, 0, *pagesize)
            canvas.showPage()
    if not badges:
        canvas.showPage()  # an empty document is still a valid PDF
    canvas.save()
    return buffer.getvalue()


# --- which badges, in which order ----------------------------------------------------------

def badge_registrations(session: Session, event: Event, *, track_id: int | None = None,
                        only_new: bool = False) -> list[Registration]:
    """The badges to print: confirmed, in-person registrations (of one track, or only those whose
    badge was never printed), loaded with what a badge shows, by surname."""
    event.tracks  # noqa: B018  (loads the time blocks and tracks once; the choices find theirs here)
    query = (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.attendance_mode == AttendanceMode.IN_PERSON,
            Registration.anonymised_at.is_(None),
        )
        .options(joinedload(Registration.organisation), joinedload(Registration.choices))  # one query, however many
    )
    if track_id is not None:
        query = query.where(Registration.choices.any(
            and_(TrackChoice.track_id == track_id, TrackChoice.status == RegistrationStatus.CONFIRMED)
        ))
    if only_new:
        query = query.where(Registration.badge_printed_at.is_(None))
    return sorted(session.scalars(query).unique(), key=by_surname)


def mark_printed(registrations: Iterable[Registration], now: datetime) -> None:
    for registration in registrations:
        registration.badge_printed_at = now



_LATVIAN = "aābcčdeēfgģhiījkķlļmnņoprsštuūvzž"
_ORDER = {letter: index for index, letter in enumerate(_LATVIAN)}


def latvian_key(text: str) -> tuple:
    """Sorts as the Latvian alphabet does: a ā b c č … (Python alone puts ā after z)."""
    return tuple(_ORDER.get(char, 100 + ord(char)) for char in unicodedata.normalize("NFC", text.casefold()))


def by_surname(registration: Registration) -> tuple:
    """Badges laid out on the table by surname: the last word of the name, then the whole name."""
    words = registration.full_name.split() or [""]
    return latvian_key(words[-1]), latvian_key(registration.full_name)
