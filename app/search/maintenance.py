"""Rebuilding the index from scratch, and checking it against the database."""

from dataclasses import dataclass, field

from app.database import reading_session
from app.extensions import db
from app.search import documents, index, outbox

REBUILD_MEMORY_MB = 512


def rebuild() -> int:
    """Fill a new generation from the database while the old one serves, then swap it in.

    Changes made meanwhile are applied to the old generation and stay queued, so that they reach
    the new one right after the swap."""
    with index.rebuilding():
        generation = index.new_generation()
        writer = index.whoosh_index.open_dir(str(generation)).writer(
            procs=2, limitmb=REBUILD_MEMORY_MB, multisegment=True
        )
        count = 0
        with reading_session(db.engine) as session:
            for post in documents.every_indexable_post(session):
                writer.add_document(**documents.document(post))
                count += 1
        writer.commit()
        index.swap_in(generation)
    outbox.apply_pending(everything=True)
    return count


@dataclass
class Report:
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    queued: int = 0
    rebuilding: bool = False

    @property
    def consistent(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    def lines(self) -> list[str]:
        lines = [
            f"{name}: {len(ids)} posts ({', '.join(map(str, ids[:20]))}{' …' if len(ids) > 20 else ''})"
            for name, ids in (("missing", self.missing), ("stale", self.stale), ("extra", self.extra))
            if ids
        ]
        if self.queued:
            lines.append(f"queued: {self.queued} changes wait in the outbox")
        if self.rebuilding:
            lines.append("a rebuild is in progress (or one stopped half way: run `flask search reindex`)")
        return lines


def check() -> Report:
    """Compare every indexable post with its index entry."""
    report = Report(rebuilding=index.is_rebuilding())
    with index.open_index().searcher() as searcher:
        indexed = {int(fields["post_id"]): fields["fingerprint"] for fields in searcher.all_stored_fields()}
    with reading_session(db.engine) as session:
        report.queued = outbox.pending_count(session)
        for post in documents.every_indexable_post(session):
            entry = indexed.pop(post.id, None)
            if entry is None:
                report.missing.append(post.id)
            elif entry != documents.fingerprint(post):
                report.stale.append(post.id)
    report.extra = sorted(indexed)
    return report
