from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.clock import utcnow
from app.extensions import db
from app.forum.models import Category, Post, Thread
from app.limits import FLAG_NOTE_MAX_LENGTH, REASON_MAX_LENGTH

FLAG_REASONS = ("spam", "abusive", "off_topic", "other")
FLAG_STATUSES = ("open", "upheld", "dismissed")


class Flag(db.Model):
    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id"))
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.String(FLAG_NOTE_MAX_LENGTH), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    resolver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The queue shows who flagged, beside every reason.
    reporter: Mapped[User] = relationship(lazy="joined", foreign_keys=[reporter_id])

    __table_args__ = (
        sa.UniqueConstraint("post_id", "reporter_id"),
        sa.CheckConstraint(sa.column("reason").in_(FLAG_REASONS), name="reason"),
        sa.CheckConstraint(sa.column("status").in_(FLAG_STATUSES), name="status"),
        sa.Index("ix_flags_status_created_at", "status", "created_at"),
    )


class ModerationAction(db.Model):
    """One line of the public moderation log. No actor means the system acted."""

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(32), index=True)
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("posts.id"))
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("threads.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Removing an empty category keeps the log lines that name it, without the link.
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(REASON_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    # The log names who acted (no actor means the system did) and links to what they acted on.
    actor: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[actor_id])
    post: Mapped["Post | None"] = relationship(foreign_keys=[post_id])
    thread: Mapped["Thread | None"] = relationship(foreign_keys=[thread_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    category: Mapped["Category | None"] = relationship(foreign_keys=[category_id])
