from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

# Lengths, patterns and emptiness are checked by the admin services, the one place those rules live.
# The one-button actions (move, remove, change a role) read `reason` straight from the request.


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"))
    slug = StringField(_l("Slug"))
    description = TextAreaField(_l("Description"))
    reason = StringField(_l("Reason for this change"))


class MemberSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Username starts with"))
