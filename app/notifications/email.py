"""Notification emails: how each member wants to hear of each kind of notification by email (at
once, in the daily digest, or never), the message sent at once, and the signed links that stop them.

A member chooses for eight preferences: seven kinds have one each (the status of ideas among them),
and the six outcomes of moderation share one. Only the choices that differ from a preference's
default are stored: a member who never chose follows the defaults. Only confirmed addresses of
accounts not erased receive notifications."""

from collections.abc import Mapping
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.forum.models import Post, Thread
from app.forum.rendering import plain_text
from app.mail import outbox
from app.mail.rendering import external_url
from app.notifications import services, wording
from app.notifications.models import DELIVERIES, DIGEST, IMMEDIATELY, NEVER, EmailPreference, Notification
from app.notifications.queries import NotificationGroup


class Preference(NamedTuple):
    name: str  # as stored in EmailPreference.kind, and the field of the preferences form
    kinds: tuple[str, ...]
    default: str
    label: str


MODERATION = "moderation"
IDEAS = "ideas"
PREFERENCES = {
    preference.name: preference
    for preference in (
        Preference(services.REPLY, (services.REPLY,), IMMEDIATELY, _l("Replies in the threads I watch")),
        Preference(services.REPLY_TO, (services.REPLY_TO,), IMMEDIATELY, _l("Replies to my messages")),
        Preference(services.MENTION, (services.MENTION,), IMMEDIATELY, _l("Mentions of my name")),
        Preference(services.HELPFUL, (services.HELPFUL,), DIGEST, _l("My replies found helpful")),
        Preference(services.SOLUTION, (services.SOLUTION,), DIGEST, _l("My replies accepted as the solution")),
        Preference(services.BADGE, (services.BADGE,), DIGEST, _l("The badges I earn")),
        Preference(
            MODERATION,
            (
                services.POST_HIDDEN,
                services.POST_RESTORED,
                services.FLAGS_UPHELD,
                services.FLAGS_DISMISSED,
                services.SUSPENDED,
                services.SUSPENSION_LIFTED,
            ),
            DIGEST,
            _l("Moderation of my messages, of my flags and of my account"),
        ),
        Preference(IDEAS, (services.IDEA_STATUS,), IMMEDIATELY, _l("What became of the ideas I had or voted for")),
    )
}
PREFERENCE_OF_KIND = {kind: preference.name for preference in PREFERENCES.values() for kind in preference.kinds}
# What the digest's unsubscribe link stops: every preference delivered in the digest.
EVERY_DIGEST = "all"
# The share of a post an email quotes: enough to know whether to open it.
EXCERPT_LENGTH = 300


# Choosing


def deliveries(member: User) -> dict[str, str]:
    """The member's delivery for each preference: what they chose, else its default."""
    chosen = _stored(member)
    return {name: chosen.get(name, preference.default) for name, preference in PREFERENCES.items()}


def choose_deliveries(member: User, choices: Mapping[str, str]) -> None:
    """Save the member's deliveries (preference name → delivery); the preferences left out keep theirs."""
    for name, delivery in choices.items():
        if name not in PREFERENCES:
            raise InvalidInput(_("There is no such kind of notification: %(name)s.", name=name))
        if delivery not in DELIVERIES:
            raise InvalidInput(_("Choose one of: %(values)s.", values=", ".join(DELIVERIES)), name)
    stored = _stored(member)
    for name, delivery in choices.items():
        if delivery == PREFERENCES[name].default:
            if name in stored:
                db.session.execute(sa.delete(EmailPreference).where(*_row_of(member, name)))
        elif stored.get(name) != delivery:
            _store(member, name, delivery, exists=name in stored)


def _stored(member: User) -> dict[str, str]:
    return dict(
        db.session.execute(
            sa.select(EmailPreference.kind, EmailPreference.delivery).where(EmailPreference.user_id == member.id)
        ).all()
    )


def _row_of(member: User, name: str) -> tuple[sa.ColumnElement[bool], ...]:
    return EmailPreference.user_id == member.id, EmailPreference.kind == name


def _store(member: User, name: str, delivery: str, exists: bool) -> None:
    update = sa.update(EmailPreference).where(*_row_of(member, name)).values(delivery=delivery)
    if exists:
        db.session.execute(update)
        return
    try:
        with db.session.begin_nested():
            db.session.execute(sa.insert(EmailPreference).values(user_id=member.id, kind=name, delivery=delivery))
    except IntegrityError:
        # A concurrent request (a second click on an unsubscribe link) stored a choice first.
        db.session.execute(update)


# Unsubscribing


def _link_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="entraide-unsubscribe")


def unsubscribe_url(member: User, stop: str) -> str:
    """The link that stops emails of one preference, or the digest (`EVERY_DIGEST`), for `member`.

    It does not expire, so that a message read months later still stops what it says; the signature
    is its only authority, as mail clients follow it without a session (RFC 8058)."""
    token = _link_signer().dumps({"user": member.id, "stop": stop})
    return external_url("notifications.unsubscribe", token=token)


def read_unsubscribe_link(token: str) -> tuple[User, str]:
    """The member and what a link stops: a preference's name or `EVERY_DIGEST`."""
    try:
        data = _link_signer().loads(token)
    except BadSignature:
        data = None
    user_id, stop = (data.get("user"), data.get("stop")) if isinstance(data, dict) else (None, None)
    member = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if member is None or member.is_erased or (stop not in PREFERENCES and stop != EVERY_DIGEST):
        raise NotFound(_("This unsubscribe link is not valid. Check that it was copied whole."))
    return member, stop


def stopped_by(member: User, stop: str) -> list[str]:
    """The preferences a link stops: its own, or every one the member has delivered in the digest."""
    if stop != EVERY_DIGEST:
        return [stop]
    return [name for name, delivery in deliveries(member).items() if delivery == DIGEST]


def unsubscribe(member: User, stop: str) -> list[str]:
    """Set what a link stops to never; returns the preferences it stopped."""
    names = stopped_by(member, stop)
    choose_deliveries(member, dict.fromkeys(names, NEVER))
    return names


def list_headers(unsubscribe_link: str) -> dict[str, str]:
    """Headers that let mail clients offer a one-click unsubscribe (RFC 8058), and keep
    out-of-office replies away (RFC 3834)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


# Mailing at once


def mail_at_once(
    kinds: Mapping[int, str],
    actor: User | None = None,
    thread: Thread | None = None,
    post: Post | None = None,
    detail: str = "",
) -> set[int]:
    """Queue a message to each member of `kinds` (member id → kind of the notification about to be
    written for them) who wants that kind told at once; returns their ids, whose notifications the
    caller writes as mailed. One query reads every member's address and choices."""
    members = _told_at_once(kinds)
    if members:
        thread = thread or (post.thread if post else None)
    for member, kind in members:
        # The notification as the message tells it; the caller writes the row itself.
        notification = Notification(user_id=member.id, kind=kind, actor=actor, thread=thread, post=post, detail=detail)
        unsubscribe_link = unsubscribe_url(member, PREFERENCE_OF_KIND[kind])
        outbox.queue(
            "notification",
            user=member,
            headers=list_headers(unsubscribe_link),
            group=NotificationGroup(notification, notification, 1, 1),
            sentence=wording.sentence,
            reason=wording.reason,
            excerpt=_excerpt(notification),
            url=link_of(notification, member),
            preferences_url=external_url("notifications.preferences"),
            unsubscribe_url=unsubscribe_link,
        )
    return {member.id for member, _kind in members}


def _told_at_once(kinds: Mapping[int, str]) -> list[tuple[User, str]]:
    if not kinds:
        return []
    names = {PREFERENCE_OF_KIND[kind] for kind in kinds.values()}
    rows = db.session.execute(
        sa.select(User, EmailPreference.kind, EmailPreference.delivery)
        .outerjoin(EmailPreference, sa.and_(EmailPreference.user_id == User.id, EmailPreference.kind.in_(names)))
        .where(User.id.in_(kinds), User.email_confirmed_at.is_not(None), User.erased_at.is_(None))
    ).all()
    members = {member.id: member for member, _name, _delivery in rows}
    chosen = {(member.id, name): delivery for member, name, delivery in rows if name is not None}
    told = []
    for user_id, kind in kinds.items():
        name = PREFERENCE_OF_KIND[kind]
        if user_id in members and chosen.get((user_id, name), PREFERENCES[name].default) == IMMEDIATELY:
            told.append((members[user_id], kind))
    return told


def _excerpt(notification: Notification) -> str | None:
    post = notification.post
    if notification.kind not in (services.REPLY, services.REPLY_TO, services.MENTION) or not post.is_visible:
        return None
    return plain_text(post.body_html, EXCERPT_LENGTH)


def link_of(notification: Notification, member: User) -> str | None:
    """Where an email about `notification` leads, on the public URL: the member's badges for a badge; else
    its post (through the permalink, which finds the post's page), else its thread, else nowhere."""
    if notification.kind == services.BADGE:
        return external_url("accounts.profile", username=member.username)
    thread = notification.post.thread if notification.post else notification.thread
    if thread is None or thread.deleted_at is not None:
        return None
    if notification.post:
        return external_url("forum.post", post_id=notification.post.id)
    return external_url("forum.thread", thread_id=thread.id, slug=thread.slug)
