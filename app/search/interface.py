"""The one interface every search engine offers.

Whoosh (`app.search.whoosh`) keeps an index in a folder of the instance: the embedded default on
SQLite. PostgreSQL full-text search (`app.search.postgres`) keeps a vector per post in the
database itself, so that any number of hosts share it: the default on PostgreSQL. Nothing outside
those two packages knows which one answers."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from markupsafe import Markup
from sqlalchemy.orm import Session

from app.search.query import ParsedQuery

# Characters of a result's snippet.
SNIPPET_LENGTH = 240


@dataclass
class Found:
    """A page of results: the best post of each thread, in order, and their highlighted words."""

    post_ids: list[int]
    has_next: bool
    # Given the text of some of those posts, their snippets with the matched words in <mark>
    # (none for a post whose words matched only in its thread's title).
    snippets: Callable[[dict[int, str]], dict[int, Markup]]
    # Set when more posts matched than the engine ranks: the reader is told to narrow the search.
    ranked_at_most: int | None = None


@dataclass
class Report:
    """What `flask search check` found: posts missing from the search, stale in it, or there but not shown."""

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


class SearchBackend(Protocol):
    # The attributes whose changes the search must learn about: a flush that changes one of them,
    # or adds a post, hands the posts, threads and categories concerned to `record`.
    post_fields: tuple[str, ...]
    thread_fields: tuple[str, ...]
    category_fields: tuple[str, ...]

    def record(self, session: Session, post_ids: set[int], thread_ids: set[int], category_ids: set[int]) -> None:
        """In the transaction that changed them, bring these posts (all posts of these threads and
        categories) up to date, or queue them in the outbox to be applied after the commit."""

    def apply_pending(self, everything: bool = False, timeout: float | None = None) -> int:
        """Apply queued outbox rows, a batch or `everything`; returns how many were applied.
        A post no longer shown (deleted, hidden, its thread deleted) is removed from the search."""

    def search(self, parsed: ParsedQuery, sort: str, offset: int, limit: int) -> Found:
        """The best post of each matching thread, by relevance or newest first, `limit` threads
        from `offset`; hidden and deleted posts never."""

    def rebuild(self) -> int:
        """Build the search from the database again while it serves; returns how many posts it holds."""

    def check(self) -> Report:
        """Compare every post with what the search holds for it."""

    def exists(self) -> bool:
        """Whether the search has been built at all."""
