"""One way for a view to run a domain action: the view validates, the action changes the data
in `db.session`, and this commits; when a rule refuses (`DomainError`), it rolls back and says
why, next to the form field the error names or as a message at the top of the page.
"""
from collections.abc import Callable
from typing import Any

from flask import flash
from flask_wtf import FlaskForm

from .extensions import db
from .forms import show_on_field
from .services.exceptions import DomainError


def run(action: Callable, *args, **kwargs) -> tuple[bool, Any]:
    """`action(db.session, *args, **kwargs)`, then commit: (True, its result). When it raises a
    DomainError, roll back: (False, the error), for a view that answers the error its own way."""
    try:
        result = action(db.session, *args, **kwargs)
    except DomainError as error:
        db.session.rollback()
        return False, error
    db.session.commit()
    return True, result


def run_keeping_loaded(action: Callable, *args, **kwargs) -> tuple[bool, Any]:
    """`run`, but what the action loaded is not expired by the commit: for work that follows at once
    from the same objects (a registration's message, rendered once its seat is committed and the
    event's lock released), without reading them all again."""
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        return run(action, *args, **kwargs)
    finally:
        session.expire_on_commit = expiring


def attempt(form: FlaskForm | None, action: Callable, *args, **kwargs) -> tuple[bool, Any]:
    """`run`, showing a refusal with `show_error`: (True, the result) or (False, None)."""
    done, outcome = run(action, *args, **kwargs)
    if not done:
        show_error(form, outcome)
        return False, None
    return True, outcome


def show_error(form: FlaskForm | None, error: DomainError) -> None:
    """Next to its field of `form`, or as a message at the top of the page."""
    if form is None or not show_on_field(form, error):
        flash(str(error.message), "error")
