"""Keeping `search.post_vectors` in step with the posts, in the transactions that change them.

A vector depends on its post's body and its thread's title, and exists only while the post is
shown; everything else a search filters or ranks on (category, author, solution, helpful count,
dates) is read from the posts and threads when searching, so that changing it rewrites nothing."""

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session

from app.database import SERIALIZATION_FAILURE, reading_session, rolled_back_for, writing_session
from app.extensions import db
from app.forum.models import Post, Thread
from app.search import queue
from app.search.interface import Report
from app.search.postgres import schema
from app.search.postgres.schema import post_vectors

# A rebuild or a check reads the posts in ranges of this many ids, each in a statement of its own,
# on this many connections at once.
RANGE = 5_000
WORKERS = 2
INDEX_BUILD_MEMORY = "256MB"


def _shown():
    return sa.and_(Post.deleted_at.is_(None), Post.hidden_at.is_(None), Thread.deleted_at.is_(None))


def record(session: Session, post_ids: set[int], thread_ids: set[int], _category_ids: set[int]) -> None:
    rewrite(session.connection(), post_ids, thread_ids)


def rewrite(connection: sa.Connection, post_ids: Iterable[int], thread_ids: Iterable[int]) -> None:
    """A vector for each of these posts, and each post of these threads, that is shown; none for the others."""
    concerned = sa.or_(
        Post.id == sa.any_(sa.cast(list(post_ids), ARRAY(sa.Integer))),
        Post.thread_id == sa.any_(sa.cast(list(thread_ids), ARRAY(sa.Integer))),
    )
    connection.execute(
        sa.delete(post_vectors).where(
            post_vectors.c.post_id.in_(sa.select(Post.id).join(Post.thread).where(concerned, sa.not_(_shown())))
        )
    )
    fresh = insert(post_vectors).from_select(
        ["post_id", "vector"],
        sa.select(Post.id, sa.func.search.post_vector(Thread.title, Post.body_html))
        .join(Post.thread)
        .where(concerned, _shown()),
    )
    connection.execute(
        fresh.on_conflict_do_update(
            index_elements=[post_vectors.c.post_id],
            set_={"vector": fresh.excluded.vector},
            where=post_vectors.c.vector.is_distinct_from(fresh.excluded.vector),
        )
    )


def apply_pending(everything: bool = False, timeout: float | None = None) -> int:
    """Rewrite the vectors of queued posts and threads, and delete their rows, in one transaction
    per batch; rows another writer holds are left to it. (`timeout` is Whoosh's lock's: here,
    nothing waits.)"""
    applied = 0
    while True:
        with writing_session(db.engine) as session, session.begin():
            rows = queue.next_batch(session, lock=True)
            if rows:
                rewrite(
                    session.connection(),
                    {row.post_id for row in rows if row.post_id},
                    {row.thread_id for row in rows if row.thread_id},
                )
                queue.delete(session, rows)
        applied += len(rows)
        if not rows or not everything:
            return applied


# The posts of one id range that are shown, with their vector as it should be. Each post finds its
# thread by primary key: a plan that stays linear whatever the statistics say.
SHOWN_IN_RANGE = """
    SELECT post.id, search.post_vector(post.title, post.body_html) AS vector
    FROM (
        SELECT posts.id, posts.body_html,
            (
                SELECT threads.title FROM threads
                WHERE threads.id = posts.thread_id AND threads.deleted_at IS NULL
            ) AS title
        FROM posts
        WHERE posts.id > :after AND posts.id <= :until AND posts.deleted_at IS NULL AND posts.hidden_at IS NULL
    ) AS post
    WHERE post.title IS NOT NULL
"""

# Both put together from the constant SQL above: every value in them is bound.
REBUILD_RANGE = sa.text(
    f"WITH shown AS ({SHOWN_IN_RANGE}),"  # nosec B608
    """
    written AS (
        INSERT INTO search.post_vectors (post_id, vector) SELECT id, vector FROM shown
        ON CONFLICT (post_id) DO UPDATE SET vector = excluded.vector
        WHERE search.post_vectors.vector IS DISTINCT FROM excluded.vector
    ),
    removed AS (
        DELETE FROM search.post_vectors
        WHERE post_id > :after AND post_id <= :until AND post_id NOT IN (SELECT id FROM shown)
    )
    SELECT count(*) FROM shown
"""
)

CHECK_RANGE = sa.text(
    f"WITH shown AS ({SHOWN_IN_RANGE})"  # nosec B608
    """
    SELECT shown.id, post_vectors.post_id IS NULL AS missing
    FROM shown LEFT JOIN search.post_vectors ON post_vectors.post_id = shown.id
    WHERE post_vectors.vector IS DISTINCT FROM shown.vector
    UNION ALL
    SELECT post_id, NULL FROM search.post_vectors
    WHERE post_id > :after AND post_id <= :until AND post_id NOT IN (SELECT id FROM shown)
"""
)


def _each_range(work) -> list:
    """`work(engine, after, until)` for every range of post ids, on WORKERS connections at once."""
    engine = db.engine  # the worker threads have no application context to find it
    with engine.connect() as connection:
        last = connection.scalar(sa.select(sa.func.max(Post.id))) or 0
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(lambda after: work(engine, after, after + RANGE), range(0, last, RANGE)))


def rebuild() -> int:
    """Rewrite every vector that differs from what it should be, a range of posts at a time.

    Each range is a transaction of its own that sees one snapshot (REPEATABLE READ): if a post of
    the range changes meanwhile, the range fails on its row and is written again, rather than
    overwriting the newer vector with one computed from the older text."""

    def one_range(engine: sa.Engine, after: int, until: int) -> int:
        while True:
            try:
                with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
                    with connection.begin():
                        return connection.scalar(REBUILD_RANGE, {"after": after, "until": until})
            except sa.exc.OperationalError as error:
                if not rolled_back_for(error, SERIALIZATION_FAILURE):
                    raise

    with db.engine.begin() as connection:
        if not connection.scalar(sa.select(sa.exists(sa.select(post_vectors.c.post_id)))):
            # A first build fills the table, then indexes it: several times faster than growing the
            # index row by row, and there is nothing to find meanwhile.
            connection.exec_driver_sql("DROP INDEX IF EXISTS search.post_vectors_vector")
    count = sum(_each_range(one_range))
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        connection.exec_driver_sql(schema.INDEX)
        # Fresh statistics let the planner tell common words from rare ones.
        connection.exec_driver_sql("ANALYZE search.post_vectors")
    apply_pending(everything=True)
    return count


def check() -> Report:
    def one_range(engine: sa.Engine, after: int, until: int) -> list:
        with engine.connect() as connection:
            return connection.execute(CHECK_RANGE, {"after": after, "until": until}).all()

    report = Report()
    for rows in _each_range(one_range):
        for post_id, missing in rows:
            if missing is None:
                report.extra.append(post_id)
            elif missing:
                report.missing.append(post_id)
            else:
                report.stale.append(post_id)
    with reading_session(db.engine) as session:
        report.queued = queue.pending_count(session)
    return report


def exists() -> bool:
    """Whether any post has a vector, or there is no post to give one."""
    with db.engine.connect() as connection:
        return connection.scalar(
            sa.select(sa.exists(sa.select(post_vectors.c.post_id)) | ~sa.exists(sa.select(Post.id)))
        )
