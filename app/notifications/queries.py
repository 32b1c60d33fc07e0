"""Reading notifications: a member's notifications gathered into groups, one line each, and the
count of unread groups shown in the header."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.accounts.models import User
from app.extensions import db
from app.forum.models import Post
from app.notifications.models import Notification
from app.notifications.services import HELPFUL, REPLY, REPLY_TO
from app.pagination import Page, check_page_exists, page_count

# What one group gathers: the helpful marks on one reply, the replies in one thread (those in a
# thread the member watches, and those to the member's own posts); any other kind stands alone.
# Only notifications still unread, or read at the same moment, share a group: what came since the
# member last read starts a group of its own.
_GATHERED_ON = sa.case(
    (Notification.kind == HELPFUL, Notification.post_id),
    (Notification.kind.in_((REPLY, REPLY_TO)), Notification.thread_id),
    else_=Notification.id,
)
GROUPED_BY = (Notification.kind, _GATHERED_ON, Notification.read_at)


@dataclass(frozen=True)
class NotificationGroup:
    """Notifications shown as one line: named after the latest, leading to the first."""

    latest: Notification
    first: Notification
    count: int
    actor_count: int  # distinct members who did what the group tells

    @property
    def kind(self) -> str:
        return self.latest.kind

    @property
    def is_unread(self) -> bool:
        return self.latest.read_at is None

    @property
    def other_actors(self) -> int:
        """How many members besides the one the line names."""
        return max(self.actor_count - 1, 0)


def _groups_of(user: User) -> sa.Select:
    return (
        sa.select(
            sa.func.max(Notification.id).label("latest_id"),
            sa.func.min(Notification.id).label("first_id"),
            sa.func.count().label("count"),
            sa.func.count(sa.distinct(Notification.actor_id)).label("actor_count"),
        )
        .where(Notification.user_id == user.id)
        .group_by(*GROUPED_BY)
    )


def _count(groups: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(groups.subquery()))


def unread_count(user: User) -> int:
    """How many groups are unread: as many as the lines marked new on the notifications page."""
    return _count(_groups_of(user).where(Notification.read_at.is_(None)))


def notification_groups_page(user: User, number: int, per_page: int) -> Page[NotificationGroup]:
    """A page of `user`'s notification groups, the latest first, with what each one points at
    (three queries, however many notifications the groups gather)."""
    pages = page_count(_count(_groups_of(user)), per_page)
    check_page_exists(number, pages)
    rows = db.session.execute(_latest_first(_groups_of(user)).limit(per_page).offset((number - 1) * per_page)).all()
    return Page(items=_loaded(rows), number=number, pages=pages)


def groups_among(user: User, notification_ids: list[int], limit: int) -> tuple[list[NotificationGroup], int]:
    """The groups that some of `user`'s notifications form (those a digest tells of), the latest
    first: the first `limit` of them, and how many there are (two queries)."""
    rows = db.session.execute(_latest_first(_groups_of(user).where(Notification.id.in_(notification_ids)))).all()
    return _loaded(rows[:limit]), len(rows)


def _latest_first(groups: sa.Select) -> sa.Select:
    return groups.order_by(sa.func.max(Notification.created_at).desc(), sa.func.max(Notification.id).desc())


def _loaded(rows) -> list[NotificationGroup]:
    """The groups of `rows`, with the notifications that name them and what those point at."""
    ids = {row.latest_id for row in rows} | {row.first_id for row in rows}
    notifications = {
        notification.id: notification
        for notification in db.session.scalars(
            sa.select(Notification)
            .options(
                joinedload(Notification.actor),
                joinedload(Notification.thread),
                joinedload(Notification.post).joinedload(Post.thread),
            )
            .where(Notification.id.in_(ids))
        )
    }
    return [
        NotificationGroup(notifications[row.latest_id], notifications[row.first_id], row.count, row.actor_count)
        for row in rows
    ]
