from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.forum.models import DISCUSSION, IDEAS

# Lengths, patterns and emptiness are checked by the admin services, the one place those rules live.
# The one-button actions (move, remove, change a role) read `reason` straight from the request.


class CategoryForm(FlaskForm):
    name = StringField(_l("Name"))
    slug = StringField(_l("Slug"))
    description = TextAreaField(_l("Description"))
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(DISCUSSION, _l("Discussion")),
            SelectChoice(IDEAS, _l("Ideas: members vote, staff give each a status")),
        ],
        default=DISCUSSION,
        validate_choice=False,
    )
    reason = StringField(_l("Reason for this change"))


class MemberSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Username starts with"))
