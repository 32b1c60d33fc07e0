"""What a sent form may hold, and how a view carries out a change: the request's one commit, and a
refusal rolled back before it is answered."""

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, abort, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS
from sqlalchemy.exc import IntegrityError

from app.errors import DomainError, InvalidInput
from app.extensions import db

T = TypeVar("T")


def init_app(app: Flask) -> None:
    app.before_request(refuse_unreadable_fields)


def refuse_unreadable_fields() -> None:
    """Refuse, with a 400 that says why, a sent form whose fields no view could read or no column
    could hold. Flask-WTF reads a JSON body as a form's fields, and fails on any JSON but an object
    of texts; PostgreSQL stores no NUL character, nor compares a column with a text holding one."""
    if request.method not in SUBMIT_METHODS:
        return
    if request.is_json and request.content_length:
        fields = request.get_json(silent=True)
        if not _texts(fields):
            abort(400, _("A form sent as JSON is an object whose values are texts."))
        values = [item for value in fields.values() for item in (value if isinstance(value, list) else [value])]
    else:
        values = [value for _name, value in request.form.items(multi=True)]
    if any("\x00" in value for value in values):
        abort(400, _("A field you sent holds a NUL character, which no text here may hold."))


def _texts(fields) -> bool:
    """Whether `fields` are a form's: each a text, or a list of texts (a field sent more than once)."""
    return isinstance(fields, dict) and all(
        isinstance(value, str) or (isinstance(value, list) and all(isinstance(item, str) for item in value))
        for value in fields.values()
    )


def show_error(form: FlaskForm, error: InvalidInput) -> None:
    """Put a service's refusal beside the field it concerns, or above the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def commit_change(change: Callable[[], T], race: Callable[[], DomainError] | None = None) -> T:
    """Run a service's change and commit it: the request's one transaction. Every view that writes
    does it through here, so that a change is saved, or refused, the same way everywhere.

    A refusal (a DomainError) is rolled back before it reaches the view, so that whatever answers
    it, a page of the view's own or the error page, reads the database as it was, and nothing of
    the refused change can be committed later. A unique value that another request committed
    first is rolled back too, and raised as `race()` when the view knows what it means."""
    try:
        result = change()
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    except IntegrityError:
        db.session.rollback()
        if race is None:
            raise
        raise race() from None
    return result


def commit_form_change(
    form: FlaskForm, change: Callable[[], T], race: Callable[[], DomainError] | None = None
) -> tuple[bool, T | None]:
    """`commit_change` for a view that shows its form again when the input is refused: the message
    goes beside its field. Any other refusal answers with the error page. Returns whether the
    change was saved, and what the service returned."""
    try:
        return True, commit_change(change, race)
    except InvalidInput as error:
        show_error(form, error)
        return False, None
