"""Checking the ledger against the cached figures, and repairing the cache from it."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from app.forum.models import Post
from app.reputation.models import HelpfulMark, ReputationEvent
from app.search import outbox


@dataclass(frozen=True)
class Drift:
    what: str
    cached: int
    actual: int

    def __str__(self) -> str:
        return f"{self.what}: cached {self.cached}, actual {self.actual}"


def _users_adrift() -> list[tuple[str, int, int]]:
    ledger = (
        sa.select(ReputationEvent.user_id, sa.func.sum(ReputationEvent.delta).label("total"))
        .group_by(ReputationEvent.user_id)
        .subquery()
    )
    return db.session.execute(
        sa.select(User.username, User.reputation, sa.func.coalesce(ledger.c.total, 0))
        .outerjoin(ledger, ledger.c.user_id == User.id)
        .where(User.reputation != sa.func.coalesce(ledger.c.total, 0))
        .order_by(User.id)
    ).all()


def _posts_adrift() -> list[tuple[int, int, int]]:
    marks = sa.select(HelpfulMark.post_id, sa.func.count().label("total")).group_by(HelpfulMark.post_id).subquery()
    return db.session.execute(
        sa.select(Post.id, Post.helpful_count, sa.func.coalesce(marks.c.total, 0))
        .outerjoin(marks, marks.c.post_id == Post.id)
        .where(Post.helpful_count != sa.func.coalesce(marks.c.total, 0))
        .order_by(Post.id)
    ).all()


def find_drift() -> list[Drift]:
    """Every user whose reputation differs from their ledger, every post whose count differs from its marks."""
    return [Drift(f"user {name}", cached, actual) for name, cached, actual in _users_adrift()] + [
        Drift(f"post {post_id} helpful count", cached, actual) for post_id, cached, actual in _posts_adrift()
    ]


def rebuild() -> int:
    """Set every cached figure from the ledger and the marks; returns how many rows were wrong."""
    users, posts = _users_adrift(), _posts_adrift()
    ledger_total = (
        sa.select(sa.func.coalesce(sa.func.sum(ReputationEvent.delta), 0))
        .where(ReputationEvent.user_id == User.id)
        .scalar_subquery()
    )
    db.session.execute(sa.update(User).values(reputation=ledger_total))
    mark_count = sa.select(sa.func.count()).where(HelpfulMark.post_id == Post.id).scalar_subquery()
    db.session.execute(sa.update(Post).values(helpful_count=mark_count))
    # The index shows helpful counts: the posts repaired behind the ORM's back are queued for it.
    outbox.queue_posts(db.session, [post_id for post_id, _cached, _actual in posts])
    return len(users) + len(posts)
