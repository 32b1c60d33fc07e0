"""What the SEO pages read. Sitemaps never load all threads: they aggregate or stream."""

from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.forum.models import Category, Post, Thread
from app.limits import MAX_ROW_ID
from app.pagination import Page

_LIVE = Thread.deleted_at.is_(None)


def opening_post(thread: Thread, page: Page[Post]) -> Post | None:
    """The thread's first post: already on page 1, one more statement on the later pages."""
    if page.items and page.items[0].position == 1:
        return page.items[0]
    return db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.position == 1))


def thread_id_range(number: int, size: int) -> tuple[int, int]:
    """The ids a thread sitemap covers: child n holds ids (n-1)*size+1 .. n*size, so at most
    `size` URLs, and a thread stays in the same child all its life. The last child ends at the
    largest id a thread can have."""
    return (number - 1) * size + 1, min(number * size, MAX_ROW_ID)


def thread_sitemaps(size: int) -> list[tuple[int, datetime]]:
    """Each thread sitemap that has live threads, with their latest activity, in one statement."""
    number = ((Thread.id - 1) // size + 1).label("number")
    rows = db.session.execute(
        sa.select(number, sa.func.max(Thread.last_activity_at)).where(_LIVE).group_by(number).order_by(number)
    )
    return [(int(child), latest) for child, latest in rows]


def has_live_threads(first_id: int, last_id: int) -> bool:
    return (
        db.session.scalar(sa.select(Thread.id).where(_LIVE, Thread.id.between(first_id, last_id)).limit(1)) is not None
    )


def live_threads_between(first_id: int, last_id: int) -> sa.Select:
    """The statement a thread sitemap streams: id, slug and last activity only, never whole rows."""
    return (
        sa.select(Thread.id, Thread.slug, Thread.last_activity_at)
        .where(_LIVE, Thread.id.between(first_id, last_id))
        .order_by(Thread.id)
    )


def newest_threads(limit: int, category: Category | None = None) -> list[tuple[Thread, Post | None]]:
    """The latest threads started (in a category), each with its opening post, in two statements."""
    query = sa.select(Thread).where(_LIVE).order_by(Thread.id.desc()).limit(limit)
    if category is not None:
        query = query.where(Thread.category_id == category.id)
    threads = list(db.session.scalars(query))
    openings = (
        {
            post.thread_id: post
            for post in db.session.scalars(
                sa.select(Post).where(Post.thread_id.in_([thread.id for thread in threads]), Post.position == 1)
            )
        }
        if threads
        else {}
    )
    return [(thread, openings.get(thread.id)) for thread in threads]
