"""`flask backup` while members write, `flask restore` into an empty forum: the copy is one moment
of the forum, whole, consistent, at this version's schema, with its search rebuilt; a restore
never lands on a community, and a bad file changes nothing."""

import os
import subprocess
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import upgrade

from app import create_app
from app.accounts.models import User
from app.database import finish_bulk_load
from app.demo import synthetic
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category, Post, Thread
from tests import live
from tests.conftest import new_postgres_database
from tests.helpers import PASSWORD, make_user, schema_differences

SEEDED_POSTS = 3_000
WRITERS = 4
# Replies written before the backup starts, and after it ends, before the writers stop.
REPLIES_AROUND = 8
OLD_REVISION = "0006_content_version"


@pytest.fixture
def new_forum(tmp_path, postgres_url):
    """Makes forums of their own, each with its instance folder and, on PostgreSQL, its database:
    migrated to `revision`, or without a table at all when it is None. `sqlite=True` keeps one on
    SQLite whatever the run's database."""
    with ExitStack() as stack:

        def make(name: str, revision: str | None = "head", sqlite: bool = False) -> Flask:
            config = {"TESTING": True, "SECRET_KEY": "test", "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False}
            if postgres_url and not sqlite:
                database = stack.enter_context(new_postgres_database(postgres_url, "entraide_backup"))
                config["SQLALCHEMY_DATABASE_URI"] = database
            with pytest.MonkeyPatch.context() as environment:
                environment.setenv("ENTRAIDE_INSTANCE_PATH", str(tmp_path / name))
                app = create_app(config)
            if revision:
                with app.app_context():
                    upgrade(revision=revision)
            stack.callback(dispose, app)
            return app

        yield make


def dispose(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()


def run(app: Flask, *args: str):
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def refused(result, message: str) -> bool:
    """Exit code 1 with the message, and no traceback: click's own exit, not an exception."""
    return result.exit_code == 1 and isinstance(result.exception, SystemExit) and message in result.output


def at_head_with_the_models_schema(app: Flask) -> bool:
    with app.app_context():
        with db.engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
        head = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config()).get_current_head()
        return revision == head and schema_differences() == []


def app_rows(app: Flask) -> dict[str, dict[tuple, dict]]:
    """Each table's rows by primary key."""
    with app.app_context(), db.engine.connect() as connection:
        existing = set(sa.inspect(connection).get_table_names())
        return {
            table.name: {
                tuple(row[column.key] for column in table.primary_key): dict(row)
                for row in connection.execute(sa.select(table)).mappings()
            }
            for table in db.metadata.sorted_tables
            if table.name in existing
        }


def a_thread(app: Flask, reply: str) -> int:
    with app.app_context():
        category = Category(name="Dépannage", slug="depannage")
        db.session.add(category)
        db.session.commit()
        thread = forum.start_thread(make_user("Camille"), category, "Électricité coupée", "Le disjoncteur saute.")
        forum.reply(make_user("Bastien"), thread, reply)
        db.session.commit()
        return thread.id


def test_a_backup_restores_into_a_database_without_tables_and_the_search_finds_its_posts(new_forum, tmp_path):
    source, target = new_forum("source"), new_forum("target", revision=None)
    thread_id = a_thread(source, "Changez le **pressostat** de la chaudière.")
    backup = tmp_path / "forum.backup"

    written = run(source, "backup", str(backup))
    assert written.exit_code == 0, written.output
    assert "2 accounts, 1 threads, 2 posts" in written.output
    restored = run(target, "restore", str(backup))

    assert restored.exit_code == 0, restored.output
    assert "the search holds 2 posts" in restored.output
    assert app_rows(target) == app_rows(source)
    assert at_head_with_the_models_schema(target)
    for command in (("reputation", "verify"), ("forum", "verify"), ("search", "check")):
        result = run(target, *command)
        assert result.exit_code == 0, result.output
    page = target.test_client().get("/search?q=pressostats")
    assert page.status_code == 200 and f"/t/{thread_id}/" in page.text and "<mark>pressostat</mark>" in page.text


def test_a_backup_of_an_older_schema_restores_at_the_current_one_with_its_rows(new_forum, tmp_path):
    source, target = new_forum("source", revision=OLD_REVISION), new_forum("target")
    with source.app_context(), db.engine.begin() as connection:
        # Written as that version's tables hold them: no address confirmation, no kind of category.
        connection.execute(
            sa.insert(User).values(
                id=1, username="Camille", username_key="camille", email="c@example.org", password_hash="!"
            )
        )
        connection.execute(sa.insert(Category).values(id=1, name="Dépannage", slug="depannage"))
        connection.execute(
            sa.insert(Thread).values(id=1, category_id=1, author_id=1, title="Électricité coupée", slug="electricite")
        )
        connection.execute(
            sa.insert(Post).values(id=1, thread_id=1, author_id=1, position=1, body_source="", body_html="<p>Aïe</p>")
        )
    backup = tmp_path / "old.backup"
    assert run(source, "backup", str(backup)).exit_code == 0

    restored = run(target, "restore", str(backup))

    assert restored.exit_code == 0, restored.output
    assert f"schema {OLD_REVISION}" in restored.output
    assert at_head_with_the_models_schema(target)
    with target.app_context():
        # The migrations ran over the restored rows: members of old had confirmed their address.
        member = db.session.get(User, 1)
        assert member.email == "c@example.org" and member.email_confirmed_at == member.created_at
        assert db.session.get(Category, 1).kind == "discussion"
        assert db.session.get(Post, 1).body_html == "<p>Aïe</p>"
    assert "Électricité coupée" in target.test_client().get("/search?q=electricite").text


def test_a_restore_into_a_forum_with_a_community_is_refused_and_changes_nothing(new_forum, tmp_path):
    forum_app = new_forum("forum")
    a_thread(forum_app, "Première réponse.")
    backup = tmp_path / "forum.backup"
    assert run(forum_app, "backup", str(backup)).exit_code == 0
    with forum_app.app_context():
        forum.reply(db.session.get(User, 2), db.session.get(Thread, 1), "Écrite après la sauvegarde.")
        db.session.commit()
    before = app_rows(forum_app)

    result = run(forum_app, "restore", str(backup))

    assert refused(result, "already holds a community (2 users, 1 categories, 1 threads, 3 posts)")
    assert app_rows(forum_app) == before


def test_a_backup_never_replaces_a_file_nor_writes_into_a_missing_folder(new_forum, tmp_path):
    forum_app = new_forum("forum")
    folder = tmp_path / "backups"
    folder.mkdir()
    existing = folder / "forum.backup"
    existing.write_text("Une sauvegarde précieuse")

    assert refused(run(forum_app, "backup", str(existing)), "exists already")
    assert refused(run(forum_app, "backup", str(tmp_path / "nowhere" / "forum.backup")), "does not exist")
    assert existing.read_text() == "Une sauvegarde précieuse"
    assert list(folder.iterdir()) == [existing] and not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncated", "is damaged or cut short"),
        ("garbage", "neither a SQLite database nor a pg_dump archive"),
        ("empty", "neither a SQLite database nor a pg_dump archive"),
        ("missing", "Cannot read"),
        ("folder", "Cannot read"),
    ],
)
def test_a_damaged_or_foreign_file_is_refused_and_the_forum_stays_empty(new_forum, tmp_path, damage, message):
    target = new_forum("target")
    backup = tmp_path / "forum.backup"
    if damage == "truncated":
        source = new_forum("source")
        a_thread(source, "Une réponse avec des mots. " * 1_000)
        assert run(source, "backup", str(backup)).exit_code == 0
        backup.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    elif damage == "garbage":
        backup.write_bytes(b"Ceci n'est pas une sauvegarde." * 100)
    elif damage == "empty":
        backup.write_bytes(b"")
    elif damage == "folder":
        backup.mkdir()
    before = app_rows(target)

    assert refused(run(target, "restore", str(backup)), message)
    assert app_rows(target) == before
    assert at_head_with_the_models_schema(target)


def test_a_backup_restores_only_into_the_kind_of_database_it_was_taken_from(new_forum, tmp_path, postgres_url):
    if not postgres_url:
        pytest.skip("a PostgreSQL database to restore into needs ENTRAIDE_TEST_POSTGRES")
    on_sqlite, on_postgresql = new_forum("sqlite", sqlite=True), new_forum("postgresql")
    for app, name in ((on_sqlite, "sqlite.backup"), (on_postgresql, "postgresql.backup")):
        a_thread(app, "Une réponse.")
        assert run(app, "backup", str(tmp_path / name)).exit_code == 0
    empty_sqlite, empty_postgresql = new_forum("empty-sqlite", sqlite=True), new_forum("empty-postgresql")

    into_postgresql = run(empty_postgresql, "restore", str(tmp_path / "sqlite.backup"))
    into_sqlite = run(empty_sqlite, "restore", str(tmp_path / "postgresql.backup"))

    assert refused(into_postgresql, "is a backup of a SQLite database, and this forum's database is PostgreSQL")
    assert refused(into_sqlite, "is a backup of a PostgreSQL database, and this forum's database is SQLite")
    assert app_rows(empty_postgresql)["users"] == {} and app_rows(empty_sqlite)["users"] == {}


def test_a_restore_that_postgresql_refuses_half_way_leaves_the_forum_empty_and_migrated(
    new_forum, tmp_path, postgres_url
):
    if not postgres_url:
        pytest.skip("pg_restore runs on PostgreSQL only (ENTRAIDE_TEST_POSTGRES)")
    source, target = new_forum("source"), new_forum("target")
    a_thread(source, "Une réponse.")
    for app in (source, target):
        with app.app_context(), db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE SCHEMA notes")
    with source.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE notes.pinned (id integer PRIMARY KEY)")
    backup = tmp_path / "forum.backup"
    assert run(source, "backup", str(backup)).exit_code == 0

    result = run(target, "restore", str(backup))

    assert refused(result, 'schema "notes" already exists') and "Nothing was restored" in result.output
    assert at_head_with_the_models_schema(target)
    assert all(rows == {} for table, rows in app_rows(target).items() if table != "content_version")


def test_without_postgresql_client_tools_backup_and_restore_say_what_to_install(
    new_forum, tmp_path, monkeypatch, postgres_url
):
    if not postgres_url:
        pytest.skip("pg_dump and pg_restore serve PostgreSQL only (ENTRAIDE_TEST_POSTGRES)")
    forum_app = new_forum("forum")
    archive = tmp_path / "forum.backup"
    archive.write_bytes(b"PGDMP" + bytes(100))
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))

    assert refused(run(forum_app, "backup", str(tmp_path / "new.backup")), "pg_dump was not found: install")
    assert refused(run(forum_app, "restore", str(archive)), "pg_restore was not found: install")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["forum", "forum.backup"]


# While members write


def served(app: Flask) -> live.LiveServer:
    """What a server and its commands need to serve a forum made by `new_forum`."""
    settings = {
        "INSTANCE_PATH": app.instance_path,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "RATELIMIT_ENABLED": "false",
    }
    environment = {**os.environ, **{f"ENTRAIDE_{key}": value for key, value in settings.items()}}
    return live.LiveServer(url="", instance=Path(app.instance_path), env=environment)


def succeeds(server: live.LiveServer, *args: str) -> str:
    """What a command that must succeed writes; what went wrong, if it fails."""
    try:
        return server.flask(*args).stdout
    except subprocess.CalledProcessError as error:
        pytest.fail(f"flask {' '.join(args)} failed: {error.stdout}{error.stderr[-3000:]}")


def write_until(stop: threading.Event, server, name: str, thread: tuple[int, str], statuses: list[int]) -> None:
    browser = live.Browser(server.url)
    browser.log_in(name, PASSWORD)
    thread_id, slug = thread
    token = browser.csrf_token(f"/t/{thread_id}/{slug}")
    number = 0
    while not stop.is_set():
        body = f"Réponse {number} de {name} : redémarrez le module {number}."
        statuses.append(browser.request("POST", f"/t/{thread_id}/reply", {"body": body, "csrf_token": token})[0])
        number += 1


def wait_for(statuses: list[int], count: int) -> None:
    deadline = time.monotonic() + 60
    while len(statuses) < count:
        assert time.monotonic() < deadline, f"the writers wrote {len(statuses)} replies, not {count}"
        time.sleep(0.05)


def post_ids(app: Flask) -> set[int]:
    with app.app_context(), db.engine.connect() as connection:
        return set(connection.scalars(sa.select(Post.id)))


# What members' replies and visits change in rows that exist already. The verify commands check
# the replies' counters against the restored rows; visits (last seen, views) count nothing else.
MOVED = {
    "threads": {"post_total", "reply_count", "last_activity_at", "view_count"},
    "categories": {"post_count", "last_activity_at"},
    "users": {"post_count", "last_seen_at"},
    "content_version": {"version"},
}


def rows_not_in(restored: dict, source: dict) -> list[str]:
    """Every restored row that the source does not hold as it is (apart from what replies move)."""
    differences = []
    for table, rows in restored.items():
        for key, row in rows.items():
            origin = source[table].get(key)
            if origin is None:
                differences.append(f"{table} {key}: not in the source")
            elif changed := {column for column in row if row[column] != origin[column]} - MOVED.get(table, set()):
                differences.append(f"{table} {key}: {sorted(changed)} differ")
    return differences


@pytest.mark.slow
def test_a_backup_taken_while_members_write_restores_consistent(new_forum, tmp_path):
    source, restored = new_forum("source"), new_forum("restored")
    with source.app_context():
        synthetic.seed(SEEDED_POSTS)
        db.session.commit()
        finish_bulk_load(db.session)
        db.session.commit()
        writers = [make_user(f"ecrivain{n}").username for n in range(WRITERS)]
        # Each in a thread of its own, not the first (the long one): replies only add rows and move counters.
        threads = db.session.execute(sa.select(Thread.id, Thread.slug).order_by(Thread.id).offset(1).limit(WRITERS))
        threads = [tuple(row) for row in threads]
    server = served(source)
    process = live.serve(server)
    stop, statuses = threading.Event(), []
    workers = [
        threading.Thread(target=write_until, args=(stop, server, name, thread, statuses))
        for name, thread in zip(writers, threads, strict=True)
    ]
    try:
        for worker in workers:
            worker.start()
        wait_for(statuses, REPLIES_AROUND)
        backup = tmp_path / "forum.backup"
        before_backup, committed_before = len(statuses), post_ids(source)
        written = succeeds(server, "backup", str(backup))
        while_backing_up, committed_after = len(statuses) - before_backup, post_ids(source)
        wait_for(statuses, len(statuses) + REPLIES_AROUND)
    finally:
        stop.set()
        for worker in workers:
            worker.join(30)
        live.stop(process)
    assert set(statuses) == {302} and while_backing_up > 0

    summary = succeeds(served(restored), "restore", str(backup))

    for command in (("reputation", "verify"), ("forum", "verify"), ("search", "check")):
        result = run(restored, *command)
        assert result.exit_code == 0, result.output
    restored_rows, source_rows = app_rows(restored), app_rows(source)
    assert rows_not_in(restored_rows, source_rows) == []
    # The snapshot holds every reply committed before the backup began, none written after it
    # ended, and fell among the writers' replies: some before it, some after.
    restored_posts = {post_id for (post_id,) in restored_rows["posts"]}
    assert committed_before <= restored_posts <= committed_after
    assert SEEDED_POSTS < len(restored_posts) < len(source_rows["posts"])
    assert f"{len(restored_posts):,} posts" in written and f"{len(restored_posts):,} posts" in summary
