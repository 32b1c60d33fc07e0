"""How a view carries out a change: the request's one commit, and a refusal rolled back before it is answered."""

from collections.abc import Callable
from typing import TypeVar

from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from app.errors import DomainError, InvalidInput
from app.extensions import db

T = TypeVar("T")


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
