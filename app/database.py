"""How transactions begin, so that concurrent writers queue instead of failing.

On SQLite (WAL mode, a busy timeout), a transaction that reads and then writes cannot wait for
another writer: SQLite refuses the upgrade at once when the database changed since its first
read. So every transaction that may write takes the write lock when it begins (`BEGIN
IMMEDIATE`) and waits out the busy timeout for it:

- in a request, those of methods that change state (POST and the like); GET and HEAD only read;
- in a command-line command, every transaction, unless it is opened as a reader
  (`reading_session`, `begin_reading`): long reads such as a rebuild of the search index must
  not hold the lock that every writer waits for;
- work done after a response opens its sessions as readers or writers, saying which.

PostgreSQL needs none of this: its writers lock the rows they change, and the services lock the
rows they count on first."""

import click
import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

SQLITE_BUSY_TIMEOUT_MS = 15_000
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# The execution option that says whether a connection's transactions write (True) or only read.
WRITES = "entraide_writes"
# PostgreSQL's codes for a transaction rolled back so that others may go on: nothing of it was
# written, and it may be made again.
DEADLOCK = "40P01"
SERIALIZATION_FAILURE = "40001"


def rolled_back_for(error: sa.exc.OperationalError, code: str) -> bool:
    """Whether PostgreSQL rolled the transaction back with this code (SQLite's errors carry none)."""
    return getattr(error.orig, "sqlstate", None) == code


def configure_engine(engine: sa.Engine) -> None:
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        sa.event.listen(engine, "begin", _sqlite_on_begin)


def reading_session(engine: sa.Engine) -> Session:
    """A session of its own whose transactions only read."""
    return Session(engine.execution_options(**{WRITES: False}))


def writing_session(engine: sa.Engine) -> Session:
    """A session of its own whose transactions write."""
    return Session(engine.execution_options(**{WRITES: True}))


def upsert(session: Session, table: sa.Table):
    """An INSERT into `table` in the dialect of `session`'s database, which offers
    `on_conflict_do_update` on SQLite and PostgreSQL alike."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    return insert(table)


def begin_reading(session: Session | scoped_session) -> None:
    """Begin `session`'s transaction as a reader (a command that only reads, say), unless it has
    begun already."""
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.connection(execution_options={WRITES: False})


def begin_writing(session: Session | scoped_session) -> None:
    """Begin `session`'s transaction as a writer (a GET that changes something, say), unless it
    has begun already."""
    if isinstance(session, scoped_session):
        session = session()
    if not session.in_transaction():
        session.connection(execution_options={WRITES: True})


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself instead of the driver's implicit one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write(connection) else "BEGIN")


def _may_write(connection: sa.Connection) -> bool:
    declared = connection.get_execution_options().get(WRITES)
    if declared is not None:
        return declared
    if has_request_context():
        return request.method not in SAFE_METHODS
    return click.get_current_context(silent=True) is not None


def finish_bulk_load(session: Session | scoped_session) -> None:
    """After rows were written with ids of their own (a synthetic forum, a restore, an import): on
    PostgreSQL, move each table's id sequence past the highest id, or the next row the forum adds
    takes an id already used; then gather the planner's statistics, without which its first plans
    over the new rows can nest loops over whole tables. SQLite needs neither: a new row's id
    follows the highest."""
    if session.get_bind().dialect.name != "postgresql":
        return
    numbered = session.execute(
        sa.text(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')"
        )
    ).all()
    for table, column in numbered:
        highest = sa.select(sa.func.coalesce(sa.func.max(sa.column(column)), 0)).select_from(sa.table(table))
        sequence = sa.func.pg_get_serial_sequence(table, column)
        session.execute(sa.select(sa.func.setval(sequence, highest.scalar_subquery() + 1, False)))
    session.execute(sa.text("ANALYZE"))
