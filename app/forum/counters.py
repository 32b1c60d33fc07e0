"""The forum's counters checked against a recount of the rows they summarise.

Listings show counts kept on the rows (a category's threads and messages, a thread's replies, a
member's messages) rather than counting at every page. Each write moves them in SQL; this module
says what each one must equal, so that `flask forum verify` can prove they did."""

import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from app.forum.models import Category, Post, Thread
from app.ideas.models import IdeaVote
from app.reputation.ledger import Drift

_SHOWN = sa.and_(Post.deleted_at.is_(None), Post.hidden_at.is_(None))


def _recount(model, counter, actual) -> list[tuple[int, int, int]]:
    actual = sa.func.coalesce(actual.scalar_subquery(), 0)
    return db.session.execute(sa.select(model.id, counter, actual).where(counter != actual).order_by(model.id)).all()


def find_drift() -> list[Drift]:
    """Every counter that differs from a recount of its rows."""
    live_thread = sa.and_(Thread.id == Post.thread_id, Thread.deleted_at.is_(None))
    checks = {
        # Threads still shown, and their shown messages.
        "category {} threads": (
            Category,
            Category.thread_count,
            sa.select(sa.func.count(Thread.id)).where(Thread.category_id == Category.id, Thread.deleted_at.is_(None)),
        ),
        "category {} messages": (
            Category,
            Category.post_count,
            sa.select(sa.func.count(Post.id))
            .join(Thread, live_thread)
            .where(Thread.category_id == Category.id, _SHOWN),
        ),
        # Every message ever written claims a position; replies still shown are what listings count.
        "thread {} positions": (
            Thread,
            Thread.post_total,
            sa.select(sa.func.count(Post.id)).where(Post.thread_id == Thread.id),
        ),
        "thread {} replies": (
            Thread,
            Thread.reply_count,
            sa.select(sa.func.count(Post.id)).where(Post.thread_id == Thread.id, Post.position > 1, _SHOWN),
        ),
        # Every vote counts, wherever its thread went since (votes stay with a thread that is moved).
        "thread {} votes": (
            Thread,
            Thread.vote_count,
            sa.select(sa.func.count(IdeaVote.id)).where(IdeaVote.thread_id == Thread.id),
        ),
        "member {} messages": (
            User,
            User.post_count,
            sa.select(sa.func.count(Post.id)).join(Thread, live_thread).where(Post.author_id == User.id, _SHOWN),
        ),
    }
    return [
        Drift(what.format(row_id), cached, actual)
        for what, (model, counter, recount) in checks.items()
        for row_id, cached, actual in _recount(model, counter, recount)
    ]
