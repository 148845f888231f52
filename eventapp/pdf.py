"""PDF basics shared by badges, reports and summaries: a Unicode font for every Latvian letter."""
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian's fonts-dejavu-core
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


@cache
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans with reportlab once; returns (regular, bold) font names."""
    for name in (FONT, FONT_BOLD):
        path = next((d / f"{name}.ttf" for d in FONT_DIRS if (d / f"{name}.ttf").exists()), None)
        if path is None:
            raise RuntimeError(
                f"{name}.ttf was not found in {', '.join(map(str, FONT_DIRS))}: install Debian's fonts-dejavu-core"
            )
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return FONT, FONT_BOLD
