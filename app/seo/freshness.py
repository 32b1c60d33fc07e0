"""When what a public page shows last changed: its Last-Modified, computed by the page's view from
the objects it shows, and handed to `app.web.note_public_page`.

It follows new posts, edits, hides and deletions on the page; a helpful mark or an accepted
answer changes no timestamp, so only the ETag (a hash of the page) notices those: clients that
send If-None-Match, as browsers and caches do, always see them."""

from collections.abc import Iterable
from datetime import datetime

from app.forum.models import Category, Post, Thread


def latest(moments: Iterable[datetime | None]) -> datetime | None:
    return max((moment for moment in moments if moment is not None), default=None)


def thread_page(thread: Thread, posts: Iterable[Post], solution: Post | None) -> datetime | None:
    """A page of a thread's posts, and its accepted answer shown after the question."""
    shown = [*posts, *([solution] if solution is not None else [])]
    return latest(
        [
            thread.last_activity_at,
            *(moment for post in shown for moment in (post.edited_at, post.hidden_at, post.deleted_at)),
        ]
    )


def category_page(category: Category, threads: Iterable[Thread]) -> datetime | None:
    return latest([category.last_activity_at, *(thread.last_activity_at for thread in threads)])


def home_page(categories: list[tuple[Category, Thread | None]], threads: Iterable[Thread]) -> datetime | None:
    """The categories, each beside its latest thread, and the latest threads of all."""
    shown_threads = [*threads, *(newest for _category, newest in categories if newest is not None)]
    return latest(
        [
            *(category.last_activity_at for category, _newest in categories),
            *(thread.last_activity_at for thread in shown_threads),
        ]
    )
