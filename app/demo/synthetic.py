"""A large synthetic forum for benchmarks: `flask --app wsgi seed-bench --posts N`.

Bulk inserts, no per-post rules: the words are drawn from the demo community's own vocabulary
with a Zipf-like law (a few very common words, a long tail of rare ones), so that searches meet
both. Posts are as long as members' posts: a few paragraphs, sometimes a list or a link, so that
pages weigh what they will in production. Counters are set right; there are no helpful marks or
reputation. Only into an empty database, like `seed-demo`."""

import math
import random
import re
from collections import Counter
from datetime import datetime, timedelta
from html import escape
from itertools import accumulate
from typing import NamedTuple

import sqlalchemy as sa

from app.accounts.models import User
from app.demo.subjects import SUBJECTS
from app.extensions import db
from app.forum.models import Category, Post, Thread
from app.forum.rendering import LINK_REL

POSTS_PER_THREAD = 20
# The first thread is as long as the busiest discussions get: a hundredth of the forum, at most
# 10,000 posts (500 pages), so that its last page can be measured too.
LONG_THREAD_SHARE = 100
LONG_THREAD_MAX_POSTS = 10_000
MEMBERS = 2_000
BATCH = 20_000
CATEGORY_SLUGS = (
    "installation",
    "depannage",
    "application",
    "economies-energie",
    "idees",
    "membres",
    "achats",
    "divers",
)
PARAGRAPHS = (2, 5)
SENTENCES_PER_PARAGRAPH = (1, 3)
WORDS_PER_SENTENCE = (6, 18)
LIST_ITEMS = (2, 5)
WORDS_PER_LIST_ITEM = (2, 6)
LIST_SHARE = 0.25
LINK_SHARE = 0.2
WORDS_DRAWN_AT_ONCE = 10_000


def vocabulary() -> list[str]:
    """The demo texts' words, most frequent first."""
    words: Counter = Counter()

    def walk(value):
        if isinstance(value, str):
            words.update(word.lower() for word in re.findall(r"[^\W\d_]{3,}", value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(SUBJECTS)
    return [word for word, _ in words.most_common()]


class Body(NamedTuple):
    source: str
    html: str


class BodyWriter:
    """Writes post bodies in Markdown with the HTML the site renders of them (`render_markdown`).

    The HTML is built here rather than rendered: the renderer takes about 2 ms a post, half an hour
    for a million posts. The words are letters only: besides the markup, rendering would only escape them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary()
        self.weights = list(accumulate(1 / rank for rank in range(1, len(self.words) + 1)))
        self.drawn: list[str] = []
        self.used = 0

    def phrase(self, low: int, high: int) -> str:
        count = self.rng.randint(low, high)
        if self.used + count > len(self.drawn):
            # Drawing many words at once costs a third less than drawing them phrase by phrase.
            self.drawn, self.used = self.rng.choices(self.words, cum_weights=self.weights, k=WORDS_DRAWN_AT_ONCE), 0
        self.used += count
        return " ".join(self.drawn[self.used - count : self.used])

    def paragraph(self) -> str:
        return " ".join(
            self.phrase(*WORDS_PER_SENTENCE).capitalize() + "."
            for _ in range(self.rng.randint(*SENTENCES_PER_PARAGRAPH))
        )

    def body(self) -> Body:
        rng = self.rng
        paragraphs = [self.paragraph() for _ in range(rng.randint(*PARAGRAPHS))]
        sources = list(paragraphs)
        blocks = [f"<p>{escape(text, quote=False)}</p>" for text in paragraphs]
        if rng.random() < LINK_SHARE:
            where = rng.randrange(len(paragraphs))
            label, url = self.phrase(1, 4), f"https://example.org/fiche/{rng.randint(1, 9999)}"
            sources[where] += f" [{label}]({url})"
            link = f'<a href="{url}" rel="{LINK_REL}">{escape(label, quote=False)}</a>'
            blocks[where] = blocks[where].removesuffix("</p>") + f" {link}</p>"
        if rng.random() < LIST_SHARE:
            where = rng.randint(1, len(paragraphs))
            items = [self.phrase(*WORDS_PER_LIST_ITEM) for _ in range(rng.randint(*LIST_ITEMS))]
            sources.insert(where, "\n".join(f"- {item}" for item in items))
            blocks.insert(
                where, "<ul>\n" + "".join(f"<li>{escape(item, quote=False)}</li>\n" for item in items) + "</ul>"
            )
        return Body("\n\n".join(sources), "\n".join(blocks))


def seed(posts: int, rng: random.Random | None = None) -> str:
    rng = rng or random.Random(2026)
    writer = BodyWriter(rng)
    words, weights = writer.words, writer.weights
    start = datetime(2024, 1, 1)
    long_thread = min(max(posts // LONG_THREAD_SHARE, POSTS_PER_THREAD), LONG_THREAD_MAX_POSTS, posts)
    threads = 1 + math.ceil((posts - long_thread) / POSTS_PER_THREAD)
    db.session.execute(
        sa.insert(Category),
        [
            {"id": n + 1, "name": slug.replace("-", " ").capitalize(), "slug": slug, "position": n + 1}
            for n, slug in enumerate(CATEGORY_SLUGS)
        ],
    )
    db.session.execute(
        sa.insert(User),
        [
            {
                "id": n,
                "username": f"membre{n}",
                "username_key": f"membre{n}",
                "email": f"membre{n}@example.org",
                "password_hash": "!",
                "role": "member",
                "created_at": start,
                "email_confirmed_at": start,
            }
            for n in range(1, MEMBERS + 1)
        ],
    )
    written = 0
    post_id = 0
    for first in range(1, threads + 1, BATCH // POSTS_PER_THREAD):
        thread_rows, post_rows = [], []
        for thread_id in range(first, min(first + BATCH // POSTS_PER_THREAD, threads + 1)):
            count = long_thread if thread_id == 1 else min(POSTS_PER_THREAD, posts - written)
            if count <= 0:
                break
            when = start + timedelta(minutes=30 * thread_id)
            title = " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(4, 9))).capitalize()
            solved = rng.random() < 0.3 and count > 1
            thread_rows.append(
                {
                    "id": thread_id,
                    "category_id": 1 + thread_id % len(CATEGORY_SLUGS),
                    "author_id": 1 + thread_id % MEMBERS,
                    "title": title[:150],
                    "slug": f"sujet-{thread_id}",
                    "created_at": when,
                    "last_activity_at": when + timedelta(minutes=count),
                    "post_total": count,
                    "reply_count": count - 1,
                    "solution_post_id": post_id + 2 if solved else None,
                }
            )
            for position in range(1, count + 1):
                post_id += 1
                body = writer.body()
                post_rows.append(
                    {
                        "id": post_id,
                        "thread_id": thread_id,
                        "author_id": 1 + (thread_id * 7 + position) % MEMBERS,
                        "position": position,
                        "body_source": body.source,
                        "body_html": body.html,
                        "created_at": when + timedelta(minutes=position),
                    }
                )
            written += count
        if not thread_rows:
            break
        # Threads first without their solution, which points at a post written just after.
        solutions = {row["id"]: row.pop("solution_post_id") for row in thread_rows}
        db.session.execute(sa.insert(Thread), thread_rows)
        db.session.execute(sa.insert(Post), post_rows)
        solved = [{"thread_id": key, "solution": value} for key, value in solutions.items() if value]
        if solved:
            threads_table = Thread.__table__
            db.session.execute(
                threads_table.update()
                .where(threads_table.c.id == sa.bindparam("thread_id"))
                .values(solution_post_id=sa.bindparam("solution")),
                solved,
            )
    _count()
    return f"Seeded {written} posts in {threads} threads by {MEMBERS} members."


def _count() -> None:
    thread_totals = sa.select(sa.func.count()).where(Thread.category_id == Category.id).scalar_subquery()
    post_totals = (
        sa.select(sa.func.count())
        .select_from(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.category_id == Category.id)
        .scalar_subquery()
    )
    last = sa.select(sa.func.max(Thread.last_activity_at)).where(Thread.category_id == Category.id).scalar_subquery()
    db.session.execute(
        sa.update(Category).values(thread_count=thread_totals, post_count=post_totals, last_activity_at=last)
    )
    user_posts = sa.select(sa.func.count()).where(Post.author_id == User.id).scalar_subquery()
    db.session.execute(sa.update(User).values(post_count=user_posts))
