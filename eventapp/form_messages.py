"""WTForms' own messages in the page's language.

WTForms ships no Latvian catalog, so the messages its validators and fields can show are
marked here for extraction and answered from the app's own catalog (English pages get
WTForms' English as it is).
"""
from flask_babel import get_translations, ngettext
from flask_babel import gettext as _


class Translations:
    """What a form's `Meta.get_translations` gives WTForms: gettext and ngettext, from the app's catalog."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


TRANSLATIONS = Translations()


def _marked_for_extraction() -> None:  # never called: pybabel reads the messages from here
    _("This field is required.")
    _("Invalid input.")
    _("Invalid email address.")
    _("Invalid URL.")
    _("Not a valid choice.")
    _("Invalid Choice: could not coerce.")
    _("Invalid choice(s): one or more data inputs could not be coerced.")
    _("Not a valid datetime value.")
    _("Not a valid date value.")
    _("Not a valid time value.")
    _("Not a valid integer value.")
    _("Not a valid decimal value.")
    _("Not a valid float value.")
    _("Number must be at least %(min)s.")
    _("Number must be at most %(max)s.")
    _("Number must be between %(min)s and %(max)s.")
    _("Field must be between %(min)d and %(max)d characters long.")
    _("Field must be equal to %(other_name)s.")
    _("Invalid CSRF Token.")
    _("CSRF token missing.")
    _("CSRF failed.")
    _("CSRF token expired.")
    ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1)
    ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1)
    ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1)
    ngettext("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 1)
