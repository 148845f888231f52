"""PDF basics shared by badges, reports and summaries: a Unicode font for every Latvian letter."""
import threading
from pathlib import Path

from flask_babel import lazy_gettext as _l
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
# Debian's fonts-dejavu-core first, then where other systems put fonts; then searched below these.
FONT_DIRS = [
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
]
FONT_ROOTS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts"]
# The council's full name, heading every document it issues.
COUNCIL = _l("Council for the Implementation of the Memorandum of Cooperation between NGOs and the Cabinet of Ministers")




class FontMissing(RuntimeError):
    """DejaVu Sans is not installed, so no PDF can be made."""


_lock = threading.Lock()
_registered = False


def find_font(filename: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / filename).is_file():
            return folder / filename
    for root in FONT_ROOTS:
        if root.is_dir():
            found = next(root.rglob(filename), None)
            if found is not None:
                return found
    looked = ", ".join(str(p) for p in [*FONT_DIRS, *FONT_ROOTS])
    raise FontMissing(
        f"PDFs (badges, reports, summaries) need the DejaVu Sans font ({filename}), which was not found in "
        f"{looked}. Install Debian's fonts-dejavu-core (`make browser` does: apt-get install fonts-dejavu-core)."
    )


def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans with reportlab once per process; returns the (regular, bold) font names."""
    global _registered
    with _lock:
        if not _registered:
            for name, filename in FONT_FILES.items():
                pdfmetrics.registerFont(TTFont(name, str(find_font(filename))))
            _registered = True
    return FONT, BOLD


def column_widths(columns: list[list[str]], font: str, size: float, total: float, padding: float) -> list[float]:
    """Widths for a table's columns (each a list of its cells' texts) that add up to `total`.

    Every column is at least as wide as its longest word, so that no heading and no Latvian
    word is ever broken in the middle (reportlab would cut "Minimums" into "Minimum" and "s");
    the width left over goes to the columns whose text would otherwise wrap, in proportion to
    how much of it there is. When even the longest words do not fit, only the first cell of
    each column (its heading) keeps its words whole.
    """
    def widest(texts: list[str], whole: bool) -> float:
        pieces = [text if whole else word for text in texts for word in (text.split() or [""])]
        return max((pdfmetrics.stringWidth(piece, font, size) for piece in pieces), default=0) + 2 * padding

    floors = [widest(texts, whole=False) for texts in columns]
    if sum(floors) > total:
        floors = [widest(texts[:1], whole=False) for texts in columns]
    if sum(floors) > total:
        return [total * floor / sum(floors) for floor in floors]
    wants = [max(widest(texts, whole=True) - floor, 0) for texts, floor in zip(columns, floors)]
    spare = total - sum(floors)
    if sum(wants) <= spare:
        # Everything fits on one line: the rest is shared as the text is long.
        shares = [floor + want for floor, want in zip(floors, wants)]
        spare -= sum(wants)
        return [floor + want + spare * share / sum(shares) for floor, want, share in zip(floors, wants, shares)]
    return [floor + spare * want / sum(wants) for floor, want in zip(floors, wants)]
