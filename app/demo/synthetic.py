"""A large synthetic forum for benchmarks: `flask --app wsgi seed-bench --posts N`.

Bulk inserts, no per-post rules: the words are drawn from the demo community's own vocabulary
with a Zipf-like law (a few very common words, a long tail of rare ones), so that searches meet
both. Counters are set right; there are no helpful marks or reputation. Only into an empty
database, like `seed-demo`."""

import random
import re
from collections import Counter
from datetime import datetime, timedelta
from html import escape
from itertools import accumulate

import sqlalchemy as sa

from app.accounts.models import User
from app.demo.subjects import SUBJECTS
from app.extensions import db
from app.forum.models import Category, Post, Thread

POSTS_PER_THREAD = 20
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


def seed(posts: int, rng: random.Random | None = None) -> str:
    rng = rng or random.Random(2026)
    words = vocabulary()
    weights = list(accumulate(1 / rank for rank in range(1, len(words) + 1)))
    start = datetime(2024, 1, 1)
    threads = max(1, posts // POSTS_PER_THREAD)
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
            }
            for n in range(1, MEMBERS + 1)
        ],
    )
    written = 0
    post_id = 0
    for first in range(1, threads + 1, BATCH // POSTS_PER_THREAD):
        thread_rows, post_rows = [], []
        for thread_id in range(first, min(first + BATCH // POSTS_PER_THREAD, threads + 1)):
            count = min(POSTS_PER_THREAD, posts - written)
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
                text = " ".join(rng.choices(words, cum_weights=weights, k=rng.randint(25, 90)))
                post_rows.append(
                    {
                        "id": post_id,
                        "thread_id": thread_id,
                        "author_id": 1 + (thread_id * 7 + position) % MEMBERS,
                        "position": position,
                        "body_source": text,
                        "body_html": f"<p>{escape(text)}</p>",
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
