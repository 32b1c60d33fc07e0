"""Domain errors that services raise and views turn into a form's message or an error page.

A service raises them before it changes anything, so a refusal never leaves half a change in the
session; views still roll back through `app.forms.commit_change`."""


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        # The form field the message belongs beside, when there is one.
        self.field = field


class InvalidInput(DomainError):
    status_code = 400


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404
