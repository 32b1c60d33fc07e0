"""The moderation forms. Their rules (a required reason, the flag reasons) live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

FLAG_CHOICES = [
    SelectChoice("spam", _l("Spam or advertising")),
    SelectChoice("abusive", _l("Abusive or hateful")),
    SelectChoice("off_topic", _l("Off topic")),
    SelectChoice("other", _l("Something else (say what)")),
]


class FlagForm(FlaskForm):
    reason = RadioField(_l("Why?"), choices=FLAG_CHOICES, validate_choice=False)
    note = TextAreaField(_l("Note for the moderators"))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason (shown in the public log)"))
    next = HiddenField()


class HideForm(ReasonForm):
    suspend_days = IntegerField(_l("Also suspend the author for (days)"), validators=[Optional()])


class MoveForm(ReasonForm):
    category = SelectField(_l("Move to"), validate_choice=False)


class SuspendForm(ReasonForm):
    days = IntegerField(_l("Days"), validators=[Optional()])
