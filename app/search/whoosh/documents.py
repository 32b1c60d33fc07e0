"""What the index holds for a post, read from the database."""

import hashlib
import math
from collections.abc import Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager

from app.forum.models import Post, Thread
from app.forum.rendering import plain_text

# Read in pages of this many rows when the whole forum is indexed.
BATCH = 2_000


def _posts(*conditions) -> sa.Select:
    return (
        sa.select(Post)
        .join(Post.thread)
        .join(Thread.category)
        .join(Post.author)
        .options(contains_eager(Post.thread).contains_eager(Thread.category), contains_eager(Post.author))
        .where(*conditions)
    )


def indexable(post: Post) -> bool:
    return post.is_visible and post.thread.deleted_at is None


def fingerprint(post: Post) -> str:
    """Everything an entry is written from, but the words themselves (an edit stamps `edited_at`)."""
    thread = post.thread
    parts = (
        post.edited_at or post.created_at,
        post.helpful_count,
        thread.title,
        thread.category.slug,
        thread.solution_post_id,
        post.author.username_key,
    )
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:16]


def document(post: Post) -> dict:
    thread = post.thread
    solved = thread.solution_post_id is not None
    is_solution = thread.solution_post_id == post.id
    # Helpful replies and solutions rank a little higher among equally relevant posts.
    boost = 1.0 + 0.1 * math.log1p(post.helpful_count) + (0.15 if solved else 0) + (0.25 if is_solution else 0)
    return {
        "post_id": str(post.id),
        "thread_id": str(thread.id),
        "title": thread.title,
        "body": plain_text(post.body_html),
        "author": post.author.username_key,
        "category": thread.category.slug,
        "created": post.created_at,
        "solved": solved,
        "is_solution": is_solution,
        "helpful": post.helpful_count,
        "fingerprint": fingerprint(post),
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
    for post in session.scalars(_posts(sa.or_(*conditions))):
        gone.discard(post.id)
        if indexable(post):
            documents.append(document(post))
        else:
            gone.add(post.id)
    return documents, gone


def every_indexable_post(session: Session) -> Iterator[Post]:
    """Every post the index should hold, read in id order a page at a time."""
    last_id = 0
    while True:
        batch = session.scalars(
            _posts(Post.id > last_id, Post.deleted_at.is_(None), Post.hidden_at.is_(None), Thread.deleted_at.is_(None))
            .order_by(Post.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
        session.expunge_all()
