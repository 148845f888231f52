"""One word per enum member, kept beside the member: every member has it, in Latvian too, and
Python and templates say the same word."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale

from eventapp import models
from eventapp.labels import label, label_choices, labelled_enums
from eventapp.services.coverage.track_coverage import Coverage
from eventapp.services.registration.registration_state import State

CATALOG = Path(__file__).resolve().parents[2] / "eventapp" / "translations" / "lv" / "LC_MESSAGES" / "messages.po"
SHOWN = {
    models.Sector, models.EventKind, models.EventStatus, models.RegistrationStatus, models.AttendanceMode,
    models.UserRole, models.DelegationStatus, models.SummaryStatus, Coverage, State,
}


def test_every_enum_people_see_has_labels():
    assert SHOWN <= set(labelled_enums())


@pytest.mark.parametrize("enum_class", sorted(SHOWN, key=lambda e: e.__name__), ids=lambda e: e.__name__)
def test_every_member_has_every_wording_of_its_enum_in_latvian(enum_class):
    with open(CATALOG, "rb") as po:
        catalog = read_po(po, locale="lv")
    wordings = {wording for member in enum_class for wording in member.labels}
    missing = []
    for member in enum_class:
        for wording in wordings:
            if wording not in member.labels:
                missing.append(f"{member} has no {wording!r} wording")
                continue
            msgid = member.labels[wording]._args[0]
            message = catalog.get(msgid)
            if message is None or message.fuzzy or not (message.string or "").strip():
                missing.append(f"{member} ({wording!r}): {msgid!r} has no Latvian translation")
    assert not missing, "\n".join(missing)


def test_python_and_templates_say_the_same_word(app):
    with app.test_request_context(), force_locale("lv"):
        assert label(models.Sector.NGO) == "NVO"
        assert label(models.Sector.NGO, "form") == "Nevalstiskā organizācija"
        assert models.EventKind.FORUM.label == "Forums"
        assert render_template_string("{{ kind|label }}", kind=models.EventKind.FORUM) == "Forums"
        assert render_template_string("{{ mode|label('inline') }}", mode=models.AttendanceMode.REMOTE) == "attālināti"
        assert render_template_string(
            "{{ status == RegistrationStatus.CANCELLED }}", status=models.RegistrationStatus.CANCELLED
        ) == "True"


def test_form_choices_carry_values_and_words(app):
    with app.test_request_context(), force_locale("en_GB"):
        assert [(value, str(word)) for value, word in label_choices(models.AttendanceMode)] == [
            ("in_person", "In person"), ("remote", "Remotely")]


def test_members_are_still_found_by_their_stored_value():
    assert models.Sector("state_administration") is models.Sector.STATE_ADMINISTRATION
    assert [member.value for member in Coverage] == ["covered", "covered_remotely", "at_risk", "uncovered",
                                                      "not_required"]
