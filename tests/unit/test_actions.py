"""`attempt` and `run`: a view's one way to commit a domain action, or roll it back and say why."""
import pytest
from flask import get_flashed_messages
from sqlalchemy import select
from wtforms import StringField

from eventapp.actions import attempt, run
from eventapp.extensions import db
from eventapp.forms import BaseForm
from eventapp.models import Organisation, Sector
from eventapp.services.exceptions import DomainError


class NameForm(BaseForm):
    class Meta:
        csrf = False

    name = StringField()


def add_then(field: str | None = None, fail: bool = True):
    """An action that adds an organisation, then (when `fail`) refuses, naming `field`."""

    def action(session, name):
        organisation = Organisation(name=name, sector=Sector.NGO)
        session.add(organisation)
        session.flush()
        if fail:
            raise DomainError("Refused.", field)
        return organisation

    return action


def names() -> list[str]:
    return list(db.session.scalars(select(Organisation.name)))


@pytest.fixture
def request_context(app):
    with app.test_request_context(method="POST"):
        yield


def test_a_done_action_is_committed_and_its_result_returned(request_context):
    done, organisation = attempt(NameForm(), add_then(fail=False), "Biedrība")
    db.session.rollback()  # nothing left to undo: it was committed
    assert done and organisation.name == "Biedrība"
    assert names() == ["Biedrība"]
    assert get_flashed_messages() == []


def test_a_refusal_naming_a_field_is_rolled_back_and_shown_on_that_field(request_context):
    form = NameForm()
    assert attempt(form, add_then("name"), "Biedrība") == (False, None)
    assert names() == []
    assert form.name.errors == ["Refused."]
    assert get_flashed_messages() == []


@pytest.mark.parametrize("field", [None, "no_such_field"])
def test_a_refusal_without_a_field_of_the_form_is_rolled_back_and_flashed(request_context, field):
    form = NameForm()
    assert attempt(form, add_then(field), "Biedrība") == (False, None)
    assert names() == []
    assert not form.name.errors
    assert get_flashed_messages(with_categories=True) == [("error", "Refused.")]


def test_without_a_form_the_refusal_is_flashed(request_context):
    assert attempt(None, add_then("name"), "Biedrība") == (False, None)
    assert names() == []
    assert get_flashed_messages(with_categories=True) == [("error", "Refused.")]


def test_run_rolls_back_and_hands_the_error_to_the_view_without_showing_it(request_context):
    done, error = run(add_then("name"), "Biedrība")
    assert not done and isinstance(error, DomainError) and error.field == "name"
    assert names() == []
    assert get_flashed_messages() == []


def test_other_exceptions_are_not_swallowed(request_context):
    def broken(session):
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        attempt(None, broken)
