"""Transactions under concurrent writers: pages that only read never fail on a busy database, and
every transaction that writes (in a request, the CLI or after a response) waits for its turn."""

import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.extensions import db
from app.forum.models import Thread
from tests.live import PROJECT_ROOT

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def sqlite_file(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    return db.engine.url.database


def commit_after(path: str, seconds: float) -> threading.Thread:
    """Another process's writer: it takes the write lock now, writes, and commits `seconds` later."""
    locked = threading.Event()

    def write():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE categories SET position = position + 1")
        locked.set()
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    writer = threading.Thread(target=write)
    writer.start()
    locked.wait(5)
    return writer


@pytest.mark.parametrize("page", ["/", "/c/depannage", "/c/depannage/new", "/notifications", "/u/Camille", "thread"])
def test_a_member_reading_while_another_writer_commits_gets_the_page(sqlite_file, client, auth, member, thread, page):
    if page == "thread":
        page = f"/t/{thread.id}/{thread.slug}"
    auth.login(member)  # never seen before: the visit is worth recording
    writer = commit_after(sqlite_file, 0.5)
    try:
        response = client.get(page)
    finally:
        writer.join()
    assert response.status_code == 200


@pytest.mark.slow
def test_command_line_writers_side_by_side_all_succeed(tmp_path):
    env = {"ENTRAIDE_INSTANCE_PATH": str(tmp_path / "cli-instance"), "PATH": "/usr/bin:/bin"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    creations = [
        subprocess.Popen(
            [
                *flask,
                "users",
                "create",
                f"membre{n}",
                "--email",
                f"membre{n}@example.org",
                "--password",
                "un mot de passe sûr",
            ],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(8)
    ]
    failures = [process.communicate(timeout=60)[1] for process in creations if process.wait(timeout=60) != 0]
    assert failures == []
    database = sqlite3.connect(tmp_path / "cli-instance" / "entraide.sqlite3")
    assert database.execute("SELECT count(*) FROM users").fetchone() == (8,)


def test_the_forum_takes_new_rows_right_after_a_bulk_load(runner, client, auth):
    assert runner.invoke(args=["seed-bench", "--posts", "60"]).exit_code == 0
    result = runner.invoke(args=["users", "create", "Nouvelle", "--email", "n@example.org", "--password", "x" * 12])
    assert result.exit_code == 0, result.output
    newcomer = db.session.scalar(sa.select(User).where(User.username == "Nouvelle"))
    auth.login(newcomer)
    thread = db.session.scalar(sa.select(Thread).order_by(Thread.id))
    threads = db.session.scalar(sa.select(sa.func.count()).select_from(Thread))
    assert client.post(f"/t/{thread.id}/reply", data={"body": "Même panne chez moi."}).status_code == 302
    # Confirmed: the seeded threads about a "panne" would otherwise be shown before it is posted.
    new_thread = {"title": "Une autre panne", "body": "Aidez-moi", "confirmed": "1"}
    assert client.post(f"/c/{thread.category.slug}/new", data=new_thread).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == threads + 1
