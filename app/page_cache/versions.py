"""The site's content version: changed by every transaction that changes what visitors see.

Each flush notes whether it changed anything a visitor can see (`note_changes`, `note_statement`);
the transaction then gives the version a new value as it commits, so that the version and the change become
visible together. Kept pages carry the version they were rendered under (see `app.page_cache`).

Only the request's session (`db.session`) is watched: visits and the search outbox write through
sessions of their own, and neither changes a page enough to throw every kept page away."""

import time

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import ORMExecuteState, Session

from app.accounts.models import User
from app.extensions import db
from app.insights.models import InsightsSnapshot, SearchMiss
from app.mail.models import OutgoingMail
from app.moderation.models import Flag, ModerationAction
from app.notifications.models import EmailPreference, Notification, Subscription
from app.page_cache.models import SITE, ContentVersion, new_version
from app.search.models import SearchOutbox

# What no visitor sees: changing only these leaves every page as it was. A flag shows nowhere until
# enough of them hide a post, and hiding it changes the post.
PRIVATE_MODELS = (
    ContentVersion,
    EmailPreference,
    Flag,
    InsightsSnapshot,
    ModerationAction,
    Notification,
    OutgoingMail,
    SearchMiss,
    SearchOutbox,
    Subscription,
)
PRIVATE_TABLES = frozenset(model.__table__ for model in PRIVATE_MODELS)
PRIVATE_USER_FIELDS = frozenset({"email", "email_confirmed_at", "password_hash", "locale", "last_seen_at"})

CHANGED = "page_cache_changed"
RENEWED = "page_cache_renewed"


def init_app(app: Flask) -> None:
    app.extensions["content_version"] = KnownVersion(app.config["PAGE_CACHE_VERSION_CHECK"])
    # The session is shared by every application the process builds (tests build many).
    if not sa.event.contains(db.session, "before_commit", change_version):
        sa.event.listen(db.session, "before_flush", note_changes)
        sa.event.listen(db.session, "do_orm_execute", note_statement)
        sa.event.listen(db.session, "before_commit", change_version)
        sa.event.listen(db.session, "after_commit", forget_known_version)
        sa.event.listen(db.session, "after_rollback", forget_changes)


def _visible_change(instance) -> bool:
    if isinstance(instance, PRIVATE_MODELS):
        return False
    state = sa.inspect(instance)
    changed = {attribute.key for attribute in state.attrs if attribute.history.has_changes()}
    if isinstance(instance, User):
        changed -= PRIVATE_USER_FIELDS
    return bool(changed)


def note_changes(session: Session, _flush_context, _instances) -> None:
    if session.info.get(CHANGED):
        return
    added_or_deleted = [*session.new, *session.deleted]
    if any(not isinstance(instance, PRIVATE_MODELS) for instance in added_or_deleted) or any(
        _visible_change(instance) for instance in session.dirty
    ):
        session.info[CHANGED] = True


def note_statement(state: ORMExecuteState) -> None:
    """Bulk INSERT, UPDATE and DELETE statements (seeding, repairs, counters) change pages too."""
    if (state.is_insert or state.is_update or state.is_delete) and state.statement.table not in PRIVATE_TABLES:
        state.session.info[CHANGED] = True


def change_version(session: Session) -> None:
    # The commit flushes after this hook: flush now, so that the last changes are noted too.
    session.flush()
    if session.info.pop(CHANGED, False):
        session.execute(sa.update(ContentVersion).where(ContentVersion.id == SITE).values(version=new_version()))
        session.info[RENEWED] = True


def forget_changes(session: Session) -> None:
    session.info.pop(CHANGED, None)
    session.info.pop(RENEWED, None)


def forget_known_version(session: Session) -> None:
    # This process's next visitor sees its own change at once, not up to a check interval later.
    if session.info.pop(RENEWED, False) and has_app_context():
        current_app.extensions["content_version"].forget()


class KnownVersion:
    """The content version as this process last read it, trusted for `check_interval` seconds."""

    def __init__(self, check_interval: float):
        self.check_interval = check_interval
        self._version: int | None = None
        self._read_at = -float("inf")

    def current(self) -> int | None:
        """The version, read again once the last reading is too old; None if the row is missing."""
        now = time.monotonic()
        if now - self._read_at >= self.check_interval:
            self._version = db.session.scalar(sa.select(ContentVersion.version).where(ContentVersion.id == SITE))
            self._read_at = now
        return self._version

    def forget(self) -> None:
        self._read_at = -float("inf")


def current_version() -> int | None:
    return current_app.extensions["content_version"].current()
