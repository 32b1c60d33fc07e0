"""Searching: the query's results grouped by thread, with a highlighted snippet for each."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.forum.models import Post, Thread
from app.forum.rendering import plain_text
from app.search import backends
from app.search.interface import SNIPPET_LENGTH
from app.search.query import parse

SORTS = ("relevance", "newest")
# Deeper pages cost more with every page; nobody reads past this.
MAX_PAGE = 50


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
    searched: bool = False  # whether the words were searched for at all

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def missed(self) -> bool:
        """A search for words that found nothing: what the insights count."""
        return self.searched and self.number == 1 and not self.hits


def search(raw: str, number: int = 1, sort: str = "relevance", per_page: int | None = None) -> Results:
    """The threads whose posts match `raw`, best post of each first, a page at a time."""
    per_page = per_page or current_app.config["SEARCH_RESULTS_PER_PAGE"]
    parsed = parse(raw)
    if not parsed.searchable:
        return Results([], number, False, parsed.notes or [_("Type a few words to search.")])
    if number > MAX_PAGE:
        return Results(
            [],
            number,
            False,
            [_("Only the first %(max)d pages of results are shown; narrow the search.", max=MAX_PAGE)],
        )
    found = backends.current().search(parsed, sort, (number - 1) * per_page, per_page)
    posts = _posts(found.post_ids)
    snippets = found.snippets({post_id: plain_text(post.body_html) for post_id, post in posts.items()})
    hits = [
        Hit(posts[post_id], snippets.get(post_id) or _opening(posts[post_id]))
        for post_id in found.post_ids
        if post_id in posts
    ]
    notes = list(parsed.notes)
    if found.ranked_at_most:
        notes.append(
            _(
                "Only the %(most)d most recent matching posts were searched; add words to find older ones.",
                most=found.ranked_at_most,
            )
        )
    return Results(hits, number, found.has_next, notes, searched=True)


def _posts(ids: list[int]) -> dict[int, Post]:
    if not ids:
        return {}
    query = (
        sa.select(Post)
        .options(joinedload(Post.thread).joinedload(Thread.category))
        .where(Post.id.in_(ids), Post.deleted_at.is_(None), Post.hidden_at.is_(None))
    )
    return {post.id: post for post in db.session.scalars(query)}


def _opening(post: Post) -> Markup:
    """The start of a post whose body has no matched word to show."""
    return escape(plain_text(post.body_html, limit=SNIPPET_LENGTH))
