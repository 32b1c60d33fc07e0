"""email: an outbox, members' preferences, confirmed addresses; erased accounts

Revision ID: 0009_mail_and_privacy
Revises: 0008_mutes_and_notifications
Create Date: 2026-12-10 10:00:00

Every existing member counts as confirmed since they joined (nobody loses what they could do), and
every existing notification as mailed (the first digest does not send years of history).

Going down, the outbox and the preferences are dropped (messages not sent yet are lost with the
feature); the accounts keep their rows, erased ones included.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_mail_and_privacy"
down_revision = "0008_mutes_and_notifications"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE users SET email_confirmed_at = created_at")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mailed_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE notifications SET mailed_at = created_at")
    unmailed = sa.text("mailed_at IS NULL AND read_at IS NULL")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_unmailed", ["user_id"], unique=False, postgresql_where=unmailed, sqlite_where=unmailed
        )

    op.create_table(
        "email_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "delivery IN ('immediately', 'digest', 'never')", name=op.f("ck_email_preferences_delivery")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_email_preferences_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_preferences")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_email_preferences_user_id_kind")),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mail_outbox_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_outbox_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_mail_outbox_waiting", ["sent_at", "failed_at", "next_attempt_at"], unique=False)


def downgrade():
    op.drop_table("mail_outbox")
    op.drop_table("email_preferences")

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_unmailed")
        batch_op.drop_column("mailed_at")

    # In place: a batch move would copy `users` into a new table and drop the old one, which SQLite
    # refuses while other tables' rows refer to it (ALTER TABLE … DROP COLUMN needs SQLite 3.35).
    op.execute("ALTER TABLE users DROP COLUMN erased_at")
    op.execute("ALTER TABLE users DROP COLUMN email_confirmed_at")
