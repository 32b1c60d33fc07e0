from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired


class DeleteAccountForm(FlaskForm):
    # Ids of their own: the account page's email form has a `password` field too.
    password = PasswordField(
        _l("Current password"),
        id="delete-password",
        validators=[DataRequired(message=_l("Enter your password to erase your account."))],
    )
    # Checked ("y", "on", "true"…) or not sent at all: WTForms reads anything but "false" or "" as yes.
    delete_posts = BooleanField(_l("Delete every message I wrote, too"), id="delete-posts")
