"""The questions that wait for a first answer, and the first answers members gave.

A thread is unanswered while it is live and shows no reply: `reply_count` counts the replies still
shown, so a thread whose only reply was deleted or hidden waits again. Every statement here keeps
the partial indexes' own condition, written as literals (`reply_count = 0`, `deleted_at IS NULL`):
a bound parameter in its place would keep SQLite and PostgreSQL's generic plans from the indexes
`ix_threads_unanswered` and `ix_threads_unanswered_category`."""

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.extensions import db
from app.forum.models import Category, Post, Thread
from app.pagination import Page, check_page_exists, page_count

UNANSWERED = (Thread.reply_count == sa.literal_column("0"), Thread.deleted_at.is_(None))
# The longest waiting first; the id settles threads started in the same instant.
WAITING_ORDER = (Thread.created_at, Thread.id)


def unanswered_count(category: Category | None = None) -> int:
    """How many questions wait for a first answer (in a category), counted from the partial index alone."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(*_unanswered(category)))


def unanswered_threads(number: int, per_page: int, category: Category | None = None) -> Page[Thread]:
    """A page of the questions that wait for a first answer (in a category), the longest waiting first."""
    pages = page_count(unanswered_count(category), per_page)
    check_page_exists(number, pages)
    # The page's ids come from the partial index alone; only those rows are then read in full.
    page_ids = (
        sa.select(Thread.id)
        .where(*_unanswered(category))
        .order_by(*WAITING_ORDER)
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    threads = db.session.scalars(sa.select(Thread).where(Thread.id.in_(page_ids)).order_by(*WAITING_ORDER))
    return Page(items=list(threads), number=number, pages=pages)


def _unanswered(category: Category | None) -> tuple:
    if category is None:
        return UNANSWERED
    return (Thread.category_id == category.id, *UNANSWERED)


def first_answers_by(user: User) -> int:
    """How many threads `user` answered first: their replies that are, today, the first reply
    shown in a live thread that someone else started.

    A reply is a post after the opening one (position > 1); shown means neither deleted nor
    hidden. A reply counts when no shown reply comes before it in its thread, so that a first
    answer that was hidden or deleted hands the title to the next shown reply, and an answer to
    one's own question never counts. One statement: the member's shown replies, each checked
    against the replies before it through the (thread_id, position) unique index."""
    earlier = aliased(Post)
    earlier_shown = (
        sa.select(earlier.id)
        .where(
            earlier.thread_id == Post.thread_id,
            earlier.position > 1,
            earlier.position < Post.position,
            earlier.deleted_at.is_(None),
            earlier.hidden_at.is_(None),
        )
        .correlate(Post)
        .exists()
    )
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Post.author_id == user.id,
            Post.position > 1,
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
            Thread.deleted_at.is_(None),
            Thread.author_id != user.id,
            ~earlier_shown,
        )
    )
