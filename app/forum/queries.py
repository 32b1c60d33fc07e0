"""What the forum's pages read. Each function issues a fixed number of statements, whatever it returns."""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, joinedload

from app.accounts.models import User
from app.errors import NotFound
from app.extensions import db
from app.forum.models import Category, Post, PostRevision, Thread
from app.forum.unanswered import UNANSWERED, WAITING_ORDER
from app.pagination import Page, check_page_exists, page_count

LATEST_THREADS = 20
RECENT_POSTS = 10

_LISTING_ORDER = (Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
# An ideas category sorted by votes: the most wanted first, pinned threads still on top.
_VOTES_ORDER = (Thread.pinned.desc(), Thread.vote_count.desc(), Thread.id.desc())


def categories_with_latest_thread() -> list[tuple[Category, Thread | None]]:
    latest_id = (
        sa.select(Thread.id)
        .where(Thread.category_id == Category.id, Thread.deleted_at.is_(None))
        .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(1)
        .correlate(Category)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Category, Thread).outerjoin(Thread, Thread.id == latest_id).order_by(Category.position, Category.id)
    )
    return [tuple(row) for row in rows]


def all_categories() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.id)))


def latest_threads(limit: int = LATEST_THREADS) -> list[Thread]:
    return list(
        db.session.scalars(
            sa.select(Thread)
            .where(Thread.deleted_at.is_(None))
            .order_by(Thread.last_activity_at.desc(), Thread.id.desc())
            .limit(limit)
        )
    )


def category_by_slug(slug: str) -> Category:
    # No slug holds a NUL, and PostgreSQL refuses to compare a column with a text that does.
    category = None if "\x00" in slug else db.session.scalar(sa.select(Category).where(Category.slug == slug))
    if category is None:
        raise NotFound(_("This category does not exist."))
    return category


def category_threads(
    category: Category,
    number: int,
    per_page: int,
    solved: bool | None = None,
    unanswered: bool = False,
    by_votes: bool = False,
) -> Page[Thread]:
    """A page of a category's live threads, optionally only the solved or the unsolved ones, or only
    those that wait for a first answer (the longest waiting first, as on /unanswered)."""
    listed = [Thread.category_id == category.id, Thread.deleted_at.is_(None)]
    order = _LISTING_ORDER
    if unanswered:
        listed.append(UNANSWERED[0])
        order = WAITING_ORDER
    if by_votes:
        order = _VOTES_ORDER
    if solved is not None:
        listed.append(Thread.solution_post_id.is_not(None) if solved else Thread.solution_post_id.is_(None))
    if solved is not None or unanswered:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(*listed))
    else:
        total = category.thread_count
    pages = page_count(total, per_page)
    check_page_exists(number, pages)
    # The page's ids come from the listing index alone; only those rows are then read in full,
    # so that page 500 costs what page 1 does.
    page_ids = sa.select(Thread.id).where(*listed).order_by(*order).limit(per_page).offset((number - 1) * per_page)
    threads = db.session.scalars(sa.select(Thread).where(Thread.id.in_(page_ids)).order_by(*order))
    return Page(items=list(threads), number=number, pages=pages)


def thread_gone() -> NotFound:
    return NotFound(_("This thread does not exist, or was deleted."))


def visible_thread(thread_id: int) -> Thread:
    thread = db.session.get(Thread, thread_id)
    if thread is None or thread.deleted_at is not None:
        raise thread_gone()
    return thread


def post_by_id(post_id: int) -> Post:
    post = db.session.get(Post, post_id, options=[joinedload(Post.thread)])
    if post is None or post.thread.deleted_at is not None:
        raise NotFound(_("This message does not exist."))
    return post


def thread_posts(thread: Thread, number: int, per_page: int) -> Page[Post]:
    """A page of a thread's posts in the order written, tombstones included, by position."""
    pages = page_count(thread.post_total, per_page)
    check_page_exists(number, pages)
    first = (number - 1) * per_page + 1
    posts = db.session.scalars(
        sa.select(Post)
        .options(joinedload(Post.reply_to).joinedload(Post.author))
        .where(Post.thread_id == thread.id, Post.position.between(first, first + per_page - 1))
        .order_by(Post.position)
    )
    return Page(items=list(posts.unique()), number=number, pages=pages)


def visible_solution(thread: Thread) -> Post | None:
    """The accepted answer, shown right after the question, unless it has left view since."""
    if thread.solution_post_id is None:
        return None
    solution = db.session.get(Post, thread.solution_post_id)
    return solution if solution is not None and solution.is_visible else None


def page_of_position(position: int, per_page: int) -> int:
    return (position - 1) // per_page + 1


def recent_posts_by(user: User, limit: int = RECENT_POSTS) -> list[Post]:
    return list(
        db.session.scalars(
            sa.select(Post)
            .join(Post.thread)
            .options(contains_eager(Post.thread))
            .where(
                Post.author_id == user.id,
                Post.deleted_at.is_(None),
                Post.hidden_at.is_(None),
                Thread.deleted_at.is_(None),
            )
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(limit)
        )
    )


def revisions_of(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            sa.select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id.desc())
        )
    )


def lock_posts(*posts: Post) -> None:
    """Hold the rows of these posts, then of their threads, until the transaction ends, and read
    them again once held (PostgreSQL; SQLite's write transactions are serial already).

    Every change of a post (a flag, a hide, a restore, an edit, a deletion, a helpful mark, a
    solution) takes these locks first, each kind of row in id order, so that a change which waited
    for another sees the post and its thread as that one left them: it would otherwise hide a
    hidden post, or delete a thread that has just gained a reply, and move the counters twice, or
    write into a deleted post. The rows must be read from the results: the ORM refreshes an
    object only as it reads its row."""
    _lock(Post, {post.id for post in posts})
    _lock(Thread, {post.thread_id for post in posts})


def lock_thread(thread: Thread) -> None:
    """Hold a thread's row until the transaction ends, and read it again once held: a move counts
    the thread's posts, which no reply may add meanwhile."""
    _lock(Thread, {thread.id})


def _lock(model, ids: set[int]) -> None:
    db.session.scalars(
        sa.select(model)
        .where(model.id.in_(sorted(ids)))
        .order_by(model.id)
        .with_for_update(of=model)
        .execution_options(populate_existing=True)
    ).all()
