"""A matcher that keeps some of its child's documents, with the child's scores."""

from whoosh import matching


class SiftingMatcher(matching.WrappingMatcher):
    """Some of `child`'s documents: every move of the child is followed by `_find`, which moves it
    on to the next document kept, from the one it is on."""

    def _find(self):
        raise NotImplementedError

    def all_ids(self):
        while self.is_active():
            yield self.id()
            self.next()

    def reset(self):
        self.child.reset()
        self._find()

    def next(self):
        self.child.next()
        self._find()

    def skip_to(self, id):
        self.child.skip_to(id)
        self._find()

    def skip_to_quality(self, minquality):
        skipped = self.child.skip_to_quality(minquality)
        self._find()
        return skipped
