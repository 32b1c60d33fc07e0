from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import csrf
from app.forms import commit_change
from app.forum import queries as forum_queries
from app.forum.models import Thread
from app.notifications import email, queries, services, wording
from app.notifications.forms import EmailPreferencesForm
from app.pagination import requested_page

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def notification_helpers():
    # A function, not a number: only the pages whose template calls it pay for the query.
    return {"unread_notification_count": unread_notification_count}


def unread_notification_count() -> int:
    """The viewer's unread notification groups: one COUNT per request for members, none for visitors."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = queries.unread_count(current_user)
    return g.unread_notifications


@bp.app_template_global("subscription_level")
def subscription_level(thread: Thread) -> str | None:
    return services.subscription_level(current_user, thread)


def _back_to(thread: Thread):
    return redirect(url_for("forum.thread", thread_id=thread.id, slug=thread.slug))


@bp.post("/t/<int:thread_id>/watch")
@login_required
def watch(thread_id: int):
    thread = forum_queries.visible_thread(thread_id)
    watching = commit_change(lambda: services.toggle_watch(current_user, thread))
    if watching:
        flash(_("You are watching this thread: you will be notified of new replies."), "success")
    else:
        flash(_("You no longer watch this thread."), "info")
    return _back_to(thread)


@bp.post("/t/<int:thread_id>/mute")
@login_required
def mute(thread_id: int):
    thread = forum_queries.visible_thread(thread_id)
    muted = commit_change(lambda: services.toggle_mute(current_user, thread))
    if muted:
        flash(_("You muted this thread: nothing members do in it will be notified to you."), "success")
    else:
        flash(_("You unmuted this thread."), "info")
    return _back_to(thread)


@bp.get("/notifications")
@login_required
def index():
    number = requested_page()
    per_page = current_app.config["NOTIFICATIONS_PER_PAGE"]
    page = queries.notification_groups_page(current_user, number, per_page)
    return render_template(
        "notifications/index.html",
        page=page,
        sentence=wording.sentence,
        reason=wording.reason,
        target_url=wording.target_url,
    )


@bp.post("/notifications/read")
@login_required
def mark_read():
    commit_change(lambda: services.mark_all_read(current_user))
    return redirect(url_for("notifications.index"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    form = EmailPreferencesForm(data=email.deliveries(current_user))
    if form.validate_on_submit():
        commit_change(lambda: email.choose_deliveries(current_user, form.deliveries()))
        flash(_("Your email preferences are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    status = 400 if request.method == "POST" else 200
    return render_template("notifications/preferences.html", form=form), status


# Mail clients post the one-click unsubscribe (RFC 8058) with neither session nor CSRF token: the
# link's signature is its authority.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET asks for confirmation (a link opened, or fetched by a mail scanner, stops nothing); POST stops."""
    member, stop = email.read_unsubscribe_link(token)
    if request.method == "POST":
        stopped = commit_change(lambda: email.unsubscribe(member, stop))
    else:
        stopped = email.stopped_by(member, stop)
    return render_template(
        "notifications/unsubscribe.html",
        member=member,
        digest=stop == email.EVERY_DIGEST,
        stopped=[email.PREFERENCES[name].label for name in stopped],
        done=request.method == "POST",
    )
