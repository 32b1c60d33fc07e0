"""Search at scale: reindex throughput and query latency over a fixed set of queries, per backend.

    .venv/bin/python -P bench/search.py --posts 100000 1000000 --backend both

(-P leaves this folder off the import path: bench/http.py would hide the standard library's `http`.)
For each size and backend: a throw-away forum filled by the synthetic forum of `flask seed-bench`
(Whoosh: a SQLite database in a temporary instance folder; PostgreSQL: a database of its own on
the server `--database-url` reaches, dropped afterwards), indexed by `flask search reindex`'s
rebuild, then 200 queries (common and rare words, two words, phrases, a word and a filter) each
timed once after a warm-up pass. Prints the machine, the date and Markdown tables."""

import argparse
import datetime
import os
import platform
import random
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


def queries(words: list[str], phrases: list[str], count: int = 200) -> list[tuple[str, str]]:
    rng = random.Random(7)
    kinds = [
        ("common word", lambda: rng.choice(words[:30])),
        ("rare word", lambda: rng.choice(words[600:3000] or words)),
        ("two words", lambda: f"{rng.choice(words[:200])} {rng.choice(words[:800])}"),
        ("phrase", lambda: f'"{rng.choice(phrases)}"'),
        (
            "word + filter",
            lambda: (
                f"{rng.choice(words[:300])} "
                + rng.choice(["category:depannage", "solved:yes", "is:solution", "after:2024-06-01", "author:membre42"])
            ),
        ),
    ]
    return [(name, make()) for name, make in kinds for _ in range(count // len(kinds))]


def index_size(backend: str) -> int:
    from app.extensions import db
    from app.search.whoosh import index

    if backend == "whoosh":
        return index.size_in_bytes()
    return db.session.scalar(sa.text("SELECT pg_total_relation_size('search.post_vectors')"))


def measure(app, backend: str, posts: int) -> dict:
    from app.demo import synthetic
    from app.extensions import db
    from app.search import maintenance, services

    with app.app_context():
        db.create_all()
        synthetic.seed(posts)
        db.session.commit()
        if backend == "postgres":
            # seed-bench writes in bulk: statistics for the planner, as autovacuum would gather later.
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
        sample = (
            db.session.execute(sa.text("SELECT body_source FROM posts WHERE id % 997 = 0 LIMIT 300")).scalars().all()
        )
        began = time.perf_counter()
        indexed = maintenance.rebuild()
        seconds = time.perf_counter() - began
        size = index_size(backend)
    words = synthetic.vocabulary()
    phrases = [" ".join(text.split()[i : i + 2]) for text in sample for i in (3, 10)]
    timings: dict[str, list[float]] = {}
    chosen = queries(words, phrases)
    with app.test_request_context():
        for _, text in chosen:  # warm-up: open the index, fill caches
            services.search(text)
            db.session.remove()
        for kind, text in chosen:
            began = time.perf_counter()
            services.search(text)
            timings.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
            db.session.remove()  # each search in a transaction of its own, as a request's
    every = [value for values in timings.values() for value in values]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {
        "backend": backend,
        "posts": indexed,
        "rate": indexed / seconds,
        "seconds": seconds,
        "size": size,
        "p50": statistics.median(every),
        "p95": percentile(every, 0.95),
        "kinds": {kind: (statistics.median(v), percentile(v, 0.95)) for kind, v in timings.items()},
    }


def run(backend: str, posts: int, database_url: str) -> dict:
    folder = tempfile.mkdtemp(prefix="entraide-search-bench-")
    os.environ["ENTRAIDE_INSTANCE_PATH"] = folder
    from app import create_app

    settings = {"RATELIMIT_ENABLED": False, "SEARCH_BACKEND": backend}
    try:
        if backend == "whoosh":
            return measure(create_app(settings), backend, posts)
        with throwaway_postgres_database(database_url, "entraide_search_bench") as url:
            return measure(create_app({**settings, "SQLALCHEMY_DATABASE_URI": url}), backend, posts)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def machine(database_url: str, backends: list[str]) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    described = f"{datetime.date.today()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if "postgres" in backends:
        engine = sa.create_engine(database_url)
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar()
            buffers = connection.exec_driver_sql("SHOW shared_buffers").scalar()
        engine.dispose()
        described += f", PostgreSQL {version} (shared_buffers {buffers})"
    return described


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[100_000])
    parser.add_argument("--backend", choices=["whoosh", "postgres", "both"], default="both")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="a PostgreSQL server's maintenance database, where the benchmark creates and drops its own",
    )
    options = parser.parse_args()
    backends = ["whoosh", "postgres"] if options.backend == "both" else [options.backend]
    described = machine(options.database_url, backends)
    print(described, file=sys.stderr, flush=True)
    rows = []
    for posts in options.posts:
        for backend in backends:
            rows.append(run(backend, posts, options.database_url))
            print(rows[-1], file=sys.stderr, flush=True)
    print(described + "\n")
    print(
        "| backend | posts | reindex | posts/s | index size | p50 ms | p95 ms |\n"
        "| --- | --- | --- | --- | --- | --- | --- |"
    )
    for row in rows:
        print(
            f"| {row['backend']} | {row['posts']:,} | {row['seconds']:.0f} s | {row['rate']:,.0f} "
            f"| {row['size'] / 2**20:,.0f} MiB | {row['p50']:.1f} | {row['p95']:.1f} |"
        )
    print("\n| backend | posts | kind of query | p50 ms | p95 ms |\n| --- | --- | --- | --- | --- |")
    for row in rows:
        for kind, (p50, p95) in row["kinds"].items():
            print(f"| {row['backend']} | {row['posts']:,} | {kind} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
