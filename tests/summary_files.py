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


# --- Hostile files -------------------------------------------------------------------------

def _action(writer, kind: str, **values):
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    action = DictionaryObject({NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)})
    for key, value in values.items():
        action[NameObject(f"/{key}")] = TextStringObject(value) if isinstance(value, str) else value
    return writer._add_object(action)


def _link(writer, action=None, **entries):
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

    link = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (72, 700, 300, 720)]),
    })
    if action is not None:
        link[NameObject("/A")] = action
    for key, value in entries.items():
        link[NameObject(f"/{key}")] = value
    return link


def active_pdf(kind: str, text: str = "Aktīvs saturs") -> bytes:
    """A real PDF that carries one kind of active content, as a hostile uploader would make it."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(text))))
    root, page = writer.root_object, writer.pages[0]
    script = "app.alert('pwned')"
    if kind == "javascript":
        tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"),
                                                                    _action(writer, "/JavaScript", JS=script)])})
        root[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    elif kind == "open_action":
        root[NameObject("/OpenAction")] = _action(writer, "/JavaScript", JS=script)
    elif kind == "page_action":
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action(writer, "/JavaScript", JS=script)})
    elif kind == "link_javascript":
        writer.add_annotation(0, _link(writer, _action(writer, "/JavaScript", JS=script)))
    elif kind == "launch":
        writer.add_annotation(0, _link(writer, _action(writer, "/Launch", F="C:\\Windows\\System32\\calc.exe")))
    elif kind == "javascript_uri":
        writer.add_annotation(0, _link(writer, _action(writer, "/URI", URI="javascript:app.alert(1)")))
    elif kind == "embedded_file":
        writer.add_attachment("rīks.exe", executable())
    elif kind == "xfa":
        root[NameObject("/AcroForm")] = writer._add_object(DictionaryObject({
            NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp:xdp/>")}))
    else:
        raise ValueError(kind)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ACTIVE_PDF_KINDS = ("javascript", "open_action", "page_action", "link_javascript", "launch", "javascript_uri",
                    "embedded_file", "xfa")


def pdf_with_links(text: str = "Saites") -> bytes:
    """A PDF with what ordinary documents carry: a web link, a link to a page, opening at page one."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(text, pages=2))))
    writer.add_annotation(0, _link(writer, _action(writer, "/URI", URI="https://www.memorands.lv/")))
    target = writer.pages[1].indirect_reference
    writer.add_annotation(0, _link(writer, Dest=ArrayObject([target, NameObject("/Fit")])))
    writer.root_object[NameObject("/OpenAction")] = ArrayObject([writer.pages[0].indirect_reference,
                                                                 NameObject("/Fit")])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf("Slepens"))))
    writer.encrypt("parole", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _bomb(member: str, others: dict[str, str], unpacked: int, first: str | None = None) -> bytes:
    """An office file whose `member` is `unpacked` bytes of zeros, streamed: nothing that big is ever held."""
    out = io.BytesIO()
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first), others.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, content in others.items():
            archive.writestr(name, content)
        with archive.open(member, "w", force_zip64=True) as target:
            written = 0
            while written < unpacked:
                part = chunk[: min(len(chunk), unpacked - written)]
                target.write(part)
                written += len(part)
    return out.getvalue()


GIB = 1 << 30
MIB = 1 << 20


def docx_bomb(unpacked: int = GIB) -> bytes:
    return _bomb("word/document.xml", {"[Content_Types].xml": CONTENT_TYPES}, unpacked)


def pptx_bomb(unpacked: int = GIB) -> bytes:
    return _bomb("ppt/presentation.xml", {"[Content_Types].xml": CONTENT_TYPES}, unpacked)


def odt_bomb(unpacked: int = GIB) -> bytes:
    return _bomb("content.xml", {"mimetype": "application/vnd.oasis.opendocument.text"}, unpacked,
                 first="mimetype")


def docx_with_a_false_size(unpacked: int = 8 * MIB, declared: int = 1000) -> bytes:
    """A DOCX whose directory says `word/document.xml` is `declared` bytes (with a matching checksum for
    that many), while it really unpacks to `unpacked`."""
    import zlib

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", bytes(unpacked))
        info = archive.getinfo("word/document.xml")
        info.file_size, info.CRC = declared, zlib.crc32(bytes(declared))
    return out.getvalue()
