"""A member's data, as one JSON document: every row the forum keeps that is theirs or about them.

Each part is read with one statement whatever its size (a member of ten thousand posts costs no
more statements than one of ten). What belongs to other members stays out: who marked a reply
helpful, the addresses of others; a notification names its actor as the notifications page does."""

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.clock import utcnow
from app.extensions import db
from app.forum.models import Post, PostRevision, Thread
from app.ideas.models import IdeaVote
from app.mail.models import OutgoingMail
from app.moderation.models import Flag, ModerationAction
from app.notifications.models import EmailPreference, Notification, Subscription
from app.reputation import badges
from app.reputation.models import HelpfulMark, ReputationEvent

# Changed when a part is renamed or its meaning changes, so that a program reading exports can tell.
FORMAT = "entraide-export/1"


def iso(value: datetime | None) -> str | None:
    """A stored time (naive UTC) as ISO 8601, marked as UTC."""
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


def _plain(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


def _rows(query: sa.Select) -> list[dict]:
    """Each row of `query` as a dict of its labelled columns, times in ISO 8601."""
    return [{key: _plain(value) for key, value in row._mapping.items()} for row in db.session.execute(query)]


def member_data(user: User) -> dict:
    """Everything about `user`, in parts named for what they hold."""
    return {
        "format": FORMAT,
        "exported_at": iso(utcnow()),
        "profile": profile(user),
        "posts": posts(user),
        "helpful_marks_given": _rows(
            sa.select(HelpfulMark.post_id, Post.thread_id, HelpfulMark.created_at)
            .join(Post, Post.id == HelpfulMark.post_id)
            .where(HelpfulMark.user_id == user.id)
            .order_by(HelpfulMark.created_at, HelpfulMark.id)
        ),
        "helpful_marks_received": _rows(
            sa.select(HelpfulMark.post_id, HelpfulMark.created_at)
            .join(Post, Post.id == HelpfulMark.post_id)
            .where(Post.author_id == user.id)
            .order_by(HelpfulMark.created_at, HelpfulMark.id)
        ),
        "idea_votes": _rows(
            sa.select(IdeaVote.thread_id, IdeaVote.created_at)
            .where(IdeaVote.user_id == user.id)
            .order_by(IdeaVote.created_at, IdeaVote.id)
        ),
        "reputation_ledger": _rows(
            sa.select(
                ReputationEvent.delta, ReputationEvent.reason, ReputationEvent.post_id, ReputationEvent.created_at
            )
            .where(ReputationEvent.user_id == user.id)
            .order_by(ReputationEvent.created_at, ReputationEvent.id)
        ),
        "badges": [
            {"key": badge.kind.key, "name": str(badge.kind.label), "awarded_at": iso(badge.awarded_at)}
            for badge in badges.badges_of(user)
        ],
        "flags_filed": _rows(
            sa.select(Flag.post_id, Flag.reason, Flag.note, Flag.status, Flag.created_at, Flag.resolved_at)
            .where(Flag.reporter_id == user.id)
            .order_by(Flag.created_at, Flag.id)
        ),
        "notifications": notifications(user),
        "email_preferences": _rows(
            sa.select(EmailPreference.kind, EmailPreference.delivery)
            .where(EmailPreference.user_id == user.id)
            .order_by(EmailPreference.kind)
        ),
        "subscriptions": _rows(
            sa.select(
                Subscription.thread_id, Thread.title.label("thread_title"), Subscription.level, Subscription.created_at
            )
            .join(Thread, Thread.id == Subscription.thread_id)
            .where(Subscription.user_id == user.id)
            .order_by(Subscription.created_at, Subscription.id)
        ),
        "mail": _rows(
            sa.select(
                OutgoingMail.to_address,
                OutgoingMail.subject,
                OutgoingMail.text_body,
                OutgoingMail.created_at,
                OutgoingMail.sent_at,
                OutgoingMail.failed_at,
            )
            .where(OutgoingMail.user_id == user.id)
            .order_by(OutgoingMail.created_at, OutgoingMail.id)
        ),
        "moderation_log": moderation_log(user),
    }


def profile(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "email_confirmed_at": iso(user.email_confirmed_at),
        "role": user.role,
        "reputation": user.reputation,
        "post_count": user.post_count,
        "locale": user.locale,
        "created_at": iso(user.created_at),
        "last_seen_at": iso(user.last_seen_at),
        "suspended_until": iso(user.suspended_until),
        "suspension_reason": user.suspension_reason,
    }


def posts(user: User) -> list[dict]:
    """Every post of `user`, deleted and hidden ones too, each with the sources its edits replaced."""
    revisions = defaultdict(list)
    for revision in _rows(
        sa.select(PostRevision.post_id, PostRevision.title, PostRevision.body_source, PostRevision.created_at)
        .join(Post, Post.id == PostRevision.post_id)
        .where(Post.author_id == user.id)
        .order_by(PostRevision.created_at, PostRevision.id)
    ):
        revisions[revision.pop("post_id")].append(revision)
    written = _rows(
        sa.select(
            Post.id,
            Post.thread_id,
            Thread.title.label("thread_title"),
            Post.position,
            Post.reply_to_id,
            Post.body_source,
            Post.created_at,
            Post.edited_at,
            Post.helpful_count,
            Post.deleted_at,
            Post.hidden_at,
            Post.hidden_reason,
        )
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == user.id)
        .order_by(Post.created_at, Post.id)
    )
    return [post | {"revisions": revisions.get(post["id"], [])} for post in written]


def notifications(user: User) -> list[dict]:
    actor = aliased(User)
    return _rows(
        sa.select(
            Notification.kind,
            actor.username.label("actor"),
            Notification.thread_id,
            Notification.post_id,
            Notification.detail,
            Notification.created_at,
            Notification.read_at,
            Notification.mailed_at,
        )
        .outerjoin(actor, actor.id == Notification.actor_id)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at, Notification.id)
    )


def moderation_log(user: User) -> list[dict]:
    """The public log's lines about `user` (a suspension) and, for staff, the actions they took."""
    lines = _rows(
        sa.select(
            ModerationAction.action,
            ModerationAction.actor_id,
            ModerationAction.post_id,
            ModerationAction.thread_id,
            ModerationAction.reason,
            ModerationAction.created_at,
        )
        .where(sa.or_(ModerationAction.actor_id == user.id, ModerationAction.user_id == user.id))
        .order_by(ModerationAction.created_at, ModerationAction.id)
    )
    return [{"by_you": line.pop("actor_id") == user.id} | line for line in lines]


def as_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()
