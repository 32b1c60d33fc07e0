from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db
from app.limits import REASON_MAX_LENGTH

if TYPE_CHECKING:
    from app.accounts.models import User
    from app.forum.models import Post, Thread


# What a member chose for a thread: hear of every new reply, or of nothing that happens in it.
WATCHING = "watching"
MUTED = "muted"
LEVELS = (WATCHING, MUTED)


class Subscription(db.Model):
    """A member watching a thread (notified of its new replies) or muting it (notified of nothing
    members do in it). One row per member and thread, so that the two exclude each other; a member
    without a row hears only of what concerns them (mentions, replies to their posts, …)."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id"), index=True)
    level: Mapped[str] = mapped_column(sa.String(16), default=WATCHING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("user_id", "thread_id"),
        sa.CheckConstraint(sa.column("level").in_(LEVELS), name="level"),
    )


UNMAILED = sa.text("mailed_at IS NULL AND read_at IS NULL")


class Notification(db.Model):
    """One event told to one member; the notifications page shows related ones as one line."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("threads.id"))
    # Indexed for the mentions a post already notified, looked up when it is edited.
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("posts.id"), index=True)
    # A moderator's reason, told to the member it concerns; the key of a badge earned.
    detail: Mapped[str] = mapped_column(sa.String(REASON_MAX_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # When an email told of it, at once or in a digest: no notification is mailed twice.
    mailed_at: Mapped[datetime | None]

    # Targets named by string: importing app.forum here would run its package, whose services
    # import the notifications' services, which import this module.
    actor: Mapped["User | None"] = relationship("User", foreign_keys=[actor_id])
    thread: Mapped["Thread | None"] = relationship("Thread", foreign_keys=[thread_id])
    post: Mapped["Post | None"] = relationship("Post", foreign_keys=[post_id])

    __table_args__ = (
        sa.Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
        # The few rows a daily digest looks for, among all that were ever written.
        sa.Index("ix_notifications_unmailed", "user_id", postgresql_where=UNMAILED, sqlite_where=UNMAILED),
    )


# How a member wants to hear of a kind of notification by email.
IMMEDIATELY = "immediately"
DIGEST = "digest"
NEVER = "never"
DELIVERIES = (IMMEDIATELY, DIGEST, NEVER)


class EmailPreference(db.Model):
    """A member's choice of delivery for one kind of notification; without a row, the kind's default."""

    __tablename__ = "email_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    delivery: Mapped[str] = mapped_column(sa.String(16))

    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind"),
        sa.CheckConstraint(sa.column("delivery").in_(DELIVERIES), name="delivery"),
    )
