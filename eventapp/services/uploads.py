"""Uploaded files: what a file is, told from its content, and where it is kept.

A file is accepted only when its first bytes (and, for the office formats, the members of its
ZIP container) say it is one of the allowed kinds AND its name ends with that kind's
extension: an executable or a web page renamed `.pdf` is refused, and so is a real PDF named
`.png`. Files are kept under UPLOAD_FOLDER by the SHA-256 of their content (`ab/cdef…`),
never by the name they were uploaded under, so the same content is stored once.
"""
import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from werkzeug.utils import secure_filename

from .exceptions import DomainError


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
    return name, found


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
