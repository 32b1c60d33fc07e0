"""Reputation: helpful marks, accepted solutions and the ledger that records what they earn.

Every change that can move a member's points goes through `points_change`: it measures what a
post earns before and after the change and writes the difference to the ledger, in the same
transaction, together with the cached `User.reputation`. So the ledger of a post always sums to
what the post earns now, whatever the order of marks, solutions, hides and restores."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask_babel import gettext as _

from app.accounts.models import User
from app.errors import PermissionDenied
from app.extensions import db
from app.forum.models import Post
from app.forum.queries import lock_posts
from app.notifications import services as notifications
from app.reputation import badges
from app.reputation.models import HelpfulMark, ReputationEvent

HELPFUL_POINTS = 10
SOLUTION_POINTS = 15

# Ledger reasons, as stored and as the profile's history reads them. Moderation and the forum
# wrap hiding, restoring and deleting a post in `points_change` with the last three.
HELPFUL = "helpful"
HELPFUL_WITHDRAWN = "helpful_withdrawn"
SOLUTION = "solution"
SOLUTION_REMOVED = "solution_removed"
POST_HIDDEN = "post_hidden"
POST_RESTORED = "post_restored"
POST_DELETED = "post_deleted"


def post_points(post: Post) -> int:
    """What a post earns its author now: nothing while it is hidden or deleted, or for staff."""
    if not post.is_visible or post.author.is_staff:
        return 0
    points = post.helpful_count * HELPFUL_POINTS
    thread = post.thread
    if thread.solution_post_id == post.id and thread.author_id != post.author_id:
        points += SOLUTION_POINTS
    return points


@contextmanager
def points_change(post: Post, reason: str, actor: User | None = None) -> Iterator[None]:
    """Record in the ledger whatever the enclosed change does to the points `post` earns."""
    before = post_points(post)
    yield
    db.session.flush()
    delta = post_points(post) - before
    if delta:
        record(post.author, delta, reason, post=post, actor=actor)


def record(user: User, delta: int, reason: str, post: Post | None = None, actor: User | None = None) -> None:
    db.session.add(
        ReputationEvent(
            user_id=user.id,
            delta=delta,
            reason=reason,
            post_id=post.id if post else None,
            actor_id=actor.id if actor else None,
        )
    )
    user.reputation = User.reputation + delta


# Helpful marks


def helpful_refusal(user: User, post: Post) -> str | None:
    """Why `user` may not mark `post` helpful, or None when they may."""
    if not user.is_authenticated:
        return _("Log in to mark a reply helpful.")
    if user.is_staff:
        return _("Staff accounts do not mark replies helpful.")
    if user.is_suspended:
        return _("Your account is suspended.")
    if post.is_opening:
        return _("Only replies can be marked helpful.")
    if post.author_id == user.id:
        return _("You cannot mark your own reply helpful.")
    if not post.is_visible:
        return _("This message is not shown any more.")
    return None


def has_marked(user: User, post: Post) -> bool:
    return (
        db.session.scalar(
            sa.select(HelpfulMark.id).where(HelpfulMark.post_id == post.id, HelpfulMark.user_id == user.id)
        )
        is not None
    )


def toggle_helpful(member: User, post: Post) -> bool:
    """Mark `post` helpful for `member`, or withdraw the mark they gave; returns whether it is marked."""
    lock_posts(post)
    refusal = helpful_refusal(member, post)
    if refusal:
        raise PermissionDenied(refusal)
    mark = db.session.scalar(
        sa.select(HelpfulMark).where(HelpfulMark.post_id == post.id, HelpfulMark.user_id == member.id)
    )
    if mark is None:
        with points_change(post, HELPFUL, actor=member):
            db.session.add(HelpfulMark(post_id=post.id, user_id=member.id))
            post.helpful_count = Post.helpful_count + 1
        notifications.notify_once(post.author, notifications.HELPFUL, member, post)
        badges.award_for_contributions(post.author)
        return True
    with points_change(post, HELPFUL_WITHDRAWN, actor=member):
        db.session.delete(mark)
        post.helpful_count = Post.helpful_count - 1
    return False


def marked_post_ids(user: User, posts: list[Post]) -> set[int]:
    """Which of `posts` the viewer has marked helpful (one query for a whole page)."""
    if not user.is_authenticated or not posts:
        return set()
    return set(
        db.session.scalars(
            sa.select(HelpfulMark.post_id).where(
                HelpfulMark.user_id == user.id, HelpfulMark.post_id.in_([post.id for post in posts])
            )
        )
    )


# Accepted solutions


def solution_refusal(user: User, post: Post) -> str | None:
    """Why `user` may not accept `post` as their thread's solution, or None when they may."""
    thread = post.thread
    if not user.is_authenticated or user.id != thread.author_id:
        return _("Only the author of the thread chooses its solution.")
    if user.is_staff:
        return _("Staff accounts do not choose solutions.")
    if user.is_suspended:
        return _("Your account is suspended.")
    if thread.locked:
        return _("This thread is locked.")
    if post.is_opening:
        return _("The question cannot be its own solution.")
    if not post.is_visible:
        return _("This message is not shown any more.")
    return None


def toggle_solution(member: User, post: Post) -> bool:
    """Accept `post` as its thread's solution (replacing any other), or withdraw it if it was.

    Returns whether `post` is now the solution."""
    lock_posts(post)
    refusal = solution_refusal(member, post)
    if refusal:
        raise PermissionDenied(refusal)
    thread = post.thread
    if thread.solution_post_id == post.id:
        with points_change(post, SOLUTION_REMOVED, actor=member):
            thread.solution_post_id = None
        return False
    if thread.solution_post_id is not None:
        # Not locked: a change to it waits for the thread, which this transaction holds.
        previous = db.session.get(Post, thread.solution_post_id, populate_existing=True)
        with points_change(previous, SOLUTION_REMOVED, actor=member):
            thread.solution_post_id = None
    with points_change(post, SOLUTION, actor=member):
        thread.solution_post_id = post.id
    notifications.notify_once(post.author, notifications.SOLUTION, member, post)
    badges.award_for_contributions(post.author)
    return True
