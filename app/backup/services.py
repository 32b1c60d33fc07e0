"""Backups of the database, and their restoration into a forum that holds no community yet.

A backup is one consistent snapshot, taken while the forum serves. On SQLite, the online backup
API copies the database in one read transaction, which writers work beside (WAL). On PostgreSQL,
pg_dump writes an archive (custom format) of the snapshot of one transaction. The search is not
in it: it derives from the posts, and PostgreSQL's vectors would make a dump three times larger
and slower. Nor is the secret key: it lives in the instance folder, not in the database.

A restore checks the whole backup before it changes anything, refuses a database that holds a
community, brings the backup back in one transaction, migrates it to this version's schema (a
backup taken by an older version restores into a newer one), sets the sequences and the
planner's statistics, and rebuilds the search."""

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from psycopg.conninfo import make_conninfo

from app.accounts.models import User
from app.database import SQLITE_BUSY_TIMEOUT_MS, finish_bulk_load, reading_session
from app.extensions import db
from app.forum.models import Category, Post, Thread
from app.search import maintenance

SQLITE = "SQLite"
POSTGRESQL = "PostgreSQL"
DIALECTS = {"sqlite": SQLITE, "postgresql": POSTGRESQL}
# How each kind of backup file begins.
SIGNATURES = {SQLITE: b"SQLite format 3\x00", POSTGRESQL: b"PGDMP"}
# A database holds a community once one of these has a row; one that only ran `db upgrade` has none.
COMMUNITY = (User.__table__, Category.__table__, Thread.__table__, Post.__table__)
# What a summary counts: its name, and the table.
FIGURES = {"accounts": "users", "threads": "threads", "posts": "posts"}
SEARCH_SCHEMA = "search"
SEARCH_VECTORS = "search.post_vectors"


class BackupError(Exception):
    """A backup or a restore refused or failed; the message says why, and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Contents:
    revision: str | None
    figures: dict[str, int]

    def __str__(self) -> str:
        counts = ", ".join(f"{count:,} {name}" for name, count in self.figures.items())
        return f"{counts}, schema {self.revision}"


@dataclass
class Written:
    path: Path
    kind: str
    size: int
    contents: Contents
    seconds: float

    def __str__(self) -> str:
        megabytes = self.size / 1_000_000
        return f"Wrote {self.path} ({self.kind}, {megabytes:.1f} MB: {self.contents}) in {self.seconds:.1f} s."


@dataclass
class Restored:
    path: Path
    kind: str
    backed_up_at: str
    contents: Contents
    indexed: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"Restored {self.path} ({self.kind}, taken at schema {self.backed_up_at}): {self.contents};"
            f" the search holds {self.indexed:,} posts. In {self.seconds:.1f} s."
        )


def database_kind() -> str:
    name = db.engine.dialect.name
    if name not in DIALECTS:
        raise BackupError(f"Backups cover SQLite and PostgreSQL databases, not {name}.")
    return DIALECTS[name]


def backup_kind(path: Path) -> str:
    """SQLite or PostgreSQL, from the file's first bytes."""
    try:
        with path.open("rb") as file:
            start = file.read(len(SIGNATURES[SQLITE]))
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from error
    for kind, signature in SIGNATURES.items():
        if start.startswith(signature):
            return kind
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump archive: not a backup of this forum.")


def community(connection: sa.Connection) -> dict[str, int]:
    """The rows of each table that makes a community; a table not created yet holds none."""
    existing = set(sa.inspect(connection).get_table_names())
    return {
        table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
        for table in COMMUNITY
        if table.name in existing
    }


def refuse_unless_empty(connection: sa.Connection) -> None:
    held = ", ".join(f"{count:,} {table}" for table, count in community(connection).items() if count)
    if held:
        raise BackupError(
            f"This forum's database already holds a community ({held}): a backup restores only into an"
            " empty database, never over anyone's data. Point the forum at a new database and restore there."
        )


def back_up(destination: Path) -> Written:
    """Write a snapshot of the database to `destination`, which must not exist yet.

    The backup is written beside it under another name, then linked into place: an interrupted
    backup never leaves half a file under `destination`."""
    began = time.perf_counter()
    kind = database_kind()
    if os.path.lexists(destination):
        raise BackupError(f"{destination} exists already: a backup never replaces a file. Choose a new name.")
    if not destination.parent.is_dir():
        raise BackupError(f"The folder {destination.parent} does not exist.")
    try:
        # Readable by its owner only, as the database is: it holds every member's e-mail and password hash.
        descriptor, name = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial")
        os.close(descriptor)
    except OSError as error:
        raise BackupError(f"Cannot write in {destination.parent}: {error.strerror}.") from error
    draft = Path(name)
    try:
        contents = _copy_sqlite(draft) if kind == SQLITE else _dump_postgresql(draft)
        # A link rather than a rename: it fails instead of replacing a file that appeared meanwhile.
        os.link(draft, destination)
    except FileExistsError as error:
        raise BackupError(f"{destination} appeared during the backup: it was left alone.") from error
    except OSError as error:
        raise BackupError(f"Cannot write {destination}: {error.strerror}.") from error
    finally:
        draft.unlink(missing_ok=True)
    return Written(destination, kind, destination.stat().st_size, contents, time.perf_counter() - began)


def restore(source: Path, progress: Callable[[str], None]) -> Restored:
    """Bring the backup at `source` back into this forum's database, which must hold no community."""
    began = time.perf_counter()
    kind, database = backup_kind(source), database_kind()
    if kind != database:
        raise BackupError(
            f"{source} is a backup of a {kind} database, and this forum's database is {database}:"
            " a backup restores only into the kind of database it was taken from."
        )
    with reading_session(db.engine) as session:
        refuse_unless_empty(session.connection())
    restore_into = _restore_sqlite if kind == SQLITE else _restore_postgresql
    backed_up_at = restore_into(source, progress)
    # Connections opened before may hold plans and schema of the tables the restore replaced.
    db.engine.dispose()
    try:
        command.upgrade(_migrations(), "head")
    except (CommandError, sa.exc.SQLAlchemyError) as error:
        raise BackupError(
            f"The backup was restored, but upgrading its schema from {backed_up_at} failed: {error}"
        ) from error
    finish_bulk_load(db.session)
    db.session.commit()
    progress("Rebuilding the search…")
    indexed = maintenance.rebuild()
    with reading_session(db.engine) as session:
        contents = _contents(session.connection())
    return Restored(source, kind, backed_up_at, contents, indexed, time.perf_counter() - began)


def _migrations() -> Config:
    return current_app.extensions["migrate"].migrate.get_config()


def _known_revision(revision: str | None, source: Path) -> str:
    """The backup's schema revision, which this version must know to upgrade from."""
    if revision is None:
        raise BackupError(f"{source} holds no schema revision (alembic_version): it is not a backup of this forum.")
    try:
        ScriptDirectory.from_config(_migrations()).get_revision(revision)
    except CommandError as error:
        raise BackupError(
            f"{source} is at schema revision {revision}, which this version of Entraide does not know:"
            " restore it with the version that took it, or a newer one."
        ) from error
    return revision


def _contents(connection: sa.Connection) -> Contents:
    """The schema revision and the summary's figures, read through `connection`."""
    tables = set(sa.inspect(connection).get_table_names())
    revision = None
    if "alembic_version" in tables:
        revision = connection.exec_driver_sql("SELECT max(version_num) FROM alembic_version").scalar()
    figures = {
        name: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))
        for name, table in FIGURES.items()
        if table in tables
    }
    return Contents(revision, figures)


# SQLite


def _sqlite_file() -> Path:
    name = db.engine.url.database
    if not name or name == ":memory:":
        raise BackupError("The database lives in memory: there is no file to back up or restore into.")
    return Path(name)


def _sqlite_engine(connection: sqlite3.Connection) -> sa.Engine:
    """An engine over a connection of SQLite's own, to read it as the forum's database is read."""
    return sa.create_engine("sqlite://", creator=lambda: connection, poolclass=sa.pool.StaticPool)


def _copy_sqlite(draft: Path) -> Contents:
    database = _sqlite_file()
    # mode=rw: a database that does not exist is an error, not a new empty file.
    uri = f"{database.resolve().as_uri()}?mode=rw"
    try:
        with (
            closing(sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)) as live,
            closing(sqlite3.connect(draft)) as copy,
        ):
            # Every page in one step, so in one read transaction: a snapshot. Step by step, each
            # write committed between two steps would start the copy over, and a busy forum never
            # lets it end.
            live.backup(copy, pages=-1)
            # A file that stands alone, with no write-ahead log to keep beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            with _sqlite_engine(copy).connect() as connection:
                return _contents(connection)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {database}: {error}.") from error


def _restore_sqlite(source: Path, progress: Callable[[str], None]) -> str:
    """Check a copy of the backup beside the database, then copy it into the database with the
    backup API, which replaces its pages in one transaction: the database is the backup, or what
    it was before."""
    database = _sqlite_file()
    with tempfile.TemporaryDirectory(dir=database.parent, prefix=".restore-") as folder:
        staged = Path(folder) / database.name
        try:
            shutil.copyfile(source, staged)
        except OSError as error:
            raise BackupError(f"Cannot copy {source} beside the database: {error.strerror}.") from error
        with closing(sqlite3.connect(staged)) as copy:
            try:
                problems = [row[0] for row in copy.execute("PRAGMA quick_check")]
                with _sqlite_engine(copy).connect() as connection:
                    revision = _contents(connection).revision
            except sqlite3.Error as error:
                raise BackupError(f"{source} is damaged or cut short: {error}.") from error
            if problems != ["ok"]:
                raise BackupError(f"{source} is damaged or cut short: {problems[0]}")
            revision = _known_revision(revision, source)
            progress(f"Restoring {source} ({SQLITE}, schema {revision})…")
            target = db.engine.raw_connection()
            try:
                copy.backup(target.driver_connection, pages=-1)
            except sqlite3.Error as error:
                raise BackupError(f"SQLite could not restore into {database}, left as it was: {error}.") from error
            finally:
                target.close()
    return revision


# PostgreSQL


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client tools (Debian: postgresql-client) of the"
            " server's major version or newer."
        )
    return path


def _run(*arguments: str) -> subprocess.CompletedProcess:
    """Run a PostgreSQL client tool on the forum's database; the password goes in its environment,
    never on a command line that any user of the machine can read."""
    url = db.engine.url
    connection = {"dbname": url.database, "host": url.host, "port": url.port, "user": url.username, **url.query}
    conninfo = make_conninfo("", **{key: value for key, value in connection.items() if value is not None})
    environment = {**os.environ, "PGPASSWORD": url.password} if url.password else None
    tool, *options = arguments
    result = subprocess.run(
        [tool, f"--dbname={conninfo}", *options], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise BackupError(f"{Path(tool).name} failed: {result.stderr.strip()}")
    return result


def _dump_postgresql(draft: Path) -> Contents:
    pg_dump = _tool("pg_dump")
    # pg_dump reads the snapshot that this transaction exports: the summary counts what the file holds.
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        with connection.begin():
            snapshot = connection.scalar(sa.text("SELECT pg_export_snapshot()"))
            contents = _contents(connection)
            _run(
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--exclude-table-data={SEARCH_VECTORS}",
                f"--file={draft}",
            )
    return contents


def _pg_restore(pg_restore: str, source: Path, *options: str) -> str:
    """pg_restore reading an archive without a database."""
    result = subprocess.run([pg_restore, *options, str(source)], capture_output=True, text=True, check=False)
    if result.returncode:
        raise BackupError(f"{source} is damaged or cut short: {result.stderr.strip()}")
    return result.stdout


def _dumped_revision(pg_restore: str, source: Path) -> str | None:
    script = _pg_restore(pg_restore, source, "--data-only", "--table=alembic_version", "--file=-")
    lines = iter(script.splitlines())
    for line in lines:
        if line.startswith("COPY ") and ".alembic_version " in line:
            first = next(lines, "\\.")
            return None if first == "\\." else first
    return None


def _restore_postgresql(source: Path, progress: Callable[[str], None]) -> str:
    pg_restore = _tool("pg_restore")
    # Every byte read before anything changes: a truncated or damaged archive stops here.
    _pg_restore(pg_restore, source, f"--file={os.devnull}")
    revision = _known_revision(_dumped_revision(pg_restore, source), source)
    # Commenting on an extension takes its owner, which the forum's role may not be; the comment
    # is the extension's own anyway.
    listing = "\n".join(
        line for line in _pg_restore(pg_restore, source, "--list").splitlines() if " COMMENT - EXTENSION " not in line
    )
    progress(f"Restoring {source} ({POSTGRESQL}, schema {revision})…")
    _drop_schema()
    with tempfile.NamedTemporaryFile("w", suffix=".list") as contents:
        contents.write(listing)
        contents.flush()
        try:
            _run(
                pg_restore,
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                f"--use-list={contents.name}",
                str(source),
            )
        except BackupError as error:
            # Nothing was restored (one transaction): the database gets its empty schema back.
            command.upgrade(_migrations(), "head")
            raise BackupError(f"{error.message}\nNothing was restored: the database is empty, as it was.") from error
    return revision


def _drop_schema() -> None:
    """Drop what the migrations create, so that the dump restores into nothing whatever revision
    either side is at, in a transaction that first makes sure no community arrived meanwhile."""
    with db.engine.begin() as connection:
        existing = set(sa.inspect(connection).get_table_names())
        counted = [table.name for table in COMMUNITY if table.name in existing]
        if counted:
            # No one joins or posts between the count and the drop.
            connection.exec_driver_sql(f"LOCK TABLE {', '.join(counted)} IN EXCLUSIVE MODE")
        refuse_unless_empty(connection)
        tables = [table.name for table in db.metadata.sorted_tables] + ["alembic_version"]
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {', '.join(tables)} CASCADE")
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SEARCH_SCHEMA} CASCADE")
