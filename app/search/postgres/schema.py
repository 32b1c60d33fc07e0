"""What PostgreSQL full-text search keeps in the database, all in a schema of its own, `search`.

- `search.french` and `search.english`: text search configurations on the default parser (which
  skips HTML tags, so bodies are read from their HTML), where words lose their accents
  (`unaccent`) then go through the language's Snowball stemmer. The stemmers keep every word, as
  Whoosh does: no stop words, so that a search finds the same posts on both backends.
- `search.post_vector(title, body_html)`: a post's vector, its thread's title weighted A above
  its body's B, each analysed in both languages, so that "réparer" finds "réparation" and
  "repairing" finds "repairs".
- `search.post_vectors`: one row per post shown (neither deleted nor hidden, its thread not
  deleted), with a GIN index on the vector. A table beside `posts` rather than a column of it:
  rewriting every vector leaves the posts' rows and indexes alone, and SQLite has none of this.

Migration 0007 creates the same objects in a deployed database; `db.create_all()` (tests,
benchmarks) creates them with the models' tables, and `db.drop_all()` drops them first."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR

from app.extensions import db

SCHEMA = "search"

# Not the models' metadata: these exist on PostgreSQL only, created by the statements below.
post_vectors = sa.Table(
    "post_vectors",
    sa.MetaData(schema=SCHEMA),
    sa.Column("post_id", sa.Integer, primary_key=True),
    sa.Column("vector", TSVECTOR, nullable=False),
)

INDEX = "CREATE INDEX IF NOT EXISTS post_vectors_vector ON search.post_vectors USING gin (vector)"
STATEMENTS = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE SCHEMA search",
    "CREATE TEXT SEARCH DICTIONARY search.french_stem (TEMPLATE = snowball, LANGUAGE = french)",
    "CREATE TEXT SEARCH DICTIONARY search.english_stem (TEMPLATE = snowball, LANGUAGE = english)",
    *(
        statement
        for language in ("french", "english")
        for statement in (
            f"CREATE TEXT SEARCH CONFIGURATION search.{language} (COPY = pg_catalog.simple)",
            f"ALTER TEXT SEARCH CONFIGURATION search.{language}"
            f" ALTER MAPPING FOR word, hword, hword_part WITH unaccent, search.{language}_stem",
            f"ALTER TEXT SEARCH CONFIGURATION search.{language}"
            f" ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH search.{language}_stem",
        )
    ),
    """CREATE FUNCTION search.post_vector(title text, body_html text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('search.french', title), 'A')
            || setweight(to_tsvector('search.french', body_html), 'B')
            || setweight(to_tsvector('search.english', title), 'A')
            || setweight(to_tsvector('search.english', body_html), 'B')
    $$""",
    """CREATE TABLE search.post_vectors (
        post_id integer PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
        vector tsvector NOT NULL
    )""",
    INDEX,
)


def install(connection: sa.Connection) -> None:
    """Create the schema and everything in it, unless it exists."""
    if connection.scalar(sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :name"), {"name": SCHEMA}):
        return
    for statement in STATEMENTS:
        connection.exec_driver_sql(statement)


def uninstall(connection: sa.Connection) -> None:
    # The unaccent extension stays: other schemas may use it.
    connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def _on_postgresql(action):
    def listener(_metadata, connection: sa.Connection, **_kw) -> None:
        if connection.dialect.name == "postgresql":
            action(connection)

    return listener


sa.event.listen(db.metadata, "after_create", _on_postgresql(install))
sa.event.listen(db.metadata, "before_drop", _on_postgresql(uninstall))
