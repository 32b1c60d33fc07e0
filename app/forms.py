from collections.abc import Callable
from typing import TypeVar

from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from app.errors import InvalidInput
from app.extensions import db

T = TypeVar("T")


def show_error(form: FlaskForm, error: InvalidInput) -> None:
    """Put a service's refusal beside the field it concerns, or above the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def commit_change(form: FlaskForm, change: Callable[[], T], race: Callable[[], InvalidInput]) -> tuple[bool, T | None]:
    """Run a service's change and commit it: the request's one transaction.

    A refusal, or a unique value another request committed first (`race`), is rolled back and
    shown on the form. Returns whether the change was saved, and what the service returned."""
    try:
        result = change()
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        show_error(form, error)
    except IntegrityError:
        db.session.rollback()
        show_error(form, race())
    else:
        return True, result
    return False, None
