"""Drawing badges with reportlab: text that fits its box, the QR code, the layouts.

Text is set in DejaVu Sans (`pdf.register_fonts`), embedded, so that every Latvian letter prints. Names and
organisations shrink, then wrap, to fit their box; what still does not fit is cut with "…",
so nothing ever runs off a badge. Measurements are in PDF points (`mm` converts).
"""
import functools
import re
from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import HexColor, white
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from ...models import Sector
from ...pdf import BOLD, FONT

SECTOR_COLOURS = {  # as in static/css/app.css; dark enough for white text on them
    Sector.NGO: HexColor("#2e7d32"),
    Sector.STATE_ADMINISTRATION: HexColor("#1565c0"),
    Sector.MUNICIPALITY: HexColor("#6a1b9a"),
    Sector.OTHER: HexColor("#546e7a"),
}
INK = HexColor("#1d2430")
MUTED = HexColor("#5a6473")

# --- what a badge says ---------------------------------------------------------------------

@dataclass
class BadgeText:
    name: str
    organisation: str
    sector: Sector
    sector_label: str
    tracks: list[str]
    event_title: str
    when: str
    code: str


# --- fitting text --------------------------------------------------------------------------

@functools.lru_cache(maxsize=8192)
def _unit_width(text: str, font: str) -> float:
    return pdfmetrics.stringWidth(text, font, 1)


def text_width(text: str, font: str, size: float) -> float:
    """Widths grow with the size (reportlab does not kern), so each text is measured once."""
    return _unit_width(text, font) * size


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    """A word wider than the box: broken after a hyphen if that helps, else between letters."""
    pieces, current = [], ""
    for part in re.findall(r"[^-]+-?|-", word):
        if text_width(current + part, font, size) <= width:
            current += part
            continue
        if current:
            pieces.append(current)
        current = ""
        for char in part:
            if current and text_width(current + char, font, size) > width:
                pieces.append(current)
                current = ""
            current += char
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, font: str, size: float, width: float, break_words: bool = True) -> list[str]:
    """Greedy lines at word boundaries; a word wider than the box is broken (or, without
    `break_words`, left too wide: the caller then tries a smaller size)."""
    lines: list[str] = []
    current, current_width = "", 0.0
    space = text_width(" ", font, size)
    for word in text.split():
        word_width = text_width(word, font, size)
        if current and current_width + space + word_width <= width:
            current, current_width = f"{current} {word}", current_width + space + word_width
            continue
        if not current and word_width <= width:
            current, current_width = word, word_width
            continue
        if current:
            lines.append(current)
        if not break_words or word_width <= width:
            current, current_width = word, word_width
        else:
            *whole, current = _break_word(word, font, size, width)
            lines.extend(whole)
            current_width = text_width(current, font, size)
    if current:
        lines.append(current)
    return lines


def ellipsize(text: str, font: str, size: float, width: float, cut: bool = False) -> str:
    """`text`, cut short with "…" where it would pass `width` (or in any case, when `cut`)."""
    if not cut and text_width(text, font, size) <= width:
        return text
    while text and text_width(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


LEADING = 1.15


def _sizes(largest: float, smallest: float, step: float = 0.5):
    size = largest
    while size >= smallest:
        yield size
        size -= step


def fit(text: str, font: str, width: float, height: float, largest: float, smallest: float,
        max_lines: int) -> tuple[float, list[str]]:
    """The size and lines at which `text` fits the box, trying in turn: one line, down to 70 % of
    `largest`; whole words on several lines, down to `smallest`; words broken (after a hyphen
    first); and last, at `smallest`, the lines that fit with the last one cut by "…"."""
    if not text:
        return smallest, []

    def fits(lines, size) -> bool:
        return len(lines) <= max_lines and len(lines) * size * LEADING <= height

    one_line_floor = max(largest * 0.7, smallest)
    for size in _sizes(largest, one_line_floor):
        if text_width(text, font, size) <= width and size * LEADING <= height:
            return size, [text]
    for break_words in (False, True):
        for size in _sizes(largest, smallest):
            lines = wrap(text, font, size, width, break_words)
            if fits(lines, size) and all(text_width(line, font, size) <= width for line in lines):
                return size, lines
    size = smallest
    room = max(1, min(max_lines, int(height // (size * LEADING))))
    lines = wrap(text, font, size, width)
    if len(lines) > room:
        lines = lines[:room]
        lines[-1] = ellipsize(lines[-1], font, size, width, cut=True)
    return size, [ellipsize(line, font, size, width) for line in lines]


def draw_lines(canvas: Canvas, lines: list[str], font: str, size: float, x: float, top: float,
               colour=INK, centre_width: float | None = None) -> float:
    """Draw lines downwards from `top` (the top of the first line's box); returns the bottom."""
    canvas.setFont(font, size)
    canvas.setFillColor(colour)
    y = top
    for line in lines:
        y -= size * LEADING
        baseline = y + size * (LEADING - 1) + size * 0.22
        if centre_width is None:
            canvas.drawString(x, baseline, line)
        else:
            canvas.drawCentredString(x + centre_width / 2, baseline, line)
    return y


# --- the QR code ---------------------------------------------------------------------------

def qr_matrix(data: str) -> list[list[bool]]:
    # A fixed mask: choosing the best of eight costs ~5 ms a code (600 badges: 3 s) and any
    # mask reads; error correction M survives a crease or a smudge.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The code as vector squares on white, with a quiet zone of two modules.

    Written as raw PDF operators in module units (each row's dark run one rectangle):
    reportlab's own `rect` formats every number in Python, which made this most of a badge's time.
    """
    matrix = qr_matrix(data)
    count = len(matrix)
    quiet = 2
    module = size / (count + 2 * quiet)
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    runs = []
    for row_index, row in enumerate(matrix):
        start = None
        for col_index, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                runs.append(f"{start} {row_index} {col_index - start} 1 re")
                start = None
    canvas.saveState()
    canvas.setFillColor(INK)
    # Module units, the origin at the code's top left corner, rows counting downwards.
    canvas.transform(module, 0, 0, -module, x + quiet * module, y + size - quiet * module)
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()


# --- one badge -----------------------------------------------------------------------------

def draw_badge(canvas: Canvas, badge: BadgeText, x: float, y: float, width: float, height: float) -> None:
    """One badge in the box whose lower left corner is (x, y)."""
    if height > width:
        _draw_portrait(canvas, badge, x, y, width, height)
    else:
        _draw_landscape(canvas, badge, x, y, width, height)


def _band(canvas: Canvas, badge: BadgeText, x: float, top: float, width: float, band: float, pad: float) -> None:
    canvas.setFillColor(SECTOR_COLOURS[badge.sector])
    canvas.rect(x, top - band, width, band, stroke=0, fill=1)
    size, lines = fit(badge.sector_label.upper(), BOLD, width - 2 * pad, band * 0.8, band * 0.5, 6, 1)
    draw_lines(canvas, lines, BOLD, size, x + pad, top - (band - size * LEADING) / 2, colour=white)


def _tracks(badge: BadgeText, font_size: float, width: float, max_lines: int) -> list[str]:
    lines = [ellipsize(track, FONT, font_size, width) for track in badge.tracks]
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [f"+ {len(badge.tracks) - max_lines + 1}"]
    return lines


def _draw_landscape(canvas: Canvas, badge: BadgeText, x: float, y: float, width: float, height: float) -> None:
    """A card: the band on top, the code on the right, the words on the left."""
    pad = 3.5 * mm
    band = height * 0.16
    top = y + height
    _band(canvas, badge, x, top, width, band, pad)
    qr = min(width * 0.34, height - band - 2 * pad)
    draw_qr(canvas, badge.code, x + width - pad - qr, y + pad, qr)
    column = width - qr - 3 * pad
    left = x + pad
    small = max(height * 0.042, 5.5)  # 6.4 pt on a 54 mm card

    # From the bottom up: the event and its date, then the tracks; the name takes what is left.
    event_size, event_lines = fit(badge.event_title, FONT, column, small * LEADING * 2, small, 5, 2)
    when_size, when_lines = fit(badge.when, FONT, column, small * LEADING, small, 5, 1)
    bottom_block = (len(event_lines) * event_size + len(when_lines) * when_size) * LEADING
    track_size = small * 1.1
    track_lines = _tracks(badge, track_size, column, 2)
    track_block = len(track_lines) * track_size * LEADING

    cursor = top - band - pad * 0.8
    free = cursor - (y + pad) - bottom_block - track_block - 1.5 * mm
    org_reserve = 2 * 6.5 * LEADING if badge.organisation else 0
    name_size, name_lines = fit(badge.name, BOLD, column, free - org_reserve - 1 * mm, height * 0.13, 8, 3)
    name_block = len(name_lines) * name_size * LEADING
    org_size, org_lines = fit(badge.organisation, FONT, column, free - name_block - 1 * mm,
                              height * 0.05, 6, 2)
    cursor = draw_lines(canvas, name_lines, BOLD, name_size, left, cursor)
    cursor = draw_lines(canvas, org_lines, FONT, org_size, left, cursor - 0.6 * mm)
    if track_lines:
        draw_lines(canvas, track_lines, FONT, track_size, left, y + pad + bottom_block + track_block + 1.2 * mm)
    bottom = draw_lines(canvas, event_lines, FONT, event_size, left, y + pad + bottom_block, colour=MUTED)
    draw_lines(canvas, when_lines, FONT, when_size, left, bottom, colour=MUTED)


def _draw_portrait(canvas: Canvas, badge: BadgeText, x: float, y: float, width: float, height: float) -> None:
    """A page: the band on top, the name large across it, the code centred below."""
    pad = 8 * mm
    band = 16 * mm
    top = y + height
    _band(canvas, badge, x, top, width, band, pad)
    inner = width - 2 * pad
    left = x + pad

    event_size, event_lines = fit(badge.event_title, FONT, inner, 9 * LEADING * 2, 9, 6, 2)
    when_size, when_lines = fit(badge.when, FONT, inner, 9 * LEADING, 9, 6, 1)
    bottom_block = (len(event_lines) * event_size + len(when_lines) * when_size) * LEADING
    qr = min(inner * 0.55, 46 * mm)
    qr_bottom = y + pad + bottom_block + 3 * mm
    draw_qr(canvas, badge.code, x + (width - qr) / 2, qr_bottom, qr)
    track_lines = _tracks(badge, 11, inner, 3)
    track_block = len(track_lines) * 11 * LEADING

    cursor = top - band - 6 * mm
    free = cursor - (qr_bottom + qr) - track_block - 6 * mm
    org_reserve = 2 * 10 * LEADING if badge.organisation else 0
    name_size, name_lines = fit(badge.name, BOLD, inner, free - org_reserve - 3 * mm, 32, 12, 3)
    name_block = len(name_lines) * name_size * LEADING
    org_size, org_lines = fit(badge.organisation, FONT, inner, free - name_block - 3 * mm, 16, 8, 3)
    cursor = draw_lines(canvas, name_lines, BOLD, name_size, left, cursor, centre_width=inner)
    cursor = draw_lines(canvas, org_lines, FONT, org_size, left, cursor - 2 * mm, centre_width=inner)
    if track_lines:
        draw_lines(canvas, track_lines, FONT, 11, left, cursor - 3 * mm, centre_width=inner)
    bottom = draw_lines(canvas, event_lines, FONT, event_size, left, y + pad + bottom_block, colour=MUTED,
                        centre_width=inner)
    draw_lines(canvas, when_lines, FONT, when_size, left, bottom, colour=MUTED, centre_width=inner)


# --- documents -----------------------------------------------------------------------------

A6 = (105 * mm, 148 * mm)
A4 = (210 * mm, 297 * mm)
LABEL = (90 * mm, 54 * mm)  # Dymo / Brother name-badge labels, and common badge holders
SHEET_COLUMNS, SHEET_ROWS = 2, 4
SHEET_CELL = (95 * mm, 68 * mm)


def cut_marks(canvas: Canvas, left: float, bottom: float) -> None:
    """Short lines in the margins, in line with every cut; none cross a badge."""
    cell_w, cell_h = SHEET_CELL
    right, top = left + SHEET_COLUMNS * cell_w, bottom + SHEET_ROWS * cell_h
    gap, length = 2 * mm, 6 * mm
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.3)
    for column in range(SHEET_COLUMNS + 1):
        cut = left + column * cell_w
        canvas.line(cut, top + gap, cut, top + gap + length)
        canvas.line(cut, bottom - gap, cut, bottom - gap - length)
    for row in range(SHEET_ROWS + 1):
        cut = bottom + row * cell_h
        canvas.line(left - gap, cut, left - gap - length, cut)
        canvas.line(right + gap, cut, right + gap + length, cut)


