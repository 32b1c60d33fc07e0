"""The threads related to a thread, listed at the end of its page, searched once per content version.

A visitor's thread page is kept whole by the page cache (`app.page_cache`) until the content
changes, so it searches once per change. A member's page is rendered each time: the list is kept
here, in the process, under the thread's id and the site's content version
(`app.page_cache.versions`). Any change a visitor can see gives a new version, so a kept list never
shows a thread deleted, retitled or solved since; the version is already read once a second at most
for the page cache, so checking it costs nothing more. A few hundred lists of five titles are kept,
the least recently used leaving first: a search engine was never a cache, and Redis would add a
round trip to save a search of a few milliseconds."""

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from flask import current_app, g

from app.forum.models import Thread
from app.page_cache import versions
from app.search import similar

KEPT_LISTS = 500


@dataclass(frozen=True)
class Related:
    """What the list shows of a thread: plain values, which outlive the request's session."""

    id: int
    slug: str
    title: str
    solved: bool


class KeptLists:
    """The least recently used lists leave first; safe for a server's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lists: OrderedDict[tuple[int, int], list[Related]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple[int, int]) -> list[Related] | None:
        with self._lock:
            found = self._lists.get(key)
            if found is not None:
                self._lists.move_to_end(key)
            return found

    def put(self, key: tuple[int, int], related: list[Related]) -> None:
        with self._lock:
            self._lists[key] = related
            self._lists.move_to_end(key)
            while len(self._lists) > self.size:
                self._lists.popitem(last=False)


def related_threads(thread: Thread) -> list[Related]:
    """Up to five threads like `thread` by its title, never itself, the solved ones first."""
    # A visitor's page is rendered under the version the page cache read for it; a member's reads it.
    version = g.get("page_version") or versions.current_version()
    kept = current_app.extensions.setdefault("related_threads", KeptLists(KEPT_LISTS))
    key = (thread.id, version)
    if version is not None and (found := kept.get(key)) is not None:
        return found
    related = [
        Related(other.id, other.slug, other.title, other.is_solved)
        for other in similar.similar_threads(thread.title, excluded_thread_id=thread.id)
    ]
    if version is not None:
        kept.put(key, related)
    return related
