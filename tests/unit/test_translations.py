"""The Latvian catalog translates every English source string, and is read as UTF-8.

Latvian is the default locale, so a string missing here shows up in English on the Latvian site.
`make messages` re-extracts and merges new strings into the catalog; this test names the ones left untranslated.
No app or database is needed.
"""
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "eventapp" / "translations" / "lv" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "_l": None, "lazy_gettext": None, "gettext": None, "ngettext": (1, 2)}
LATVIAN_PLURAL_FORMS = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);"


def extracted_msgids() -> dict[str, str]:
    """Every msgid found in the code and templates (the singular for plurals), with where it was found."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(ROOT / "babel.cfg"))
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def catalog():
    with open(CATALOG, "rb") as po:
        return read_po(po, locale="lv")


def test_extraction_finds_the_source_strings():
    msgids = extracted_msgids()
    assert len(msgids) > 50
    assert "Upcoming events" in msgids  # a template string
    assert "Title in Latvian" in msgids  # a lazy_gettext string in Python


def test_every_source_string_has_a_latvian_translation(catalog):
    missing = []
    for msgid, where in sorted(extracted_msgids().items()):
        message = catalog.get(msgid)
        if message is None:
            missing.append(f"{where}: {msgid!r} is not in the catalog")
        elif message.fuzzy:
            missing.append(f"{where}: {msgid!r} is marked fuzzy")
        elif isinstance(message.string, (tuple, list)):
            if len(message.string) != catalog.num_plurals or not all(form.strip() for form in message.string):
                missing.append(f"{where}: {msgid!r} lacks some of its {catalog.num_plurals} plural forms")
        elif not (message.string or "").strip():
            missing.append(f"{where}: {msgid!r} is untranslated")
    assert not missing, (
        f"{len(missing)} string(s) lack a Latvian translation in {CATALOG.relative_to(ROOT)} "
        "(run `make messages`, then translate):\n" + "\n".join(missing)
    )


def test_the_catalog_is_well_formed(catalog):
    assert not catalog.fuzzy
    assert catalog.num_plurals == 3
    assert catalog.plural_forms == LATVIAN_PLURAL_FORMS
    problems = [
        f"{message.id!r}: {error}" for message, errors in catalog.check() for error in errors
    ]
    assert not problems, "\n".join(problems)  # e.g. a %(name)s placeholder lost in translation


@pytest.mark.parametrize(
    ("msgid", "letters"),
    [
        ("Upcoming events", "ā"),
        ("Riga time", "ī"),
        ("Council session", "ē"),
        ("Online meeting", "š"),
        ("Registration opens", "ģ"),
        ("Delete", "ē"),
    ],
)
def test_translations_keep_the_latvian_letters(catalog, msgid, letters):
    translation = catalog.get(msgid).string
    assert letters in translation, f"{msgid!r} -> {translation!r}"


def test_the_catalog_is_read_as_utf8(catalog):
    assert catalog.charset.lower() == "utf-8"
    text = " ".join(
        form
        for message in catalog
        if message.id
        for form in (message.string if isinstance(message.string, (tuple, list)) else (message.string,))
    )
    for sign_of_a_wrong_decoding in ("Ã", "Ä", "Å", "\ufffd"):
        assert sign_of_a_wrong_decoding not in text
