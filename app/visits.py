"""Members' last visits and threads' view counts, recorded without a write per page view.

A page view only notes, in the process's memory, that a member came by or that a thread was read.
The first response after `VISITS_WRITE_INTERVAL` seconds takes the notes and, once it has been
sent, writes them in one short transaction: each member's latest visit, and the views each thread
gained. Every process (and host) adds its own counts to the rows. A write that fails puts its
notes back for the next one; a process that dies loses at most its last few seconds of counts.
Neither ever fails a page.

Searches that found nothing are counted the same way, per normalised query and day, for the staff's
insights (`app.insights`): no user, no address, no time beyond the day. The same write deletes the
counts older than `SEARCH_MISSES_KEPT`."""

import logging
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import Flask, Response, current_app, request
from flask_login import current_user

from app.accounts.models import User
from app.clock import utcnow
from app.database import DEADLOCK, rolled_back_for, upsert, writing_session
from app.extensions import db
from app.forum.models import Thread
from app.insights.models import SearchMiss
from app.limits import SEARCH_MISS_QUERY_MAX_LENGTH

log = logging.getLogger(__name__)

# How often a write is tried that PostgreSQL rolls back to end a deadlock.
DEADLOCK_ATTEMPTS = 3

# A member's last visit is worth recording again once it is this old.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)
# The insights page shows 12 weeks of missed searches; older counts are deleted.
SEARCH_MISSES_KEPT = timedelta(weeks=12)


@dataclass
class Visits:
    last_seen: dict[int, datetime] = field(default_factory=dict)
    views: Counter[int] = field(default_factory=Counter)
    misses: Counter[tuple[str, date]] = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return bool(self.last_seen or self.views or self.misses)

    def add(self, other: "Visits") -> None:
        for user_id, at in other.last_seen.items():
            self.last_seen[user_id] = max(at, self.last_seen.get(user_id, at))
        self.views.update(other.views)
        self.misses.update(other.misses)


class VisitLog:
    """The notes of one process, shared by its threads."""

    def __init__(self, interval: float):
        self.interval = interval
        self._lock = threading.Lock()
        self._notes = Visits()
        self._due_at = time.monotonic() + interval

    def member_seen(self, user_id: int, at: datetime) -> None:
        with self._lock:
            self._notes.last_seen[user_id] = at

    def thread_viewed(self, thread_id: int) -> None:
        with self._lock:
            self._notes.views[thread_id] += 1

    def search_missed(self, query: str, day: date) -> None:
        with self._lock:
            self._notes.misses[query, day] += 1

    def take_if_due(self) -> Visits | None:
        with self._lock:
            if not self._notes or time.monotonic() < self._due_at:
                return None
            taken, self._notes = self._notes, Visits()
            self._due_at = time.monotonic() + self.interval
            return taken

    def put_back(self, visits: Visits) -> None:
        with self._lock:
            self._notes.add(visits)


def init_app(app: Flask) -> None:
    app.extensions["visits"] = VisitLog(app.config["VISITS_WRITE_INTERVAL"])
    app.before_request(note_member_seen)
    app.after_request(write_when_due)


def _log() -> VisitLog:
    return current_app.extensions["visits"]


def note_member_seen() -> None:
    if not current_user.is_authenticated or request.endpoint == "static":
        return
    now = utcnow()
    if current_user.last_seen_at is None or now - current_user.last_seen_at > LAST_SEEN_RESOLUTION:
        _log().member_seen(current_user.id, now)


def thread_viewed(thread_id: int) -> None:
    _log().thread_viewed(thread_id)


def normalised_query(raw: str) -> str:
    """A search's text as the missed searches count it: compatibility forms unified (NFKC),
    case-folded, whitespace collapsed, cut to the column's length. Accents are kept, as typed.
    A NUL counts as a space, as the search reads it: PostgreSQL stores none."""
    folded = " ".join(unicodedata.normalize("NFKC", raw.replace("\x00", " ")).casefold().split())
    return folded[:SEARCH_MISS_QUERY_MAX_LENGTH].rstrip()


def search_missed(raw: str) -> None:
    """Count a search that found nothing; neither who searched nor when beyond the day."""
    query = normalised_query(raw)
    if query:
        _log().search_missed(query, utcnow().date())


def write_when_due(response: Response) -> Response:
    visits = _log().take_if_due()
    if visits:
        app = current_app._get_current_object()
        # After the response has gone: the reader never waits for this write.
        response.call_on_close(lambda: _write_or_put_back(app, visits))
    return response


def _write_or_put_back(app: Flask, visits: Visits) -> None:
    try:
        with app.app_context():
            write(visits)
    except Exception:
        log.exception("could not record visits; they wait for the next write")
        app.extensions["visits"].put_back(visits)


def write(visits: Visits) -> None:
    """Add `visits` to the rows, in a transaction of their own: threads, then members, each in id
    order, as a request's transaction locks them (a reply locks its thread, then its author), so
    that concurrent writers on PostgreSQL take row locks in one order.

    Should a transaction lock them in another order, and PostgreSQL end the deadlock by rolling
    this one back, nothing of it was written, and it is made again."""
    for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
        try:
            return _write_once(visits)
        except sa.exc.OperationalError as error:
            if not rolled_back_for(error, DEADLOCK) or attempt == DEADLOCK_ATTEMPTS:
                raise


def _write_once(visits: Visits) -> None:
    users, threads = User.__table__, Thread.__table__
    with writing_session(db.engine) as session, session.begin():
        if visits.views:
            session.execute(
                sa.update(threads)
                .where(threads.c.id == sa.bindparam("viewed_id"))
                .values(view_count=threads.c.view_count + sa.bindparam("views")),
                [{"viewed_id": thread_id, "views": views} for thread_id, views in sorted(visits.views.items())],
            )
        if visits.last_seen:
            session.execute(
                sa.update(users)
                .where(users.c.id == sa.bindparam("seen_id"))
                .where(sa.or_(users.c.last_seen_at.is_(None), users.c.last_seen_at < sa.bindparam("seen_at")))
                # A visit noted before the account was erased does not write its trace back.
                .where(users.c.erased_at.is_(None))
                .values(last_seen_at=sa.bindparam("seen_at")),
                [{"seen_id": user_id, "seen_at": at} for user_id, at in sorted(visits.last_seen.items())],
            )
        if visits.misses:
            _add_misses(session, visits.misses)


def _add_misses(session, misses: Counter[tuple[str, date]]) -> None:
    """Add the counts to each (query, day)'s row, creating it if need be, in one statement (an
    upsert, on SQLite and PostgreSQL alike); then delete the counts past keeping."""
    table = SearchMiss.__table__
    statement = upsert(session, table)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.query, table.c.day],
            set_={"count": table.c.count + statement.excluded["count"]},
        ),
        [{"query": query, "day": day, "count": count} for (query, day), count in sorted(misses.items())],
    )
    session.execute(sa.delete(table).where(table.c.day < utcnow().date() - SEARCH_MISSES_KEPT))
