from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.forms import commit_change
from app.forum import queries as forum_queries
from app.forum.models import Thread
from app.forum.urls import post_url
from app.notifications import services
from app.notifications.models import Notification
from app.pagination import requested_page

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def notification_helpers():
    # A function, not a number: only the pages whose template calls it pay for the query.
    return {"unread_notification_count": unread_notification_count}


def unread_notification_count() -> int:
    """The viewer's unread notifications: one COUNT per request for members, none for visitors."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = services.unread_count(current_user)
    return g.unread_notifications


@bp.app_template_global("is_watching")
def is_watching(thread: Thread) -> bool:
    return services.is_watching(current_user, thread)


@bp.post("/t/<int:thread_id>/watch")
@login_required
def watch(thread_id: int):
    thread = forum_queries.visible_thread(thread_id)
    watching = commit_change(lambda: services.toggle_watch(current_user, thread))
    if watching:
        flash(_("You are watching this thread: you will be notified of new replies."), "success")
    else:
        flash(_("You no longer watch this thread."), "info")
    return redirect(url_for("forum.thread", thread_id=thread.id, slug=thread.slug))


@bp.get("/notifications")
@login_required
def index():
    number = requested_page()
    per_page = current_app.config["NOTIFICATIONS_PER_PAGE"]
    page = services.notifications_page(current_user, number, per_page)
    return render_template("notifications/index.html", page=page, wording=wording, reason=reason, target_url=target_url)


@bp.post("/notifications/read")
@login_required
def mark_read():
    commit_change(lambda: services.mark_all_read(current_user))
    return redirect(url_for("notifications.index"))


def wording(notification: Notification) -> str:
    """What happened, in a sentence of the reader's language."""
    title = notification.thread.title if notification.thread else None
    actor = notification.actor.username if notification.actor else None
    kind = notification.kind
    if kind == services.REPLY:
        if actor and title:
            return _("%(name)s replied in “%(title)s”", name=actor, title=title)
        return _("New reply in a thread you watch")
    if kind == services.POST_HIDDEN:
        if title:
            return _("Your message in “%(title)s” was hidden by moderation", title=title)
        return _("Your message was hidden by moderation")
    if kind == services.POST_RESTORED:
        if title:
            return _("Your message in “%(title)s” was restored", title=title)
        return _("Your message was restored")
    if kind == services.FLAGS_UPHELD:
        if title:
            return _("Your flag on a message in “%(title)s” was upheld", title=title)
        return _("Your flag was upheld")
    if kind == services.FLAGS_DISMISSED:
        if title:
            return _("Your flag on a message in “%(title)s” was dismissed", title=title)
        return _("Your flag was dismissed")
    if kind == services.SUSPENDED:
        if notification.detail:
            return _("Your account is suspended: %(reason)s", reason=notification.detail)
        return _("Your account is suspended")
    if kind == services.SUSPENSION_LIFTED:
        return _("Your suspension was lifted: you can take part again")
    return _("Something happened on your account")


def reason(notification: Notification) -> str | None:
    """The moderator's words to show under the sentence, unless the sentence already says them."""
    if not notification.detail or notification.kind == services.SUSPENDED:
        return None
    return notification.detail


def target_url(notification: Notification) -> str | None:
    """Where the notification leads: its post, else its thread, else nowhere (a suspension)."""
    thread = notification.post.thread if notification.post else notification.thread
    if thread is None or thread.deleted_at is not None:
        return None
    if notification.post:
        return post_url(notification.post)
    return url_for("forum.thread", thread_id=thread.id, slug=thread.slug)
