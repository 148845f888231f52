"""Small real files to upload: a PDF made with reportlab, office documents as the ZIPs they are."""
import io
import uuid
import zipfile

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def token() -> str:
    """Makes each file's content (and so its SHA-256) unique to the test that built it."""
    return uuid.uuid4().hex[:12]


def pdf(*lines: str, pages: int = 1) -> bytes:
    out = io.BytesIO()
    document = canvas.Canvas(out, pagesize=A4)
    unique = token()
    for page in range(1, pages + 1):
        document.drawString(72, 40, unique)
        for n, line in enumerate(lines):
            document.drawString(72, 760 - 16 * n, f"{line} {page}" if pages > 1 else line)
        document.showPage()
    document.save()
    return out.getvalue()


def _zip(members: dict[str, bytes | str], first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:  # ODF wants `mimetype` first and stored
            archive.writestr(zipfile.ZipInfo(first), members.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx(text: str = "Kopsavilkums") -> bytes:
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text} {token()}</w:t></w:r></w:p></w:body></w:document>'
    )
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document})


def pptx() -> bytes:
    return _zip({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": f"<p:presentation id='{token()}'/>"})


def odt(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    return _zip({"mimetype": mimetype, "content.xml": f"<office:document-content id='{token()}'/>"}, first="mimetype")


def png() -> bytes:
    return PNG_SIGNATURE + b"\x00\x00\x00\rIHDR" + token().encode() + b"\x00" * 32


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + token().encode() + b"\x00" * 32


def executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + token().encode() + b"\x00" * 64 + b"This program cannot be run in DOS mode."


def html() -> bytes:
    return f"<!doctype html><html><body><script>alert('{token()}')</script></body></html>".encode()


def svg() -> bytes:
    return f'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(\'{token()}\')"/>'.encode()
