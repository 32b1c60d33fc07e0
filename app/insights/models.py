from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.forum.models import Post
from app.limits import SEARCH_MISS_QUERY_MAX_LENGTH


class SearchMiss(db.Model):
    """How many searches for one (normalised) query found nothing on one day: neither who searched
    nor when beyond the day. Written by `app.visits`, which adds each process's counts to the row."""

    __tablename__ = "search_misses"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(sa.String(SEARCH_MISS_QUERY_MAX_LENGTH))
    day: Mapped[date]
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.UniqueConstraint("query", "day"),)


# The shown replies (after the opening post, neither deleted nor hidden) by the time they were
# written, with all that the weekly figures read of them: the insights count each week's answers and
# answerers from this index alone, never from the posts' wide rows. Its condition is written as
# literals, which every query that means to use it repeats (`SHOWN_REPLY`).
SHOWN_REPLY = sa.text("position > 1 AND deleted_at IS NULL AND hidden_at IS NULL")
shown_replies_by_date = sa.Index(
    "ix_posts_shown_replies_by_date",
    Post.__table__.c.created_at,
    Post.__table__.c.thread_id,
    Post.__table__.c.author_id,
    sqlite_where=SHOWN_REPLY,
    postgresql_where=SHOWN_REPLY,
)


class InsightsSnapshot(db.Model):
    """The insights' figures as last computed (by the daily `flask insights compute` or after a page
    that found them stale), in JSON: every worker of every host reads them in one statement instead
    of computing them. One row, whose id is SNAPSHOT."""

    __tablename__ = "insights_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[datetime]
    figures: Mapped[dict] = mapped_column(sa.JSON)


# The id of the table's one row.
SNAPSHOT = 1
