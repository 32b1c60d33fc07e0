"""search outbox ids never reused

Revision ID: 0005_outbox_ids_never_reused
Revises: 0004_search_outbox
Create Date: 2026-12-01 16:35:00

SQLite gives a new row the id of a deleted one unless the table is AUTOINCREMENT; the outbox's
writers delete the rows they applied by id, so a reused id could take a newer change away. The
table is rebuilt with its rows (PostgreSQL's sequences never reuse an id: nothing to do there).
"""

from alembic import op

revision = "0005_outbox_ids_never_reused"
down_revision = "0004_search_outbox"
branch_labels = None
depends_on = None


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("search_outbox", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass


def upgrade():
    _rebuild(autoincrement=True)


def downgrade():
    _rebuild(autoincrement=False)
