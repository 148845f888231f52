"""Active content in PDFs: found in uploads (which are then refused), stripped from the pack.

A summary is text and pictures; nothing in it needs to run. So an uploaded PDF is refused when
any of its objects (reachable or not) carries JavaScript, an automatic action (`/AA`, an
`/OpenAction` other than showing a page), a launch, form submission or import action, an
embedded file, rich media or an XFA form. Links stay: to a page of the document, and to web or
mail addresses (`http`, `https`, `mailto`), which a reader shows and asks about before opening.

The consolidated pack is cleaned as well, whatever was stored before these checks existed:
every dictionary reachable from its catalog loses the same entries, active annotations are
removed, and objects left unreferenced are dropped before it is written.
"""
from collections.abc import Iterator
from urllib.parse import urlsplit

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

# Entries that run something, or carry something that can be run, wherever they appear.
ACTIVE_KEYS = frozenset({"/AA", "/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"})
ACTIVE_ACTIONS = frozenset({
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/GoToR", "/GoToE", "/Rendition",
    "/RichMediaExecute", "/Movie", "/Sound", "/Hide", "/SetOCGState", "/GoTo3DView",
})
SAFE_ACTIONS = frozenset({"/GoTo", "/Named"})  # a page of this document; next/previous/first/last page
ACTIVE_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def _resolved(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def dictionaries(*starts: PdfObject) -> Iterator[DictionaryObject]:
    """Every dictionary (streams' included) reachable from `starts`, each once, without recursion
    (a crafted file may nest arrays thousands deep). A caller may change a dictionary it is given:
    what it removes is not followed."""
    seen: set[tuple[int, int, int]] = set()
    stack = list(starts)
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (id(item.pdf), item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            yield item
            stack.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))


def _safe_uri(uri) -> bool:
    uri = _resolved(uri)
    if isinstance(uri, bytes):
        uri = uri.decode("latin-1")
    return isinstance(uri, str) and urlsplit(uri.strip()).scheme.lower() in SAFE_SCHEMES


def _active_action(action) -> bool:
    """An action other than showing a page or opening a web/mail address."""
    action = _resolved(action)
    if not isinstance(action, DictionaryObject):
        return False
    kind = _resolved(action.get("/S"))
    if kind == "/URI":
        return not _safe_uri(action.get("/URI"))
    return kind not in SAFE_ACTIONS or "/Next" in action


def is_active(item: DictionaryObject) -> bool:
    if any(key in item for key in ACTIVE_KEYS):
        return True
    if _resolved(item.get("/S")) in ACTIVE_ACTIONS or _resolved(item.get("/Subtype")) in ACTIVE_ANNOTATIONS:
        return True
    if _resolved(item.get("/S")) == "/URI" and not _safe_uri(item.get("/URI")):
        return True
    return any(key in item and _active_action(item[key]) for key in ("/A", "/OpenAction", "/Next"))


def has_active_content(reader: PdfReader) -> bool:
    """Whether any object of the file, referenced or not, is active."""
    every_object = [
        IndirectObject(idnum, generation, reader)
        for generation, numbers in reader.xref.items() for idnum in numbers
    ] + [IndirectObject(idnum, 0, reader) for idnum in reader.xref_objStm]
    return any(is_active(item) for item in dictionaries(reader.trailer, *every_object))


def _active_annotation(annotation) -> bool:
    annotation = _resolved(annotation)
    if not isinstance(annotation, DictionaryObject):
        return True
    return _resolved(annotation.get("/Subtype")) in ACTIVE_ANNOTATIONS


def strip_active_content(writer: PdfWriter) -> None:
    """Remove everything active from the document being written, and the objects it leaves unused."""
    root = writer.root_object
    for key in ("/OpenAction", "/AcroForm"):
        root.pop(key, None)
    for item in dictionaries(root):
        for key in (*ACTIVE_KEYS, "/Next", "/OpenAction"):
            item.pop(key, None)
        if "/A" in item and _active_action(item["/A"]):
            del item["/A"]
        if _resolved(item.get("/S")) in ACTIVE_ACTIONS:
            item.clear()  # an action reached through an entry no viewer runs; nothing of it is kept
        annotations = _resolved(item.get("/Annots"))
        if isinstance(annotations, ArrayObject):
            annotations[:] = [a for a in annotations if not _active_annotation(a)]
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
