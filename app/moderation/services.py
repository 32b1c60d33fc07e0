"""Moderation's rules: members flag, staff act with a reason, and every action is logged publicly."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from app.accounts.models import User
from app.clock import utcnow
from app.errors import InvalidInput, PermissionDenied
from app.extensions import db
from app.forum import queries as forum_queries
from app.forum import services as forum
from app.forum.models import Category, Post, Thread
from app.limits import FLAG_NOTE_MAX_LENGTH
from app.moderation import log
from app.moderation.log import check_reason, log_action
from app.moderation.models import FLAG_REASONS, Flag
from app.notifications import services as notifications
from app.reputation.services import POST_HIDDEN, POST_RESTORED, points_change

SUSPENSION_MAX_DAYS = 365


def ensure_staff(user: User) -> None:
    if not user.is_authenticated or not user.is_staff:
        raise PermissionDenied(_("Only moderators and administrators may do this."))


# Flags


def flag_refusal(user: User, post: Post, already_flagged: bool | None = None) -> str | None:
    """Why `user` may not flag `post`, or None when they may.

    A page of posts passes `already_flagged` from `flagged_post_ids` rather than asking post by post."""
    if not user.is_authenticated:
        return _("Log in to flag a message.")
    if user.is_staff:
        return _("Staff act on messages directly; they do not flag them.")
    if user.is_suspended:
        return _("Your account is suspended.")
    if post.author_id == user.id:
        return _("You cannot flag your own message.")
    if not post.is_visible:
        return _("This message is not shown any more.")
    if already_flagged is None:
        already_flagged = bool(flagged_post_ids(user, [post]))
    if already_flagged:
        return _("You have already flagged this message.")
    return None


def flagged_post_ids(user: User, posts: list[Post]) -> set[int]:
    if not user.is_authenticated or not posts:
        return set()
    return set(
        db.session.scalars(
            sa.select(Flag.post_id).where(Flag.reporter_id == user.id, Flag.post_id.in_([post.id for post in posts]))
        )
    )


def flag_post(member: User, post: Post, reason: str, note: str = "") -> Flag:
    """Record a member's flag; enough open flags from distinct members hide the post at once."""
    forum_queries.lock_posts(post)
    refusal = flag_refusal(member, post)
    if refusal:
        raise PermissionDenied(refusal)
    if reason not in FLAG_REASONS:
        raise InvalidInput(_("Choose why you flag this message."), "reason")
    note = " ".join((note or "").split())
    if reason == "other" and not note:
        raise InvalidInput(_("Say in a few words what is wrong with this message."), "note")
    if len(note) > FLAG_NOTE_MAX_LENGTH:
        raise InvalidInput(_("A note has at most %(max)d characters.", max=FLAG_NOTE_MAX_LENGTH), "note")
    flag = Flag(post_id=post.id, reporter_id=member.id, reason=reason, note=note)
    db.session.add(flag)
    db.session.flush()
    flaggers = len(_open_flags(post))
    if flaggers >= current_app.config["MODERATION_AUTO_HIDE_FLAGS"]:
        # Stored once for every reader, so written in the forum's own language, not the flagger's.
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            reason = ngettext("Flagged by %(num)d member.", "Flagged by %(num)d members.", flaggers)
        _hide(None, post, reason, log.AUTO_HIDE_POST)
    return flag


def _open_flags(post: Post) -> list[Flag]:
    return list(db.session.scalars(sa.select(Flag).where(Flag.post_id == post.id, Flag.status == "open")))


def _resolve_flags(actor: User, post: Post, status: str, reason: str) -> None:
    """Close the post's open flags and tell each flagger how it ended."""
    kind = notifications.FLAGS_UPHELD if status == "upheld" else notifications.FLAGS_DISMISSED
    now = utcnow()
    for flag in _open_flags(post):
        flag.status, flag.resolver_id, flag.resolved_at = status, actor.id, now
        notifications.notify(flag.reporter, kind, reason, actor=actor, post=post)


# Hiding and restoring posts


def _hide(actor: User | None, post: Post, reason: str, action: str) -> None:
    with points_change(post, POST_HIDDEN, actor=actor):
        post.hidden_at, post.hidden_reason = utcnow(), reason
        post.hidden_by_id = actor.id if actor else None
        post.review_requested_at = post.review_decided_at = None
    forum.leave_view(post)
    log_action(actor, action, reason, post=post, user=post.author)
    notifications.notify(post.author, notifications.POST_HIDDEN, reason, actor=actor, post=post)


def _unhide(actor: User, post: Post) -> None:
    with points_change(post, POST_RESTORED, actor=actor):
        post.hidden_at = post.hidden_reason = post.hidden_by_id = None
        post.review_requested_at = post.review_decided_at = None
    forum.return_to_view(post)


def hide_post(actor: User, post: Post, reason: str, suspend_days: int | None = None) -> None:
    """Hide a post, upholding its flags; on a post already hidden, confirm it and close the review.

    With `suspend_days`, its author is suspended too, for the same reason."""
    ensure_staff(actor)
    reason = check_reason(reason)
    if suspend_days:
        suspend_days = check_suspension(post.author, suspend_days)
    forum_queries.lock_posts(post)
    if post.is_deleted:
        raise InvalidInput(_("This message was deleted by its author; there is nothing to hide."))
    _resolve_flags(actor, post, "upheld", reason)
    if post.is_hidden:
        post.hidden_reason, post.hidden_by_id = reason, actor.id
        if post.review_requested_at is not None:
            post.review_decided_at = utcnow()
        log_action(actor, log.KEEP_HIDDEN, reason, post=post, user=post.author)
        notifications.notify(post.author, notifications.POST_HIDDEN, reason, actor=actor, post=post)
    else:
        _hide(actor, post, reason, log.HIDE_POST)
    if suspend_days:
        suspend(actor, post.author, suspend_days, reason)


def restore_post(actor: User, post: Post, reason: str) -> None:
    """Bring a hidden post back; its open flags are dismissed, since it was judged fine."""
    ensure_staff(actor)
    reason = check_reason(reason)
    forum_queries.lock_posts(post)
    if not post.is_hidden:
        raise InvalidInput(_("This message is not hidden."))
    _resolve_flags(actor, post, "dismissed", reason)
    _unhide(actor, post)
    log_action(actor, log.RESTORE_POST, reason, post=post, user=post.author)
    notifications.notify(post.author, notifications.POST_RESTORED, reason, actor=actor, post=post)


def dismiss_flags(actor: User, post: Post, reason: str) -> None:
    """Close a post's flags as unfounded; a post the flags hid automatically comes back."""
    ensure_staff(actor)
    reason = check_reason(reason)
    forum_queries.lock_posts(post)
    if not _open_flags(post):
        raise InvalidInput(_("This message has no open flag."))
    _resolve_flags(actor, post, "dismissed", reason)
    log_action(actor, log.DISMISS_FLAGS, reason, post=post, user=post.author)
    if post.is_hidden and post.hidden_by_id is None and not post.is_deleted:
        _unhide(actor, post)
        log_action(actor, log.RESTORE_POST, reason, post=post, user=post.author)
        notifications.notify(post.author, notifications.POST_RESTORED, reason, actor=actor, post=post)


def review_refusal(user: User, post: Post) -> str | None:
    """Why `user` may not ask for another review of `post`, or None when they may."""
    if not user.is_authenticated or user.id != post.author_id:
        return _("Only its author may ask for a message to be reviewed again.")
    if not post.is_hidden or post.is_deleted:
        return _("This message is not hidden.")
    if user.is_suspended:
        return _("Your account is suspended.")
    if post.review_requested_at is not None:
        return _("You have already asked for a review of this message.")
    return None


def request_review(author: User, post: Post) -> None:
    """The author of a hidden post asks once for another look: it goes back to the queue."""
    refusal = review_refusal(author, post)
    if refusal:
        raise PermissionDenied(refusal)
    post.review_requested_at = utcnow()


# Threads


def set_locked(actor: User, thread: Thread, locked: bool, reason: str) -> None:
    ensure_staff(actor)
    reason = check_reason(reason)
    if thread.locked == locked:
        raise InvalidInput(_("This thread is already locked.") if locked else _("This thread is not locked."))
    thread.locked, thread.lock_reason = locked, reason if locked else None
    log_action(actor, log.LOCK_THREAD if locked else log.UNLOCK_THREAD, reason, thread=thread)


def set_pinned(actor: User, thread: Thread, pinned: bool, reason: str) -> None:
    ensure_staff(actor)
    reason = check_reason(reason)
    if thread.pinned == pinned:
        raise InvalidInput(_("This thread is already pinned.") if pinned else _("This thread is not pinned."))
    thread.pinned = pinned
    log_action(actor, log.PIN_THREAD if pinned else log.UNPIN_THREAD, reason, thread=thread)


def move_thread(actor: User, thread: Thread, category_slug: str, reason: str) -> None:
    ensure_staff(actor)
    reason = check_reason(reason)
    forum_queries.lock_thread(thread)
    target = db.session.scalar(sa.select(Category).where(Category.slug == (category_slug or "")))
    if target is None:
        raise InvalidInput(_("Choose the category to move this thread to."), "category")
    if target.id == thread.category_id:
        raise InvalidInput(_("The thread is already in this category."), "category")
    forum.move_thread(thread, target)
    log_action(actor, log.MOVE_THREAD, reason, thread=thread, category=target)


# Members


def check_suspension(member: User, days: int | str | None) -> int:
    """The number of days `member` may be suspended for, or the refusal."""
    if member.is_staff:
        raise PermissionDenied(_("Staff accounts cannot be suspended; an administrator changes their role."))
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= SUSPENSION_MAX_DAYS:
        raise InvalidInput(_("A suspension lasts from 1 to %(max)d days.", max=SUSPENSION_MAX_DAYS), "days")
    return days


def suspend(actor: User, member: User, days: int | str | None, reason: str) -> None:
    ensure_staff(actor)
    reason = check_reason(reason)
    days = check_suspension(member, days)
    member.suspended_until = utcnow() + timedelta(days=days)
    member.suspension_reason = reason
    log_action(actor, log.SUSPEND_USER, reason, user=member)
    notifications.notify(member, notifications.SUSPENDED, reason, actor=actor)


def lift_suspension(actor: User, member: User, reason: str) -> None:
    ensure_staff(actor)
    reason = check_reason(reason)
    if not member.is_suspended:
        raise InvalidInput(_("This member is not suspended."))
    member.suspended_until = member.suspension_reason = None
    log_action(actor, log.UNSUSPEND_USER, reason, user=member)
    notifications.notify(member, notifications.SUSPENSION_LIFTED, reason, actor=actor)
