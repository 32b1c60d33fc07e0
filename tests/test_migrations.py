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
