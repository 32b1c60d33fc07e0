from functools import lru_cache

from babel import Locale
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.accounts import services as accounts
from app.accounts.roles import staff_required
from app.errors import InvalidInput, NotFound
from app.forms import commit_change
from app.forum import queries as forum_queries
from app.forum.urls import post_url
from app.moderation import log, queries, services
from app.moderation.forms import FLAG_CHOICES, FlagForm, HideForm, MoveForm, ReasonForm, SuspendForm
from app.pagination import requested_page
from app.web import safe_next

bp = Blueprint("moderation", __name__)

QUEUE_PER_PAGE = 20

ACTION_LABELS = {
    log.HIDE_POST: _l("hid a message"),
    log.AUTO_HIDE_POST: _l("hid a message after flags"),
    log.RESTORE_POST: _l("restored a message"),
    log.DISMISS_FLAGS: _l("dismissed flags"),
    log.KEEP_HIDDEN: _l("kept a message hidden"),
    log.LOCK_THREAD: _l("locked a thread"),
    log.UNLOCK_THREAD: _l("unlocked a thread"),
    log.PIN_THREAD: _l("pinned a thread"),
    log.UNPIN_THREAD: _l("unpinned a thread"),
    log.MOVE_THREAD: _l("moved a thread"),
    log.SUSPEND_USER: _l("suspended a member"),
    log.UNSUSPEND_USER: _l("lifted a suspension"),
    log.CREATE_CATEGORY: _l("created a category"),
    log.EDIT_CATEGORY: _l("edited a category"),
    log.DELETE_CATEGORY: _l("removed a category"),
    log.REORDER_CATEGORY: _l("reordered the categories"),
    log.GRANT_MODERATOR: _l("made a member moderator"),
    log.REVOKE_MODERATOR: _l("withdrew a moderator role"),
    log.ERASE_ACCOUNT: _l("erased an account at its member's request"),
    log.IDEA_STATUS_ACTIONS["new"]: _l("marked an idea new"),
    log.IDEA_STATUS_ACTIONS["under_review"]: _l("put an idea under review"),
    log.IDEA_STATUS_ACTIONS["planned"]: _l("planned an idea"),
    log.IDEA_STATUS_ACTIONS["done"]: _l("marked an idea done"),
    log.IDEA_STATUS_ACTIONS["declined"]: _l("declined an idea"),
}
FLAG_REASON_LABELS = {
    "spam": _l("spam"),
    "abusive": _l("abusive"),
    "off_topic": _l("off topic"),
    "other": _l("other"),
}


@bp.app_context_processor
def moderation_helpers():
    return {
        "action_label": lambda action: str(ACTION_LABELS.get(action, action)),
        "flag_reason_label": lambda reason: str(FLAG_REASON_LABELS.get(reason, reason)),
        "flag_refusal": services.flag_refusal,
        "flag_choices": flag_choices(get_locale()),
        "review_refusal": services.review_refusal,
    }


@lru_cache(maxsize=8)
def flag_choices(locale: Locale | None) -> tuple[tuple[str, str], ...]:
    """The reasons of the flag form, in the reader's language: worded once per language rather than
    at each post of a page, where they took 7 % of its time."""
    return tuple((choice.value, str(choice.label)) for choice in FLAG_CHOICES)


def _redirect_back(form: ReasonForm, default: str):
    """To the page the action was taken from (the queue, say), else to `default`."""
    return redirect(safe_next(form.next.data, default))


# Members


@bp.post("/p/<int:post_id>/flag")
@login_required
def flag(post_id: int):
    post = forum_queries.post_by_id(post_id)
    form = FlagForm()
    commit_change(lambda: services.flag_post(current_user, post, form.reason.data, form.note.data))
    flash(_("Thank you: the moderators will look at this message."), "success")
    return redirect(post_url(post))


@bp.post("/p/<int:post_id>/review")
@login_required
def request_review(post_id: int):
    post = forum_queries.post_by_id(post_id)
    commit_change(lambda: services.request_review(current_user, post))
    flash(_("A moderator will look at your message again."), "success")
    return redirect(post_url(post))


# Staff


@bp.get("/moderation/flags")
@staff_required
def flags():
    page = queries.queue(requested_page(), QUEUE_PER_PAGE)
    return render_template("moderation/flags.html", page=page, form=HideForm(formdata=None))


@bp.post("/moderation/posts/<int:post_id>/hide")
@staff_required
def hide_post(post_id: int):
    post = forum_queries.post_by_id(post_id)
    form = HideForm()
    commit_change(lambda: services.hide_post(current_user, post, form.reason.data, suspend_days=form.suspend_days.data))
    return _redirect_back(form, post_url(post))


@bp.post("/moderation/posts/<int:post_id>/restore")
@staff_required
def restore_post(post_id: int):
    post = forum_queries.post_by_id(post_id)
    form = ReasonForm()
    commit_change(lambda: services.restore_post(current_user, post, form.reason.data))
    return _redirect_back(form, post_url(post))


@bp.post("/moderation/flags/<int:post_id>/dismiss")
@staff_required
def dismiss_flags(post_id: int):
    post = forum_queries.post_by_id(post_id)
    form = ReasonForm()
    commit_change(lambda: services.dismiss_flags(current_user, post, form.reason.data))
    return _redirect_back(form, url_for("moderation.flags"))


@bp.post("/moderation/threads/<int:thread_id>/<any(lock, unlock, pin, unpin):action>")
@staff_required
def thread_action(thread_id: int, action: str):
    thread = forum_queries.visible_thread(thread_id)
    form = ReasonForm()
    if action in ("lock", "unlock"):
        commit_change(lambda: services.set_locked(current_user, thread, action == "lock", form.reason.data))
    else:
        commit_change(lambda: services.set_pinned(current_user, thread, action == "pin", form.reason.data))
    return _redirect_back(form, url_for("forum.thread", thread_id=thread.id, slug=thread.slug))


@bp.post("/moderation/threads/<int:thread_id>/move")
@staff_required
def move_thread(thread_id: int):
    thread = forum_queries.visible_thread(thread_id)
    form = MoveForm()
    commit_change(lambda: services.move_thread(current_user, thread, form.category.data, form.reason.data))
    return _redirect_back(form, url_for("forum.thread", thread_id=thread.id, slug=thread.slug))


@bp.post("/moderation/users/<username>/<any(suspend, unsuspend):action>")
@staff_required
def suspension(username: str, action: str):
    member = accounts.find_by_username(username)
    if member is None:
        raise NotFound(_("No member goes by this name."))
    form = SuspendForm()
    if action == "suspend":
        commit_change(lambda: services.suspend(current_user, member, form.days.data, form.reason.data))
    else:
        commit_change(lambda: services.lift_suspension(current_user, member, form.reason.data))
    return _redirect_back(form, url_for("accounts.profile", username=member.username))


# Everyone


@bp.get("/moderation/log")
def log_view():
    action = request.args.get("action") or None
    if action is not None and action not in log.ACTIONS:
        raise InvalidInput(_("Unknown kind of action."))
    page = queries.log_page(requested_page(), current_app.config["MODERATION_LOG_PER_PAGE"], action)
    return render_template("moderation/log.html", page=page, action=action, actions=log.ACTIONS)
