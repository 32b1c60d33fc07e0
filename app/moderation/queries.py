"""What the flag queue and the public log read, in a fixed number of statements per page."""

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.forum.models import Post
from app.moderation.models import Flag, ModerationAction
from app.pagination import Page, check_page_exists, page_count


@dataclass
class QueueItem:
    """One post awaiting a decision, with every open flag on it and its author's record."""

    post: Post
    flags: list[Flag] = field(default_factory=list)
    upheld_before: int = 0

    @property
    def reasons(self) -> Counter:
        return Counter(flag.reason for flag in self.flags)

    @property
    def review_requested(self) -> bool:
        return self.post.review_requested_at is not None and self.post.review_decided_at is None


def _awaiting():
    """Each post waiting for a moderator, with the moment it started waiting."""
    flagged = (
        sa.select(Flag.post_id.label("post_id"), sa.func.min(Flag.created_at).label("since"))
        .where(Flag.status == "open")
        .group_by(Flag.post_id)
    )
    reviews = sa.select(Post.id.label("post_id"), Post.review_requested_at.label("since")).where(
        Post.review_requested_at.is_not(None), Post.review_decided_at.is_(None), Post.hidden_at.is_not(None)
    )
    both = sa.union_all(flagged, reviews).subquery()
    return sa.select(both.c.post_id, sa.func.min(both.c.since).label("since")).group_by(both.c.post_id).subquery()


def queue(number: int, per_page: int) -> Page[QueueItem]:
    """Posts awaiting a decision, the longest waiting first."""
    awaiting = _awaiting()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(awaiting))
    pages = page_count(total, per_page)
    check_page_exists(number, pages)
    ids = list(
        db.session.scalars(
            sa.select(awaiting.c.post_id)
            .order_by(awaiting.c.since, awaiting.c.post_id)
            .limit(per_page)
            .offset((number - 1) * per_page)
        )
    )
    if not ids:
        return Page(items=[], number=number, pages=pages)
    posts = {
        post.id: post
        for post in db.session.scalars(sa.select(Post).options(joinedload(Post.thread)).where(Post.id.in_(ids)))
    }
    items = {post_id: QueueItem(posts[post_id]) for post_id in ids}
    for flag in db.session.scalars(
        sa.select(Flag).where(Flag.post_id.in_(ids), Flag.status == "open").order_by(Flag.created_at)
    ):
        items[flag.post_id].flags.append(flag)
    authors = {item.post.author_id for item in items.values()}
    upheld = dict(
        db.session.execute(
            sa.select(Post.author_id, sa.func.count(Flag.id))
            .join(Flag, Flag.post_id == Post.id)
            .where(Post.author_id.in_(authors), Flag.status == "upheld")
            .group_by(Post.author_id)
        ).all()
    )
    for item in items.values():
        item.upheld_before = upheld.get(item.post.author_id, 0)
    return Page(items=list(items.values()), number=number, pages=pages)


def log_page(number: int, per_page: int, action: str | None = None) -> Page[ModerationAction]:
    """A page of the public log, newest first, optionally one kind of action only."""
    query = sa.select(ModerationAction)
    if action:
        query = query.where(ModerationAction.action == action)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    pages = page_count(total, per_page)
    check_page_exists(number, pages)
    entries = db.session.scalars(
        query.options(
            joinedload(ModerationAction.post).joinedload(Post.thread),
            joinedload(ModerationAction.thread),
            joinedload(ModerationAction.user),
            joinedload(ModerationAction.category),
        )
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return Page(items=list(entries.unique()), number=number, pages=pages)
