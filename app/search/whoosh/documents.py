"""What the index holds for a post, read from the database."""

import hashlib
import math
from collections.abc import Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.forum.models import Category, Post, Thread
from app.forum.rendering import plain_text

# Read in pages of this many rows when the whole forum is indexed.
BATCH = 2_000


def _posts(*conditions) -> sa.Select:
    """The columns an entry is written from, one flat row a post.

    Plain rows rather than ORM objects: building a Post, its thread, category and author for each
    row was most of the time a rebuild spent reading the database."""
    return (
        sa.select(
            Post.id,
            Post.thread_id,
            Post.body_html,
            Post.created_at,
            Post.edited_at,
            Post.helpful_count,
            Post.hidden_at,
            Post.deleted_at,
            Thread.title,
            Thread.solution_post_id,
            Thread.deleted_at.label("thread_deleted_at"),
            Category.slug.label("category"),
            User.username_key.label("author"),
        )
        .join(Thread, Post.thread_id == Thread.id)
        .join(Category, Thread.category_id == Category.id)
        .join(User, Post.author_id == User.id)
        .where(*conditions)
    )


def indexable(row: sa.Row) -> bool:
    return row.deleted_at is None and row.hidden_at is None and row.thread_deleted_at is None


def fingerprint(row: sa.Row) -> str:
    """Everything an entry is written from, but the words themselves (an edit stamps `edited_at`)."""
    parts = (
        row.edited_at or row.created_at,
        row.helpful_count,
        row.title,
        row.category,
        row.solution_post_id,
        row.author,
    )
    return hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:16]


def document(row: sa.Row) -> dict:
    solved = row.solution_post_id is not None
    is_solution = row.solution_post_id == row.id
    # Helpful replies and solutions rank a little higher among equally relevant posts.
    boost = 1.0 + 0.1 * math.log1p(row.helpful_count) + (0.15 if solved else 0) + (0.25 if is_solution else 0)
    return {
        "post_id": str(row.id),
        "thread_id": str(row.thread_id),
        "title": row.title,
        "body": plain_text(row.body_html),
        "author": row.author,
        "category": row.category,
        "created": row.created_at,
        "solved": solved,
        "is_solution": is_solution,
        "fingerprint": fingerprint(row),
        "_boost": boost,
    }


def changed(session: Session, post_ids: Iterable[int], thread_ids: Iterable[int]) -> tuple[list[dict], set[int]]:
    """The entries to write for these posts and threads, and the post ids to take out of the index."""
    post_ids, thread_ids = set(post_ids), set(thread_ids)
    conditions = []
    if post_ids:
        conditions.append(Post.id.in_(post_ids))
    if thread_ids:
        conditions.append(Post.thread_id.in_(thread_ids))
    if not conditions:
        return [], set()
    documents, gone = [], set(post_ids)
    for row in session.execute(_posts(sa.or_(*conditions))):
        gone.discard(row.id)
        if indexable(row):
            documents.append(document(row))
        else:
            gone.add(row.id)
    return documents, gone


def every_indexable_post(session: Session) -> Iterator[sa.Row]:
    """Every post the index should hold, read in id order a page at a time."""
    last_id = 0
    while True:
        batch = session.execute(
            _posts(Post.id > last_id, Post.deleted_at.is_(None), Post.hidden_at.is_(None), Thread.deleted_at.is_(None))
            .order_by(Post.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
