"""What each line of the notifications page says, in the reader's language, and where it leads."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.forum.urls import post_url
from app.ideas.services import status_label
from app.notifications import services
from app.notifications.queries import NotificationGroup
from app.reputation.badges import KINDS as BADGE_KINDS

# Kinds whose moderator's reason is shown under the sentence (a suspension's is in the sentence).
_REASON_SHOWN_UNDER = {
    services.POST_HIDDEN,
    services.POST_RESTORED,
    services.FLAGS_UPHELD,
    services.FLAGS_DISMISSED,
    services.SUSPENSION_LIFTED,
}


def sentence(group: NotificationGroup) -> str:
    """What happened, in a sentence naming the latest member who did it."""
    notification = group.latest
    kind = group.kind
    name = notification.actor.username if notification.actor else _("Someone")
    title = notification.thread.title if notification.thread else None
    if kind == services.REPLY:
        return _replies_in_watched_thread(group, name, title)
    if kind == services.REPLY_TO:
        return _replies_to_the_reader(group, name, title)
    if kind == services.MENTION:
        return _("%(name)s mentioned you in “%(title)s”", name=name, title=title)
    if kind == services.HELPFUL:
        if group.other_actors:
            return ngettext(
                "%(name)s and %(num)d other found your reply helpful in “%(title)s”",
                "%(name)s and %(num)d others found your reply helpful in “%(title)s”",
                group.other_actors,
                name=name,
                title=title,
            )
        return _("%(name)s found your reply helpful in “%(title)s”", name=name, title=title)
    if kind == services.SOLUTION:
        return _("%(name)s accepted your reply as the solution to “%(title)s”", name=name, title=title)
    if kind == services.IDEA_STATUS:
        status = status_label(notification.detail.partition(":")[0])
        return _("The idea “%(title)s” is now: %(status)s", title=title, status=status)
    if kind == services.BADGE:
        badge = BADGE_KINDS.get(notification.detail)
        return _("You earned the badge “%(badge)s”", badge=badge.label) if badge else _("You earned a badge")
    return _moderation(notification.kind, title, notification.detail)


def _replies_in_watched_thread(group: NotificationGroup, name: str, title: str | None) -> str:
    if group.other_actors:
        return ngettext(
            "%(name)s and %(num)d other replied in “%(title)s”",
            "%(name)s and %(num)d others replied in “%(title)s”",
            group.other_actors,
            name=name,
            title=title,
        )
    if group.count > 1:
        return ngettext(
            "%(name)s posted %(num)d reply in “%(title)s”",
            "%(name)s posted %(num)d replies in “%(title)s”",
            group.count,
            name=name,
            title=title,
        )
    return _("%(name)s replied in “%(title)s”", name=name, title=title)


def _replies_to_the_reader(group: NotificationGroup, name: str, title: str | None) -> str:
    if group.other_actors:
        return ngettext(
            "%(name)s and %(num)d other replied to you in “%(title)s”",
            "%(name)s and %(num)d others replied to you in “%(title)s”",
            group.other_actors,
            name=name,
            title=title,
        )
    if group.count > 1:
        return ngettext(
            "%(name)s replied to you %(num)d time in “%(title)s”",
            "%(name)s replied to you %(num)d times in “%(title)s”",
            group.count,
            name=name,
            title=title,
        )
    return _("%(name)s replied to your message in “%(title)s”", name=name, title=title)


def _moderation(kind: str, title: str | None, reason: str) -> str:
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
        if reason:
            return _("Your account is suspended: %(reason)s", reason=reason)
        return _("Your account is suspended")
    if kind == services.SUSPENSION_LIFTED:
        return _("Your suspension was lifted: you can take part again")
    return _("Something happened on your account")


def reason(group: NotificationGroup) -> str | None:
    """The moderator's words to show under the sentence, unless the sentence already says them."""
    notification = group.latest
    if notification.kind == services.IDEA_STATUS:
        return notification.detail.partition(":")[2] or None
    if notification.kind not in _REASON_SHOWN_UNDER or not notification.detail:
        return None
    return notification.detail


def target_url(group: NotificationGroup) -> str | None:
    """Where the line leads: the reader's badges for a badge; else the group's first post (the
    first reply since the reader last read), else its thread, else nowhere (a suspension)."""
    if group.kind == services.BADGE:
        return url_for("accounts.profile", username=current_user.username)
    notification = group.first
    thread = notification.post.thread if notification.post else notification.thread
    if thread is None or thread.deleted_at is not None:
        return None
    if notification.post:
        return post_url(notification.post)
    return url_for("forum.thread", thread_id=thread.id, slug=thread.slug)
