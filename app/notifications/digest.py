"""The daily digest (`flask mail digest`): one message per member, telling them what they chose to
hear of in a digest and have neither read nor been told of by email, grouped as their notifications
page groups it. A member's digest and the marking of what it tells as mailed commit together, so
that a second run, even at the same time, tells nothing twice."""

import sqlalchemy as sa

from app.accounts.models import User
from app.clock import utcnow
from app.extensions import db
from app.mail import outbox
from app.mail.rendering import external_url
from app.notifications import email, queries, wording
from app.notifications.models import DIGEST, NEVER, EmailPreference, Notification

# Lines a digest lists; the rest are counted, and on the notifications page.
MAX_LINES = 50


def _waiting(*columns: sa.ColumnElement) -> sa.Select:
    """Notifications unread and not mailed, whose member is mailed at all and wants their kind in
    the digest: stored choice first, else the kind's default."""
    preference = sa.case(
        *((Notification.kind.in_(preference.kinds), preference.name) for preference in email.PREFERENCES.values())
    )
    default = sa.case(
        *((Notification.kind.in_(preference.kinds), preference.default) for preference in email.PREFERENCES.values()),
        else_=NEVER,
    )
    return (
        sa.select(*columns)
        .join(User, User.id == Notification.user_id)
        .outerjoin(
            EmailPreference,
            sa.and_(EmailPreference.user_id == Notification.user_id, EmailPreference.kind == preference),
        )
        .where(
            Notification.mailed_at.is_(None),
            Notification.read_at.is_(None),
            User.email_confirmed_at.is_not(None),
            User.erased_at.is_(None),
            sa.func.coalesce(EmailPreference.delivery, default) == DIGEST,
        )
    )


def members_with_a_digest() -> list[int]:
    """The ids of the members who have something to hear of in a digest: ids only, however many."""
    return list(db.session.scalars(_waiting(Notification.user_id).distinct().order_by(Notification.user_id)))


def queue_digest(member_id: int) -> bool:
    """Queue the member's digest and mark what it tells as mailed; the caller commits. False when
    nothing is left to tell (another run told it meanwhile): the caller then rolls back."""
    ids = list(db.session.scalars(_waiting(Notification.id).where(Notification.user_id == member_id)))
    if not ids:
        return False
    claimed = db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(ids), Notification.mailed_at.is_(None))
        .values(mailed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    # A concurrent run claimed some of them first (on PostgreSQL, this update waited for its commit).
    if claimed != len(ids):
        return False
    member = db.session.get(User, member_id)
    groups, total = queries.groups_among(member, ids, MAX_LINES)
    unsubscribe_link = email.unsubscribe_url(member, email.EVERY_DIGEST)
    outbox.queue(
        "digest",
        user=member,
        headers=email.list_headers(unsubscribe_link),
        lines=[(group, email.link_of(group.first, member)) for group in groups],
        total=total,
        more=total - len(groups),
        sentence=wording.sentence,
        reason=wording.reason,
        notifications_url=external_url("notifications.index"),
        preferences_url=external_url("notifications.preferences"),
        unsubscribe_url=unsubscribe_link,
    )
    return True
