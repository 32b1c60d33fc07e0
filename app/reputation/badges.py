"""Badges: milestones of a member's contributions, awarded once with the date they were earned."""

from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.clock import utcnow
from app.extensions import db
from app.forum.models import Post, Thread
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.reputation.models import Badge


class BadgeKind(NamedTuple):
    key: str
    label: str
    description: str


HELPFUL_MILESTONES = {1: "first-helpful", 10: "helpful-10", 100: "helpful-100"}
SOLUTION_MILESTONES = {1: "first-solution", 10: "solutions-10"}
ANNIVERSARY = "anniversary"
ANNIVERSARY_AFTER = timedelta(days=365)
# How late an anniversary is still told: a daily run that missed a few days catches up.
ANNIVERSARY_NOTICE_DAYS = 7

KINDS = {
    kind.key: kind
    for kind in (
        BadgeKind("first-helpful", _l("First helpful reply"), _l("A reply was marked helpful for the first time.")),
        BadgeKind("helpful-10", _l("Helpful"), _l("10 replies marked helpful.")),
        BadgeKind("helpful-100", _l("Pillar of the community"), _l("100 replies marked helpful.")),
        BadgeKind("first-solution", _l("First solution"), _l("A reply was accepted as the solution.")),
        BadgeKind("solutions-10", _l("Problem solver"), _l("10 replies accepted as solutions.")),
        BadgeKind(ANNIVERSARY, _l("One year among us"), _l("Member for a year.")),
    )
}


class EarnedBadge(NamedTuple):
    kind: BadgeKind
    awarded_at: datetime


def helpful_reply_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Post)
        .where(Post.author_id == user.id, Post.helpful_count > 0, Post.deleted_at.is_(None), Post.hidden_at.is_(None))
    )


def solution_count(user: User) -> int:
    """Replies of `user` accepted as the solution of someone else's thread."""
    solution = aliased(Post)
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Thread)
        .join(solution, solution.id == Thread.solution_post_id)
        .where(solution.author_id == user.id, Thread.author_id != user.id, Thread.deleted_at.is_(None))
    )


def award_for_contributions(user: User) -> None:
    """Award the helpful-reply and solution milestones `user` has reached and does not hold yet,
    and tell them of each."""
    if user.is_staff:
        return
    held = set(db.session.scalars(sa.select(Badge.key).where(Badge.user_id == user.id)))
    reached = _reached(HELPFUL_MILESTONES, helpful_reply_count(user)) | _reached(
        SOLUTION_MILESTONES, solution_count(user)
    )
    for key in sorted(reached - held):
        try:
            with db.session.begin_nested():
                db.session.add(Badge(user_id=user.id, key=key))
                notifications.notify(user, notifications.BADGE, detail=key)
        except IntegrityError:
            pass  # a concurrent request awarded it first; the savepoint keeps the rest of the work


def notify_anniversaries() -> int:
    """Tell each member whose first year ended in the last `ANNIVERSARY_NOTICE_DAYS` days of their
    anniversary badge, once; returns how many were told. The badge itself follows from the join
    date (`badges_of`): only the news of it needs a daily run (`flask mail digest`). Older
    anniversaries are not told late, so the first run on an old forum tells nobody of years past."""
    year_ago = utcnow() - ANNIVERSARY_AFTER
    told = sa.exists().where(
        Notification.user_id == User.id, Notification.kind == notifications.BADGE, Notification.detail == ANNIVERSARY
    )
    members = db.session.scalars(
        sa.select(User).where(
            User.created_at <= year_ago,
            User.created_at > year_ago - timedelta(days=ANNIVERSARY_NOTICE_DAYS),
            User.erased_at.is_(None),
            ~told,
        )
    ).all()
    for member in members:
        notifications.notify(member, notifications.BADGE, detail=ANNIVERSARY)
    return len(members)


def _reached(milestones: dict[int, str], count: int) -> set[str]:
    return {key for threshold, key in milestones.items() if count >= threshold}


def badges_of(user: User) -> list[EarnedBadge]:
    """Every badge `user` holds, oldest first; the anniversary follows from the join date alone."""
    earned = [
        EarnedBadge(KINDS[badge.key], badge.awarded_at)
        for badge in db.session.scalars(sa.select(Badge).where(Badge.user_id == user.id))
        if badge.key in KINDS
    ]
    anniversary = user.created_at + ANNIVERSARY_AFTER
    if anniversary <= utcnow():
        earned.append(EarnedBadge(KINDS[ANNIVERSARY], anniversary))
    return sorted(earned, key=lambda badge: badge.awarded_at)
