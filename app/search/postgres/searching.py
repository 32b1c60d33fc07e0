"""Searching the posts' vectors: the best post of each thread, and `ts_headline` snippets.

A search ranks at most `SEARCH_RANKED_MATCHES` of the posts that match, the most recent ones:
ranking every match of a common word means reading every matching vector, which no index spares
(half a million of them take a second). The newest matches are looked for in windows of post ids,
from the newest back, each four times larger than the one before, until enough are found, in one
statement. PostgreSQL plans each window for its own words and bounds: it walks a window's vectors
from the newest back when the words are common there, and reads the window's matches through
the GIN index when they are rare, where one plan for the whole forum walked back through most of
it to find a rare word's thousand newest posts."""

import html
from functools import reduce

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy.dialects.postgresql import ARRAY, REGCONFIG, TSQUERY
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.extensions import db
from app.forum.models import Category, Post, Thread
from app.search.interface import Found
from app.search.postgres.schema import post_vectors
from app.search.query import Filter, ParsedQuery, Words

LANGUAGES = ("search.french", "search.english")
# ts_rank's weights for D, C, B, A: a word in the title (A) counts twice as much as in the body (B),
# as the Whoosh index's field boost has it.
WEIGHTS = [0.1, 0.2, 0.5, 1.0]
# Divide the rank by 1 + the logarithm of the post's length: a long post does not win by length alone.
LOG_LENGTH = 1
# Matched words travel through ts_headline between these, then become <mark>s once the text is escaped.
START, STOP = "\x02", "\x03"
# The first window of post ids searched for the newest matches, and how much larger each next one is.
FIRST_WINDOW = 25_000
WINDOW_GROWTH = 4
HEADLINE_OPTIONS = (
    f'StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
)


def _config(name: str):
    return sa.cast(name, REGCONFIG)


def _term(words: Words):
    """A word or a phrase, in either language's analysis: once when both analyse it alike, so that
    the planner does not count its matches twice."""
    text = " ".join(words)
    french, english = (sa.func.phraseto_tsquery(_config(name), text, type_=TSQUERY) for name in LANGUAGES)
    return sa.case((french == english, french), else_=sa.func.tsquery_or(french, english, type_=TSQUERY))


def _either(terms: list):
    return reduce(lambda found, term: sa.func.tsquery_or(found, term, type_=TSQUERY), terms)


def _all(terms: list):
    return reduce(lambda found, term: sa.func.tsquery_and(found, term, type_=TSQUERY), terms)


def _filter(condition: Filter):
    value = condition.value
    if condition.field == "category":
        return Thread.category_id == sa.select(Category.id).where(Category.slug == value).scalar_subquery()
    if condition.field == "author":
        return Post.author_id.in_(sa.select(User.id).where(User.username_key == value))
    if condition.field == "solved":
        return Thread.solution_post_id.is_not(None) if value else Thread.solution_post_id.is_(None)
    if condition.field == "created_until":
        return Post.created_at <= value
    return Post.created_at >= value  # created_from


def _reads_posts(condition: Filter) -> bool:
    """Whether a filter reads each matching post and its thread: all but is:solution do, which
    reads the threads' solutions instead (`_newest_matches`)."""
    return condition.field != "is_solution"


def _boost():
    """Helpful replies and solutions rank a little higher among equally relevant posts, as on Whoosh."""
    return (
        1.0
        + 0.1 * sa.func.ln(1 + Post.helpful_count)
        + sa.case((Thread.solution_post_id.is_not(None), 0.15), else_=0)
        + sa.case((Thread.solution_post_id == Post.id, 0.25), else_=0)
    )


def search(parsed: ParsedQuery, sort: str, offset: int, limit: int) -> Found:
    clauses = [_either([_term(words) for words in clause]) for clause in parsed.required]
    positive = _all(clauses) if clauses else None
    query = positive
    if parsed.excluded:
        unwanted = sa.func.tsquery_not(_either([_term(words) for words in parsed.excluded]), type_=TSQUERY)
        query = unwanted if positive is None else sa.func.tsquery_and(positive, unwanted, type_=TSQUERY)
    # Planned for this query's words: a plan kept for any words would not know a common one from a rare one.
    db.session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))
    # The windows are read in order, and each stops at its first matches: no parallel workers.
    db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
    matches = _newest_matches(query, parsed.filters)
    # Solutions are few (a post in tens): reading them first, over the whole forum, beats any window.
    windowed = all(_reads_posts(condition) for condition in parsed.filters)
    candidates = _newest_in_windows(matches, windowed).cte("candidates")
    if sort == "newest":
        rank = Post.created_at
    elif positive is None:
        rank = _boost()
    else:
        weights = sa.literal(WEIGHTS, ARRAY(sa.REAL))
        rank = sa.func.ts_rank(weights, candidates.c.vector, positive, LOG_LENGTH) * _boost()
    best = _best_of_each_thread(candidates, rank)
    rows = db.session.scalars(
        sa.select(best.c.id).order_by(best.c.rank.desc(), best.c.id.desc()).offset(offset).limit(limit + 1)
    ).all()

    def snippets(texts: dict[int, str]) -> dict[int, Markup]:
        return _headlines(positive, texts) if positive is not None and texts else {}

    has_next = len(rows) > limit
    return Found(rows[:limit], has_next, snippets, None if has_next else _ranked_at_most(matches))


def _newest_in_windows(matches, windowed: bool):
    """The newest `SEARCH_RANKED_MATCHES` matches, with their vectors, read window by window.

    One statement: each window is a branch of a UNION ALL under one LIMIT. Without parallel
    workers, PostgreSQL runs the branches one after the other, in order, and stops once it has
    enough rows: the windows further back are only read for words too rare to fill the first."""
    most = current_app.config["SEARCH_RANKED_MATCHES"]
    if not windowed:
        return matches.limit(most)
    upper = db.session.scalar(sa.select(sa.func.max(post_vectors.c.post_id))) or 0
    windows, window = [], FIRST_WINDOW
    while upper - window > 0:
        windows.append(matches.where(post_vectors.c.post_id <= upper, post_vectors.c.post_id > upper - window))
        upper, window = upper - window, window * WINDOW_GROWTH
    windows.append(matches.where(post_vectors.c.post_id <= upper))
    branches = [sa.select(window.limit(most).subquery()) for window in windows]
    newest = branches[0] if len(branches) == 1 else sa.union_all(*branches)
    return sa.select(newest.subquery()).limit(most)


def _ranked_at_most(matches) -> int | None:
    """On the last page, the number of matches ranked, when more posts matched than that."""
    most = current_app.config["SEARCH_RANKED_MATCHES"]
    beyond = db.session.scalar(matches.with_only_columns(post_vectors.c.post_id).offset(most).limit(1))
    return most if beyond is not None else None


def _newest_matches(query, filters: list[Filter]):
    """The posts that match the words (if any) and the filters, with their vectors, newest first."""
    matches = sa.select(post_vectors.c.post_id, post_vectors.c.vector)
    on_posts = [condition for condition in filters if _reads_posts(condition)]
    if on_posts:
        matches = matches.join(Post, Post.id == post_vectors.c.post_id).join(Post.thread)
    if len(on_posts) < len(filters):
        # is:solution walks the solutions from the newest back, from the threads alone, and stops
        # once it has enough matches (tested against the set of all solutions, every one was read).
        solved = aliased(Thread)
        matches = matches.join(
            solved, sa.and_(solved.solution_post_id == post_vectors.c.post_id, solved.solution_post_id.is_not(None))
        )
    if query is not None:
        matches = matches.where(post_vectors.c.vector.bool_op("@@")(query))
    return matches.where(*(_filter(condition) for condition in on_posts)).order_by(post_vectors.c.post_id.desc())


def _best_of_each_thread(candidates, rank):
    """Each thread's best shown candidate by `rank`, with its rank."""
    return (
        sa.select(Post.id, rank.label("rank"))
        .select_from(candidates)
        .join(Post, Post.id == candidates.c.post_id)
        .join(Post.thread)
        .where(Post.deleted_at.is_(None), Post.hidden_at.is_(None), Thread.deleted_at.is_(None))
        .order_by(Post.thread_id, sa.desc("rank"), Post.id.desc())
        .distinct(Post.thread_id)
        .subquery("best")
    )


def _headlines(query, texts: dict[int, str]) -> dict[int, Markup]:
    """Each text's best two passages with the matched words marked: read as French, or as English
    when that marks nothing (an English word whose French stem differs from its English one)."""
    bodies = [str(escape(text.replace(START, "").replace(STOP, ""))) for text in texts.values()]
    page = sa.func.unnest(sa.cast(bodies, ARRAY(sa.Text))).table_valued("body", with_ordinality="number")
    page = page.render_derived()
    french, english = LANGUAGES
    # Materialized, so that each French headline is computed once, and an English one only when needed.
    as_french = (
        sa.select(page.c.number, page.c.body, _headline(french, page.c.body, query).label("headline"))
        .cte("as_french")
        .prefix_with("MATERIALIZED")
    )
    marked = sa.case(
        (sa.func.strpos(as_french.c.headline, START) > 0, as_french.c.headline),
        else_=_headline(english, as_french.c.body, query),
    )
    rows = db.session.scalars(sa.select(marked).order_by(as_french.c.number)).all()
    return {post_id: _marked(headline) for headline, post_id in zip(rows, texts, strict=True) if START in headline}


def _headline(language: str, body, query):
    return sa.func.ts_headline(_config(language), body, query, HEADLINE_OPTIONS)


def _marked(headline: str) -> Markup:
    """The headline's text escaped anew, whatever ts_headline did to it, and its matches in <mark>."""
    parts = []
    for piece in headline.split(START):
        word, _, rest = piece.rpartition(STOP)
        if word:
            parts.append(Markup("<mark>{}</mark>").format(html.unescape(word)))
        parts.append(escape(html.unescape(rest)))
    return Markup("").join(parts)
