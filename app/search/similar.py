"""Threads like a given title: the twins shown while a member asks, and the related threads under a thread.

The title's words are searched OR'ed, not all required, so that a question phrased differently
still finds its twin; the engine ranks the threads that share the most (and the rarest) words
first. Small words and the words every question has ("how", "comment") are left out: alone they
would make any thread look similar."""

import math
import unicodedata

import sqlalchemy as sa

from app.extensions import db
from app.forum.models import Post, Thread
from app.limits import TITLE_MAX_LENGTH
from app.search import backends
from app.search.query import ParsedQuery, words

MAX_SIMILAR = 5
# Shorter words are left out, and a title needs at least this many characters to be searched.
MIN_WORD_LENGTH = 3
MIN_TITLE_LENGTH = 3
# A title's first words are enough to find its twins; the rest only slows the search.
MAX_WORDS = 12
# A solved thread is the question's twin when its title holds this share of the question's telling
# words, and at least this many; words are compared by their first letters.
TWIN_SHARE = 2 / 3
TWIN_MIN_WORDS = 2
STEM_LENGTH = 6
# Function and question words of French and English, and the words any plea for help has
# ("question", "problème"): present in most titles, they tell nothing.
STOP_WORDS = frozenset(
    """
    les des une est pas pour par sur dans avec sans que qui quoi quand comment pourquoi
    mon mes ton tes son ses notre nos votre vos leur leurs mais donc car elle ils elles nous vous
    aux ces cet cette tout tous toute toutes plus moins tres très faire fait peut peux puis
    the and for with without are was were how why what when where who which can cannot does doesn
    did not but this that these those from into onto your our their its has have had any all
    there here than then too very will would should could about after before
    question questions probleme problème problèmes problem problems aide help besoin need
    """.split()
)


def telling_words(title: str) -> list[str]:
    """The title's words that tell what it is about, in order, each once."""
    kept: list[str] = []
    for word in words(title[:TITLE_MAX_LENGTH].lower()):
        if len(word) >= MIN_WORD_LENGTH and word not in STOP_WORDS and word not in kept:
            kept.append(word)
    return kept[:MAX_WORDS]


def relaxed_query(title: str) -> ParsedQuery | None:
    """The title's telling words as one clause of alternatives; None when it has none."""
    kept = telling_words(title) if len(title.strip()) >= MIN_TITLE_LENGTH else []
    if not kept:
        return None
    return ParsedQuery(required=[[(word,) for word in kept]])


def similar_threads(title: str, excluded_thread_id: int | None = None, limit: int = MAX_SIMILAR) -> list[Thread]:
    """Up to `limit` live threads like `title`, the solved ones first, each group by relevance."""
    parsed = relaxed_query(title)
    if parsed is None:
        return []
    # One more than wanted: the thread itself, when it is excluded, may be among them.
    found = backends.current().search(parsed, "relevance", 0, limit + 1)
    threads = _threads_of(found.post_ids)
    ranked = [
        threads[post_id]
        for post_id in found.post_ids
        if post_id in threads and threads[post_id].id != excluded_thread_id
    ][:limit]
    return sorted(ranked, key=lambda thread: not thread.is_solved)


def _threads_of(post_ids: list[int]) -> dict[int, Thread]:
    """The live thread of each of these posts, in one statement."""
    if not post_ids:
        return {}
    rows = db.session.execute(
        sa.select(Post.id, Thread)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.id.in_(post_ids), Thread.deleted_at.is_(None))
    )
    return {post_id: thread for post_id, thread in rows}


def question_twins(title: str) -> list[Thread]:
    """The threads to show a member before their question is posted without JavaScript: those like
    it, when one of them is a solved twin, else none.

    Any shared word makes a thread similar enough to list while the title is typed; stopping the
    question itself takes more: a solved thread whose title holds most of the question's telling
    words (two at least), so that a question is held back only when its answer very likely exists."""
    found = similar_threads(title)
    asked = _stems(title)
    if len(asked) < TWIN_MIN_WORDS:
        return []
    needed = max(TWIN_MIN_WORDS, math.ceil(len(asked) * TWIN_SHARE))
    if any(thread.is_solved and len(asked & _stems(thread.title)) >= needed for thread in found):
        return found
    return []


def _stems(title: str) -> set[str]:
    """Each telling word without accents, cut to its first letters: "redémarre" and "redémarrage" meet
    without a stemmer of the search engine's."""
    folded = (unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode() for word in telling_words(title))
    return {word[:STEM_LENGTH] for word in folded if word}
