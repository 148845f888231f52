"""Uploaded files: what a file is, told from its content, and where it is kept.

A file is accepted only when its first bytes (and, for the office formats, the members of its
ZIP container) say it is one of the allowed kinds AND its name ends with that kind's
extension: an executable or a web page renamed `.pdf` is refused, and so is a real PDF named
`.png`. Files are kept under UPLOAD_FOLDER by the SHA-256 of their content (`ab/cdef…`),
never by the name they were uploaded under, so the same content is stored once.

What the content holds is checked too: a PDF must be readable and carry no active content
(see pdf_safety), and an office file (a ZIP) must not unpack to more than a document needs: its
members are unpacked as a reader would (never trusting the sizes the archive declares), counted
against the limits in the configuration, and refused when one is packed suspiciously tightly.
"""
import copy
import hashlib
import io
import logging
import os
import re
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask import current_app, has_app_context
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from werkzeug.utils import secure_filename

from ..exceptions import DomainError
from . import pdf_safety

log = logging.getLogger(__name__)


OPENXML = "application/vnd.openxmlformats-officedocument"


@dataclass(frozen=True)
class FileKind:
    key: str
    label: str
    media_type: str
    extensions: tuple[str, ...]
    inline: bool = False  # shown in the browser rather than downloaded (images only)


KINDS = {
    kind.key: kind
    for kind in (
        FileKind("pdf", "PDF", "application/pdf", ("pdf",)),
        FileKind("docx", "DOCX", f"{OPENXML}.wordprocessingml.document", ("docx",)),
        FileKind("pptx", "PPTX", f"{OPENXML}.presentationml.presentation", ("pptx",)),
        FileKind("odt", "ODT", "application/vnd.oasis.opendocument.text", ("odt",)),
        FileKind("jpeg", "JPEG", "image/jpeg", ("jpg", "jpeg"), inline=True),
        FileKind("png", "PNG", "image/png", ("png",), inline=True),
    )
}
BY_MEDIA_TYPE = {kind.media_type: kind for kind in KINDS.values()}
ACCEPT = ",".join(f".{ext}" for kind in KINDS.values() for ext in kind.extensions)

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_HASH = re.compile(r"[0-9a-f]{64}")
# C0/C1 controls and the Unicode direction overrides that can disguise an extension ("fdp.exe").
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

NOT_ALLOWED = _l("Only PDF, DOCX, ODT, PPTX, JPEG and PNG files can be uploaded.")
PDF_ACTIVE = _l(
    "This PDF contains active content (JavaScript, automatic actions, embedded files or interactive forms), "
    "which is not accepted. Export or print it again as a plain PDF and upload that."
)
PDF_UNREADABLE = _l(
    "This PDF cannot be read: it is damaged or incomplete. Save or export it again and upload it."
)
PDF_LOCKED = _l("This PDF is protected with a password. Upload it without the password protection.")
ARCHIVE_DAMAGED = _l("The file is damaged: what it says about its parts does not match them. "
                     "Save it again and upload it.")

MB = 1024 * 1024
ZIPPED_KINDS = ("docx", "pptx", "odt")


@dataclass(frozen=True)
class ArchiveLimits:
    unpacked: int  # bytes, all members together
    members: int
    ratio: int  # unpacked size / packed size, for members of at least `ratio_from` bytes
    ratio_from: int


def archive_limits() -> ArchiveLimits:
    config = current_app.config if has_app_context() else {}
    return ArchiveLimits(
        unpacked=int(config.get("UPLOAD_MAX_UNPACKED_MB", 100)) * MB,
        members=int(config.get("UPLOAD_MAX_ARCHIVE_MEMBERS", 5000)),
        ratio=int(config.get("UPLOAD_MAX_PACKING_RATIO", 100)),
        ratio_from=int(config.get("UPLOAD_PACKING_RATIO_FROM_KB", 1024)) * 1024,
    )


def kind_of(media_type: str) -> FileKind | None:
    return BY_MEDIA_TYPE.get(media_type)


def detect_kind(data: bytes) -> FileKind | None:
    """The allowed kind the content is, from its magic bytes and ZIP members; None for anything else."""
    if data.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if data.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # macros: a .docx/.pptx never carries them
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return KINDS["docx"]
            if "[Content_Types].xml" in names and "ppt/presentation.xml" in names:
                return KINDS["pptx"]
            if "mimetype" in names and "content.xml" in names:
                with archive.open("mimetype") as member:
                    # Read a few bytes only: a crafted member may unpack to gigabytes.
                    if member.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE:
                        return KINDS["odt"]
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError, ValueError):
        return None
    return None


def display_name(filename: str | None) -> str:
    """The uploaded name as it may be shown and sent back: Latvian letters kept, no path, no controls.

    Refuses a name that tries to name a folder (`../../etc/passwd.pdf`, `C:\\x.pdf`): such a
    name is never sent by a browser, only by someone probing.
    """
    name = unicodedata.normalize("NFC", filename or "").strip()
    if not name:
        raise DomainError(_l("Choose a file to upload."), "file")
    if "/" in name or "\\" in name or name in (".", ".."):
        raise DomainError(
            _l("The file name must not contain a folder path (“/”, “\\” or “..”). "
               "Rename the file and upload it again."),
            "file",
        )
    name = _UNSAFE_CHARACTERS.sub("", name).strip(" .")
    if not name:
        raise DomainError(_l("Choose a file to upload."), "file")
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 200 - len(extension) - 1] + dot + extension) if dot and len(extension) <= 10 else name[:200]
    return name


def extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def check_upload(filename: str | None, data: bytes) -> tuple[str, FileKind]:
    """(the display name, the kind) of an acceptable upload; DomainError with the reason otherwise."""
    name = display_name(filename)
    if not data:
        raise DomainError(_l("The file is empty."), "file")
    extension = extension_of(name)
    claimed = next((kind for kind in KINDS.values() if extension in kind.extensions), None)
    if claimed is None:
        raise DomainError(NOT_ALLOWED, "file")
    if data.startswith(b"PK\x03\x04"):
        check_member_count(data, archive_limits())
    found = detect_kind(data)
    if found is None:
        raise DomainError(
            _l("This is not a real %(kind)s file. Only PDF, DOCX, ODT, PPTX, JPEG and PNG files can be uploaded.",
               kind=claimed.label),
            "file",
        )
    if found is not claimed:
        raise DomainError(
            _l("The file's name says %(claimed)s, but its content is %(found)s. Give it the right extension.",
               claimed=claimed.label, found=found.label),
            "file",
        )
    if found.key == "pdf":
        check_pdf(data)
    elif found.key in ZIPPED_KINDS:
        check_archive(data, archive_limits())
    return name, found


def check_pdf(data: bytes) -> None:
    """DomainError unless the PDF can be read and carries no active content."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DomainError(PDF_LOCKED, "file")
        if len(reader.pages) == 0:
            raise DomainError(PDF_UNREADABLE, "file")
        active = pdf_safety.has_active_content(reader)
    except DomainError:
        raise
    except Exception as error:  # noqa: BLE001 — pypdf fails in many ways on crafted files: all are unreadable
        log.info("uploaded PDF refused as unreadable: %r", error)
        raise DomainError(PDF_UNREADABLE, "file") from error
    if active:
        raise DomainError(PDF_ACTIVE, "file")


def _too_large(limits: ArchiveLimits) -> DomainError:
    return DomainError(
        _l("The file unpacks to more than %(limit)s MB, far more than a document needs; it was not accepted.",
           limit=limits.unpacked // MB),
        "file",
    )


def _too_tight(size: int, packed: int, limits: ArchiveLimits) -> bool:
    return size >= limits.ratio_from and size > limits.ratio * max(packed, 1)


def _unpacked_size(archive: zipfile.ZipFile, member: zipfile.ZipInfo, cap: int) -> int:
    """The member's real unpacked size, reading at most `cap` + 1 bytes of it (whatever it declares)."""
    probe = copy.copy(member)
    probe.file_size = cap + 1  # zipfile stops at the declared size; let it read on to find a lie
    size = 0
    with archive.open(probe) as stream:
        while size <= cap and (chunk := stream.read(min(64 * 1024, cap + 1 - size))):
            size += len(chunk)
    return size


# A ZIP ends with a record (22 bytes and a comment of at most 65,535) that declares how many
# parts its central directory lists; 0xFFFF there means "see the ZIP64 record": more than an
# office document ever has.
_END_RECORD = b"PK\x05\x06"
_END_RECORD_REACH = 22 + 0xFFFF


def check_member_count(data: bytes, limits: ArchiveLimits) -> None:
    """DomainError when the ZIP declares more parts than allowed, read from its end record alone,
    before its central directory (which could list hundreds of thousands) is parsed."""
    at = data.rfind(_END_RECORD, max(0, len(data) - _END_RECORD_REACH))
    if at < 0 or at + 22 > len(data):
        return  # no end record: the archive check finds it damaged
    total = int.from_bytes(data[at + 10:at + 12], "little")
    if total > limits.members:
        raise DomainError(_l("The file has more than %(count)d parts, far more than a document "
                             "needs; it was not accepted.", count=limits.members), "file")


def check_archive(data: bytes, limits: ArchiveLimits) -> None:
    """DomainError unless every member of the ZIP unpacks, within the limits, to what it declares."""
    tight = DomainError(
        _l("A part of the file is packed too tightly (more than %(ratio)d times), as a “zip bomb” is; "
           "it was not accepted.", ratio=limits.ratio),
        "file",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > limits.members:
                raise DomainError(_l("The file has more than %(count)d parts, far more than a document "
                                     "needs; it was not accepted.", count=limits.members), "file")
            if sum(member.file_size for member in members) > limits.unpacked:
                raise _too_large(limits)
            if any(_too_tight(member.file_size, member.compress_size, limits) for member in members):
                raise tight
            total = 0
            for member in members:
                size = _unpacked_size(archive, member, limits.unpacked - total)
                total += size
                if total > limits.unpacked:
                    raise _too_large(limits)
                if size != member.file_size:
                    raise DomainError(ARCHIVE_DAMAGED, "file")
                if _too_tight(size, member.compress_size, limits):
                    raise tight
    except DomainError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, EOFError, OSError,
            ValueError, zlib.error) as error:  # damaged, encrypted or packed in a way office files never are
        raise DomainError(ARCHIVE_DAMAGED, "file") from error


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_path(folder: str | os.PathLike, digest: str) -> Path:
    """Where content with this SHA-256 is kept: `<folder>/ab/cdef…`."""
    if not _HASH.fullmatch(digest):
        raise ValueError("not a SHA-256 hex digest")
    return Path(folder) / digest[:2] / digest[2:]


def store_blob(folder: str | os.PathLike, data: bytes) -> str:
    """Keep the content once under its hash (written whole, then renamed into place); returns the hash."""
    digest = content_hash(data)
    path = blob_path(folder, digest)
    if path.exists():
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o640)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest


def content_disposition(name: str, inline: bool = False) -> str:
    """`attachment; filename="ASCII"; filename*=UTF-8''…` (RFC 6266/5987): Latvian letters survive
    in the second form, the first is what werkzeug's `secure_filename` leaves of the name."""
    extension = extension_of(name)
    ascii_name = secure_filename(name)
    if not ascii_name or ascii_name.lower() == extension:  # nothing of the name was ASCII ("Жж.png")
        ascii_name = f"file.{extension}" if extension else "file"
    elif extension and not ascii_name.lower().endswith("." + extension):
        ascii_name = f"{ascii_name}.{extension}"
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def human_size(size: int) -> str:
    """1 KB, 340 KB, 1,2 MB (the decimal sign of the visitor's language)."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{format_decimal(round(size / (1024 * 1024), 1), format='0.0')} MB"
