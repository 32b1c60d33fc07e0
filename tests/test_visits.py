"""Last visits and view counts: noted in memory, written after the response in one short write."""

import threading
import time
from datetime import datetime

import pytest
import sqlalchemy as sa

from app import visits
from app.accounts.models import User
from app.extensions import db
from app.forum.models import Thread
from app.insights.models import SearchMiss
from tests.helpers import counting_statements


@pytest.fixture
def write_every_response(app):
    app.config["VISITS_WRITE_INTERVAL"] = 0
    app.extensions["visits"] = visits.VisitLog(0)


def last_seen(user: User):
    return db.session.scalar(sa.select(User.last_seen_at).where(User.id == user.id))


def views(thread: Thread) -> int:
    return db.session.scalar(sa.select(Thread.view_count).where(Thread.id == thread.id))


def test_a_members_visit_is_recorded_after_the_response(write_every_response, client, auth, member):
    auth.login(member)
    assert client.get("/").status_code == 200
    assert last_seen(member) is not None


def test_thread_views_are_counted_for_visitors_and_members(write_every_response, client, auth, member, thread):
    url = f"/t/{thread.id}/{thread.slug}"
    client.get(url)
    auth.login(member)
    client.get(url)
    client.get(f"/t/{thread.id}")  # a redirect to the page is not a view
    assert views(thread) == 2


def test_reading_a_page_issues_no_write_in_its_transaction(write_every_response, client, auth, member, thread):
    auth.login(member)
    with counting_statements() as statements:
        client.get(f"/t/{thread.id}/{thread.slug}")
    writes = [statement for statement in statements if statement.lstrip().upper().startswith("UPDATE")]
    # The two bookkeeping writes, issued after the response in a transaction of their own.
    assert len(writes) == 2 and "view_count" in writes[0] and "last_seen_at" in writes[1]


def test_views_are_written_together_at_most_every_interval(app, client, thread):
    app.extensions["visits"] = log = visits.VisitLog(3600)
    url = f"/t/{thread.id}/{thread.slug}"
    for _ in range(5):
        client.get(url)
    assert views(thread) == 0  # noted, not written yet
    log.interval = 0
    log._due_at = 0
    client.get(url)
    assert views(thread) == 6


def test_a_failed_write_keeps_the_counts_for_the_next_one(write_every_response, app, client, thread, monkeypatch):
    url = f"/t/{thread.id}/{thread.slug}"
    real_write = visits.write

    def full_disk(_visits):
        raise OSError("No space left on device")

    monkeypatch.setattr(visits, "write", full_disk)
    assert client.get(url).status_code == 200  # the page never fails for its bookkeeping
    assert views(thread) == 0
    monkeypatch.setattr(visits, "write", real_write)
    client.get(url)
    assert views(thread) == 2


def test_an_older_visit_never_overwrites_a_newer_one(app, member):
    newer, older = visits.Visits(), visits.Visits()
    newer.last_seen[member.id] = datetime(2026, 6, 2)
    older.last_seen[member.id] = datetime(2026, 6, 1)
    visits.write(newer)
    visits.write(older)  # another process's notes, written later
    db.session.commit()
    assert last_seen(member) == datetime(2026, 6, 2)


def test_a_missed_search_holding_a_nul_is_counted_as_if_it_were_a_space(write_every_response, app, client):
    # PostgreSQL stores no NUL: one in the counted text failed every later write of the visits.
    client.get("/search", query_string={"q": "zzyzx\x00qwxq"})
    db.session.commit()
    assert db.session.execute(sa.select(SearchMiss.query, SearchMiss.count)).all() == [("zzyzx qwxq", 1)]


def test_visits_lock_threads_then_members_as_a_reply_does(app, member, thread, row_locks):
    """A reply's transaction locks its thread, then its author: the visits wait, then count once."""
    assert_written_once_beside(app, member, thread, first=Thread, then=User)


def test_a_write_chosen_as_a_deadlocks_victim_is_made_again_and_counted_once(app, member, thread, row_locks):
    """A transaction that locks a member, then a thread: the other order."""
    assert_written_once_beside(app, member, thread, first=User, then=Thread)


def assert_written_once_beside(app, member, thread, first, then):
    db.session.commit()
    before = views(thread)
    noted = visits.Visits()
    noted.last_seen[member.id] = datetime(2026, 6, 2)
    noted.views[thread.id] = 3
    rows = {
        Thread: (Thread.id == thread.id, {"reply_count": Thread.reply_count}),
        User: (User.id == member.id, {"post_count": User.post_count}),
    }
    errors = []

    def write_in_context():
        with app.app_context():
            try:
                visits.write(noted)
            except Exception as error:  # noqa: BLE001  (asserted below)
                errors.append(error)

    other = db.engine.connect()
    transaction = other.begin()
    where, values = rows[first]
    other.execute(sa.update(first).where(where).values(**values))
    writer = threading.Thread(target=write_in_context)
    writer.start()
    time.sleep(0.3)  # the visits wait for the row held
    where, values = rows[then]
    try:
        other.execute(sa.update(then).where(where).values(**values))
    except sa.exc.OperationalError:
        transaction.rollback()  # this side was the deadlock's victim: the visits go on
    else:
        transaction.commit()
    other.close()
    writer.join(timeout=30)
    assert errors == []
    db.session.commit()
    assert views(thread) == before + 3
    assert last_seen(member) == datetime(2026, 6, 2)
