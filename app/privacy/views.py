import unicodedata
from datetime import timedelta
from urllib.parse import quote

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from flask_login.config import COOKIE_DURATION

from app.accounts.views import account_forms
from app.extensions import limiter
from app.forms import commit_form_change
from app.privacy import erasure, export
from app.privacy.forms import DeleteAccountForm

bp = Blueprint("privacy", __name__)


@bp.app_template_global()
def account_deletion_form() -> DeleteAccountForm:
    """The empty form the account page shows when no refused one is given to it."""
    return DeleteAccountForm(formdata=None)


@bp.get("/privacy")
def notice():
    return render_template("privacy/notice.html", remember_days=remember_days())


def remember_days() -> int:
    """How long "Remember me" keeps a member logged in, as Flask-Login reads it from the settings."""
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", COOKIE_DURATION)
    seconds = duration.total_seconds() if isinstance(duration, timedelta) else duration
    return round(seconds / 86400)


@bp.get("/account/export")
@login_required
def export_data():
    return Response(
        export.as_json(export.member_data(current_user)),
        mimetype="application/json",
        headers={
            "Content-Disposition": attachment(f"entraide-{current_user.username}.json"),
            # A member's whole record: no cache, shared or their browser's, keeps a copy.
            "Cache-Control": "no-store",
        },
    )


def attachment(filename: str) -> str:
    """A download's Content-Disposition: the name quoted, and beyond ASCII spelt out again as
    RFC 6266 says, for the browsers that read it. Usernames hold no quote or backslash to escape."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    if ascii_name == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


@bp.post("/account/delete")
@login_required
# Each try checks a password, as a login does.
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"])
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        saved, _unused = commit_form_change(
            form, lambda: erasure.erase_account(current_user, form.password.data, form.delete_posts.data)
        )
        if saved:
            logout_user()
            flash(_("Your account has been erased. Thank you for the help you gave."), "info")
            return redirect(url_for("forum.index"))
    return render_template("accounts/account.html", **account_forms(delete_form=form)), 400
