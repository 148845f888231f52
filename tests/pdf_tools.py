"""Reading badges back as a person and a scanner would: the page as an image, its QR codes, its text.

Uses Debian's poppler-utils (`pdftoppm`, `pdftotext`, `pdfinfo`) and zbar-tools (`zbarimg`), which
`make browser` installs. When they are missing the tests fail, with how to install them.
"""
import shutil
import subprocess
from pathlib import Path

import pytest

TOOLS = {"pdftoppm": "poppler-utils", "pdftotext": "poppler-utils", "pdfinfo": "poppler-utils", "zbarimg": "zbar-tools"}


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: install Debian's {TOOLS[tool]} (`make browser` does).", pytrace=False)
    return path


def page_images(pdf: bytes, folder: Path, dpi: int = 200) -> list[Path]:
    """Every page as a PNG, in order."""
    source = folder / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run([require("pdftoppm"), "-r", str(dpi), "-png", str(source), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def decode_qr(image: Path) -> list[str]:
    """The QR codes zbar reads in the image (an empty list when none)."""
    found = subprocess.run(
        [require("zbarimg"), "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True, text=True,
    )
    assert found.returncode in (0, 4), found.stderr  # 4: no code found
    return [line for line in found.stdout.splitlines() if line]


def pdf_text(pdf: bytes, folder: Path) -> str:
    """The text of the document as a reader would copy it out, with its lines joined by spaces."""
    source = folder / "text.pdf"
    source.write_bytes(pdf)
    out = subprocess.run([require("pdftotext"), "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def page_count(pdf: bytes, folder: Path) -> int:
    source = folder / "count.pdf"
    source.write_bytes(pdf)
    info = subprocess.run([require("pdfinfo"), str(source)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
