"""What tests share beyond fixtures: accounts made without the slow password hash, a login
shortcut, a counter of the SQL statements a page issues, threads and replies written in one call,
a change made while another waits for its rows, and a reader of what a page's <head> tells search
engines."""

import json
import re
import threading
import time
from contextlib import contextmanager
from html.parser import HTMLParser

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from werkzeug.security import generate_password_hash

from app.accounts.models import MEMBER, User
from app.accounts.usernames import lookalike_key
from app.clock import utcnow
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category, Post, Thread

PASSWORD = "correct horse battery"
# Hashing is slow on purpose; the fixtures' accounts share one hash.
PASSWORD_HASH = generate_password_hash(PASSWORD)


def make_user(username: str, role: str = MEMBER, confirmed: bool = True, **fields) -> User:
    fields = {"email": f"{username.lower()}@example.org", **fields}
    user = User(
        username=username,
        username_key=lookalike_key(username),
        password_hash=PASSWORD_HASH,
        role=role,
        email_confirmed_at=utcnow() if confirmed else None,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


class Auth:
    """Log a test client in as a user without going through the (slow) password check."""

    def __init__(self, client):
        self.client = client

    def login(self, user: User) -> None:
        with self.client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True

    def logout(self) -> None:
        with self.client.session_transaction() as session:
            session.clear()


TRANSACTION_CONTROL = ("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def while_another_waits(app, first, second) -> list[Exception]:
    """Make `first` in the test's transaction while a second transaction, which has already read
    what it needs, waits for the rows `first` holds (PostgreSQL's row locks); commit `first`, then
    let the second go on. `second()` runs in an application context of its own, reads its rows and
    returns the change to make; what that change raised is returned, the change rolled back."""
    has_read, first_made = threading.Event(), threading.Event()
    raised: list[Exception] = []

    def second_transaction():
        with app.app_context():
            change = second()
            has_read.set()
            first_made.wait(10)
            try:
                change()
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (returned to the test)
                db.session.rollback()
                raised.append(error)

    waiting = threading.Thread(target=second_transaction)
    waiting.start()
    has_read.wait(10)
    first()
    first_made.set()
    time.sleep(0.3)  # the second transaction waits for the rows `first` holds
    db.session.commit()
    waiting.join(30)
    db.session.expire_all()
    return raised


def schema_differences() -> list:
    """How the database's schema differs from the models' (an empty list when it does not)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


@contextmanager
def counting_statements():
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)


def statements_for(client, url: str) -> int:
    client.get(url)  # once first, so that one-off writes (a member's last visit) are not counted
    with counting_statements() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


# The address the test client's pages give themselves in absolute links.
SITE = "http://localhost"
# Dates as sitemaps, Atom feeds and JSON-LD must write them (RFC 3339).
W3C_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


def url_of(thread: Thread, page: int | None = None) -> str:
    return f"/t/{thread.id}/{thread.slug}" + (f"?page={page}" if page else "")


def new_thread(author: User, category: Category, title: str, body: str = "Une question.") -> Thread:
    thread = forum.start_thread(author, category, title, body)
    db.session.commit()
    return thread


def opening_of(thread: Thread) -> Post:
    return db.session.scalar(db.select(Post).where(Post.thread_id == thread.id, Post.position == 1))


def write_reply(author: User, thread: Thread, body: str) -> Post:
    post = forum.reply(author, thread, body)
    db.session.commit()
    return post


class Head(HTMLParser):
    """What a page's <head> says: title, meta tags, links, JSON-LD, and the <html lang>."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.title = ""
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.json_ld: list[dict] = []
        self._in_title = self._in_json_ld = self._in_head = False
        self._data: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "head":
            self._in_head = True
        elif not self._in_head:
            return
        elif tag == "title":
            self._in_title = True
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta.setdefault(attrs.get("name") or attrs["property"], []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld, self._data = True, []

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        elif tag == "title":
            self._in_title = False
        elif tag == "script" and self._in_json_ld:
            self._in_json_ld = False
            self.json_ld.append(json.loads("".join(self._data)))

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif self._in_json_ld:
            self._data.append(data)

    def one(self, name: str) -> str:
        values = self.meta.get(name, [])
        assert len(values) == 1, f"{name}: {values}"
        return values[0]

    def hrefs(self, rel: str) -> list[str]:
        return [link["href"] for link in self.links if link.get("rel") == rel]

    def structured(self, kind: str) -> dict:
        found = [item for item in self.json_ld if item["@type"] == kind]
        assert len(found) == 1, [item["@type"] for item in self.json_ld]
        return found[0]


def head_of(client, url: str, status: int = 200) -> Head:
    response = client.get(url)
    assert response.status_code == status, url
    return Head(response.get_data(as_text=True))
