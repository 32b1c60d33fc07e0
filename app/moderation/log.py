"""The public moderation log: every action of staff and of the system, with its reason."""

from flask_babel import gettext as _

from app.accounts.models import User
from app.errors import InvalidInput
from app.extensions import db
from app.forum.models import IDEA_STATUSES, Category, Post, Thread
from app.limits import REASON_MAX_LENGTH, REASON_MIN_LENGTH
from app.moderation.models import ModerationAction

# Actions, as stored; the log page words each of them.
HIDE_POST = "hide_post"
AUTO_HIDE_POST = "auto_hide_post"
RESTORE_POST = "restore_post"
DISMISS_FLAGS = "dismiss_flags"
KEEP_HIDDEN = "keep_hidden"
LOCK_THREAD = "lock_thread"
UNLOCK_THREAD = "unlock_thread"
PIN_THREAD = "pin_thread"
UNPIN_THREAD = "unpin_thread"
MOVE_THREAD = "move_thread"
SUSPEND_USER = "suspend_user"
UNSUSPEND_USER = "unsuspend_user"
CREATE_CATEGORY = "create_category"
EDIT_CATEGORY = "edit_category"
DELETE_CATEGORY = "delete_category"
REORDER_CATEGORY = "reorder_category"
GRANT_MODERATOR = "grant_moderator"
REVOKE_MODERATOR = "revoke_moderator"
ERASE_ACCOUNT = "account_erased"
# What staff say became of an idea: one action per status, so that the log says which.
IDEA_STATUS_ACTIONS = {status: f"idea_{status}" for status in IDEA_STATUSES}

ACTIONS = (
    HIDE_POST,
    AUTO_HIDE_POST,
    RESTORE_POST,
    DISMISS_FLAGS,
    KEEP_HIDDEN,
    LOCK_THREAD,
    UNLOCK_THREAD,
    PIN_THREAD,
    UNPIN_THREAD,
    MOVE_THREAD,
    SUSPEND_USER,
    UNSUSPEND_USER,
    CREATE_CATEGORY,
    EDIT_CATEGORY,
    DELETE_CATEGORY,
    REORDER_CATEGORY,
    GRANT_MODERATOR,
    REVOKE_MODERATOR,
    ERASE_ACCOUNT,
    *IDEA_STATUS_ACTIONS.values(),
)


def log_action(
    actor: User | None,
    action: str,
    reason: str,
    *,
    post: Post | None = None,
    thread: Thread | None = None,
    user: User | None = None,
    category: Category | None = None,
) -> ModerationAction:
    """Write one line of the public log; no actor means the system acted. The caller commits."""
    entry = ModerationAction(
        actor_id=actor.id if actor else None,
        action=action,
        reason=reason,
        post_id=post.id if post else None,
        thread_id=thread.id if thread else (post.thread_id if post else None),
        user_id=user.id if user else None,
        category_id=category.id if category else None,
    )
    db.session.add(entry)
    return entry


def check_reason(reason: str | None) -> str:
    """Every moderation and admin action states why: a reason of a few words at least."""
    reason = " ".join((reason or "").split())
    if len(reason) < REASON_MIN_LENGTH:
        raise InvalidInput(_("Give the reason for this action, in a few words."), "reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(_("A reason has at most %(max)d characters.", max=REASON_MAX_LENGTH), "reason")
    return reason
