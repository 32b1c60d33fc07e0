from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db


class SearchOutbox(db.Model):
    """A post, or a whole thread, whose index entries are to be rewritten from the database.

    Written in the transaction of the change itself and deleted once the index has it, so that a
    change can never be lost between the database and the index."""

    __tablename__ = "search_outbox"
    # A writer deletes the rows it applied by id, after it has let go of the index's lock: by then
    # another writer may have applied and deleted them too, and a new change must not be given a
    # freed id that the first writer's delete would take away with them. SQLite reuses the ids of
    # deleted rows unless the table is AUTOINCREMENT; PostgreSQL's sequences never do.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None]
    thread_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
