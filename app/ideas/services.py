"""Ideas' rules: members vote for the ideas of an ideas category, and staff say what became of each.

A thread has a status exactly while it is in an ideas category: it gets `new` when it is started
in one or enters one (a move, or its category turned into an ideas category), and loses it when it
leaves. Its votes stay with it wherever it goes; listings show them only beside a status."""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.errors import InvalidInput, PermissionDenied
from app.extensions import db
from app.forum.models import IDEA_STATUSES, Category, Thread
from app.ideas.models import IdeaVote
from app.moderation import log
from app.notifications import services as notifications

NEW = IDEA_STATUSES[0]
STATUS_LABELS = {
    "new": _l("New"),
    "under_review": _l("Under review"),
    "planned": _l("Planned"),
    "done": _l("Done"),
    "declined": _l("Declined"),
}


def status_label(status: str | None) -> str:
    return str(STATUS_LABELS.get(status, status or ""))


# Entering and leaving an ideas category


def status_on_entering(category: Category) -> str | None:
    """The status a thread takes in `category`: `new` in an ideas category, none elsewhere."""
    return NEW if category.holds_ideas else None


def place_thread(thread: Thread, target: Category) -> None:
    """Give a thread moving into `target` the status it has there (none leaving ideas, `new` entering)."""
    if target.holds_ideas != (thread.idea_status is not None):
        thread.idea_status, thread.idea_status_reason = status_on_entering(target), None


def change_kind(category: Category, kind: str) -> None:
    """Turn a category into an ideas category or back, its threads taking or losing their status."""
    if kind == category.kind:
        return
    category.kind = kind
    db.session.execute(
        sa.update(Thread)
        .where(Thread.category_id == category.id)
        .values(idea_status=status_on_entering(category), idea_status_reason=None)
        .execution_options(synchronize_session="fetch")
    )


# Votes


def vote_refusal(user: User, thread: Thread) -> str | None:
    """Why `user` may not vote for `thread`, or None when they may. Members may vote for their own
    ideas, as on Discourse: a vote says "I want this", whoever had the idea."""
    if not user.is_authenticated:
        return _("Log in to vote for an idea.")
    if user.is_staff:
        return _("Staff accounts do not vote for ideas.")
    if user.is_suspended:
        return _("Your account is suspended.")
    return None


def ensure_idea(thread: Thread) -> None:
    if not thread.category.holds_ideas:
        raise InvalidInput(_("Only the threads of an ideas category take votes and a status."))


def has_voted(user: User, thread: Thread) -> bool:
    if not user.is_authenticated:
        return False
    return db.session.scalar(sa.select(sa.exists().where(IdeaVote.thread_id == thread.id, IdeaVote.user_id == user.id)))


def toggle_vote(member: User, thread: Thread) -> bool:
    """Vote for the idea, or withdraw the vote given; returns whether `member` votes for it now.

    The count moves in SQL in the vote's own transaction. A vote a concurrent request of the same
    member (a double click) wrote first is found by the unique constraint, inside a savepoint, and
    counted once; a withdrawal moves the count only when it deleted the row."""
    ensure_idea(thread)
    refusal = vote_refusal(member, thread)
    if refusal:
        raise PermissionDenied(refusal)
    if has_voted(member, thread):
        deleted = db.session.execute(
            sa.delete(IdeaVote).where(IdeaVote.thread_id == thread.id, IdeaVote.user_id == member.id)
        ).rowcount
        if deleted:
            _count_vote(thread, -1)
        return False
    try:
        with db.session.begin_nested():
            db.session.add(IdeaVote(thread_id=thread.id, user_id=member.id))
    except IntegrityError:
        return True
    _count_vote(thread, +1)
    return True


def _count_vote(thread: Thread, step: int) -> None:
    db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(vote_count=Thread.vote_count + step)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(thread, ["vote_count"])


def voter_ids(thread: Thread) -> list[int]:
    return list(db.session.scalars(sa.select(IdeaVote.user_id).where(IdeaVote.thread_id == thread.id)))


# Statuses


def check_status(status: str | None) -> str:
    if status not in IDEA_STATUSES:
        raise InvalidInput(_("Choose one of: %(values)s.", values=", ".join(IDEA_STATUSES)), "status")
    return status


def set_status(actor: User, thread: Thread, status: str | None, reason: str | None) -> None:
    """Say what became of an idea, and why: shown on the idea, logged publicly, and told to its
    author and to every member who voted for it."""
    if not actor.is_authenticated or not actor.is_staff:
        raise PermissionDenied(_("Only moderators and administrators may do this."))
    ensure_idea(thread)
    status = check_status(status)
    reason = log.check_reason(reason)
    thread.idea_status, thread.idea_status_reason = status, reason
    log.log_action(actor, log.IDEA_STATUS_ACTIONS[status], reason, thread=thread)
    notifications.notify_idea_status(thread, [thread.author_id, *voter_ids(thread)], actor, status, reason)
