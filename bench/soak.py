"""A soak: members and visitors at once for a while, under faults, then every acknowledged write checked.

    .venv/bin/python -P bench/soak.py                      # both databases, 60 s, 50 clients, every fault
    .venv/bin/python -P bench/soak.py --database sqlite --duration 8 --clients 8 --posts 300 --kill-every 3

For each database, a throw-away forum: SQLite and its Whoosh index in a temporary instance folder;
or a PostgreSQL database of its own on `--database-url` (dropped afterwards), searched by
PostgreSQL, its page cache in a Redis database of its own on `--redis-url` (emptied afterwards).
Seeded by `flask seed-demo`, or `flask seed-bench --posts N`, indexed, with one account per
member; served by gunicorn, 4 sync workers, rate limits off so that the load is not refused.

Then, for each fault in turn, `--clients` threads for `--duration` seconds, as fast as the server
answers: a fifth are visitors reading pages and searching, the others members with their own
account and cookies, who also start threads, reply, edit their posts, mark others' replies helpful,
flag others' posts, log out and in. Each write keeps what the server acknowledged: the post id
from the redirect and a marker word, unique to the text, in the body. The faults:

- none;
- kill: every `--kill-every` seconds one gunicorn worker, drawn at random among the master's
  children, gets SIGKILL; gunicorn starts another. The request it was answering loses its
  connection: counted as dropped, never as lost, since the server acknowledged nothing;
- readonly (Whoosh only): for `--read-only-for` seconds in the middle, the index folder and every
  file in it are made immutable with `chattr +i` (this runs as root, which ignores file modes, not
  this attribute). Posting must still succeed; the index changes wait in the outbox until the
  folder is writable again.

After each run: `flask search drain`, then `flask search check`, `flask reputation verify` and
`flask forum verify` (run in this process, through the application's CLI) must exit 0, the outbox
must be empty, and every write acknowledged so far
must be in the database (posts with their text and title, helpful marks in their last state,
flags), every visible post found by a search for its marker word and by none of its earlier ones.
Prints the machine and a Markdown table; exits 1, with the reasons, if anything failed: a 5xx, a
connection refused or timed out, a request dropped with no worker killed, an answer the client did
not expect, a lost write, a failed check, or a fault that did not take effect."""

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import uuid
from collections import Counter
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench.http import (  # noqa: E402  (the project's folder first, for `bench`)
    DEFAULT_DATABASE_URL,
    free_port,
    isolate_environment,
    machine,
    percentile,
    restart_with_safe_path,
    say,
    start_server,
    stop,
    throwaway_postgres_database,
    wait_until_ready,
)

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379"
WORKERS = 4
FAULTS = ("none", "kill", "readonly")
VISITOR_SHARE = 0.2
# Long enough that only a server that stopped answering reaches it: gunicorn kills a worker after 30 s.
REQUEST_TIMEOUT_SECONDS = 60
SETTLE_SECONDS = 30  # for gunicorn to replace killed workers once the load is over
# Set in a Redis database to claim it for one soak; the database is emptied afterwards.
REDIS_CLAIM = "entraide-soak:claimed"

# What a member does next, and how often; visitors only read and search.
MEMBER_ACTIONS = {
    "browse": 40,
    "search": 10,
    "reply": 18,
    "start_thread": 6,
    "edit": 10,
    "mark_helpful": 10,
    "flag": 3,
    "log_out_and_in": 3,
}
VISITOR_ACTIONS = {"browse": 80, "search": 20}
# The pages a browsing client reads, and how often.
PAGES = {
    "thread": 45,
    "/": 15,
    "category": 15,
    "unanswered in a category": 5,
    "profile": 10,
    "/leaderboard": 5,
    "/unanswered": 5,
}
# The answers each kind of request may get. A mark or a flag may be refused (403) when others' flags
# hid the post after the client read its page: each refused post must be hidden at the end.
EXPECTED = {
    "page": {200},
    "search": {200},
    "form": {200},
    "thread": {200, 302},  # 200: the threads like it are shown once before it is posted
    "thread, confirmed": {302},
    "reply": {302},
    "edit": {302},
    "helpful": {200, 403},
    "flag": {302, 403},
    "login": {302},
    "logout": {302},
}
SEARCHES = (
    "box",
    "wifi",
    "compteur",
    "facture",
    "panne",
    "electricite",
    "application",
    '"mot de passe"',
    "box -wifi",
    "solved:yes box",
    "disjoncteur is:solution",
)
TITLES = ("la box clignote", "le compteur ne répond plus", "facture trop élevée", "le Wi-Fi décroche le soir")
SENTENCES = (
    "J'ai redémarré la box et vérifié le disjoncteur, sans effet.",
    "Essayez de changer le canal du Wi-Fi, le 11 est souvent libre.",
    "Le technicien est passé mardi ; depuis, l'électricité coupe le soir.",
    "Merci, c'était bien le câble d'alimentation.",
)
# Marker words: letters no stemmer takes for a suffix, so that each stays one term of its own.
MARKER_LETTERS = "bcdfghjklmnpqrtvwxz"
MARKER = re.compile(r"\bzq[bcdfghjklmnpqrtvwxz]{12}\b")
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
THREAD_LINK = re.compile(r'href="(/t/\d+/[^"?#]+)"')
CATEGORY_LINK = re.compile(r'href="/c/([^"/?#]+)"')
PROFILE_LINK = re.compile(r'href="/u/([^"/?#]+)"')
POST_ANCHOR = re.compile(r'id="p(\d+)"')
REPLY_FORM = re.compile(r'action="/t/(\d+)/reply"')
HELPFUL_FORM = re.compile(r'action="/p/(\d+)/helpful"')
FLAG_FORM = re.compile(r'action="/p/(\d+)/flag"')
SEARCH_FAILURE = "could not update the search"
PROBE = "soakprobe"  # the read-only fault's member


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load per run (default: %(default)s)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default: %(default)s)")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--faults", default=",".join(FAULTS), help="runs, in order, among none, kill, readonly (default: %(default)s)"
    )
    parser.add_argument("--posts", type=int, help="seed `seed-bench --posts N` rather than `seed-demo`")
    parser.add_argument("--kill-every", type=float, default=10, help="seconds between two kills (default: %(default)s)")
    parser.add_argument(
        "--read-only-for", type=float, default=20, help="seconds the index stays read-only (default: %(default)s)"
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help="a PostgreSQL maintenance database")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="a Redis server, for PostgreSQL's runs")
    parser.add_argument("--seed", type=int, help="of the clients' random choices (default: drawn, and printed)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders (instance, logs)")
    options = parser.parse_args()
    options.faults = [fault.strip() for fault in options.faults.split(",") if fault.strip()]
    unknown = set(options.faults) - set(FAULTS)
    if unknown or not options.faults:
        parser.error(f"--faults takes a list among {', '.join(FAULTS)}")
    if options.clients < 2:
        parser.error("--clients is at least 2: a member and a visitor")
    if options.duration <= 0 or options.kill_every <= 0:
        parser.error("--duration and --kill-every are positive")
    if "readonly" in options.faults and not 0 < options.read_only_for < options.duration:
        parser.error("--read-only-for is positive and shorter than --duration")
    if options.posts is not None and options.posts < 1:
        parser.error("--posts is at least 1")
    if options.seed is None:
        options.seed = random.randrange(2**32)
    return options


# What the clients write, and what the server acknowledged of it


def marker_word(rng: random.Random) -> str:
    return "zq" + "".join(rng.choice(MARKER_LETTERS) for _ in range(12))


def post_body(rng: random.Random, opening: str) -> str:
    return f"{opening} {marker_word(rng)} : {rng.choice(SENTENCES)}"


@dataclass
class Written:
    """A post the server acknowledged, and the bodies it may hold now."""

    author: str
    thread_id: int
    post_id: int | None  # an opening post's id is read from its thread's page, which may not come
    title: str | None  # an opening post's thread title
    body: str  # as last acknowledged
    unanswered_edits: list[str] = field(default_factory=list)  # sent, answer lost: saved or not
    earlier: list[str] = field(default_factory=list)  # bodies it no longer holds


class Ledger:
    """Every write the server acknowledged, across the runs on one forum."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.posts: list[Written] = []
        self.soak_post_ids: set[int] = set()
        self.marks: dict[tuple[str, int], bool | None] = {}  # None: the answer was lost
        self.flags: set[tuple[str, int]] = set()
        self.refused: dict[int, str] = {}  # post id → what was refused on it

    def add(self, written: Written) -> None:
        with self.lock:
            self.posts.append(written)
            if written.post_id is not None:
                self.soak_post_ids.add(written.post_id)

    def identify(self, written: Written, post_id: int) -> None:
        with self.lock:
            written.post_id = post_id
            self.soak_post_ids.add(post_id)

    def own_posts(self, author: str) -> list[Written]:
        with self.lock:
            return [written for written in self.posts if written.author == author and written.post_id is not None]

    def edited(self, written: Written, body: str) -> None:
        with self.lock:
            written.earlier += [written.body, *written.unanswered_edits]
            written.body, written.unanswered_edits = body, []

    def edit_unanswered(self, written: Written, body: str) -> None:
        with self.lock:
            written.unanswered_edits.append(body)

    def is_soak_post(self, post_id: int) -> bool:
        with self.lock:
            return post_id in self.soak_post_ids

    def mark(self, member: str, post_id: int, marked: bool | None) -> None:
        with self.lock:
            self.marks[(member, post_id)] = marked

    def flag(self, member: str, post_id: int) -> None:
        with self.lock:
            self.flags.add((member, post_id))

    def refuse(self, post_id: int, what: str) -> None:
        with self.lock:
            self.refused[post_id] = what


class Choices:
    """Things to draw at random, each kept once."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.known: set[str] = set()

    def add(self, item: str) -> None:
        if item not in self.known:
            self.known.add(item)
            self.items.append(item)


class Site:
    """What the clients know of the forum: threads, categories and members to visit."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.threads, self.categories, self.people = Choices(), Choices(), Choices()

    def learn(self, page: str) -> None:
        with self.lock:
            for pattern, known in (
                (THREAD_LINK, self.threads),
                (CATEGORY_LINK, self.categories),
                (PROFILE_LINK, self.people),
            ):
                for item in pattern.findall(page):
                    known.add(item)

    def add_thread(self, path: str) -> None:
        with self.lock:
            self.threads.add(path)

    def add_person(self, name: str) -> None:
        with self.lock:
            self.people.add(name)

    def thread(self, rng: random.Random) -> str:
        with self.lock:
            return rng.choice(self.threads.items)

    def category(self, rng: random.Random) -> str:
        with self.lock:
            return rng.choice(self.categories.items)

    def page(self, rng: random.Random) -> str:
        kind = rng.choices(list(PAGES), weights=list(PAGES.values()))[0]
        with self.lock:
            if kind == "thread":
                return rng.choice(self.threads.items)
            if kind == "category":
                return f"/c/{rng.choice(self.categories.items)}"
            if kind == "unanswered in a category":
                return f"/c/{rng.choice(self.categories.items)}?filter=unanswered"
            if kind == "profile":
                return f"/u/{rng.choice(self.people.items)}"
            return kind


# What the clients saw


class Tally:
    """The answers of one run, from every client."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.acknowledged: Counter = Counter()  # writes, by kind
        self.server_errors: list[str] = []
        self.unexpected: list[str] = []
        self.dropped: list[str] = []
        self.connection_errors: list[str] = []
        self.crashes: list[str] = []  # a client that stopped on an error of this script

    def answered(self, kind: str, request: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds * 1000)
            if status >= 500:
                self.server_errors.append(f"{request} → {status}")
            elif status not in EXPECTED[kind]:
                self.unexpected.append(f"{request} → {status} ({kind})")

    def acknowledge(self, kind: str) -> None:
        with self.lock:
            self.acknowledged[kind] += 1

    def lost_answer(self, request: str, error: Exception, dropped: bool) -> None:
        with self.lock:
            (self.dropped if dropped else self.connection_errors).append(f"{request}: {error!r}")


@dataclass
class Answer:
    status: int
    location: str
    text: str


class Client:
    """A browser of its own, cookies included, opening one connection per request as gunicorn's
    sync workers close each after answering."""

    def __init__(self, port: int, tally: Tally, site: Site, rng: random.Random) -> None:
        self.port, self.tally, self.site, self.rng = port, tally, site, rng
        self.cookies: dict[str, str] = {}

    def send(
        self, kind: str, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> Answer | None:
        """The answer, or None when the connection failed or was lost (recorded either way)."""
        import http.client  # here rather than above: see restart_with_safe_path

        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = f"{method} {path}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_SECONDS)
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        except (ConnectionRefusedError, TimeoutError) as error:
            self.tally.lost_answer(request, error, dropped=False)
            return None
        except (ConnectionError, http.client.HTTPException) as error:  # reset, closed, cut short
            self.tally.lost_answer(request, error, dropped=True)
            return None
        finally:
            connection.close()
        self.tally.answered(kind, request, response.status, time.perf_counter() - began)
        self.keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return Answer(response.status, response.headers.get("Location", ""), text)

    def keep_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.partition("=")
            if "max-age=0" in attributes.lower().replace(" ", ""):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()

    def browse(self) -> None:
        path = self.site.page(self.rng)
        answer = self.send("page", "GET", path)
        if answer is not None and answer.status == 200 and not path.startswith("/t/"):
            self.site.learn(answer.text)

    def search(self) -> None:
        query = {"q": self.rng.choice(SEARCHES)}
        if self.rng.random() < 0.2:
            query["sort"] = "newest"
        self.send("search", "GET", "/search?" + urllib.parse.urlencode(query))

    def act(self) -> None:
        actions = VISITOR_ACTIONS
        getattr(self, self.rng.choices(list(actions), weights=list(actions.values()))[0])()


class Member(Client):
    def __init__(
        self, port: int, tally: Tally, site: Site, rng: random.Random, name: str, password: str, ledger: Ledger
    ) -> None:
        super().__init__(port, tally, site, rng)
        self.name, self.password, self.ledger = name, password, ledger
        self.token = ""  # the session's CSRF token, read from the last page
        self.logged_in = False

    def read(self, kind: str, path: str) -> Answer | None:
        answer = self.send(kind, "GET", path)
        if answer is not None and answer.status == 200:
            found = CSRF_TOKEN.search(answer.text)
            if found:
                self.token = found.group(1)
        return answer

    def act(self) -> None:
        if not self.logged_in:
            self.log_in()
            return
        actions = MEMBER_ACTIONS
        getattr(self, self.rng.choices(list(actions), weights=list(actions.values()))[0])()

    def log_in(self) -> None:
        # A browser of its own each time: whatever a lost answer left in the cookies is dropped.
        self.cookies.clear()
        form = self.read("form", "/login")
        if form is None or form.status != 200:
            return
        answer = self.send("login", "POST", "/login", {"login": self.name, "password": self.password, **self.csrf()})
        self.logged_in = answer is not None and answer.status == 302

    def log_out_and_in(self) -> None:
        self.send("logout", "POST", "/logout", self.csrf())
        self.logged_in = False
        self.log_in()

    def csrf(self) -> dict[str, str]:
        return {"csrf_token": self.token}

    def thread_page(self) -> str:
        """A thread's page, or nothing when it did not come."""
        answer = self.read("page", self.site.thread(self.rng))
        return answer.text if answer is not None and answer.status == 200 else ""

    def reply(self) -> bool:
        """Reply somewhere; whether the server acknowledged the reply."""
        page = self.thread_page()
        form = REPLY_FORM.search(page)
        if form is None:  # no page, or a locked thread
            return False
        thread_id = int(form.group(1))
        body = post_body(self.rng, "Réponse")
        data = {"body": body, **self.csrf()}
        on_page = POST_ANCHOR.findall(page)
        if on_page and self.rng.random() < 0.3:
            data["reply_to"] = self.rng.choice(on_page)
        answer = self.send("reply", "POST", f"/t/{thread_id}/reply", data)
        if answer is None or answer.status != 302:
            return False
        post_id = self.acknowledged_post(answer, f"POST /t/{thread_id}/reply")
        self.ledger.add(Written(self.name, thread_id, post_id, None, body))
        self.tally.acknowledge("reply")
        return True

    def acknowledged_post(self, answer: Answer, request: str) -> int:
        anchor = re.fullmatch(r"p(\d+)", urllib.parse.urlsplit(answer.location).fragment)
        if anchor is None:
            raise AssertionError(f"{request} answered 302 to {answer.location!r}, without the new post's anchor")
        return int(anchor.group(1))

    def start_thread(self) -> None:
        slug = self.site.category(self.rng)
        form = self.read("form", f"/c/{slug}/new")
        if form is None or form.status != 200:
            return
        title = f"Essai {self.rng.randrange(10**6)} : {self.rng.choice(TITLES)}"
        body = post_body(self.rng, "Question")
        data = {"title": title, "body": body, **self.csrf()}
        answer = self.send("thread", "POST", f"/c/{slug}/new", data)
        if answer is not None and answer.status == 200:
            answer = self.send("thread, confirmed", "POST", f"/c/{slug}/new", {**data, "confirmed": "1"})
        if answer is None or answer.status != 302:
            return
        path = urllib.parse.urlsplit(answer.location).path
        thread_id = re.fullmatch(r"/t/(\d+)/[^/]+", path)
        if thread_id is None:
            raise AssertionError(f"POST /c/{slug}/new answered 302 to {answer.location!r}, not to a thread")
        written = Written(self.name, int(thread_id.group(1)), None, title, body)
        self.ledger.add(written)
        self.tally.acknowledge("thread")
        self.site.add_thread(path)
        # As a browser follows the redirect: the page gives the opening post's id, to edit it later.
        page = self.read("page", path)
        if page is not None and page.status == 200:
            self.ledger.identify(written, int(POST_ANCHOR.search(page.text).group(1)))

    def edit(self) -> None:
        own = self.ledger.own_posts(self.name)
        if not own:
            return
        written = self.rng.choice(own)
        form = self.read("form", f"/p/{written.post_id}/edit")
        if form is None or form.status != 200:
            return
        body = post_body(self.rng, "Modifié")
        data = {"body": body, **self.csrf()}
        if written.title is not None:
            data["title"] = written.title
        answer = self.send("edit", "POST", f"/p/{written.post_id}/edit", data)
        if answer is None:
            self.ledger.edit_unanswered(written, body)
        elif answer.status == 302:
            self.ledger.edited(written, body)
            self.tally.acknowledge("edit")

    def mark_helpful(self) -> None:
        markable = HELPFUL_FORM.findall(self.thread_page())
        if not markable:
            return
        post_id = int(self.rng.choice(markable))
        headers = {"Accept": "application/json", "X-CSRFToken": self.token}
        answer = self.send("helpful", "POST", f"/p/{post_id}/helpful", headers=headers)
        if answer is None:
            self.ledger.mark(self.name, post_id, None)
        elif answer.status == 200:
            self.ledger.mark(self.name, post_id, json.loads(answer.text)["helpful"])
            self.tally.acknowledge("helpful")
        elif answer.status == 403:
            self.ledger.refuse(post_id, f"helpful mark by {self.name}")

    def flag(self) -> None:
        """Flag a post the soak did not write: three flags hide a post, and the soak's own must stay
        visible for the search to find them."""
        flaggable = [int(id_) for id_ in FLAG_FORM.findall(self.thread_page())]
        flaggable = [post_id for post_id in flaggable if not self.ledger.is_soak_post(post_id)]
        if not flaggable:
            return
        post_id = self.rng.choice(flaggable)
        data = {"reason": self.rng.choice(["spam", "off_topic", "abusive"]), "note": "", **self.csrf()}
        answer = self.send("flag", "POST", f"/p/{post_id}/flag", data)
        if answer is not None and answer.status == 302:
            self.ledger.flag(self.name, post_id)
            self.tally.acknowledge("flag")
        elif answer is not None and answer.status == 403:
            self.ledger.refuse(post_id, f"flag by {self.name}")


def keep_acting(client: Client, until: float) -> None:
    try:
        while time.monotonic() < until:
            client.act()
    except Exception:  # an error of this script, reported with the run's failures
        client.tally.crashes.append(traceback.format_exc())


# Faults


class Fault:
    """Nothing goes wrong; the faults below do something in a thread of their own meanwhile."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run_and_record, daemon=True)
        self.notes: list[str] = []
        self.failures: list[str] = []

    def start(self) -> None:
        self.thread.start()

    def run_and_record(self) -> None:
        try:
            self.run()
        except Exception:
            self.failures.append(f"the fault stopped on an error:\n{traceback.format_exc()}")

    def run(self) -> None:
        pass

    def stop(self) -> None:
        """End the fault: called whatever happened to the run."""
        self.done.set()
        self.thread.join()

    def conclude(self) -> None:
        """Once the clients are done: what the fault did, and whether the server recovered."""


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's children: its workers."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


class KillWorkers(Fault):
    def __init__(self, master: int, every: float, rng: random.Random) -> None:
        super().__init__()
        self.master, self.every, self.rng = master, every, rng
        self.killed: list[int] = []

    def run(self) -> None:
        while not self.done.wait(self.every):
            pids = worker_pids(self.master)
            if not pids:
                self.failures.append("no gunicorn worker to kill: the master has no child")
                continue
            victim = self.rng.choice(pids)
            os.kill(victim, signal.SIGKILL)
            self.killed.append(victim)

    def conclude(self) -> None:
        self.notes.append(f"{len(self.killed)} workers killed, every {self.every:g} s")
        if not self.killed:
            self.failures.append("no worker was killed: the run is shorter than --kill-every")
        deadline = time.monotonic() + SETTLE_SECONDS
        while len(worker_pids(self.master)) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)
        if len(worker_pids(self.master)) < WORKERS:
            self.failures.append(f"gunicorn did not replace the killed workers within {SETTLE_SECONDS} s")


def make_immutable(folder: Path) -> None:
    """chattr +i on the folder and everything in it, while workers may be writing there.

    Folders first, until no new one appears: once a folder is immutable, nothing is added to it,
    removed from it or renamed in it, so its files then hold still. Not `chattr -R`, which fails on
    the index's `current` symbolic link (links have no attributes)."""
    done: set[Path] = set()
    while new := [path for path in inside(folder, folders=True) if path not in done]:
        chattr("+i", new)
        done.update(new)
    chattr("+i", inside(folder, folders=False))


def make_writable(folder: Path) -> None:
    chattr("-i", inside(folder, folders=True) + inside(folder, folders=False))


def inside(folder: Path, folders: bool) -> list[Path]:
    """The folder and its sub-folders, or the files in them; symbolic links left out."""
    found = [folder] if folders else []
    for parent, subfolders, files in os.walk(folder):
        names = subfolders if folders else files
        found += [Path(parent, name) for name in names if not os.path.islink(os.path.join(parent, name))]
    return found


def chattr(change: str, paths: list[Path]) -> None:
    """chattr on these paths, but those a writer removed meanwhile."""
    if not paths:
        return
    done = subprocess.run(["chattr", change, *map(str, paths)], capture_output=True, text=True)
    errors = [line for line in done.stderr.splitlines() if "No such file or directory" not in line]
    if done.returncode != 0 and errors:
        raise RuntimeError(f"chattr {change} failed:\n{done.stderr}")


class ReadOnlyIndex(Fault):
    """The index folder immutable for a while in the middle of the run.

    Root ignores file modes, so chmod would change nothing; the immutable attribute stops root too.
    Checked three ways: creating a file in the folder fails; a reply this fault's own member posts in
    the window is acknowledged, and its worker logs that it could not update the search; the outbox
    holds rows at the end of the window."""

    def __init__(self, folder: Path, database: Path, log: Path, writer: Member, starts_in: float, lasts: float):
        super().__init__()
        self.folder, self.database, self.log, self.writer = folder, database, log, writer
        self.starts_in, self.lasts = starts_in, lasts

    def run(self) -> None:
        self.writer.log_in()
        if self.done.wait(self.starts_in):
            return
        log_start, queued_before = self.log.stat().st_size, self.queued()
        ends = time.monotonic() + self.lasts
        make_immutable(self.folder)
        try:
            probe = self.folder / f"soak-probe-{uuid.uuid4().hex}"
            try:
                probe.touch()
            except PermissionError:
                pass
            else:
                probe.unlink()
                self.failures.append(f"chattr +i did not stop writes in {self.folder}")
            posted = self.post_while_read_only(log_start, ends)
            self.done.wait(max(0.0, ends - time.monotonic()))
            queued = self.queued()
        finally:
            make_writable(self.folder)
        refused = self.search_failures(log_start)
        self.notes.append(
            f"index read-only (chattr +i) for {self.lasts:g} s: outbox {queued_before} → {queued} rows,"
            f" {refused} × “{SEARCH_FAILURE}” in the log"
        )
        if not posted:
            self.failures.append("no reply was acknowledged while the index was read-only")
        if queued == 0 or refused == 0:
            self.failures.append("the read-only index refused no write: the fault did not take effect")

    def post_while_read_only(self, log_start: int, ends: float) -> bool:
        """Post a reply, then wait for its worker to fail to index it; whether the reply was acknowledged."""
        while time.monotonic() < ends and not self.done.is_set():
            if self.writer.reply():
                while not self.search_failures(log_start) and time.monotonic() < ends:
                    time.sleep(0.1)
                return True
        return False

    def stop(self) -> None:
        super().stop()
        make_writable(self.folder)  # again: whatever stopped the thread, the folder is writable

    def conclude(self) -> None:
        self.notes.append(f"outbox {self.queued()} rows at the end of the run, before `flask search drain`")

    def queued(self) -> int:
        with closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=30)) as connection:
            return connection.execute("SELECT count(*) FROM search_outbox").fetchone()[0]

    def search_failures(self, log_start: int) -> int:
        """How many times the workers logged that they could not update the search since `log_start`."""
        with self.log.open("rb") as log:
            log.seek(log_start)
            return log.read().count(SEARCH_FAILURE.encode())


# A forum, its server and the checks


@dataclass
class Forum:
    database: str  # "sqlite" or "postgres"
    folder: Path
    password: str
    members: list[str]
    app: object  # the application, in this process, that verifies the writes
    site: Site = field(default_factory=Site)
    ledger: Ledger = field(default_factory=Ledger)

    @property
    def instance(self) -> Path:
        return self.folder / "instance"

    @property
    def log(self) -> Path:
        return self.folder / "gunicorn.log"

    def command(self, *arguments: str, check: bool = True) -> tuple[int, str]:
        """`flask --app wsgi ARGUMENTS`, run in this process: the same command, without a Python and an
        application to start each time (seconds apiece on a busy machine). Its exit status and output."""
        began = time.perf_counter()
        # Within an application context, as `flask` runs every command.
        with self.app.app_context():
            result = self.app.test_cli_runner().invoke(args=list(arguments))
        output = result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            output += "".join(traceback.format_exception(result.exception))
        say(f"flask {' '.join(arguments)}: {time.perf_counter() - began:.1f} s, exit {result.exit_code}")
        if check and result.exit_code != 0:
            raise SystemExit(f"`flask {' '.join(arguments)}` failed:\n{output}")
        return result.exit_code, output


@dataclass
class Run:
    database: str
    fault: str
    seconds: float = 0.0
    tally: Tally = field(default_factory=Tally)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    checks: str = ""
    skipped: str = ""
    killed: int = 0

    @property
    def label(self) -> str:
        return f"{self.database}, {self.fault}"


@contextmanager
def redis_database(server_url: str):
    """An empty Redis database of the server (1 to 15; 0 is the tests'), emptied afterwards."""
    import redis

    for number in range(1, 16):
        client = redis.Redis.from_url(server_url, db=number)
        if client.dbsize() == 0 and client.set(REDIS_CLAIM, "1", nx=True):
            break
        client.close()
    else:
        raise SystemExit(f"No empty Redis database (1 to 15) on {server_url} for the soak.")
    try:
        yield urllib.parse.urlsplit(server_url)._replace(path=f"/{number}").geturl()
    finally:
        say(f"Redis database {number}: {client.dbsize() - 1} keys of the forum's, emptied.")
        client.flushdb()
        client.close()


@contextmanager
def throwaway_forum(database: str, options: argparse.Namespace, folder: Path):
    """A seeded, indexed forum with an account per member, its settings in the environment."""
    isolate_environment(folder / "instance")
    os.environ["ENTRAIDE_SEARCH_BACKEND"] = "postgres" if database == "postgres" else "whoosh"
    with postgres_and_redis(database, options) as urls:
        if urls:
            os.environ["ENTRAIDE_SQLALCHEMY_DATABASE_URI"], os.environ["REDIS_URL"] = urls
        from app import create_app
        from app.extensions import db

        app = create_app()
        try:
            forum = Forum(database, folder, uuid.uuid4().hex, member_names(options.clients), app)
            forum.command("db", "upgrade")
            if options.posts is None:
                forum.command("seed-demo")
            else:
                forum.command("seed-bench", "--posts", str(options.posts))
            forum.command("search", "reindex")
            with timed(f"{len(forum.members) + 1} member accounts"):
                create_accounts(app, [*forum.members, PROBE], forum.password)
            yield forum
        finally:
            with app.app_context():
                db.engine.dispose()


@contextmanager
def postgres_and_redis(database: str, options: argparse.Namespace):
    if database != "postgres":
        yield None
        return
    with (
        throwaway_postgres_database(options.database_url, "entraide_soak") as database_url,
        redis_database(options.redis_url) as redis_url,
    ):
        yield database_url, redis_url


def visitors(clients: int) -> int:
    return max(1, round(clients * VISITOR_SHARE))


def member_names(clients: int) -> list[str]:
    return [f"soak{number:03d}" for number in range(clients - visitors(clients))]


def create_accounts(app, names: list[str], password: str) -> None:
    """The members' accounts, through the service `flask users create` calls."""
    from app.accounts import services as accounts
    from app.extensions import db

    with app.app_context():
        for name in names:
            accounts.create_user(name, f"{name}@example.org", password, confirmed=True)
        db.session.commit()
        db.session.remove()


def explore(forum: Forum, port: int) -> None:
    """The pages the clients start from: the home page and each category's first page."""
    visitor = Client(port, Tally(), forum.site, random.Random(0))
    for path in ["/", *(f"/c/{slug}" for slug in list(forum.site.categories.items))]:
        page = visitor.send("page", "GET", path)
        if page is None or page.status != 200:
            raise SystemExit(f"{path} answered {page.status if page else 'nothing'} before the load began.")
        forum.site.learn(page.text)
    for name in forum.members:
        forum.site.add_person(name)
    if not forum.site.threads.items or not forum.site.categories.items:
        raise SystemExit("The seeded forum shows no thread or no category to visit.")


def make_fault(name: str, forum: Forum, server: subprocess.Popen, options, writer: Member, rng) -> Fault:
    if name == "kill":
        return KillWorkers(server.pid, options.kill_every, rng)
    if name == "readonly":
        return ReadOnlyIndex(
            forum.instance / "search",
            forum.instance / "entraide.sqlite3",
            forum.log,
            writer,
            (options.duration - options.read_only_for) / 2,
            options.read_only_for,
        )
    return Fault()


def soak(forum: Forum, port: int, server: subprocess.Popen, fault_name: str, options, rng) -> Run:
    run = Run(forum.database, fault_name)
    members = [
        Member(port, run.tally, forum.site, random.Random(rng.random()), name, forum.password, forum.ledger)
        for name in forum.members
    ]
    clients = members + [
        Client(port, run.tally, forum.site, random.Random(rng.random())) for _ in range(visitors(options.clients))
    ]
    # The read-only fault posts through a member of its own, whose account no client uses.
    writer = Member(port, run.tally, forum.site, random.Random(rng.random()), PROBE, forum.password, forum.ledger)
    fault = make_fault(fault_name, forum, server, options, writer, random.Random(rng.random()))
    began = time.monotonic()
    until = began + options.duration
    threads = [threading.Thread(target=keep_acting, args=(client, until), daemon=True) for client in clients]
    fault.start()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(options.duration + 2 * REQUEST_TIMEOUT_SECONDS)
    finally:
        fault.stop()
    run.seconds = time.monotonic() - began
    fault.conclude()
    if any(thread.is_alive() for thread in threads):
        run.failures.append("clients still waiting for an answer long after the end")
    run.notes += fault.notes
    run.failures += fault.failures
    run.killed = len(fault.killed) if isinstance(fault, KillWorkers) else 0
    return run


def run_checks(forum: Forum, run: Run) -> None:
    """Drain the outbox, then check the search, the reputation and the counters; each must exit 0."""
    failed = []
    for command in (("search", "drain"), ("search", "check"), ("reputation", "verify"), ("forum", "verify")):
        status, output = forum.command(*command, check=False)
        if status != 0:
            failed.append(" ".join(command))
            run.failures.append(f"`flask {' '.join(command)}` exited {status}:\n{output.strip()}")
    run.checks = "fail: " + ", ".join(failed) if failed else "pass"


def verify_writes(forum: Forum, run: Run) -> None:
    """Every acknowledged write in the database, every post found by its marker word only."""
    import sqlalchemy as sa

    from app.accounts.models import User
    from app.extensions import db
    from app.forum.models import Post, Thread
    from app.moderation.models import Flag
    from app.reputation.models import HelpfulMark
    from app.search import services as search
    from app.search.models import SearchOutbox

    ledger = forum.ledger
    with forum.app.test_request_context():
        queued = db.session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox))
        if queued:
            run.failures.append(f"{queued} search changes still queued after `flask search drain`")
        openings = dict(
            db.session.execute(
                sa.select(Post.thread_id, Post.id).where(
                    Post.position == 1, Post.thread_id.in_(sorted({written.thread_id for written in ledger.posts}))
                )
            ).all()
        )
        ids = {written.post_id or openings.get(written.thread_id) for written in ledger.posts} - {None}
        posts = {post.id: post for post in db.session.scalars(sa.select(Post).where(Post.id.in_(sorted(ids))))}
        titles = dict(
            db.session.execute(sa.select(Thread.id, Thread.title).where(Thread.id.in_(sorted(openings)))).all()
        )

        def found_by(word: str) -> set[int]:
            return {hit.post.id for hit in search.search(word).hits}

        for written in ledger.posts:
            post_id = written.post_id or openings.get(written.thread_id)
            what = f"post {post_id} by {written.author} in thread {written.thread_id}"
            post = posts.get(post_id)
            if post is None:
                run.lost.append(f"{what}: not in the database")
                continue
            if post.deleted_at is not None:
                run.lost.append(f"{what}: deleted")
            if post.body_source not in (written.body, *written.unanswered_edits):
                run.lost.append(f"{what}: holds {post.body_source!r}, not the acknowledged {written.body!r}")
                continue
            if written.title is not None and titles.get(written.thread_id) != written.title:
                run.lost.append(f"{what}: thread titled {titles.get(written.thread_id)!r}, not {written.title!r}")
            if post.hidden_at is not None:
                if not any(flagged == post.id for _, flagged in ledger.flags):
                    run.failures.append(f"{what}: hidden ({post.hidden_reason}) though the soak never flagged it")
                continue
            if post.id not in found_by(MARKER.search(post.body_source).group()):
                run.lost.append(f"{what}: not found by searching its marker word")
            for body in {*written.earlier, written.body, *written.unanswered_edits} - {post.body_source}:
                if post.id in found_by(MARKER.search(body).group()):
                    run.lost.append(f"{what}: still found by the marker word of a text it no longer holds")

        names = {name for name, _ in ledger.marks} | {name for name, _ in ledger.flags}
        user_ids = dict(
            db.session.execute(sa.select(User.username, User.id).where(User.username.in_(sorted(names)))).all()
        )
        marked = set(db.session.execute(sa.select(HelpfulMark.user_id, HelpfulMark.post_id)).all())
        for (name, post_id), state in ledger.marks.items():
            if state is not None and ((user_ids[name], post_id) in marked) != state:
                given = "given" if state else "withdrawn"
                run.lost.append(f"helpful mark by {name} on post {post_id}: acknowledged as {given}, not so stored")
        flagged = set(db.session.execute(sa.select(Flag.reporter_id, Flag.post_id)).all())
        for name, post_id in ledger.flags:
            if (user_ids[name], post_id) not in flagged:
                run.lost.append(f"flag by {name} on post {post_id}: acknowledged, not in the database")

        refused = sa.select(Post.id).where(Post.id.in_(sorted(ledger.refused)), Post.hidden_at.isnot(None))
        hidden = set(db.session.scalars(refused))
        for post_id, what in ledger.refused.items():
            if post_id not in hidden:
                run.failures.append(f"{what} on post {post_id} refused (403), yet the post is not hidden")
        db.session.remove()


def judge(run: Run) -> None:
    """Turn what the clients saw into the run's failures."""
    tally = run.tally
    if run.fault != "kill" and tally.dropped:
        run.failures.append(f"{len(tally.dropped)} requests dropped with no worker killed: {tally.dropped[:3]}")
    # A sync worker answers one request at a time: killing it drops that one at most.
    if run.fault == "kill" and len(tally.dropped) > run.killed:
        run.failures.append(f"{len(tally.dropped)} requests dropped, more than the {run.killed} workers killed")
    for kind, items in (
        ("answers 5xx", tally.server_errors),
        ("connections refused or timed out", tally.connection_errors),
        ("answers the client did not expect", tally.unexpected),
    ):
        if items:
            run.failures.append(f"{len(items)} {kind}: {', '.join(items[:5])}{' …' if len(items) > 5 else ''}")
    for crash in tally.crashes:
        run.failures.append(f"a client stopped on an error:\n{crash}")
    if run.lost:
        run.failures.append(f"{len(run.lost)} lost writes:\n" + "\n".join(f"  {line}" for line in run.lost[:20]))


def soak_database(database: str, options: argparse.Namespace, rng: random.Random, keep: list[Path]) -> list[Run]:
    folder = Path(tempfile.mkdtemp(prefix=f"entraide-soak-{database}-"))
    runs = []
    try:
        with throwaway_forum(database, options, folder) as forum:
            port = free_port()
            server = start_server("wsgi:app", port, forum.log, {}, workers=WORKERS)
            try:
                with timed("gunicorn's start"):
                    wait_until_ready(server, port, forum.log)
                explore(forum, port)
                for fault in options.faults:
                    if fault == "readonly" and database == "postgres":
                        runs.append(Run(database, fault, skipped="the index is Whoosh's; PostgreSQL keeps its own"))
                        continue
                    runs.append(soak_and_check(forum, port, server, fault, options, rng))
            finally:
                stop(server)
    finally:
        if options.keep or any(run.failures for run in runs):
            keep.append(folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return runs


def soak_and_check(forum: Forum, port: int, server: subprocess.Popen, fault: str, options, rng) -> Run:
    log_start = forum.log.stat().st_size
    with timed(f"{forum.database}, {fault}: {options.duration:g} s of load, {options.clients} clients"):
        run = soak(forum, port, server, fault, options, rng)
    with timed("drain and checks"):
        run_checks(forum, run)
    with timed("the writes verified"):
        verify_writes(forum, run)
    judge(run)
    judge_log(run, forum.log, log_start)
    say(summary(run))
    return run


@contextmanager
def timed(what: str):
    began = time.perf_counter()
    yield
    say(f"{what}: {time.perf_counter() - began:.1f} s")


def logged_tracebacks(log: Path, start: int) -> list[str]:
    """The tracebacks the server's log holds from `start` on, each with the message logged above it."""
    with log.open("rb") as output:
        output.seek(start)
        lines = output.read().decode(errors="replace").splitlines()
    found, block = [], None
    for number, line in enumerate(lines):
        if block is None:
            if line.startswith("Traceback (most recent call last):"):
                block = lines[max(0, number - 1) : number + 1]
            continue
        block.append(line)
        # The exception's own line ends it, unless another exception is chained after it.
        if line and not line.startswith((" ", "\t", "Traceback", "During handling", "The above exception")):
            following = next((later for later in lines[number + 1 :] if later.strip()), "")
            if not following.startswith(("During handling", "The above exception")):
                found.append("\n".join(block))
                block = None
    if block is not None:
        found.append("\n".join(block))
    return found


def judge_log(run: Run, log: Path, start: int) -> None:
    """Every traceback the server logged during the run is a failure, but the read-only index's own
    (its writes refused by the immutable folder); so is a worker gunicorn killed, but the kill fault's."""
    unexplained = [
        found
        for found in logged_tracebacks(log, start)
        if not (run.fault == "readonly" and SEARCH_FAILURE in found and "Operation not permitted" in found)
    ]
    if unexplained:
        run.failures.append(f"the server logged {len(unexplained)} tracebacks; the first:\n{unexplained[0][-4000:]}")
    with log.open("rb") as output:
        output.seek(start)
        text = output.read()
    if text.count(b"WORKER TIMEOUT"):
        run.failures.append(f"gunicorn killed {text.count(b'WORKER TIMEOUT')} workers stuck for 30 s")
    if run.fault != "kill" and text.count(b"was sent SIGKILL"):
        run.failures.append(f"{text.count(b'was sent SIGKILL')} workers were killed by something else than the soak")


# Report


def summary(run: Run) -> str:
    if run.skipped:
        return f"- {run.label}: skipped, {run.skipped}"
    tally = run.tally
    return (
        f"- {run.label}: {len(tally.server_errors)} answers 5xx, {len(run.lost)} lost writes,"
        f" {len(tally.dropped)} dropped, {len(tally.connection_errors)} connection errors;"
        f" checks {run.checks}{'; ' if run.notes else ''}{'; '.join(run.notes)}"
    )


def table(runs: list[Run]) -> str:
    lines = [
        "| database | fault | requests | req/s | p50 ms | p99 ms | 5xx | connection errors | dropped"
        " | writes acknowledged | lost writes | checks |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in runs:
        if run.skipped:
            lines.append(f"| {run.database} | {run.fault} | skipped: {run.skipped} |" + " |" * 9)
            continue
        tally = run.tally
        requests = len(tally.latencies)
        latency = (
            f"{statistics.median(tally.latencies):,.1f} | {percentile(tally.latencies, 0.99):,.1f}"
            if requests
            else "– | –"
        )
        writes = ", ".join(f"{count} {kind}" for kind, count in sorted(tally.acknowledged.items()))
        lines.append(
            f"| {run.database} | {run.fault} | {requests:,} | {requests / run.seconds:,.1f} | {latency}"
            f" | {len(tally.server_errors)} | {len(tally.connection_errors)} | {len(tally.dropped)}"
            f" | {sum(tally.acknowledged.values()):,} ({writes}) | {len(run.lost)} | {run.checks} |"
        )
    return "\n".join(lines)


def heading(options: argparse.Namespace, date: datetime, loads: tuple[float, float]) -> str:
    facts = machine()
    seed = "seed-demo" if options.posts is None else f"seed-bench --posts {options.posts}"
    return "\n".join(
        [
            f"Entraide soak, {date:%Y-%m-%d %H:%M %Z}",
            "",
            f"- machine: {facts['cores']} cores, {facts['memory_gib']} GiB, {facts['machine']},"
            f" Python {facts['python']}, SQLite {facts['sqlite']}; load average {loads[0]:.1f} at the start,"
            f" {loads[1]:.1f} at the end",
            f"- forum: `{seed}`; gunicorn, {WORKERS} sync workers, rate limits off",
            f"- load: {options.clients} clients ({visitors(options.clients)} visitors) for {options.duration:g} s"
            f" per run; faults: kill a worker every {options.kill_every:g} s, index folder immutable"
            f" (chattr +i) for {options.read_only_for:g} s in the middle; --seed {options.seed}",
            "- requests: those answered; dropped: lost mid-answer (a killed worker's); lost writes: of every"
            " write acknowledged so far on the forum, checked after each run",
            "",
        ]
    )


def main() -> None:
    restart_with_safe_path()
    options = parse_options()
    # A polite kill (SIGTERM) unwinds like Ctrl-C, through the finally blocks that restore and clean up.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    date = datetime.now().astimezone()
    load_at_start = os.getloadavg()[0]
    rng = random.Random(options.seed)
    databases = ["sqlite", "postgres"] if options.database == "both" else [options.database]
    kept: list[Path] = []
    runs = [run for database in databases for run in soak_database(database, options, rng, kept)]
    print(heading(options, date, (load_at_start, os.getloadavg()[0])))
    print(table(runs))
    print()
    for run in runs:
        print(summary(run))
    failures = [(run, failure) for run in runs for failure in run.failures]
    for folder in kept:
        say(f"Kept {folder}")
    if failures:
        print("\nFAILED:")
        for run, failure in failures:
            print(f"- {run.label}: {failure}")
        sys.exit(1)


if __name__ == "__main__":
    main()
