"""The Alembic migrations build, from nothing, exactly the schema the models describe."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.accounts.models import User
from app.clock import utcnow
from app.extensions import db
from app.forum.models import Category, Post, Thread
from tests.helpers import schema_differences


def drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@pytest.fixture
def empty_database(app):
    """No table at all; afterwards the schema of the models again, for the tests that follow."""
    drop_everything()
    yield
    drop_everything()
    db.create_all()


def test_migrations_build_the_schema_of_the_models(empty_database):
    upgrade()
    assert schema_differences() == []


def test_migrations_go_down_to_nothing_and_up_again(empty_database):
    upgrade()
    downgrade(revision="base")
    tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()
    assert schema_differences() == []


def outbox_rows() -> list[tuple]:
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT id, post_id, thread_id FROM search_outbox ORDER BY id").all()


def test_the_outbox_keeps_its_rows_and_stops_reusing_ids(empty_database):
    upgrade(revision="0004_search_outbox")
    with db.engine.begin() as connection:
        for row in ((1, 10, None), (2, None, 3), (3, 11, None)):
            connection.exec_driver_sql(
                "INSERT INTO search_outbox (id, post_id, thread_id, created_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)"
                if db.engine.dialect.name == "sqlite"
                else "INSERT INTO search_outbox (id, post_id, thread_id, created_at) VALUES (%s, %s, %s, now())",
                row,
            )
    upgrade(revision="0005_outbox_ids_never_reused")
    assert outbox_rows() == [(1, 10, None), (2, None, 3), (3, 11, None)]
    if db.engine.dialect.name == "sqlite":
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM search_outbox WHERE id = 3")
            connection.exec_driver_sql("INSERT INTO search_outbox (post_id, created_at) VALUES (12, CURRENT_TIMESTAMP)")
        assert outbox_rows()[-1] == (4, 12, None)  # not 3 again
    downgrade(revision="0004_search_outbox")
    assert outbox_rows()[:2] == [(1, 10, None), (2, None, 3)]
    upgrade()
    assert schema_differences() == []


def test_the_content_version_starts_with_its_row_and_leaves_the_data_alone(empty_database):
    upgrade(revision="0005_outbox_ids_never_reused")
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO categories (id, name, slug, description, position, thread_count, post_count)"
            " VALUES (1, 'Dépannage', 'depannage', '', 1, 0, 0)"
        )
    upgrade(revision="0006_content_version")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT id FROM content_version").scalars().all() == [1]
        assert connection.exec_driver_sql("SELECT name FROM categories").scalars().all() == ["Dépannage"]
    downgrade(revision="0005_outbox_ids_never_reused")
    assert "content_version" not in sa.inspect(db.engine).get_table_names()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT name FROM categories").scalars().all() == ["Dépannage"]
    upgrade()
    assert schema_differences() == []


def forum_rows() -> None:
    """A member's thread with a reply and a hidden reply, written without the session's hooks."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.insert(User).values(
                id=1, username="Camille", username_key="camille", email="c@example.org", password_hash="!"
            )
        )
        connection.execute(sa.insert(Category).values(id=1, name="Dépannage", slug="depannage"))
        connection.execute(
            sa.insert(Thread).values(id=1, category_id=1, author_id=1, title="Électricité coupée", slug="electricite")
        )
        post = {"thread_id": 1, "author_id": 1, "body_source": "", "hidden_at": None}
        connection.execute(
            sa.insert(Post),
            [
                {**post, "id": 1, "position": 1, "body_html": "<p>Réparer</p>"},
                {**post, "id": 2, "position": 2, "body_html": "<p>Vu</p>"},
                {**post, "id": 3, "position": 3, "body_html": "<p>Caché</p>", "hidden_at": utcnow()},
            ],
        )


def post_ids() -> list[int]:
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT id FROM posts ORDER BY id").scalars().all()


def has_search_schema() -> bool:
    with db.engine.connect() as connection:
        return bool(connection.exec_driver_sql("SELECT 1 FROM pg_namespace WHERE nspname = 'search'").scalar())


def found(query: str) -> list[int]:
    """The posts whose vector matches a word, as the PostgreSQL backend matches it."""
    with db.engine.connect() as connection:
        return (
            connection.execute(
                sa.text(
                    "SELECT post_id FROM search.post_vectors"
                    " WHERE vector @@ (phraseto_tsquery('search.french', :q) || phraseto_tsquery('search.english', :q))"
                    " AND vector = (SELECT search.post_vector(threads.title, posts.body_html) FROM posts"
                    " JOIN threads ON threads.id = posts.thread_id WHERE posts.id = post_id)"
                    " ORDER BY post_id"
                ),
                {"q": query},
            )
            .scalars()
            .all()
        )


def test_full_text_search_fills_on_postgresql_only_and_goes_down_and_up_with_the_rows(empty_database):
    upgrade(revision="0006_content_version")
    forum_rows()
    tables = set(sa.inspect(db.engine).get_table_names())
    upgrade(revision="0007_postgres_full_text_search")
    assert set(sa.inspect(db.engine).get_table_names()) == tables
    if db.engine.dialect.name == "postgresql":
        # Every shown post, found by its thread's title or its own words, accents and endings aside.
        assert found("electricites") == [1, 2] and found("réparation") == [1] and found("caché") == []
    downgrade(revision="0006_content_version")
    assert post_ids() == [1, 2, 3]
    if db.engine.dialect.name == "postgresql":
        assert not has_search_schema()
    upgrade()
    assert post_ids() == [1, 2, 3]
    if db.engine.dialect.name == "postgresql":
        assert found("electricite") == [1, 2]
    assert schema_differences() == []


def search_schema() -> dict:
    """What the schema `search` holds, as PostgreSQL describes it."""
    queries = {
        "functions": "SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'search' ORDER BY 1",
        "dictionaries": "SELECT dictname, dictinitoption FROM pg_ts_dict d"
        " JOIN pg_namespace n ON n.oid = d.dictnamespace WHERE n.nspname = 'search' ORDER BY 1",
        "mappings": "SELECT c.cfgname, m.maptokentype, m.mapseqno, m.mapdict::regdictionary::text"
        " FROM pg_ts_config_map m JOIN pg_ts_config c ON c.oid = m.mapcfg JOIN pg_namespace n ON n.oid = c.cfgnamespace"
        " WHERE n.nspname = 'search' ORDER BY 1, 2, 3",
        "columns": "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = 'search' ORDER BY 1, 2",
        "constraints": "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE connamespace = 'search'::regnamespace ORDER BY 1",
        "indexes": "SELECT indexdef FROM pg_indexes WHERE schemaname = 'search' ORDER BY 1",
    }
    with db.engine.connect() as connection:
        return {name: connection.exec_driver_sql(query).all() for name, query in queries.items()}


def test_the_migration_builds_the_search_schema_that_create_all_builds(empty_database):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the schema `search` exists on PostgreSQL only")
    upgrade()
    migrated = search_schema()
    assert migrated["functions"] and migrated["indexes"]
    drop_everything()
    db.create_all()
    assert search_schema() == migrated


def run(statement: str, rows: list[dict] | None = None) -> None:
    with db.engine.begin() as connection:
        connection.execute(sa.text(statement), rows or {})


def rows_of(query: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(query))]


def test_thread_mutes_keep_every_watcher_and_notification(empty_database):
    upgrade(revision="0007_postgres_full_text_search")
    forum_rows()
    with db.engine.begin() as connection:
        connection.execute(
            sa.insert(User).values(
                id=2, username="Bastien", username_key="bastien", email="b@example.org", password_hash="!"
            )
        )
    run(
        "INSERT INTO subscriptions (id, user_id, thread_id, created_at) VALUES (:id, :user, 1, CURRENT_TIMESTAMP)",
        [{"id": 1, "user": 1}, {"id": 2, "user": 2}],
    )
    notification = (
        "INSERT INTO notifications (id, user_id, kind, actor_id, thread_id, post_id, detail, created_at)"
        " VALUES (:id, :user, :kind, :actor, 1, 2, '', CURRENT_TIMESTAMP)"
    )
    run(notification, [{"id": 1, "user": 2, "kind": "reply", "actor": 1}])

    upgrade(revision="0008_mutes_and_notifications")
    assert rows_of("SELECT id, user_id, level FROM subscriptions ORDER BY id") == [
        (1, 1, "watching"),
        (2, 2, "watching"),
    ]
    assert rows_of("SELECT id, kind, post_id FROM notifications") == [(1, "reply", 2)]
    run("UPDATE subscriptions SET level = 'muted' WHERE id = 2")
    run(notification, [{"id": 2, "user": 1, "kind": "helpful", "actor": 2}])

    downgrade(revision="0007_postgres_full_text_search")
    assert "level" not in {column["name"] for column in sa.inspect(db.engine).get_columns("subscriptions")}
    assert rows_of("SELECT id, user_id FROM subscriptions") == [(1, 1)]  # a mute does not come back as watching
    assert rows_of("SELECT id, kind FROM notifications ORDER BY id") == [(1, "reply"), (2, "helpful")]
    assert post_ids() == [1, 2, 3]

    upgrade()
    assert rows_of("SELECT id, user_id, level FROM subscriptions") == [(1, 1, "watching")]
    assert schema_differences() == []


def test_mail_and_erasure_columns_keep_every_account_and_notification(empty_database):
    upgrade(revision="0008_mutes_and_notifications")
    forum_rows()
    run(
        "INSERT INTO notifications (id, user_id, kind, thread_id, post_id, detail, created_at)"
        " VALUES (1, 1, 'reply', 1, 2, '', '2026-01-02 03:04:05')"
    )

    upgrade(revision="0009_mail_and_privacy")
    # Members who joined before confirmation existed keep every right; old notifications are not mailed again.
    assert rows_of("SELECT id, email, email_confirmed_at = created_at, erased_at FROM users") == [
        (1, "c@example.org", True, None)
    ]
    assert rows_of("SELECT id, mailed_at = created_at FROM notifications") == [(1, True)]
    run("INSERT INTO email_preferences (id, user_id, kind, delivery) VALUES (1, 1, 'helpful', 'never')")
    run(
        "INSERT INTO mail_outbox (id, user_id, to_address, subject, text_body, html_body, headers, created_at,"
        " attempts, next_attempt_at) VALUES (1, 1, 'c@example.org', 'Objet', 'Texte', '<p>Texte</p>', '{}',"
        " CURRENT_TIMESTAMP, 0, CURRENT_TIMESTAMP)"
    )
    run("UPDATE users SET erased_at = CURRENT_TIMESTAMP")

    downgrade(revision="0008_mutes_and_notifications")
    assert {"email_confirmed_at", "erased_at"}.isdisjoint(
        column["name"] for column in sa.inspect(db.engine).get_columns("users")
    )
    assert {"mail_outbox", "email_preferences"}.isdisjoint(sa.inspect(db.engine).get_table_names())
    assert rows_of("SELECT id, email FROM users") == [(1, "c@example.org")]
    assert rows_of("SELECT id, kind FROM notifications") == [(1, "reply")]
    assert post_ids() == [1, 2, 3]

    upgrade()
    assert rows_of("SELECT id, email_confirmed_at = created_at FROM users") == [(1, True)]
    assert schema_differences() == []


def test_ideas_and_the_unanswered_index_keep_every_category_and_thread(empty_database):
    upgrade(revision="0009_mail_and_privacy")
    forum_rows()

    upgrade(revision="0010_ideas_and_unanswered")
    assert rows_of("SELECT id, kind FROM categories") == [(1, "discussion")]
    assert rows_of("SELECT id, idea_status, vote_count FROM threads") == [(1, None, 0)]
    run("UPDATE categories SET kind = 'ideas'")
    run("UPDATE threads SET idea_status = 'planned', idea_status_reason = 'Pour l''été', vote_count = 1")
    run("INSERT INTO idea_votes (id, thread_id, user_id, created_at) VALUES (1, 1, 1, CURRENT_TIMESTAMP)")

    downgrade(revision="0009_mail_and_privacy")
    assert "idea_votes" not in sa.inspect(db.engine).get_table_names()
    assert rows_of("SELECT id, title FROM threads") == [(1, "Électricité coupée")]
    assert rows_of("SELECT id, slug FROM categories") == [(1, "depannage")]
    assert post_ids() == [1, 2, 3]

    upgrade()
    assert rows_of("SELECT id, kind FROM categories") == [(1, "discussion")]
    assert schema_differences() == []


def test_missed_searches_and_the_replies_date_index_go_down_and_up_with_every_post(empty_database):
    upgrade(revision="0010_ideas_and_unanswered")
    forum_rows()

    upgrade(revision="0011_search_misses")
    assert "ix_posts_shown_replies_by_date" in {index["name"] for index in sa.inspect(db.engine).get_indexes("posts")}
    run(
        "INSERT INTO search_misses (id, query, day, count) VALUES (:id, :query, :day, :count)",
        [
            {"id": 1, "query": "box 5g", "day": "2026-03-10", "count": 3},
            {"id": 2, "query": "wifi", "day": "2026-03-11", "count": 1},
        ],
    )
    assert rows_of("SELECT query, count FROM search_misses ORDER BY id") == [("box 5g", 3), ("wifi", 1)]

    downgrade(revision="0010_ideas_and_unanswered")
    assert "search_misses" not in sa.inspect(db.engine).get_table_names()
    assert "ix_posts_shown_replies_by_date" not in {
        index["name"] for index in sa.inspect(db.engine).get_indexes("posts")
    }
    assert post_ids() == [1, 2, 3]

    upgrade()
    assert rows_of("SELECT count(*) FROM search_misses") == [(0,)]
    assert schema_differences() == []


def test_stored_insights_go_down_and_up_with_every_post(empty_database):
    upgrade(revision="0011_search_misses")
    forum_rows()

    upgrade(revision="0012_insights_snapshots")
    run(
        "INSERT INTO insights_snapshots (id, computed_at, figures) VALUES (1, :at, :figures)",
        [{"at": "2026-03-18 12:00:00", "figures": '{"weeks": []}'}],
    )
    assert rows_of("SELECT id FROM insights_snapshots") == [(1,)]

    downgrade(revision="0011_search_misses")
    assert "insights_snapshots" not in sa.inspect(db.engine).get_table_names()
    assert post_ids() == [1, 2, 3]

    upgrade()
    assert rows_of("SELECT count(*) FROM insights_snapshots") == [(0,)]
    assert schema_differences() == []
