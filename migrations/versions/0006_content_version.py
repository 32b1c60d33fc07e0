"""content version

Revision ID: 0006_content_version
Revises: 0005_outbox_ids_never_reused
Create Date: 2026-12-01 19:10:00

One row whose version every change visible to visitors renews (a random number, never reused):
the kept pages of visitors are served only while it stays the version they were rendered under.
No existing row changes.
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0006_content_version"
down_revision = "0005_outbox_ids_never_reused"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": secrets.randbits(62)}])


def downgrade():
    op.drop_table("content_version")
