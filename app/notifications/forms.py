from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

from app.notifications.email import PREFERENCES
from app.notifications.models import DELIVERIES, DIGEST, IMMEDIATELY, NEVER

DELIVERY_CHOICES = [
    SelectChoice(IMMEDIATELY, _l("At once")),
    SelectChoice(DIGEST, _l("In the daily digest")),
    SelectChoice(NEVER, _l("Never")),
]


def _delivery(name: str) -> RadioField:
    # The choices are checked by AnyOf rather than by the field, for a message that says what is allowed.
    return RadioField(
        PREFERENCES[name].label,
        choices=DELIVERY_CHOICES,
        validate_choice=False,
        validators=[AnyOf(DELIVERIES, message=_l("Choose one of: %(values)s."))],
    )


class EmailPreferencesForm(FlaskForm):
    """One field per preference, named as the preference: the names are a public contract. A field
    left out of a POST keeps the member's current choice, the form's data."""

    reply = _delivery("reply")
    reply_to = _delivery("reply_to")
    mention = _delivery("mention")
    helpful = _delivery("helpful")
    solution = _delivery("solution")
    badge = _delivery("badge")
    moderation = _delivery("moderation")
    ideas = _delivery("ideas")

    def delivery_fields(self) -> list[RadioField]:
        return [self[name] for name in PREFERENCES]

    def deliveries(self) -> dict[str, str]:
        return {field.name: field.data for field in self.delivery_fields()}
