"""Searching the Whoosh index: the best post of each thread, and its highlighted words."""

from markupsafe import Markup, escape
from whoosh.highlight import ContextFragmenter, HtmlFormatter

from app.search.interface import SNIPPET_LENGTH, Found
from app.search.query import ParsedQuery
from app.search.whoosh import index
from app.search.whoosh.query import whoosh_query


class _Marks(HtmlFormatter):
    """Matched words in <mark>, everything else escaped."""

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(token.text if replace else text[token.startchar : token.endchar])}</mark>"

    def _text(self, text):
        return str(escape(text))


def search(parsed: ParsedQuery, sort: str, offset: int, limit: int) -> Found:
    wanted = offset + limit + 1  # one more than shown tells whether a next page exists
    best = _best_post_per_thread(index.searcher(), whoosh_query(parsed), wanted, sort)
    page = {int(hit["post_id"]): hit for hit in best[offset : offset + limit]}

    def snippets(texts: dict[int, str]) -> dict[int, Markup]:
        return {post_id: _snippet(page[post_id], text) for post_id, text in texts.items() if post_id in page}

    return Found(list(page), len(best) == wanted, snippets)


def _best_post_per_thread(searcher, query, wanted: int, sort: str) -> list:
    """The first hit of each thread, in the order of the search, until `wanted` threads.

    Whoosh ranks only the best `limit` posts, which is fast; grouping them here needs more posts
    than threads, so the limit grows until enough threads are found or no post is left."""
    options = {"sortedby": "created", "reverse": True} if sort == "newest" else {}
    limit = wanted * 4
    while True:
        found = searcher.search(query, limit=limit, **options)
        best, seen = [], set()
        for hit in found:
            if hit["thread_id"] not in seen:
                seen.add(hit["thread_id"])
                best.append(hit)
                if len(best) == wanted:
                    return best
        if found.scored_length() < limit:
            return best
        limit *= 4


def _snippet(hit, text: str) -> Markup | None:
    hit.results.fragmenter = ContextFragmenter(maxchars=SNIPPET_LENGTH, surround=60)
    hit.results.formatter = _Marks(between=" … ")
    highlighted = hit.highlights("body", text=text, top=2)
    # _Marks escapes everything but its own <mark> elements.
    return Markup(highlighted) if highlighted else None  # nosec B704
