"""Writing changes to the Whoosh index, which lives outside the database's transactions.

A change is queued in the outbox in its own transaction (`record`); after the commit, a writer
takes Whoosh's one-writer lock, reads the posts afresh, so that the last writer always writes
the newest state, writes them and only then deletes the rows."""

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session
from whoosh.index import LockError

from app.database import reading_session, writing_session
from app.extensions import db
from app.search import queue
from app.search.whoosh import documents, index

log = logging.getLogger(__name__)


def record(session: Session, post_ids: set[int], thread_ids: set[int], category_ids: set[int]) -> None:
    queue.add(session, post_ids, thread_ids)
    if category_ids:
        # A category's new slug is in the entries of every post it holds.
        queue.threads_of(session, category_ids)


def apply_pending(everything: bool = False, timeout: float | None = None) -> int:
    applied = 0
    with reading_session(db.engine) as session:
        while queue.pending_count(session):
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
    rows = queue.next_batch(session)
    try:
        entries, gone = documents.changed(
            session, (row.post_id for row in rows if row.post_id), (row.thread_id for row in rows if row.thread_id)
        )
        documents_of = _document_finder(writer)
        for post_id in gone:
            for number in documents_of(str(post_id)):
                writer.delete_document(number)
        for entry in entries:
            for number in documents_of(entry["post_id"]):
                writer.delete_document(number)
            writer.add_document(**entry)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    session.rollback()
    # While a rebuild fills a new generation, the rows must still reach it after the swap.
    if not index.is_rebuilding():
        with writing_session(db.engine) as writing, writing.begin():
            queue.delete(writing, rows)
    return len(rows)


def _document_finder(writer) -> Callable[[str], list[int]]:
    """How to find a post's documents in the index `writer` writes.

    Whoosh's own way (`update_document`) opens a searcher on every segment at each write, which
    reads each segment's terms whole: most of a second at a hundred thousand posts, for each reply.
    The thread's kept searcher (`index.searcher()`) has them open already and, with the writer's
    lock held, reads the same state; when its segments are the writer's, in the same order, its
    document numbers are the writer's too."""
    searcher = index.searcher()
    # An empty index's reader has no segment.
    segments = [reader.segment() for reader, _ in searcher.reader().leaf_readers() if reader.segment() is not None]
    kept = [(segment.segment_id(), segment.deleted_count()) for segment in segments]
    written = [(segment.segment_id(), segment.deleted_count()) for segment in writer.segments]
    if kept != written:  # a rebuild swapped generations meanwhile
        searcher = writer.searcher()
    return lambda post_id: list(searcher.document_numbers(post_id=post_id))
