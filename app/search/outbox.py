"""Keeping the index in step with the database.

Every flush that changes what the index shows writes outbox rows in the same transaction
(`record_changes`). Once that transaction has committed, the application context's teardown
applies the pending rows to the index (`apply_pending`), reading the posts afresh under Whoosh's
writer lock, so that the last writer always writes the newest state; rows are deleted only once
the index has them. Rows a failed or locked-out attempt leaves behind wait for the next writer,
`flask search drain` or `flask search check`."""
import logging

import sqlalchemy as sa
from flask import Flask, g, has_app_context
from sqlalchemy.orm import Session
from whoosh.index import LockError

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
        sa.event.listen(db.session, "after_flush", record_changes)
        sa.event.listen(db.session, "after_commit", note_commit)
    app.teardown_appcontext(apply_after_commit)


def _changed(instance, fields: tuple[str, ...]) -> bool:
    state = sa.inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in fields)


def record_changes(session: Session, _flush_context) -> None:
    rows = [{"post_id": post.id} for post in session.new if isinstance(post, Post)]
    rows += [{"post_id": post.id} for post in session.dirty if isinstance(post, Post) and _changed(post, POST_FIELDS)]
    rows += [
        {"thread_id": thread.id}
        for thread in session.dirty
        if isinstance(thread, Thread) and _changed(thread, THREAD_FIELDS)
    ]
    if rows:
        session.connection().execute(sa.insert(SearchOutbox), [{"post_id": None, "thread_id": None} | row for row in rows])
        session.info["search_outbox"] = True
    # A category's new slug is in the entries of every post it holds.
    for category in session.dirty:
        if isinstance(category, Category) and _changed(category, ("slug",)):
            session.connection().execute(
                sa.insert(SearchOutbox).from_select(["thread_id"], sa.select(Thread.id).where(Thread.category_id == category.id))
            )
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
    with Session(db.engine) as session:
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
        sa.select(SearchOutbox.id, SearchOutbox.post_id, SearchOutbox.thread_id).order_by(SearchOutbox.id).limit(DRAIN_BATCH)
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
    # A transaction of its own, that writes first: on SQLite a reading one could not start writing.
    session.rollback()
    # While a rebuild fills a new generation, the rows must still reach it after the swap.
    if not index.is_rebuilding():
        session.execute(sa.delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows])))
        session.commit()
    return len(rows)
