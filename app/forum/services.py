"""The forum's rules: who may write where, and the counters every write keeps right."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from slugify import slugify

from app.accounts.models import User
from app.clock import utcnow
from app.errors import InvalidInput, PermissionDenied
from app.extensions import db
from app.forum import queries
from app.forum.models import Category, Post, PostRevision, Thread
from app.forum.rendering import render_markdown
from app.ideas import services as ideas
from app.limits import SLUG_MAX_LENGTH
from app.notifications import mentions
from app.notifications import services as notifications
from app.reputation import trust
from app.reputation.services import POST_DELETED, points_change

# Words a thread's slug may not be alone, since /t/<id>/<word> is already another page.
RESERVED_SLUGS = {"reply", "watch", "mute", "vote"}


def make_slug(title: str) -> str:
    slug = slugify(title, max_length=SLUG_MAX_LENGTH, word_boundary=True) or "sujet"
    return f"{slug}-sujet" if slug in RESERVED_SLUGS else slug


def writing_refusal(user: User, thread: Thread | None = None) -> str | None:
    """Why `user` may not write (in `thread`), or None when they may."""
    if not user.is_authenticated:
        return _("Log in to take part.")
    if user.is_staff:
        return _("Staff accounts moderate the community; they do not post in it.")
    if user.is_suspended:
        return _(
            "Your account is suspended until %(date)s: %(reason)s",
            date=format_datetime(user.suspended_until, "short"),
            reason=user.suspension_reason or "",
        )
    if thread is not None and thread.locked:
        return _("This thread is locked: %(reason)s", reason=thread.lock_reason or "")
    return None


def ensure_can_write(user: User, thread: Thread | None = None) -> None:
    refusal = writing_refusal(user, thread)
    if refusal:
        raise PermissionDenied(refusal)


def can_read_hidden(viewer: User, author: User) -> bool:
    """Whether `viewer` may read what moderation keeps from the public about `author`: the text of
    their hidden posts, the reason they are suspended. They themselves and staff may."""
    return viewer.is_authenticated and (viewer.id == author.id or viewer.is_staff)


def can_read_text(viewer: User, post: Post) -> bool:
    """Whether `viewer` reads `post`'s text, or only its tombstone. Nobody reads what its author deleted."""
    if post.is_deleted:
        return False
    return not post.is_hidden or can_read_hidden(viewer, post.author)


def check_title(title: str) -> str:
    title = " ".join(title.split())
    limit = current_app.config["TITLE_MAX_LENGTH"]
    if not title:
        raise InvalidInput(_("A thread needs a title."), "title")
    if len(title) > limit:
        raise InvalidInput(_("A title has at most %(max)d characters.", max=limit), "title")
    return title


def check_body(body: str) -> str:
    limit = current_app.config["BODY_MAX_LENGTH"]
    if not body.strip():
        raise InvalidInput(_("A message cannot be empty."), "body")
    if len(body) > limit:
        raise InvalidInput(_("A message has at most %(max)d characters.", max=limit), "body")
    return body


def render_body(author: User, body: str) -> str:
    html = render_markdown(body, find_members=mentions.find_members)
    trust.check_links(author, html)
    return html


def start_thread(author: User, category: Category, title: str, body: str) -> Thread:
    ensure_can_write(author)
    title, body = check_title(title), check_body(body)
    body_html = render_body(author, body)
    now = utcnow()
    thread = Thread(
        category=category,
        author=author,
        title=title,
        slug=make_slug(title),
        created_at=now,
        last_activity_at=now,
        post_total=1,
        reply_count=0,
        idea_status=ideas.status_on_entering(category),
    )
    opening = Post(thread=thread, author=author, position=1, body_source=body, body_html=body_html, created_at=now)
    db.session.add_all([thread, opening])
    _count(category, threads=+1, posts=+1, at=now)
    author.post_count = User.post_count + 1
    db.session.flush()
    notifications.notify_of_new_post(opening)
    notifications.watch_as_participant(author, thread)
    return thread


def reply(author: User, thread: Thread, body: str, reply_to: Post | None = None) -> Post:
    ensure_can_write(author, thread)
    body = check_body(body)
    if reply_to is not None and reply_to.thread_id != thread.id:
        raise InvalidInput(_("The message you are replying to is not in this thread."), "reply_to")
    body_html = render_body(author, body)
    now = utcnow()
    # Claiming the next position with one UPDATE serialises concurrent replies on the thread row.
    # A reply that waited for another change of the thread reads the thread as it left it: gone,
    # when its author withdrew its opening post; in another category, when it was moved.
    claimed = db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id, Thread.deleted_at.is_(None))
        .values(post_total=Thread.post_total + 1, reply_count=Thread.reply_count + 1, last_activity_at=now)
        .returning(Thread.post_total, Thread.category_id)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if claimed is None:
        raise queries.thread_gone()
    position, category_id = claimed
    moved = ["category_id", "category"] if category_id != thread.category_id else []
    db.session.expire(thread, ["post_total", "reply_count", "last_activity_at", *moved])
    post = Post(
        thread=thread,
        author=author,
        reply_to=reply_to,
        position=position,
        body_source=body,
        body_html=body_html,
        created_at=now,
    )
    db.session.add(post)
    _count(thread.category, posts=+1, at=now)
    author.post_count = User.post_count + 1
    db.session.flush()
    notifications.notify_of_new_post(post)
    notifications.watch_as_participant(author, thread)
    return post


def quote(post: Post) -> str:
    """The start of a reply that quotes `post` in Markdown."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in post.body_source.splitlines())
    return f"{quoted}\n\n"


def edit_post(editor: User, post: Post, body: str, title: str | None = None) -> bool:
    """Change a post's words (and its thread's title for an opening post), keeping the old ones.

    Returns whether anything changed."""
    queries.lock_posts(post)
    ensure_can_edit(editor, post)
    body = check_body(body)
    thread = post.thread
    new_title = check_title(title) if post.is_opening and title is not None else thread.title
    if body == post.body_source and new_title == thread.title:
        return False
    # Rendered before anything is written: the link limit may still refuse the edit.
    body_html = render_body(editor, body)
    db.session.add(
        PostRevision(
            post_id=post.id,
            editor=editor,
            body_source=post.body_source,
            title=thread.title if post.is_opening else None,
        )
    )
    previous_html = post.body_html
    post.body_source, post.body_html, post.edited_at = body, body_html, utcnow()
    if new_title != thread.title:
        thread.title, thread.slug = new_title, make_slug(new_title)
    db.session.flush()
    notifications.notify_of_edit(post, previous_html)
    return True


def ensure_can_edit(user: User, post: Post) -> None:
    if not user.is_authenticated or user.id != post.author_id:
        raise PermissionDenied(_("Only its author may change a message."))
    if post.is_deleted:
        raise PermissionDenied(_("A deleted message cannot be changed."))
    ensure_can_write(user, post.thread)


def delete_post(actor: User, post: Post) -> None:
    """The author withdraws a post: it stays as a tombstone, and a thread with nothing left goes too."""
    queries.lock_posts(post)
    ensure_can_edit(actor, post)
    _withdraw(actor, post)


def withdraw_posts(actor: User, posts: list[Post]) -> None:
    """`delete_post` without its check of who may, for many posts: an account's erasure withdraws
    every post of the account, a staff or suspended one's, or one in a locked thread, as its author
    would. All are locked at once, before any counter moves, in the order one deletion takes its
    rows; a post already deleted, by a request that ran meanwhile say, stays as it is."""
    queries.lock_posts(*posts)
    for post in posts:
        if not post.is_deleted:
            _withdraw(actor, post)


def _withdraw(actor: User, post: Post) -> None:
    thread = post.thread
    now = utcnow()
    # A post hidden by moderation has already left the counters.
    was_counted = post.is_visible
    with points_change(post, POST_DELETED, actor=actor):
        post.deleted_at = now
        if thread.solution_post_id == post.id:
            thread.solution_post_id = None
    if post.is_opening and thread.reply_count == 0:
        thread.deleted_at = now
        _count(thread.category, threads=-1)
    if was_counted:
        _shift_counters(post, -1)
    db.session.flush()


def leave_view(post: Post) -> None:
    """A post hidden by moderation leaves the counters, as a deleted one does."""
    _shift_counters(post, -1)


def return_to_view(post: Post) -> None:
    _shift_counters(post, +1)


def move_thread(thread: Thread, target: Category) -> None:
    """Put a thread in another category, taking its shown posts' share of the counters along."""
    shown = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Post)
        .where(Post.thread_id == thread.id, Post.deleted_at.is_(None), Post.hidden_at.is_(None))
    )
    latest = max(filter(None, (target.last_activity_at, thread.last_activity_at)))
    _count(thread.category, threads=-1, posts=-shown)
    _count(target, threads=+1, posts=+shown, at=latest)
    ideas.place_thread(thread, target)
    thread.category = target


def _shift_counters(post: Post, step: int) -> None:
    thread = post.thread
    if not post.is_opening:
        thread.reply_count = Thread.reply_count + step
    _count(thread.category, posts=step)
    post.author.post_count = User.post_count + step


def _count(category: Category, threads: int = 0, posts: int = 0, at=None) -> None:
    """Move a category's counters in SQL, so that concurrent writers never overwrite each other."""
    values = {"thread_count": Category.thread_count + threads, "post_count": Category.post_count + posts}
    if at is not None:
        values["last_activity_at"] = at
    db.session.execute(
        sa.update(Category)
        .where(Category.id == category.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(category, list(values))
