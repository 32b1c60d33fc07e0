"""Keeping the search in step with the database.

Every flush that changes what the search shows hands the posts, threads and categories concerned
to the backend in the flush's own transaction (`record_changes`): PostgreSQL rewrites their
vectors there and then; Whoosh, whose index lives outside the database, writes outbox rows
instead. Changes made behind the ORM's back (bulk UPDATEs) are queued in the outbox on either
backend (`queue_posts`). Once a transaction that queued rows has committed, the pending rows are
applied (`apply_pending`): after the response has gone for a request, so that a member does not
wait for Whoosh's writer, and at the application context's teardown for a command or a commit
made after the response was built. Rows are deleted only once the search has them, so that rows
a failed, killed or locked-out attempt leaves behind wait for the next writer, `flask search
drain` or `flask search check`."""

import logging
from collections.abc import Iterable

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context
from sqlalchemy.orm import Session

from app.extensions import db
from app.forum.models import Category, Post, Thread
from app.search import backends, queue

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    # The session is shared by every application the process builds (tests build many).
    if not sa.event.contains(db.session, "after_flush", record_changes):
        sa.event.listen(db.session, "before_flush", note_changes)
        sa.event.listen(db.session, "after_flush", record_changes)
        sa.event.listen(db.session, "after_commit", note_commit)
    app.after_request(apply_after_response)
    app.teardown_appcontext(apply_after_commit)


def _changed(instance, fields: tuple[str, ...]) -> bool:
    state = sa.inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _no_changes() -> dict[str, set[int]]:
    return {"posts": set(), "threads": set(), "categories": set()}


def note_changes(session: Session, _flush_context, _instances) -> None:
    """Note what this flush changes that the search shows, while the attributes' history still says.

    After the flush it no longer can: a column set to a SQL expression (`Post.helpful_count + 1`)
    is expired by the flush itself, and its history with it."""
    backend = backends.current()
    changed = session.info["search_changed"] = _no_changes()
    for instance in session.dirty:
        if isinstance(instance, Post) and _changed(instance, backend.post_fields):
            changed["posts"].add(instance.id)
        elif isinstance(instance, Thread) and _changed(instance, backend.thread_fields):
            changed["threads"].add(instance.id)
        elif isinstance(instance, Category) and _changed(instance, backend.category_fields):
            changed["categories"].add(instance.id)


def record_changes(session: Session, _flush_context) -> None:
    """Hand what this flush changed to the backend, in the flush's own transaction."""
    changed = session.info.pop("search_changed", None) or _no_changes()
    changed["posts"] |= {post.id for post in session.new if isinstance(post, Post)}
    if any(changed.values()):
        backends.current().record(session, changed["posts"], changed["threads"], changed["categories"])


def queue_posts(session: Session, post_ids: Iterable[int]) -> None:
    """Queue posts changed behind the ORM's back (a bulk UPDATE) for the search."""
    queue.add(session, post_ids=post_ids)


def note_commit(session: Session) -> None:
    # No SQL may run here; the teardown does the work once the request is over.
    if session.info.pop(queue.QUEUED, False) and has_app_context():
        g.search_outbox_pending = True


def apply_after_response(response):
    if g.pop("search_outbox_pending", False):
        app = current_app._get_current_object()
        response.call_on_close(lambda: _apply_in(app))
    return response


def _apply_in(app: Flask) -> None:
    with app.app_context():
        _apply_pending_safely()


def apply_after_commit(_error) -> None:
    if g.pop("search_outbox_pending", False):
        _apply_pending_safely()


def _apply_pending_safely() -> None:
    try:
        apply_pending(everything=True)
    except Exception:  # the post is safe in the database; its row waits for the next writer
        log.exception("could not update the search")


def apply_pending(everything: bool = False, timeout: float | None = None) -> int:
    """Apply waiting outbox rows, a batch or `everything`; returns how many were applied."""
    return backends.current().apply_pending(everything=everything, timeout=timeout)
