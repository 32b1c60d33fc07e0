from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import services
from app.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    LocaleForm,
    LoginForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    RegisterForm,
)
from app.accounts.models import User
from app.database import begin_writing
from app.errors import InvalidInput, NotFound
from app.extensions import db, limiter, login_manager
from app.forms import commit_change, commit_form_change
from app.forum import queries as forum_queries
from app.forum import unanswered
from app.reputation import badges
from app.reputation import queries as reputation_queries
from app.web import safe_next, wants_json

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The logged-in account; an erased one's other sessions (another browser, a remember-me
    cookie) end at their next request."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return None if user is None or user.is_erased else user


def refused(template: str, **context):
    """Show a form again with its messages; a sent form that was refused answers 400."""
    status = 400 if request.method == "POST" else 200
    return render_template(template, **context), status


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REGISTER"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("forum.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        fields = form.username.data, form.email.data, form.password.data
        if current_app.config["REGISTRATION_CONFIRM_FIRST"]:
            if commit_form_change(form, lambda: services.register_confirm_first(*fields), _taken_meanwhile)[0]:
                address = services.normalise_email(form.email.data)
                flash(
                    _("We sent a link to %(address)s: open it to confirm your address, then log in.", address=address),
                    "success",
                )
                return redirect(url_for("accounts.login"))
        else:
            saved, user = commit_form_change(form, lambda: services.create_user(*fields), _taken_meanwhile)
            if saved:
                login_user(user)
                flash(
                    _(
                        "Welcome, %(name)s! Your account is ready. We sent a link to %(address)s to confirm it.",
                        name=user.username,
                        address=user.email,
                    ),
                    "success",
                )
                return redirect(safe_next(request.args.get("next")))
    return refused("accounts/register.html", form=form)


def _taken_meanwhile() -> InvalidInput:
    return InvalidInput(_("This username or email was taken a moment ago. Please choose another."))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
# Only failed tries count against an account: its member logging in on several devices uses none.
@limiter.limit(
    lambda: current_app.config["RATELIMIT_LOGIN_ACCOUNT"],
    key_func=lambda: services.login_attempts_key(request.form.get("login", "")),
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        form.form_errors.append(_("Unknown username or email, or wrong password."))
        if current_app.config["REGISTRATION_CONFIRM_FIRST"]:
            form.form_errors.append(_("If you have just joined, open the link we sent you first."))
    return refused("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("forum.index"))


@bp.get("/account")
@login_required
def account():
    return render_template("accounts/account.html", **account_forms())


def account_forms(**forms):
    defaults = {
        "password_form": ChangePasswordForm(formdata=None),
        "email_form": ChangeEmailForm(formdata=None),
        "locale_form": LocaleForm(
            formdata=None, locale=current_user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        ),
    }
    return defaults | forms


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        saved, _unused = commit_form_change(
            form, lambda: services.change_password(current_user, form.current_password.data, form.new_password.data)
        )
        if saved:
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.account"))
    return refused("accounts/account.html", **account_forms(password_form=form))


@bp.post("/account/email")
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        saved, address = commit_form_change(
            form, lambda: services.request_email_change(current_user, form.password.data, form.email.data)
        )
        if saved:
            if address:
                flash(
                    _("We sent a link to %(address)s: your address changes when you open it.", address=address),
                    "success",
                )
            return redirect(url_for("accounts.account"))
    return refused("accounts/account.html", **account_forms(email_form=form))


@bp.get("/confirm/<token>")
def confirm_address(token: str):
    # A GET, since the link is opened from a mail client; it writes all the same.
    begin_writing(db.session)
    user = commit_change(
        lambda: services.confirm_address(token),
        lambda: InvalidInput(_("An account already uses this email address.")),
    )
    flash(_("Your email address %(address)s is confirmed.", address=user.email), "success")
    return redirect(url_for("accounts.account" if current_user.is_authenticated else "accounts.login"))


@bp.post("/confirm/resend")
@login_required
@limiter.limit(lambda: current_app.config["RATELIMIT_CONFIRMATION"])
def resend_confirmation():
    if not current_user.is_confirmed:
        commit_change(lambda: services.send_address_confirmation(current_user))
        flash(_("We sent a new link to %(address)s.", address=current_user.email), "success")
    return redirect(safe_next(request.form.get("next")))


@bp.route("/password/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"])
def request_password_reset():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        commit_change(lambda: services.request_password_reset(form.email.data))
        # The same answer whether or not an account uses the address.
        flash(_("If an account uses this address, we sent it a link to choose a new password."), "info")
        return redirect(url_for("accounts.login"))
    return refused("accounts/password_reset_request.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    services.account_for_reset(token)  # a link that cannot work is refused before anything is typed
    form = PasswordResetForm()
    if form.validate_on_submit():
        saved, user = commit_form_change(form, lambda: services.reset_password(token, form.password.data))
        if saved:
            login_user(user)
            flash(_("Your new password is set; you are logged in."), "success")
            return redirect(url_for("forum.index"))
    return refused("accounts/password_reset.html", form=form)


@bp.post("/account/language")
@login_required
def change_language():
    form = LocaleForm()
    if form.validate_on_submit():
        saved, _unused = commit_form_change(
            form, lambda: services.set_locale(current_user, form.locale.data, current_app.config["LANGUAGES"])
        )
        if saved:
            return redirect(url_for("accounts.account"))
    return refused("accounts/account.html", **account_forms(locale_form=form))


@bp.get("/u/<username>")
def profile(username: str):
    user = services.find_by_username(username)
    if user is None:
        raise NotFound(_("No member goes by this name."))
    if user.username != username:
        return redirect(url_for("accounts.profile", username=user.username), 301)
    return render_template(
        "accounts/profile.html",
        user=user,
        recent_posts=forum_queries.recent_posts_by(user),
        badges=badges.badges_of(user),
        helpful_replies=reputation_queries.most_helpful_replies(user),
        solutions=reputation_queries.solutions(user),
        first_answers=unanswered.first_answers_by(user),
        history=reputation_queries.history(user),
    )


@login_manager.unauthorized_handler
def unauthorized():
    if wants_json():
        return jsonify(error="Unauthorized", message=_("Log in to do this.")), 401
    flash(_("Log in to take part."), "info")
    # After logging in, a visitor comes back to the page they asked for; a refused POST has no such page.
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.login", next=target))
