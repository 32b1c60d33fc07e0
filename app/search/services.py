"""Searching: the query's results grouped by thread, with a highlighted snippet for each."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload
from whoosh.highlight import ContextFragmenter, HtmlFormatter

from app.extensions import db
from app.forum.models import Post, Thread
from app.forum.rendering import plain_text
from app.search import index
from app.search.query import parse

SORTS = ("relevance", "newest")
# Deeper pages cost more with every page; nobody reads past this.
MAX_PAGE = 50
SNIPPET_LENGTH = 240


@dataclass
class Hit:
    post: Post
    snippet: Markup


@dataclass
class Results:
    hits: list[Hit]
    number: int
    has_next: bool
    notes: list[str]

    @property
    def has_previous(self) -> bool:
        return self.number > 1


class _Marks(HtmlFormatter):
    """Matched words in <mark>, everything else escaped."""

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(token.text if replace else text[token.startchar : token.endchar])}</mark>"

    def _text(self, text):
        return str(escape(text))


def search(raw: str, number: int = 1, sort: str = "relevance", per_page: int | None = None) -> Results:
    """The threads whose posts match `raw`, best post of each first, a page at a time."""
    per_page = per_page or current_app.config["SEARCH_RESULTS_PER_PAGE"]
    parsed = parse(raw)
    if parsed.query is None:
        return Results([], number, False, parsed.notes or [_("Type a few words to search.")])
    if number > MAX_PAGE:
        return Results(
            [],
            number,
            False,
            [_("Only the first %(max)d pages of results are shown; narrow the search.", max=MAX_PAGE)],
        )
    wanted = number * per_page + 1  # one more than shown tells whether a next page exists
    best = _best_post_per_thread(index.searcher(), parsed.query, wanted, sort)
    page = best[(number - 1) * per_page : number * per_page]
    posts = _posts([int(hit["post_id"]) for hit in page])
    hits = [
        Hit(posts[int(hit["post_id"])], _snippet(hit, posts[int(hit["post_id"])]))
        for hit in page
        if int(hit["post_id"]) in posts
    ]
    return Results(hits, number, len(best) == wanted, parsed.notes)


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


def _posts(ids: list[int]) -> dict[int, Post]:
    if not ids:
        return {}
    query = (
        sa.select(Post)
        .options(joinedload(Post.thread).joinedload(Thread.category))
        .where(Post.id.in_(ids), Post.deleted_at.is_(None), Post.hidden_at.is_(None))
    )
    return {post.id: post for post in db.session.scalars(query)}


def _snippet(hit, post: Post) -> Markup:
    text = plain_text(post.body_html)
    hit.results.fragmenter = ContextFragmenter(maxchars=SNIPPET_LENGTH, surround=60)
    hit.results.formatter = _Marks(between=" … ")
    highlighted = hit.highlights("body", text=text, top=2)
    if highlighted:
        return Markup(highlighted)
    return Markup(escape(plain_text(post.body_html, limit=SNIPPET_LENGTH)))
