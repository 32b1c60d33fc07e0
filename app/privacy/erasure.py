"""Erasing an account at its member's request.

The row stays, because posts, helpful marks, ledger lines, flags and the moderation log point to
it, so that other members' threads, counts and reputation stay as they were; what it says of the
person goes: name, address, password, language, visits, suspension. What exists only for them goes
with it (notifications, subscriptions, email preferences, their mail), and their words too when
they ask: each post becomes a tombstone as when its author deletes it, and its text and earlier
versions are removed. Everything happens in the caller's one transaction."""

import re

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash

from app.accounts.models import ADMIN, User
from app.accounts.usernames import lookalike_key
from app.clock import utcnow
from app.errors import InvalidInput
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Post, PostRevision
from app.insights import snapshots as insights_snapshots
from app.mail.models import OutgoingMail
from app.moderation import log
from app.notifications.models import EmailPreference, Notification, Subscription
from app.search import outbox as search_outbox


def erased_name(user_id: int) -> str:
    """The name an erased account goes by. Never one a member holds or can take: the username rules
    refuse spaces (`usernames.ALLOWED`), and no letter or digit folds to a space in a look-alike
    key, so no registrable name shares this one's key; the id keeps erased accounts apart."""
    return f"deleted member {user_id}"


def erased_email(user_id: int) -> str:
    # The column is unique and required; `.invalid` is reserved (RFC 2606): no mail can reach it.
    return f"erased-{user_id}@invalid"


def erasure_refusal(user: User) -> str | None:
    """Why `user`'s account may not be erased, or None when it may."""
    if user.is_admin and not _another_admin_than(user):
        return _(
            "This is the last administrator account: the forum would have nobody left to manage it. "
            "Another administrator must exist before this account can be erased."
        )
    return None


def _another_admin_than(user: User) -> bool:
    return (
        db.session.scalar(
            sa.select(User.id).where(User.role == ADMIN, User.id != user.id, User.erased_at.is_(None)).limit(1)
        )
        is not None
    )


def erase_account(user: User, password: str, delete_posts: bool) -> None:
    """Erase `user`'s account, once they have confirmed with their password; the caller commits."""
    if not check_password_hash(user.password_hash, password or ""):
        raise InvalidInput(_("The current password is wrong."), "password")
    refusal = erasure_refusal(user)
    if refusal:
        raise InvalidInput(refusal)
    if delete_posts:
        _withdraw_posts(user)
    _remove_withdrawn_words(user)
    _forget_mail(user)
    _forget_what_was_theirs(user)
    _anonymise(user)
    # The search knows posts by their author's name: those still shown are written again under the new one.
    search_outbox.queue_posts(
        db.session, db.session.scalars(sa.select(Post.id).where(Post.author_id == user.id, Post.deleted_at.is_(None)))
    )
    # The stored insights may name them among the top helpers.
    insights_snapshots.forget()
    # Stored once for every reader, so in the forum's own language, as other system lines are.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        reason = (
            _("At the member's request; their messages were deleted.")
            if delete_posts
            else _("At the member's request; their messages stay, under the name of a deleted member.")
        )
    log.log_action(None, log.ERASE_ACCOUNT, reason, user=user)
    db.session.flush()


def _withdraw_posts(user: User) -> None:
    """Every post of `user` still standing becomes a tombstone. Replies first: an opening post whose
    thread has no reply left then takes its thread away, as when its author deletes it."""
    standing = db.session.scalars(
        sa.select(Post)
        .where(Post.author_id == user.id, Post.deleted_at.is_(None))
        .options(joinedload(Post.thread))
        .order_by(Post.position.desc(), Post.id)
    ).all()
    forum.withdraw_posts(user, standing)


def _remove_withdrawn_words(user: User) -> None:
    """Nobody reads a deleted post (`forum.can_read_text`): the erasure removes its text, and the
    versions its edits kept, which the history shows only for posts still standing."""
    withdrawn = sa.select(Post.id).where(Post.author_id == user.id, Post.deleted_at.is_not(None))
    db.session.execute(sa.delete(PostRevision).where(PostRevision.post_id.in_(withdrawn)))
    db.session.execute(
        sa.update(Post)
        .where(Post.author_id == user.id, Post.deleted_at.is_not(None))
        .values(body_source="", body_html="")
    )


def _forget_mail(user: User) -> None:
    """Their messages, and other members' that name them ("… replied to you"): a message about an
    account that no longer exists is not worth sending or keeping."""
    db.session.execute(
        sa.delete(OutgoingMail).where(sa.or_(OutgoingMail.user_id == user.id, OutgoingMail.to_address == user.email))
    )
    # Matched as a whole name, not inside a longer word or name ("Ann" in "annual", "ann.b"); a
    # full stop after it may end a sentence. The database narrows the rows down, Python decides.
    name = re.compile(rf"(?<![\w.-]){re.escape(user.username)}(?![\w-])(?!\.\w)", re.IGNORECASE)
    texts = (OutgoingMail.subject, OutgoingMail.text_body, OutgoingMail.html_body)
    mentioning = sa.or_(*(text.icontains(user.username, autoescape=True) for text in texts))
    candidates = db.session.execute(sa.select(OutgoingMail.id, *texts).where(mentioning)).all()
    naming = [row.id for row in candidates if any(name.search(text) for text in row[1:])]
    if naming:
        db.session.execute(sa.delete(OutgoingMail).where(OutgoingMail.id.in_(naming)))


def _forget_what_was_theirs(user: User) -> None:
    """Rows that exist only for them. Other members' notifications of what they did stay, without
    the actor, so that those members' lists keep their lines."""
    db.session.execute(sa.delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(sa.update(Notification).where(Notification.actor_id == user.id).values(actor_id=None))
    db.session.execute(sa.delete(Subscription).where(Subscription.user_id == user.id))
    db.session.execute(sa.delete(EmailPreference).where(EmailPreference.user_id == user.id))


def _anonymise(user: User) -> None:
    user.username = erased_name(user.id)
    user.username_key = lookalike_key(user.username)
    user.email = erased_email(user.id)
    # werkzeug's check_password_hash is False for an empty hash, whatever the password.
    user.password_hash = ""
    user.locale = None
    user.last_seen_at = None
    user.email_confirmed_at = None
    user.suspended_until = None
    user.suspension_reason = None
    user.erased_at = utcnow()
