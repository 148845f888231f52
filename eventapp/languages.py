"""Latvian first, English second: the two languages people choose, and the locale each is shown in."""
from babel import Locale
from flask_babel import force_locale

LANGUAGES = ("lv", "en")
DEFAULT_LANGUAGE = "lv"


def normalise_language(value) -> str:
    """`value` when it is one of our languages, else Latvian (a form, a query or a stored row may say anything)."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def babel_locale(language) -> str:
    """The locale a language is shown in: English the European way (3 September 2025)."""
    return "en_GB" if normalise_language(language) == "en" else "lv"


# Parsed once: `force_locale` given a name parses it again on every call, which costs more than
# most of what is done in the language.
_LOCALES = {language: Locale.parse(babel_locale(language)) for language in LANGUAGES}


def in_language(language):
    """`with in_language("en"):` translates and formats in that language."""
    return force_locale(_LOCALES[normalise_language(language)])
