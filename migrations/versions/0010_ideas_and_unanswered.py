"""ideas categories with votes and statuses; an index of the questions waiting for an answer

Revision ID: 0010_ideas_and_unanswered
Revises: 0009_mail_and_privacy
Create Date: 2026-12-11 10:00:00

Every existing category is a discussion category and every thread has no vote and no idea status:
no row changes meaning. The kinds and statuses are checked by the services rather than by CHECK
constraints, which SQLite could only add by copying the tables, and it refuses to drop the old
copies while other tables' rows refer to them.

Going down, the votes and the ideas' statuses are lost with the feature; every category, thread and
post stays.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_ideas_and_unanswered"
down_revision = "0009_mail_and_privacy"
branch_labels = None
depends_on = None

UNANSWERED = sa.text("reply_count = 0 AND deleted_at IS NULL")


def upgrade():
    with op.batch_alter_table("categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="discussion", nullable=False))
    with op.batch_alter_table("threads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idea_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("idea_status_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("vote_count", sa.Integer(), server_default="0", nullable=False))
    op.create_index(
        "ix_threads_unanswered", "threads", ["created_at"], sqlite_where=UNANSWERED, postgresql_where=UNANSWERED
    )
    op.create_index(
        "ix_threads_unanswered_category",
        "threads",
        ["category_id", "created_at"],
        sqlite_where=UNANSWERED,
        postgresql_where=UNANSWERED,
    )
    op.create_table(
        "idea_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], name=op.f("fk_idea_votes_thread_id_threads")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_idea_votes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_votes")),
        sa.UniqueConstraint("thread_id", "user_id", name=op.f("uq_idea_votes_thread_id_user_id")),
    )
    op.create_index(op.f("ix_idea_votes_user_id"), "idea_votes", ["user_id"], unique=False)


def downgrade():
    op.drop_table("idea_votes")
    op.drop_index("ix_threads_unanswered_category", table_name="threads")
    op.drop_index("ix_threads_unanswered", table_name="threads")
    # In place: a batch move would copy the tables, which SQLite refuses while other rows refer to them.
    for column in ("vote_count", "idea_status_reason", "idea_status"):
        op.execute(f"ALTER TABLE threads DROP COLUMN {column}")
    op.execute("ALTER TABLE categories DROP COLUMN kind")
