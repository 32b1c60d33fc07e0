"""The outbox's rows: posts and threads whose search entries are to be rewritten after the commit."""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.forum.models import Thread
from app.search.models import SearchOutbox

BATCH = 500
# Set in a session's info when its transaction queued rows, for the teardown to apply them.
QUEUED = "search_outbox"


def add(session: Session, post_ids: Iterable[int] = (), thread_ids: Iterable[int] = ()) -> None:
    """Outbox rows for these posts and threads, applied once the transaction has committed."""
    rows = [{"post_id": post_id, "thread_id": None} for post_id in sorted(post_ids)]
    rows += [{"post_id": None, "thread_id": thread_id} for thread_id in sorted(thread_ids)]
    if rows:
        session.connection().execute(sa.insert(SearchOutbox), rows)
        session.info[QUEUED] = True


def threads_of(session: Session, category_ids: Iterable[int]) -> None:
    """Outbox rows for every thread of these categories."""
    session.connection().execute(
        sa.insert(SearchOutbox).from_select(
            ["thread_id"], sa.select(Thread.id).where(Thread.category_id.in_(list(category_ids)))
        )
    )
    session.info[QUEUED] = True


def pending_count(session: Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox))


def next_batch(session: Session, lock: bool = False) -> list:
    """The oldest pending rows; with `lock`, only those no other writer holds, held until the commit."""
    query = sa.select(SearchOutbox.id, SearchOutbox.post_id, SearchOutbox.thread_id).order_by(SearchOutbox.id)
    if lock:
        query = query.with_for_update(skip_locked=True)
    return session.execute(query.limit(BATCH)).all()


def delete(session: Session, rows: list) -> None:
    session.execute(sa.delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows])))
