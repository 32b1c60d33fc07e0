"""Notifications: telling members what happened to them and to the threads they watch."""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.clock import utcnow
from app.extensions import db
from app.forum.models import Post, Thread
from app.limits import REASON_MAX_LENGTH
from app.notifications.models import Notification, Subscription
from app.pagination import Page, check_page_exists, page_count

# Kinds, as stored; the notifications page words each of them.
REPLY = "reply"
POST_HIDDEN = "post_hidden"
POST_RESTORED = "post_restored"
FLAGS_UPHELD = "flags_upheld"
FLAGS_DISMISSED = "flags_dismissed"
SUSPENDED = "suspended"
SUSPENSION_LIFTED = "suspension_lifted"


def notify(
    user: User,
    kind: str,
    detail: str = "",
    actor: User | None = None,
    thread: Thread | None = None,
    post: Post | None = None,
) -> None:
    """Leave `user` a notification; the caller commits. Nobody is notified of their own doing."""
    if actor is not None and actor.id == user.id:
        return
    db.session.add(
        Notification(
            user_id=user.id,
            kind=kind,
            detail=detail[:REASON_MAX_LENGTH],
            actor_id=actor.id if actor else None,
            thread_id=thread.id if thread else (post.thread_id if post else None),
            post_id=post.id if post else None,
        )
    )


# Watching threads


def is_watching(user: User, thread: Thread) -> bool:
    if not user.is_authenticated:
        return False
    return db.session.scalar(
        sa.select(sa.exists().where(Subscription.user_id == user.id, Subscription.thread_id == thread.id))
    )


def watch(user: User, thread: Thread) -> None:
    """Subscribe `user` to the thread's new replies; watching it already changes nothing."""
    if is_watching(user, thread):
        return
    try:
        with db.session.begin_nested():
            db.session.add(Subscription(user_id=user.id, thread_id=thread.id))
    except IntegrityError:
        pass  # a concurrent request (a double click) subscribed them first


def unwatch(user: User, thread: Thread) -> None:
    db.session.execute(
        sa.delete(Subscription).where(Subscription.user_id == user.id, Subscription.thread_id == thread.id)
    )


def toggle_watch(user: User, thread: Thread) -> bool:
    """Start or stop watching the thread; returns whether `user` watches it now."""
    if is_watching(user, thread):
        unwatch(user, thread)
        return False
    watch(user, thread)
    return True


def notify_watchers(thread: Thread, post: Post) -> None:
    """Tell everyone watching `thread`, except its author, about the new reply `post`.

    One query finds the watchers and one statement writes all their notifications, however many."""
    watcher_ids = db.session.scalars(
        sa.select(Subscription.user_id).where(
            Subscription.thread_id == thread.id, Subscription.user_id != post.author_id
        )
    ).all()
    if not watcher_ids:
        return
    db.session.execute(
        sa.insert(Notification),
        [
            {"user_id": user_id, "kind": REPLY, "actor_id": post.author_id, "thread_id": thread.id, "post_id": post.id}
            for user_id in watcher_ids
        ],
    )


# Reading them


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def notifications_page(user: User, number: int, per_page: int) -> Page[Notification]:
    """A page of `user`'s notifications, newest first, with what each one points at (two queries)."""
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id == user.id)
    )
    pages = page_count(total, per_page)
    check_page_exists(number, pages)
    notifications = db.session.scalars(
        sa.select(Notification)
        .options(
            joinedload(Notification.actor),
            joinedload(Notification.thread),
            joinedload(Notification.post).joinedload(Post.thread),
        )
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return Page(items=list(notifications), number=number, pages=pages)


def mark_all_read(user: User) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
