from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

# Lengths and emptiness are checked by the forum's services, the one place those rules live.


class NewThreadForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Message"))
    # Set once the member has seen the threads like theirs (on the confirmation page, or by the
    # form's script): the question is then posted without asking again.
    confirmed = HiddenField()


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Your reply"))
    reply_to = HiddenField()


class EditPostForm(FlaskForm):
    title = StringField(_l("Title"))
    body = TextAreaField(_l("Message"))
