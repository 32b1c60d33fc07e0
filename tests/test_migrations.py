"""The Alembic migrations build, from nothing, exactly the schema the models describe."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


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
