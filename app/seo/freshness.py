"""When what a public page shows last changed, read from the objects it was rendered with.

This is the page's Last-Modified. It follows new posts, edits, hides and deletions on the page;
a helpful mark or an accepted answer changes no timestamp, so only the ETag (a hash of the page)
notices those: clients that send If-None-Match, as browsers and caches do, always see them."""
from collections.abc import Callable, Iterable
from datetime import datetime


def latest(moments: Iterable[datetime | None]) -> datetime | None:
    return max((moment for moment in moments if moment is not None), default=None)


def thread_page(context: dict) -> datetime | None:
    thread, page, solution = context["thread"], context["page"], context.get("solution")
    posts = [*page.items, *([solution] if solution is not None else [])]
    return latest([
        thread.last_activity_at,
        *(moment for post in posts for moment in (post.edited_at, post.hidden_at, post.deleted_at)),
    ])


def category_page(context: dict) -> datetime | None:
    return latest([context["category"].last_activity_at, *(thread.last_activity_at for thread in context["page"].items)])


def home_page(context: dict) -> datetime | None:
    return latest([
        *(category.last_activity_at for category, _latest in context["categories"]),
        *(thread.last_activity_at for thread in context["latest_threads"]),
    ])


# The pages a visitor may get from a shared cache, by template.
PUBLIC_PAGES: dict[str, Callable[[dict], datetime | None]] = {
    "forum/thread.html": thread_page,
    "forum/category.html": category_page,
    "forum/index.html": home_page,
}
