"""What a member waits for when posting a reply, search indexing included, on each search backend.

    .venv/bin/python -P bench/reply.py --posts 100000 --replies 200 --backend both

For each backend: a throw-away forum of `seed-bench` posts (Whoosh: SQLite in a temporary instance
folder; PostgreSQL: a database of its own on `--database-url`, dropped afterwards), indexed, served
by gunicorn (2 sync workers, rate limits off), and one member who posts `--replies` replies to the
newest thread, one after the other, through the reply form. Each round trip is timed from the POST
to its redirect: the request's transaction, the search's work after the commit (Whoosh writes the
index before the response is sent; PostgreSQL writes the vector in the transaction), and the
notifications. Afterwards `flask search check` must find the search consistent. Prints the machine
and a Markdown table of the median, 95th percentile and slowest round trip."""

import argparse
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.http import (  # noqa: E402  (the project's folder first, for `bench`)
    DEFAULT_DATABASE_URL,
    fetch,
    flask,
    free_port,
    isolate_environment,
    log_in,
    machine,
    percentile,
    say,
    start_server,
    stop,
    throwaway_postgres_database,
    wait_until_ready,
)

MEMBER = "bench"


def newest_thread_path(port: int) -> str:
    status, _, body = fetch(port, "/")
    match = re.search(rb'href="(/t/\d+/[^"?#]+)"', body)
    if status != 200 or match is None:
        raise SystemExit("The home page lists no thread to reply to.")
    return match.group(1).decode()


def post_replies(port: int, cookie: str, thread_path: str, replies: int) -> list[float]:
    status, _, page = fetch(port, thread_path, cookie)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    if status != 200 or token is None:
        raise SystemExit(f"{thread_path} answered {status} without a reply form.")
    reply_path = thread_path.rsplit("/", 1)[0] + "/reply"
    timings = []
    for number in range(replies):
        body = f"Réponse {number} : vérifiez le disjoncteur {secrets.token_hex(4)} puis relancez la box."
        began = time.perf_counter()
        status, _, _ = fetch(port, reply_path, cookie, {"body": body, "csrf_token": token.group(1).decode()})
        timings.append((time.perf_counter() - began) * 1000)
        if status != 302:
            raise SystemExit(f"Reply {number} answered {status}, not 302.")
    return timings


def run(backend: str, posts: int, replies: int, database_url: str) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="entraide-reply-bench-"))
    isolate_environment(folder)
    os.environ["ENTRAIDE_SEARCH_BACKEND"] = backend
    try:
        if backend == "whoosh":
            return serve_and_reply(folder, backend, posts, replies)
        with throwaway_postgres_database(database_url, "entraide_reply_bench") as url:
            os.environ["ENTRAIDE_SQLALCHEMY_DATABASE_URI"] = url
            return serve_and_reply(folder, backend, posts, replies)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def serve_and_reply(folder: Path, backend: str, posts: int, replies: int) -> dict:
    password = secrets.token_urlsafe(12)
    flask("db", "upgrade")
    flask("seed-bench", "--posts", str(posts))
    flask("search", "reindex")
    flask("users", "create", MEMBER, "--email", f"{MEMBER}@example.org", "--password", password)
    port = free_port()
    server = start_server("wsgi:app", port, folder / "gunicorn.log", {})
    try:
        wait_until_ready(server, port, folder / "gunicorn.log")
        cookie = log_in(port, MEMBER, password)
        timings = post_replies(port, cookie, newest_thread_path(port), replies)
    finally:
        stop(server)
    flask("search", "check")  # exits non-zero, and stops the benchmark, on any drift
    return {
        "backend": backend,
        "posts": posts,
        "replies": replies,
        "p50": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "max": max(timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--backend", choices=["whoosh", "postgres", "both"], default="both")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="a PostgreSQL maintenance database")
    options = parser.parse_args()
    backends = ["whoosh", "postgres"] if options.backend == "both" else [options.backend]
    rows = [run(backend, options.posts, options.replies, options.database_url) for backend in backends]
    facts = machine()
    load = os.getloadavg()[0]
    print(
        f"{date.today()}, {facts['cores']} cores, {facts['memory_gib']} GiB, Python {facts['python']},"
        f" SQLite {facts['sqlite']}, load average {load:.1f} at the end\n"
    )
    print("| backend | posts | replies | p50 ms | p95 ms | slowest ms |\n| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row['backend']} | {row['posts']:,} | {row['replies']} | {row['p50']:.1f} | {row['p95']:.1f}"
            f" | {row['max']:.1f} |"
        )
    say("done")


if __name__ == "__main__":
    main()
