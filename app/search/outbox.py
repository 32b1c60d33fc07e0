"""Keeping the index in step with the database.

Every flush that changes what the index shows writes outbox rows in the same transaction
(`record_changes`). Once that transaction has committed, the application context's teardown
applies the pending rows to the index (`apply_pending`), reading the posts afresh under Whoosh's
writer lock, so that the last writer always writes the newest state; rows are deleted only once
the index has them. Rows a failed or locked-out attempt leaves behind wait for the next writer,
`flask search drain` or `flask search check`."""

import logging
from collections.abc import Iterable

import sqlalchemy as sa
from flask import Flask, g, has_app_context
from sqlalchemy.orm import Session
from whoosh.index import LockError

from app.database import reading_session, writing_session
from app.extensions import db
from app.forum.models import Category, Post, Thread
from app.search import documents, index
from app.search.models import SearchOutbox

log = logging.getLogger(__name__)

POST_FIELDS = ("body_html", "hidden_at", "deleted_at", "helpful_count")
THREAD_FIELDS = ("title", "category_id", "category", "solution_post_id", "deleted_at")
DRAIN_BATCH = 500


def init_app(app: Flask) -> None:
    # The session is shared by every application the process builds (tests build many).
    if not sa.event.contains(db.session, "after_flush", record_changes):
        sa.event.listen(db.session, "before_flush", note_changes)
        sa.event.listen(db.session, "after_flush", record_changes)
        sa.event.listen(db.session, "after_commit", note_commit)
    app.teardown_appcontext(apply_after_commit)


def _changed(instance, fields: tuple[str, ...]) -> bool:
    state = sa.inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in fields)


def _no_changes() -> dict[str, set[int]]:
    return {"posts": set(), "threads": set(), "categories": set()}


def note_changes(session: Session, _flush_context, _instances) -> None:
    """Note what this flush changes that the index shows, while the attributes' history still says.

    After the flush it no longer can: a column set to a SQL expression (`Post.helpful_count + 1`)
    is expired by the flush itself, and its history with it."""
    changed = session.info["search_changed"] = _no_changes()
    for instance in session.dirty:
        if isinstance(instance, Post) and _changed(instance, POST_FIELDS):
            changed["posts"].add(instance.id)
        elif isinstance(instance, Thread) and _changed(instance, THREAD_FIELDS):
            changed["threads"].add(instance.id)
        elif isinstance(instance, Category) and _changed(instance, ("slug",)):
            changed["categories"].add(instance.id)


def record_changes(session: Session, _flush_context) -> None:
    """Write the outbox rows for what this flush changed, in the flush's own transaction."""
    changed = session.info.pop("search_changed", None) or _no_changes()
    post_ids = changed["posts"] | {post.id for post in session.new if isinstance(post, Post)}
    _queue(
        session,
        [{"post_id": post_id, "thread_id": None} for post_id in sorted(post_ids)]
        + [{"post_id": None, "thread_id": thread_id} for thread_id in sorted(changed["threads"])],
    )
    if changed["categories"]:
        # A category's new slug is in the entries of every post it holds.
        session.connection().execute(
            sa.insert(SearchOutbox).from_select(
                ["thread_id"], sa.select(Thread.id).where(Thread.category_id.in_(changed["categories"]))
            )
        )
        session.info["search_outbox"] = True


def queue_posts(session: Session, post_ids: Iterable[int]) -> None:
    """Queue posts changed behind the ORM's back (a bulk UPDATE) for the index."""
    _queue(session, [{"post_id": post_id, "thread_id": None} for post_id in post_ids])


def _queue(session: Session, rows: list[dict]) -> None:
    if rows:
        session.connection().execute(sa.insert(SearchOutbox), rows)
        session.info["search_outbox"] = True


def note_commit(session: Session) -> None:
    # No SQL may run here; the teardown does the work once the request is over.
    if session.info.pop("search_outbox", False) and has_app_context():
        g.search_outbox_pending = True


def apply_after_commit(_error) -> None:
    if g.pop("search_outbox_pending", False):
        try:
            apply_pending(everything=True)
        except Exception:  # the post is safe in the database; its row waits for the next writer
            log.exception("could not update the search index")


def pending_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox))


def apply_pending(everything: bool = False, timeout: float | None = None) -> int:
    """Apply waiting outbox rows to the index, a batch or `everything`; returns how many were applied."""
    applied = 0
    with reading_session(db.engine) as session:
        while pending_count(session):
            session.rollback()  # read the rows afresh once the lock is held
            try:
                writer = index.writer(timeout=timeout)
            except LockError:
                log.warning("the search index is busy: changes stay queued for the next writer")
                return applied
            applied += _apply_batch(session, writer)
            if not everything or index.is_rebuilding():
                break
    return applied


def _apply_batch(session: Session, writer) -> int:
    rows = session.execute(
        sa.select(SearchOutbox.id, SearchOutbox.post_id, SearchOutbox.thread_id)
        .order_by(SearchOutbox.id)
        .limit(DRAIN_BATCH)
    ).all()
    try:
        entries, gone = documents.changed(
            session, (row.post_id for row in rows if row.post_id), (row.thread_id for row in rows if row.thread_id)
        )
        for post_id in gone:
            writer.delete_by_term("post_id", str(post_id))
        for entry in entries:
            writer.update_document(**entry)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    session.rollback()
    # While a rebuild fills a new generation, the rows must still reach it after the swap.
    if not index.is_rebuilding():
        with writing_session(db.engine) as writing, writing.begin():
            writing.execute(sa.delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows])))
    return len(rows)
