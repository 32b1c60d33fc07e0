"""Search at scale: reindex throughput, index size and query latency over a fixed set of queries.

    .venv/bin/python bench/search.py --posts 100000 1000000

For each size: a throw-away SQLite database under a temporary instance folder, filled by the
synthetic forum of `flask seed-bench`, indexed by `flask search reindex`'s rebuild, then 200
queries (common and rare words, phrases, several words, filters) each timed once after a warm-up
pass. Prints a Markdown table."""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time


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


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def run(posts: int) -> dict:
    folder = tempfile.mkdtemp(prefix="entraide-search-bench-")
    os.environ["ENTRAIDE_INSTANCE_PATH"] = folder
    from app import create_app
    from app.demo import synthetic
    from app.extensions import db
    from app.search import index, maintenance, services

    app = create_app({"RATELIMIT_ENABLED": False})
    try:
        with app.app_context():
            db.create_all()
            synthetic.seed(posts)
            db.session.commit()
            sample = (
                db.session.execute(db.text("SELECT body_source FROM posts WHERE id % 997 = 0 LIMIT 300"))
                .scalars()
                .all()
            )
            began = time.perf_counter()
            indexed = maintenance.rebuild()
            seconds = time.perf_counter() - began
            size = index.size_in_bytes()
        words = synthetic.vocabulary()
        phrases = [" ".join(text.split()[i : i + 2]) for text in sample for i in (3, 10)]
        timings: dict[str, list[float]] = {}
        with app.test_request_context():
            chosen = queries(words, phrases)
            for _, text in chosen:  # warm-up: open the index, fill caches
                services.search(text)
            for kind, text in chosen:
                began = time.perf_counter()
                services.search(text)
                timings.setdefault(kind, []).append((time.perf_counter() - began) * 1000)
        every = [value for values in timings.values() for value in values]
        return {
            "posts": indexed,
            "rate": indexed / seconds,
            "seconds": seconds,
            "size": size,
            "p50": statistics.median(every),
            "p95": percentile(every, 0.95),
            "kinds": {kind: (statistics.median(v), percentile(v, 0.95)) for kind, v in timings.items()},
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[100_000])
    options = parser.parse_args()
    rows = []
    for posts in options.posts:
        rows.append(run(posts))
        print(rows[-1], file=sys.stderr, flush=True)
    print("| posts | reindex | posts/s | index size | p50 ms | p95 ms |\n| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row['posts']:,} | {row['seconds']:.0f} s | {row['rate']:,.0f} | {row['size'] / 2**20:,.0f} MiB "
            f"| {row['p50']:.0f} | {row['p95']:.0f} |"
        )
    print("\n| posts | kind of query | p50 ms | p95 ms |\n| --- | --- | --- | --- |")
    for row in rows:
        for kind, (p50, p95) in row["kinds"].items():
            print(f"| {row['posts']:,} | {kind} | {p50:.0f} | {p95:.0f} |")


if __name__ == "__main__":
    main()
