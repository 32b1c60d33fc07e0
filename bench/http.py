"""Throughput and latency over HTTP of the pages visitors and members read, beside a minimal Flask app.

    .venv/bin/python bench/http.py                    # 200,000 posts
    .venv/bin/python bench/http.py --posts 1000000    # the full size: the search index alone takes minutes
    .venv/bin/python bench/http.py --posts 5000 --duration 2 --json results.json

Builds a throw-away instance folder: migrated, seeded by `flask seed-bench`, indexed by `flask search
reindex`, with one member account. Serves it with gunicorn (2 sync workers, no debug, rate limits off
so that the load is not refused) and, beside it with the same settings, `bench/minimal_app.py`, a
Flask app answering a 20 KB page: the reference. Then `wrk` loads each page in turn (home, a category's
first and last page, a thread, the longest thread's last page, a profile, the leaderboard, a search for
a common word), first as a visitor (from the page cache, as deployed), as a visitor of a third server
whose page cache is off (what rendering costs), then as the logged-in member, after a few warm-up
requests. Prints
the machine and a Markdown table: requests per second, median and 99th percentile latency, the share
of the reference's requests per second, the size of the page.

The database is always the instance's own SQLite file: ENTRAIDE_*, FLASK_*, DATABASE_URL and
REDIS_URL are left out of the environment, so that nothing reaches another database or index.
Needs `wrk` (Debian's package: `apt-get install wrk`)."""

import argparse
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
# The local PostgreSQL server, for the benchmarks that measure the PostgreSQL backend.
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
WORKERS = 2
WRK_THREADS = 2
# wrk leaves requests slower than its timeout (2 s by default) out of the latency distribution:
# a longer one keeps a slow page's 99th percentile honest.
WRK_TIMEOUT_SECONDS = 30
WARM_UP_REQUESTS = 5
MEMBER = "bench"
STARTUP_SECONDS = 60
# Entraide as deployed; Entraide without its page cache, to show what a visitor's page costs to
# render; the reference. Each on its own port, with the same gunicorn settings.
SERVERS = (
    ("entraide", "wsgi:app", {}),
    ("uncached", "wsgi:app", {"ENTRAIDE_PAGE_CACHE_ENABLED": "false"}),
    ("reference", "bench.minimal_app:app", {}),
)
MILLISECONDS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--posts",
        type=int,
        default=200_000,
        help="posts that seed-bench creates (default: %(default)s; 1000000 for the full size)",
    )
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per page (default: %(default)s)")
    parser.add_argument("--connections", type=int, default=32, help="connections wrk keeps open (default: %(default)s)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also save the machine and the results there")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary folder (instance, search index, server logs) and print its path",
    )
    options = parser.parse_args()
    if options.posts < 1 or options.duration < 1:
        parser.error("--posts and --duration are at least 1")
    if options.connections < WRK_THREADS:
        parser.error(f"wrk needs at least one connection per thread: --connections {WRK_THREADS} or more")
    return options


def restart_with_safe_path() -> None:
    """Run as `python bench/http.py`, this folder comes first on the import path, and this file's name
    hides the standard library's `http` package that http.client, Flask and gunicorn import. Python's
    -P option leaves the script's folder out: start again with it."""
    if not sys.flags.safe_path:
        os.execv(sys.executable, [sys.executable, "-P", *sys.argv])


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        print("wrk is not installed: `apt-get install wrk` (Debian, Ubuntu), then run again.", file=sys.stderr)
        sys.exit(2)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> dict:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "sqlite": sqlite3.sqlite_version,
    }


def isolate_environment(instance: Path) -> None:
    """Point the application, in this process and in every command it starts, at the benchmark's instance only."""
    for name in list(os.environ):
        if name.startswith(("ENTRAIDE_", "FLASK_")) or name in ("DATABASE_URL", "REDIS_URL", "GUNICORN_CMD_ARGS"):
            del os.environ[name]
    os.environ["ENTRAIDE_INSTANCE_PATH"] = str(instance)
    os.environ["ENTRAIDE_RATELIMIT_ENABLED"] = "false"


def flask(*arguments: str) -> str:
    began = time.perf_counter()
    command = [sys.executable, "-m", "flask", "--app", "wsgi", *arguments]
    done = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True)
    if done.returncode != 0:
        say(done.stdout + done.stderr)
        raise SystemExit(f"`flask {arguments[0]}` failed (exit code {done.returncode}).")
    name = " ".join(word for word in arguments[:2] if not word.startswith("-"))
    say(f"flask {name}: {time.perf_counter() - began:.1f} s. {done.stdout.strip()}")
    return done.stdout


def prepare_forum(posts: int, password: str) -> None:
    flask("db", "upgrade")
    flask("seed-bench", "--posts", str(posts))
    flask("search", "reindex")
    flask("users", "create", MEMBER, "--email", f"{MEMBER}@example.org", "--password", password)


def last_page(items: int, per_page: int) -> int:
    return max(1, math.ceil(items / per_page))


def pages() -> list[tuple[str, str]]:
    """Each page to measure and its path, found in the database and built by the site's own routes."""
    import sqlalchemy as sa
    from flask import url_for

    from app import create_app
    from app.demo.synthetic import vocabulary
    from app.extensions import db
    from app.forum.queries import latest_threads
    from app.models import Category, Thread, User

    app = create_app()
    with app.test_request_context():
        category = db.session.scalars(sa.select(Category).order_by(Category.thread_count.desc(), Category.id)).first()
        newest = latest_threads(1)[0]
        longest = db.session.scalars(
            sa.select(Thread).where(Thread.deleted_at.is_(None)).order_by(Thread.post_total.desc(), Thread.id)
        ).first()
        author = db.session.scalars(sa.select(User).order_by(User.post_count.desc(), User.id)).first()
        deep = last_page(category.thread_count, app.config["THREADS_PER_PAGE"])
        end = last_page(longest.post_total, app.config["POSTS_PER_PAGE"])
        word = vocabulary()[0]
        found = [
            ("home", url_for("forum.index")),
            ("category, page 1", url_for("forum.category", slug=category.slug)),
            (f"category, page {deep} (last)", url_for("forum.category", slug=category.slug, page=beyond_first(deep))),
            ("thread, page 1", url_for("forum.thread", thread_id=newest.id, slug=newest.slug)),
            (
                f"longest thread ({longest.post_total} posts), page {end}",
                url_for("forum.thread", thread_id=longest.id, slug=longest.slug, page=beyond_first(end)),
            ),
            ("profile", url_for("accounts.profile", username=author.username)),
            ("leaderboard", url_for("reputation.leaderboard")),
            (f'search "{word}"', url_for("search.search", q=word)),
        ]
        db.engine.dispose()
    return found


def beyond_first(page: int) -> int | None:
    """The page number for a URL: the site redirects `page=1` to the URL without it."""
    return page if page > 1 else None


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


@contextmanager
def throwaway_postgres_database(server_url: str, prefix: str):
    """The address of a new database on the PostgreSQL server `server_url` reaches, dropped afterwards."""
    import sqlalchemy as sa

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(
    application: str, port: int, log: Path, settings: dict[str, str], workers: int = WORKERS
) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(PROJECT),
        # gunicorn's control socket has one default path for every server of the user: none here.
        "--no-control-socket",
        application,
    ]
    with log.open("a") as output:
        return subprocess.Popen(
            command, cwd=PROJECT, env={**os.environ, **settings}, stdout=output, stderr=subprocess.STDOUT
        )


def wait_until_ready(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit code {server.returncode}):\n{log.read_text()}")
        try:
            fetch(port, "/")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port} within {STARTUP_SECONDS} s:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def fetch(port: int, path: str, cookie: str = "", form: dict | None = None) -> tuple[int, list[str], bytes]:
    """One request, redirects not followed: the status, the Set-Cookie headers and the body."""
    import http.client  # here rather than above: see restart_with_safe_path

    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST" if form is not None else "GET", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers.get_all("Set-Cookie") or [], response.read()
    finally:
        connection.close()


def with_cookies(jar: dict[str, str], set_cookies: list[str]) -> str:
    """Keep each `name=value` the server set, and answer the Cookie header that sends them all back."""
    for header in set_cookies:
        name, _, value = header.split(";", 1)[0].partition("=")
        jar[name.strip()] = value.strip()
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def log_in(port: int, username: str, password: str) -> str:
    """Log in through the login form as a browser does; return the member's Cookie header."""
    jar: dict[str, str] = {}
    status, set_cookies, body = fetch(port, "/login")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)
    if status != 200 or token is None:
        raise SystemExit(f"GET /login answered {status} without a CSRF token.")
    cookie = with_cookies(jar, set_cookies)
    form = {"login": username, "password": password, "csrf_token": token.group(1).decode()}
    status, set_cookies, _ = fetch(port, "/login", cookie, form)
    cookie = with_cookies(jar, set_cookies)
    if status not in (302, 303) or fetch(port, "/account", cookie)[0] != 200:
        raise SystemExit(f"Logging in as {username} failed: POST /login answered {status}.")
    return cookie


def warm_up(port: int, path: str, cookie: str) -> int:
    """A few requests before measuring (caches, the search index's first opening); the page's size in bytes."""
    for _ in range(WARM_UP_REQUESTS):
        status, _, body = fetch(port, path, cookie)
        if status != 200:
            raise SystemExit(f"{path} answered {status}, not 200: nothing to measure.")
    return len(body)


def run_wrk(port: int, path: str, cookie: str, options: argparse.Namespace) -> dict:
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{options.connections}",
        f"-d{options.duration}s",
        "--latency",
        "--timeout",
        f"{WRK_TIMEOUT_SECONDS}s",
        f"http://127.0.0.1:{port}{path}",
    ]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed on {path}:\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> dict:
    """Requests per second, the median and 99th percentile latency (ms) and the errors of wrk's --latency report."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    count = re.search(r"^\s*(\d+) requests in", output, re.M)
    if rate is None or count is None:
        raise SystemExit(f"Unexpected wrk output:\n{output}")
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests_per_s": float(rate.group(1)),
        "p50_ms": latency(output, 50),
        "p99_ms": latency(output, 99),
        "requests": int(count.group(1)),
        "errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "non_2xx": int(refused.group(1)) if refused else 0,
    }


def latency(output: str, percent: int) -> float:
    found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.M)
    return float(found.group(1)) * MILLISECONDS[found.group(2)] if found else math.nan


def measure(page: str, who: str, port: int, path: str, options: argparse.Namespace, cookie: str = "") -> dict:
    size = warm_up(port, path, cookie)
    result = {"page": page, "who": who, "path": path, "bytes": size, **run_wrk(port, path, cookie, options)}
    say(f"{page}, {who}: {result['requests_per_s']:.1f} req/s, p50 {result['p50_ms']:.1f} ms")
    return result


def table(results: list[dict], reference: dict) -> str:
    lines = [
        "| page | who | req/s | p50 ms | p99 ms | req/s ÷ reference | size |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results + [reference]:
        share = row["requests_per_s"] / reference["requests_per_s"] if reference["requests_per_s"] else math.nan
        figures = f"{row['requests_per_s']:,.1f} | {row['p50_ms']:,.1f} | {row['p99_ms']:,.1f} | {share:.2f}"
        lines.append(f"| {row['page']} | {row['who']} | {figures} | {row['bytes'] / 1024:.1f} KiB |")
    failed = [row for row in results + [reference] if row["errors"] or row["non_2xx"]]
    if failed:
        lines.append("")
    for row in failed:
        lines.append(
            f"- {row['page']}, {row['who']}: {row['non_2xx']} answers other than 2xx/3xx and {row['errors']}"
            f" socket errors out of {row['requests']} requests"
        )
    return "\n".join(lines)


def heading(facts: dict, options: argparse.Namespace, date: datetime, load: float) -> str:
    return "\n".join(
        [
            f"Entraide over HTTP, {date:%Y-%m-%d %H:%M %Z}",
            "",
            f"- machine: {facts['cores']} cores, {facts['memory_gib']} GiB, {facts['machine']},"
            f" Python {facts['python']}, SQLite {facts['sqlite']}; load average {load:.1f} when the measures began",
            f"- forum: `seed-bench --posts {options.posts}`, searched through its Whoosh index;"
            f" gunicorn, {WORKERS} sync workers, rate limits off",
            f"- load: `wrk -t{WRK_THREADS} -c{options.connections} -d{options.duration}s --latency"
            f" --timeout {WRK_TIMEOUT_SECONDS}s` per page, after {WARM_UP_REQUESTS} warm-up requests",
            "- reference: `bench/minimal_app.py`, a Flask app answering a 20 KB page, served the same way",
            "",
        ]
    )


def benchmark(folder: Path, options: argparse.Namespace, servers: list[subprocess.Popen]) -> tuple[list, dict, float]:
    password = secrets.token_urlsafe(16)
    isolate_environment(folder / "instance")
    prepare_forum(options.posts, password)
    measured = pages()
    ports = {}
    for name, application, settings in SERVERS:
        ports[name], log = free_port(), folder / f"{name}.log"
        servers.append(start_server(application, ports[name], log, settings))
        wait_until_ready(servers[-1], ports[name], log)
    cookie = log_in(ports["entraide"], MEMBER, password)
    load = os.getloadavg()[0]
    results = [measure(page, "visitor", ports["entraide"], path, options) for page, path in measured]
    results += [measure(page, "visitor, cache off", ports["uncached"], path, options) for page, path in measured]
    results += [measure(page, "member", ports["entraide"], path, options, cookie) for page, path in measured]
    reference = measure("reference: minimal Flask app, 20 KB", "—", ports["reference"], "/", options)
    return results, reference, load


def main() -> None:
    restart_with_safe_path()
    options = parse_options()
    require_wrk()
    # A polite kill (SIGTERM) unwinds like Ctrl-C, through the finally that stops the servers.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    date = datetime.now().astimezone()
    folder = Path(tempfile.mkdtemp(prefix="entraide-http-bench-"))
    servers: list[subprocess.Popen] = []
    try:
        results, reference, load = benchmark(folder, options, servers)
    finally:
        for server in servers:
            stop(server)
        if options.keep:
            say(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    facts = machine()
    print(heading(facts, options, date, load))
    print(table(results, reference))
    if options.json:
        saved = {
            "date": date.isoformat(timespec="seconds"),
            "machine": facts,
            "load_average": load,
            "settings": {
                "posts": options.posts,
                "duration_s": options.duration,
                "connections": options.connections,
                "wrk_threads": WRK_THREADS,
                "workers": WORKERS,
            },
            "results": results + [reference],
        }
        options.json.write_text(json.dumps(saved, indent=2) + "\n")


if __name__ == "__main__":
    main()
