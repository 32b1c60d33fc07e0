"""thread mutes and more notifications

Revision ID: 0008_mutes_and_notifications
Revises: 0007_postgres_full_text_search
Create Date: 2026-12-09 10:00:00

A member's row for a thread now says whether they watch it or muted it: every existing row is a
thread watched, and stays one. Notifications get an index on their post, which an edited post
reads to know whom its mentions already told; their new kinds need no change to the table.

Going down, the rows of muted threads are deleted: the older schema can only say "watching", and
a mute must not come back as its opposite. Every other row is kept, notifications of the new kinds
included (the older pages word them as "something happened").
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_mutes_and_notifications"
down_revision = "0007_postgres_full_text_search"
branch_labels = None
depends_on = None


def upgrade():
    # The default fills the existing rows; the models give every new row its level themselves.
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", sa.String(length=16), nullable=False, server_default="watching"))
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.alter_column("level", existing_type=sa.String(length=16), server_default=None)
        batch_op.create_check_constraint(op.f("ck_subscriptions_level"), "level IN ('watching', 'muted')")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_post_id"), ["post_id"], unique=False)


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_post_id"))

    op.execute("DELETE FROM subscriptions WHERE level = 'muted'")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_subscriptions_level"), type_="check")
        batch_op.drop_column("level")
