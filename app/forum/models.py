from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.clock import utcnow
from app.extensions import db
from app.limits import (
    CATEGORY_DESCRIPTION_MAX_LENGTH,
    CATEGORY_NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SLUG_MAX_LENGTH,
    THREAD_SLUG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)

DISCUSSION = "discussion"
IDEAS = "ideas"
CATEGORY_KINDS = (DISCUSSION, IDEAS)
# What staff say became of an idea.
IDEA_STATUSES = ("new", "under_review", "planned", "done", "declined")
UNANSWERED = sa.text("reply_count = 0 AND deleted_at IS NULL")


class Category(db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(CATEGORY_NAME_MAX_LENGTH))
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX_LENGTH), unique=True)
    description: Mapped[str] = mapped_column(sa.String(CATEGORY_DESCRIPTION_MAX_LENGTH), default="")
    position: Mapped[int] = mapped_column(default=0)
    thread_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime | None]
    # DISCUSSION, or IDEAS: members vote for its threads, and staff say what became of each.
    # Defaults of the database's own, as for every column added to an existing table: rows written
    # without the ORM, such as bulk loads, need no change.
    kind: Mapped[str] = mapped_column(sa.String(16), server_default=DISCUSSION)

    def __repr__(self) -> str:
        return f"<Category {self.slug!r}>"

    @property
    def holds_ideas(self) -> bool:
        return self.kind == IDEAS


class Thread(db.Model):
    __tablename__ = "threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX_LENGTH))
    slug: Mapped[str] = mapped_column(sa.String(THREAD_SLUG_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Every post ever written in the thread, tombstones included: the next post's position.
    post_total: Mapped[int] = mapped_column(default=0)
    # Replies still shown (neither deleted nor hidden), the figure listings display.
    reply_count: Mapped[int] = mapped_column(default=0)
    view_count: Mapped[int] = mapped_column(default=0)
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    lock_reason: Mapped[str | None] = mapped_column(sa.String(REASON_MAX_LENGTH))
    solution_post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("posts.id", use_alter=True, ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None]
    # An idea's (a thread of an ideas category): what became of it, and the staff's reason.
    idea_status: Mapped[str | None] = mapped_column(sa.String(16))
    idea_status_reason: Mapped[str | None] = mapped_column(sa.String(REASON_MAX_LENGTH))
    # Members' votes for the idea, kept in the transaction of each vote.
    vote_count: Mapped[int] = mapped_column(server_default="0")

    # Listings always show the author and the category beside a thread.
    author: Mapped[User] = relationship(lazy="joined")
    category: Mapped[Category] = relationship(lazy="joined")

    __table_args__ = (
        # Category pages list live threads pinned first, then by last activity, at any page depth.
        sa.Index(
            "ix_threads_listing",
            "category_id",
            "pinned",
            "last_activity_at",
            "id",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        ),
        sa.Index(
            "ix_threads_latest",
            "last_activity_at",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        ),
        # The questions that wait for a first answer, the longest waiting first, everywhere or in a category.
        sa.Index("ix_threads_unanswered", "created_at", sqlite_where=UNANSWERED, postgresql_where=UNANSWERED),
        sa.Index(
            "ix_threads_unanswered_category",
            "category_id",
            "created_at",
            sqlite_where=UNANSWERED,
            postgresql_where=UNANSWERED,
        ),
        sa.Index("ix_threads_author_id", "author_id"),
        # Counting a member's accepted solutions starts from their posts.
        sa.Index("ix_threads_solution_post_id", "solution_post_id"),
    )

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.slug!r}>"

    @property
    def is_solved(self) -> bool:
        return self.solution_post_id is not None


class Post(db.Model):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reply_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("posts.id", ondelete="SET NULL"))
    position: Mapped[int]
    body_source: Mapped[str] = mapped_column(sa.Text)
    # Rendered and sanitised once at write time: the only user content a template marks safe.
    body_html: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    helpful_count: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(REASON_MAX_LENGTH))
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The author of a hidden post may ask once for another look; a moderator then decides.
    review_requested_at: Mapped[datetime | None]
    review_decided_at: Mapped[datetime | None]

    # A post is never shown without its author's name and rank.
    author: Mapped[User] = relationship(lazy="joined", foreign_keys=[author_id])
    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id])
    reply_to: Mapped["Post | None"] = relationship(remote_side=[id], foreign_keys=[reply_to_id])

    __table_args__ = (
        sa.UniqueConstraint("thread_id", "position"),
        sa.Index("ix_posts_author_id_created_at", "author_id", "created_at"),
        sa.Index("ix_posts_author_id_helpful_count", "author_id", "helpful_count"),
    )

    def __repr__(self) -> str:
        return f"<Post {self.id} in thread {self.thread_id}>"

    @property
    def is_opening(self) -> bool:
        return self.position == 1

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class PostRevision(db.Model):
    """The source of a post as it was before one edit."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id"), index=True)
    editor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body_source: Mapped[str] = mapped_column(sa.Text)
    title: Mapped[str | None] = mapped_column(sa.String(TITLE_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    editor: Mapped[User] = relationship(lazy="joined")
