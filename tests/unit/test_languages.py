"""Latvian first, English second: which language a value means, and the locale it is shown in,
decided in one module."""
from pathlib import Path

import pytest

import eventapp
from eventapp.languages import LANGUAGES, babel_locale, in_language, normalise_language

ROOT = Path(eventapp.__file__).parent


@pytest.mark.parametrize(("value", "language"), [
    ("lv", "lv"), ("en", "en"), ("EN", "lv"), ("de", "lv"), ("", "lv"), (None, "lv"), (["en"], "lv"),
])
def test_anything_but_our_two_languages_means_latvian(value, language):
    assert normalise_language(value) == language


def test_english_is_shown_the_european_way():
    assert LANGUAGES == ("lv", "en")
    assert [babel_locale(language) for language in ("lv", "en", "xx", None)] == ["lv", "en_GB", "lv", "lv"]


def test_in_language_formats_in_that_language(app):
    from eventapp.formatting import riga_date
    from eventapp.models import utcnow

    with app.test_request_context(), in_language("en"):
        english = riga_date(utcnow())
    with app.test_request_context(), in_language("lv"):
        latvian = riga_date(utcnow())
    assert english != latvian


def test_only_the_languages_module_maps_a_language_to_a_locale():
    elsewhere = [
        str(path.relative_to(ROOT)) for path in ROOT.rglob("*.py")
        if path.name != "languages.py" and '"en_GB"' in path.read_text(encoding="utf-8")
    ]
    assert not elsewhere, f"map languages with eventapp.languages.babel_locale, not in {elsewhere}"
