"""Filters that narrow a search without taking part in its scoring, their posts kept.

As clauses of the query, `solved:yes` or a category (which half or an eighth of the posts pass)
made Whoosh intersect the words' postings with a long list of their own, and a date range was
an `OR` of many terms read at every search. Here the words alone are matched and scored, with
Whoosh skipping the blocks that cannot reach the best posts, and each post they find is kept only
if the filter allows it: when it does not, the words' matcher jumps straight to the next allowed
post, so a narrow filter (an author) is as quick as a wide one. The posts a filter allows are read
once per segment and kept: a segment's documents never change, and a deleted one is never found."""

import threading
from array import array
from bisect import bisect_left

from whoosh import matching
from whoosh import query as q

from app.search.whoosh.sifting import SiftingMatcher

# At most this many post numbers kept, four bytes each, over every filter and segment.
KEPT_NUMBERS = 8_000_000

_kept: dict[tuple[str, str], array] = {}
_kept_numbers = 0
_lock = threading.Lock()


class Filtered(q.WrappingQuery):
    """The posts `child` matches, with its scores, that `conditions` (a query, never scored) also matches."""

    def __init__(self, child: q.Query, conditions: q.Query):
        super().__init__(child)
        self.conditions = conditions

    def __repr__(self):
        return f"{self.__class__.__name__}({self.child!r}, {self.conditions!r})"

    def __eq__(self, other):
        return type(other) is type(self) and (self.child, self.conditions) == (other.child, other.conditions)

    def __hash__(self):
        return hash((self.__class__.__name__, self.child, self.conditions))

    def _rewrap(self, child):
        return self.__class__(child, self.conditions)

    def matcher(self, searcher, context=None):
        allowed = _allowed_in_segment(searcher, self.conditions)
        if not allowed:
            return matching.NullMatcher()
        return AllowedMatcher(self.child.matcher(searcher, context), allowed)


class AllowedMatcher(SiftingMatcher):
    """The documents of `child` listed in `allowed`, a sorted array of document numbers."""

    def __init__(self, child, allowed: array, at: int = 0):
        super().__init__(child)
        self._allowed = allowed
        self._at = at  # where in `allowed` the child's current document is, or would be
        self._find()

    def _find(self):
        """Move the child on to the first allowed document from its current one, skipping straight
        to it rather than stepping through the documents between."""
        allowed, child = self._allowed, self.child
        while child.is_active():
            self._at = bisect_left(allowed, child.id(), self._at)
            if self._at == len(allowed) or allowed[self._at] == child.id():
                return
            child.skip_to(allowed[self._at])

    def is_active(self):
        return self._at < len(self._allowed) and self.child.is_active()

    def copy(self):
        return self.__class__(self.child.copy(), self._allowed, self._at)

    def replace(self, minquality=0):
        replaced = self.child.replace(minquality)
        if not replaced.is_active() or not self.is_active():
            return matching.NullMatcher()
        return self if replaced is self.child else self.__class__(replaced, self._allowed, self._at)

    def reset(self):
        self._at = 0
        super().reset()


def _allowed_in_segment(searcher, conditions: q.Query) -> array:
    """The numbers of the documents of this one-segment searcher that `conditions` matches, in order."""
    segment = searcher.reader().segment()
    if segment is None:  # no segment: an empty index
        return array("I", sorted(conditions.docs(searcher)))
    key = (segment.segment_id(), repr(conditions))
    found = _kept.get(key)
    if found is None:
        found = array("I", sorted(conditions.docs(searcher)))
        _keep(key, found)
    return found


def _keep(key: tuple[str, str], numbers: array) -> None:
    global _kept_numbers
    with _lock:
        if _kept_numbers + len(numbers) > KEPT_NUMBERS:
            _kept.clear()
            _kept_numbers = 0
        _kept[key] = numbers
        _kept_numbers += len(numbers)
