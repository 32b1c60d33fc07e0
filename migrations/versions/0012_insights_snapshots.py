"""the insights' figures stored for every worker

Revision ID: 0012_insights_snapshots
Revises: 0011_search_misses
Create Date: 2026-12-02 06:00:00

A new table: no existing row changes. Going down, the stored figures are lost; the page computes
them again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_insights_snapshots"
down_revision = "0011_search_misses"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "insights_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights_snapshots")),
    )


def downgrade():
    op.drop_table("insights_snapshots")
