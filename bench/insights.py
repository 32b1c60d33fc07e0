"""The insights page at scale: its figures computed cold, then the page and its CSV served warm.

    .venv/bin/python -P bench/insights.py --posts 100000 1000000 --database both

For each size and database: a throw-away forum filled by the synthetic forum of `flask seed-bench`
(SQLite in a temporary instance folder; PostgreSQL in a database of its own on `--database-url`,
dropped afterwards), given helpful marks on a fifth of the last twelve weeks' replies and a few
thousand missed searches, since seed-bench writes neither. "Now" is the day after its newest
thread, so that the twelve weeks are full. Then, through the test client and logged in as a
moderator: the figures computed from nothing (`--runs` times, each in a fresh session), the first
page with no figures stored (which computes and stores them), `--pages` pages and CSVs served from
the figures a process kept, and `--pages` first pages of a process that has kept nothing and reads
the stored figures, as every worker does once the daily `flask insights compute` has run.
Prints the machine, the date and a Markdown table."""

import argparse
import datetime
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.http import DEFAULT_DATABASE_URL, percentile, throwaway_postgres_database  # noqa: E402  (the project's folder first, for `bench`)


def fill(posts: int) -> datetime.datetime:
    """seed-bench's forum, with marks and missed searches; returns the benchmark's "now"."""
    from app.accounts.models import MODERATOR, User
    from app.demo import synthetic
    from app.extensions import db
    from app.forum.models import Post, Thread
    from app.insights.figures import window_start
    from app.insights.models import SearchMiss
    from app.reputation.models import HelpfulMark

    db.create_all()
    synthetic.seed(posts)
    now = db.session.scalar(sa.select(sa.func.max(Thread.created_at))) + datetime.timedelta(days=1)
    start = window_start(now)
    markers = db.session.scalars(sa.select(User.id).order_by(User.id).limit(50)).all()
    replies = db.session.execute(
        sa.select(Post.id, Post.author_id, Post.created_at).where(Post.created_at >= start, Post.position > 1)
    ).all()
    marks = [
        {"post_id": post_id, "user_id": marker, "created_at": created_at + datetime.timedelta(hours=1)}
        for n, (post_id, author_id, created_at) in enumerate(replies)
        if n % 5 == 0
        for marker in [markers[n % len(markers)]]
        if marker != author_id
    ]
    if marks:
        db.session.execute(sa.insert(HelpfulMark), marks)
    days = [(start + datetime.timedelta(days=n)).date() for n in range(84)]
    misses = [{"query": f"recherche introuvable {n}", "day": days[n % 84], "count": 1 + n % 7} for n in range(3000)]
    db.session.execute(sa.insert(SearchMiss), misses)
    db.session.add(
        User(
            # seed-bench gives its members their ids, which PostgreSQL's sequence does not know of.
            id=db.session.scalar(sa.select(sa.func.max(User.id))) + 1,
            username="moderateur",
            username_key="moderateur",
            email="moderateur@example.org",
            password_hash="!",
            role=MODERATOR,
        )
    )
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return now


def timed(call) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def measure(app, database: str, posts: int, runs: int, pages: int) -> dict:
    from app.extensions import db
    from app.insights import figures, keeping

    with app.app_context():
        began = time.perf_counter()
        now = fill(posts)
        seeded = time.perf_counter() - began
        moderator_id = db.session.scalar(sa.text("SELECT id FROM users WHERE username = 'moderateur'"))
        db.session.remove()
        cold = []
        for _ in range(runs):
            cold.append(timed(lambda: figures.compute(now)))
            db.session.remove()
        weeks = figures.compute(now).weeks
        db.session.remove()
    keeping.utcnow = lambda: now  # the page's "now": the day after the newest thread
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with client.session_transaction() as session:
        session["_user_id"] = str(moderator_id)
        session["_fresh"] = True

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    first_page = timed(lambda: get("/insights"))  # nothing stored yet: computed before the page
    warm = [timed(lambda: get("/insights")) for _ in range(pages)]
    csv = [timed(lambda: get("/insights.csv")) for _ in range(pages)]
    stored = []
    for _ in range(pages):
        app.extensions.pop("insights")  # a worker that has kept nothing reads the stored figures
        stored.append(timed(lambda: get("/insights")))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {
        "database": database,
        "posts": posts,
        "seeded": seeded,
        "questions": sum(week.questions for week in weeks),
        "cold": cold,
        "first_page": first_page,
        "stored_p50": statistics.median(stored),
        "stored_p95": percentile(stored, 0.95),
        "warm_p50": statistics.median(warm),
        "warm_p95": percentile(warm, 0.95),
        "csv_p50": statistics.median(csv),
    }


def run(database: str, posts: int, database_url: str, runs: int, pages: int) -> dict:
    folder = tempfile.mkdtemp(prefix="entraide-insights-bench-")
    os.environ["ENTRAIDE_INSTANCE_PATH"] = folder
    from app import create_app

    settings = {"RATELIMIT_ENABLED": False, "SEARCH_BACKEND": "whoosh" if database == "sqlite" else "postgres"}
    try:
        if database == "sqlite":
            return measure(create_app(settings), database, posts, runs, pages)
        with throwaway_postgres_database(database_url, "entraide_insights_bench") as url:
            return measure(create_app({**settings, "SQLALCHEMY_DATABASE_URI": url}), database, posts, runs, pages)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{datetime.date.today()}, {cpu}, {os.cpu_count()} cores, load {load}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[100_000])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--runs", type=int, default=3, help="cold computations of the figures")
    parser.add_argument("--pages", type=int, default=50, help="warm pages (and CSVs) timed")
    options = parser.parse_args()
    databases = ["sqlite", "postgres"] if options.database == "both" else [options.database]
    print(machine(), file=sys.stderr, flush=True)
    rows = []
    for posts in options.posts:
        for database in databases:
            rows.append(run(database, posts, options.database_url, options.runs, options.pages))
            print(rows[-1], file=sys.stderr, flush=True)
    print(machine() + "\n")
    print(
        "| database | posts | questions in 12 weeks | figures cold, ms (min / max) | first page, ms "
        "| a worker's first page, stored figures, p50 / p95, ms | page warm p50 / p95, ms | CSV warm p50, ms |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |"
    )
    for row in rows:
        print(
            f"| {row['database']} | {row['posts']:,} | {row['questions']:,} "
            f"| {min(row['cold']):.0f} / {max(row['cold']):.0f} | {row['first_page']:.0f} "
            f"| {row['stored_p50']:.1f} / {row['stored_p95']:.1f} "
            f"| {row['warm_p50']:.1f} / {row['warm_p95']:.1f} | {row['csv_p50']:.1f} |"
        )


if __name__ == "__main__":
    main()
