"""searches that found nothing, counted per normalised query and day

Revision ID: 0011_search_misses
Revises: 0010_ideas_and_unanswered
Create Date: 2026-12-12 10:00:00

A new table, and an index of the shown replies by date for the weekly figures: no existing row changes.
Going down, the counts of missed searches are lost.
"""

import sqlalchemy as sa
from alembic import op

SHOWN_REPLY = sa.text("position > 1 AND deleted_at IS NULL AND hidden_at IS NULL")

revision = "0011_search_misses"
down_revision = "0010_ideas_and_unanswered"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_misses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_misses")),
        sa.UniqueConstraint("query", "day", name=op.f("uq_search_misses_query_day")),
    )
    op.create_index(
        "ix_posts_shown_replies_by_date",
        "posts",
        ["created_at", "thread_id", "author_id"],
        sqlite_where=SHOWN_REPLY,
        postgresql_where=SHOWN_REPLY,
    )


def downgrade():
    op.drop_index("ix_posts_shown_replies_by_date", table_name="posts")
    op.drop_table("search_misses")
