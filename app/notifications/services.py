"""Notifications: telling members, once per event, what happened to them and in the threads they
watch (by email too, at once, when they chose so: see app.notifications.email); and what each
member chose for a thread: to watch it, or to mute it."""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.clock import utcnow
from app.extensions import db
from app.forum.models import Post, Thread
from app.limits import REASON_MAX_LENGTH
from app.notifications import mentions
from app.notifications.models import MUTED, WATCHING, Notification, Subscription

# Kinds, as stored; the notifications page words each of them.
REPLY = "reply"  # a reply in a thread the member watches
REPLY_TO = "reply_to"  # a reply to one of the member's posts
MENTION = "mention"
HELPFUL = "helpful"
SOLUTION = "solution"
BADGE = "badge"
POST_HIDDEN = "post_hidden"
POST_RESTORED = "post_restored"
FLAGS_UPHELD = "flags_upheld"
FLAGS_DISMISSED = "flags_dismissed"
SUSPENDED = "suspended"
SUSPENSION_LIFTED = "suspension_lifted"
IDEA_STATUS = "idea_status"  # staff said what became of an idea the member had or voted for


def notify(
    user: User,
    kind: str,
    detail: str = "",
    actor: User | None = None,
    thread: Thread | None = None,
    post: Post | None = None,
) -> None:
    """Leave `user` a notification, and mail it at once if they want its kind so; the caller
    commits. Nobody is notified of their own doing."""
    if actor is not None and actor.id == user.id:
        return
    detail = detail[:REASON_MAX_LENGTH]
    mailed = _mail_at_once({user.id: kind}, actor=actor, thread=thread, post=post, detail=detail)
    db.session.add(
        Notification(
            user_id=user.id,
            kind=kind,
            detail=detail,
            actor_id=actor.id if actor else None,
            thread_id=thread.id if thread else (post.thread_id if post else None),
            post_id=post.id if post else None,
            mailed_at=utcnow() if mailed else None,
        )
    )


def _mail_at_once(kinds: dict[int, str], **about) -> set[int]:
    """Mail each member of `kinds` (id → kind) who wants that kind told at once; returns their ids,
    whose notifications are written as mailed, so that no digest tells them again."""
    # Imported here: the messages' wording (app.notifications.wording) imports this module's kinds.
    from app.notifications import email

    return email.mail_at_once(kinds, **about)


# What members do in threads


def notify_of_new_post(post: Post) -> None:
    """Tell each member a new post concerns, once, by the most specific reason: mentioned in it,
    answered by it (its `reply_to`), or watching its thread. Its author and the members who muted
    the thread hear nothing of it.

    One query reads the thread's watchers and mutes (none for an opening post), one finds the
    members mentioned (only when it mentions someone), one reads the addresses and email choices of
    those told, one statement writes every notification."""
    # Nobody has chosen anything yet for the thread an opening post starts.
    choices = {} if post.is_opening else _choices_for(post.thread_id)
    silent = {user_id for user_id, level in choices.items() if level == MUTED} | {post.author_id}
    mentioned = mentions.newly_mentioned_ids(post.body_html)
    kinds = dict.fromkeys(_first(mentioned, silent, mentions.MENTIONS_NOTIFIED_PER_POST), MENTION)
    if post.reply_to is not None:
        kinds.setdefault(post.reply_to.author_id, REPLY_TO)
    for user_id, level in choices.items():
        if level == WATCHING:
            kinds.setdefault(user_id, REPLY)
    told = {user_id: kind for user_id, kind in kinds.items() if user_id not in silent}
    if not told:
        return
    mailed = _mail_at_once(told, actor=post.author, post=post)
    now = utcnow()
    db.session.execute(
        # NULLs written as such: left out, they would split the rows into one statement per run of alike rows.
        sa.insert(Notification).execution_options(render_nulls=True),
        [
            {
                "user_id": user_id,
                "kind": kind,
                "actor_id": post.author_id,
                "thread_id": post.thread_id,
                "post_id": post.id,
                "mailed_at": now if user_id in mailed else None,
            }
            for user_id, kind in told.items()
        ],
    )


def _choices_for(thread_id: int) -> dict[int, str]:
    return dict(
        db.session.execute(
            sa.select(Subscription.user_id, Subscription.level).where(Subscription.thread_id == thread_id)
        ).all()
    )


def notify_of_edit(post: Post, previous_html: str) -> None:
    """Tell the members an edit mentions for the first time. A member this post already told of a
    mention is not told again, and the post's limit of mentions notified counts every version."""
    if not post.is_visible:
        return
    mentioned = mentions.newly_mentioned_ids(post.body_html, previous_html)
    if not mentioned:
        return
    told = set(
        db.session.scalars(
            sa.select(Notification.user_id).where(Notification.post_id == post.id, Notification.kind == MENTION)
        )
    )
    muting = set(
        db.session.scalars(
            sa.select(Subscription.user_id).where(
                Subscription.thread_id == post.thread_id,
                Subscription.level == MUTED,
                Subscription.user_id.in_(mentioned),
            )
        )
    )
    room = mentions.MENTIONS_NOTIFIED_PER_POST - len(told)
    newly_told = _first(mentioned, told | muting | {post.author_id}, room)
    mailed = _mail_at_once(dict.fromkeys(newly_told, MENTION), actor=post.author, post=post)
    now = utcnow()
    for user_id in newly_told:
        db.session.add(
            Notification(
                user_id=user_id,
                kind=MENTION,
                actor_id=post.author_id,
                thread_id=post.thread_id,
                post_id=post.id,
                mailed_at=now if user_id in mailed else None,
            )
        )


def _first(user_ids: list[int], silent: set[int], room: int) -> list[int]:
    """The first `room` of `user_ids` that are not `silent`."""
    return [user_id for user_id in user_ids if user_id not in silent][: max(room, 0)]


def notify_once(user: User, kind: str, actor: User, post: Post) -> None:
    """Tell `user` that `actor` marked their post helpful or accepted it as the solution (`kind`),
    unless they muted its thread or heard it from `actor` before: a mark withdrawn and given again
    is no news. A withdrawn mark leaves its notification, as Discourse and Stack Overflow do."""
    if actor.id == user.id or has_muted(user, post.thread_id):
        return
    told_before = db.session.scalar(
        sa.select(
            sa.exists().where(
                Notification.user_id == user.id,
                Notification.kind == kind,
                Notification.actor_id == actor.id,
                Notification.post_id == post.id,
            )
        )
    )
    if not told_before:
        notify(user, kind, actor=actor, post=post)


def notify_idea_status(thread: Thread, user_ids: list[int], actor: User, status: str, reason: str) -> None:
    """Tell the author of an idea and its voters (`user_ids`) its new status and the reason, in one
    statement, unless they muted its thread; the staff member who acted hears nothing of it."""
    muting = {user_id for user_id, level in _choices_for(thread.id).items() if level == MUTED}
    told = [user_id for user_id in dict.fromkeys(user_ids) if user_id != actor.id and user_id not in muting]
    if not told:
        return
    # The status first, then the staff's words, cut to what the column holds.
    detail = f"{status}:{reason}"[:REASON_MAX_LENGTH]
    mailed = _mail_at_once(dict.fromkeys(told, IDEA_STATUS), actor=actor, thread=thread, detail=detail)
    now = utcnow()
    db.session.execute(
        sa.insert(Notification).execution_options(render_nulls=True),
        [
            {
                "user_id": user_id,
                "kind": IDEA_STATUS,
                "detail": detail,
                "actor_id": actor.id,
                "thread_id": thread.id,
                "post_id": None,
                "mailed_at": now if user_id in mailed else None,
            }
            for user_id in told
        ],
    )


# Watching and muting threads


def subscription_level(user: User, thread: Thread) -> str | None:
    """WATCHING, MUTED, or None when `user` chose neither for the thread."""
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(Subscription.level).where(Subscription.user_id == user.id, Subscription.thread_id == thread.id)
    )


def has_muted(user: User, thread_id: int) -> bool:
    return db.session.scalar(
        sa.select(
            sa.exists().where(
                Subscription.user_id == user.id, Subscription.thread_id == thread_id, Subscription.level == MUTED
            )
        )
    )


def watch(user: User, thread: Thread) -> None:
    """Watch the thread: be told of its new replies. Watching a muted thread unmutes it."""
    _choose(user, thread, WATCHING)


def mute(user: User, thread: Thread) -> None:
    """Mute the thread: be told of nothing members do in it. Muting a watched thread stops watching it."""
    _choose(user, thread, MUTED)


def watch_as_participant(user: User, thread: Thread) -> None:
    """Members watch the threads they start or reply in, unless they muted them."""
    _choose(user, thread, WATCHING, keep_existing=True)


def toggle_watch(user: User, thread: Thread) -> bool:
    """Start watching the thread (unmuting it), or stop; returns whether `user` watches it now."""
    if subscription_level(user, thread) == WATCHING:
        _forget_choice(user, thread)
        return False
    watch(user, thread)
    return True


def toggle_mute(user: User, thread: Thread) -> bool:
    """Mute the thread (no longer watching it), or unmute it; returns whether `user` has it muted now."""
    if subscription_level(user, thread) == MUTED:
        _forget_choice(user, thread)
        return False
    mute(user, thread)
    return True


def _choose(user: User, thread: Thread, level: str, keep_existing: bool = False) -> None:
    subscription = db.session.scalar(
        sa.select(Subscription).where(Subscription.user_id == user.id, Subscription.thread_id == thread.id)
    )
    if subscription is not None:
        if not keep_existing:
            subscription.level = level
        return
    try:
        with db.session.begin_nested():
            db.session.add(Subscription(user_id=user.id, thread_id=thread.id, level=level))
    except IntegrityError:
        # A concurrent request (a double click) chose first; a choice the member makes now still wins.
        if not keep_existing:
            db.session.execute(
                sa.update(Subscription)
                .where(Subscription.user_id == user.id, Subscription.thread_id == thread.id)
                .values(level=level)
            )


def _forget_choice(user: User, thread: Thread) -> None:
    db.session.execute(
        sa.delete(Subscription).where(Subscription.user_id == user.id, Subscription.thread_id == thread.id)
    )


# Reading them


def mark_all_read(user: User) -> None:
    """Mark every unread notification read, all with the same time: the page groups by it, so that
    what arrives afterwards starts new lines."""
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
