"""PostgreSQL full-text search

Revision ID: 0007_postgres_full_text_search
Revises: 0006_content_version
Create Date: 2026-12-08 10:00:00

On PostgreSQL, the schema `search` with what the PostgreSQL search backend needs (see
app/search/postgres/schema.py): the unaccent extension, French and English text search
configurations without stop words, the function that computes a post's vector, and the table of
vectors, filled for the posts already shown, with its GIN index. On SQLite, nothing. Going down
drops the schema and everything in it; the posts are untouched, and their vectors are computed
again on the way up.
"""

from alembic import op

revision = "0007_postgres_full_text_search"
down_revision = "0006_content_version"
branch_labels = None
depends_on = None

CONFIGURATIONS = [
    statement
    for language in ("french", "english")
    for statement in (
        f"CREATE TEXT SEARCH CONFIGURATION search.{language} (COPY = pg_catalog.simple)",
        f"ALTER TEXT SEARCH CONFIGURATION search.{language}"
        f" ALTER MAPPING FOR word, hword, hword_part WITH unaccent, search.{language}_stem",
        f"ALTER TEXT SEARCH CONFIGURATION search.{language}"
        f" ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH search.{language}_stem",
    )
]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in (
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "CREATE SCHEMA search",
        "CREATE TEXT SEARCH DICTIONARY search.french_stem (TEMPLATE = snowball, LANGUAGE = french)",
        "CREATE TEXT SEARCH DICTIONARY search.english_stem (TEMPLATE = snowball, LANGUAGE = english)",
        *CONFIGURATIONS,
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
        # Each post finds its thread by primary key: no plan that depends on statistics.
        """INSERT INTO search.post_vectors (post_id, vector)
    SELECT post.id, search.post_vector(post.title, post.body_html)
    FROM (
        SELECT posts.id, posts.body_html,
            (
                SELECT threads.title FROM threads
                WHERE threads.id = posts.thread_id AND threads.deleted_at IS NULL
            ) AS title
        FROM posts
        WHERE posts.deleted_at IS NULL AND posts.hidden_at IS NULL
    ) AS post
    WHERE post.title IS NOT NULL""",
        # Built once filled: faster than filling it row by row.
        "CREATE INDEX post_vectors_vector ON search.post_vectors USING gin (vector)",
        "ANALYZE search.post_vectors",
    ):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # The unaccent extension stays: other schemas may use it.
    op.execute("DROP SCHEMA search CASCADE")
