"""What the profile and the leaderboard read of reputation, each in one statement."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from app.accounts.models import MEMBER, User
from app.extensions import db
from app.forum.models import Category, Post, Thread
from app.reputation.models import ReputationEvent

LEADERBOARD_SIZE = 20


def _visible_posts_of(user: User):
    return (
        sa.select(Post)
        .join(Post.thread)
        .options(contains_eager(Post.thread))
        .where(
            Post.author_id == user.id, Post.deleted_at.is_(None), Post.hidden_at.is_(None), Thread.deleted_at.is_(None)
        )
    )


def most_helpful_replies(user: User, limit: int = 5) -> list[Post]:
    query = _visible_posts_of(user).where(Post.helpful_count > 0, Post.position > 1)
    return list(db.session.scalars(query.order_by(Post.helpful_count.desc(), Post.id.desc()).limit(limit)))


def solutions(user: User, limit: int = 5) -> list[Post]:
    """Replies of `user` accepted as the solution of a thread, newest first."""
    query = _visible_posts_of(user).where(Thread.solution_post_id == Post.id)
    return list(db.session.scalars(query.order_by(Post.created_at.desc()).limit(limit)))


def history(user: User, limit: int = 20) -> list[tuple[ReputationEvent, Thread | None]]:
    """The latest lines of a member's ledger, each with the thread its post belongs to."""
    rows = db.session.execute(
        sa.select(ReputationEvent, Thread)
        .outerjoin(Post, Post.id == ReputationEvent.post_id)
        .outerjoin(Thread, Thread.id == Post.thread_id)
        .where(ReputationEvent.user_id == user.id)
        .order_by(ReputationEvent.created_at.desc(), ReputationEvent.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in rows]


def top_all_time(limit: int = LEADERBOARD_SIZE) -> list[tuple[User, int]]:
    rows = db.session.scalars(
        sa.select(User)
        .where(User.role == MEMBER, User.reputation > 0)
        .order_by(User.reputation.desc(), User.id)
        .limit(limit)
    )
    return [(user, user.reputation) for user in rows]


def top_earners(
    since: datetime | None = None, category: Category | None = None, limit: int = LEADERBOARD_SIZE
) -> list[tuple[User, int]]:
    """Members by what the ledger gave them since a date and for posts in one category, if given."""
    earned = sa.func.sum(ReputationEvent.delta).label("earned")
    query = sa.select(User, earned).join(ReputationEvent, ReputationEvent.user_id == User.id).where(User.role == MEMBER)
    if since is not None:
        query = query.where(ReputationEvent.created_at >= since)
    if category is not None:
        query = query.join(Post, Post.id == ReputationEvent.post_id).join(Thread, Thread.id == Post.thread_id)
        query = query.where(Thread.category_id == category.id)
    query = query.group_by(User.id).having(earned > 0).order_by(earned.desc(), User.id).limit(limit)
    return [tuple(row) for row in db.session.execute(query)]
