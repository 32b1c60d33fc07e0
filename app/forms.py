from flask_wtf import FlaskForm

from app.errors import InvalidInput


def show_error(form: FlaskForm, error: InvalidInput) -> None:
    """Put a service's refusal beside the field it concerns, or above the form."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)
