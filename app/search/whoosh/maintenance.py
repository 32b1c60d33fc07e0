"""Rebuilding the Whoosh index from scratch, and checking it against the database."""

from flask import current_app

from app.database import reading_session
from app.extensions import db
from app.search import queue
from app.search.interface import Report
from app.search.whoosh import documents, index, writing


def rebuild() -> int:
    """Fill a new generation from the database while the old one serves, then swap it in.

    Changes made meanwhile are applied to the old generation and stay queued, so that they reach
    the new one right after the swap."""
    with index.rebuilding():
        generation = index.new_generation()
        writer = index.whoosh_index.open_dir(str(generation)).writer(
            procs=2, limitmb=current_app.config["SEARCH_REBUILD_MEMORY_MB"], multisegment=True, codec=index.CODEC
        )
        count = 0
        with reading_session(db.engine) as session:
            for row in documents.every_indexable_post(session):
                writer.add_document(**documents.document(row))
                count += 1
        writer.commit()
        index.swap_in(generation)
    writing.apply_pending(everything=True)
    return count


def check() -> Report:
    """Compare every indexable post with its index entry."""
    report = Report(rebuilding=index.is_rebuilding())
    with index.open_index().searcher() as searcher:
        indexed = {int(fields["post_id"]): fields["fingerprint"] for fields in searcher.all_stored_fields()}
    with reading_session(db.engine) as session:
        report.queued = queue.pending_count(session)
        for row in documents.every_indexable_post(session):
            entry = indexed.pop(row.id, None)
            if entry is None:
                report.missing.append(row.id)
            elif entry != documents.fingerprint(row):
                report.stale.append(row.id)
    report.extra = sorted(indexed)
    return report
