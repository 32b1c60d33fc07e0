"""What only administrators do: shape the categories and choose the moderators, each change logged publicly."""

import re

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.accounts import usernames
from app.accounts.models import ADMIN, MEMBER, MODERATOR, User
from app.errors import InvalidInput, PermissionDenied
from app.extensions import db
from app.forum.models import CATEGORY_KINDS, DISCUSSION, Category, Thread
from app.forum.services import make_slug
from app.ideas import services as ideas
from app.limits import (
    CATEGORY_DESCRIPTION_MAX_LENGTH,
    CATEGORY_NAME_MAX_LENGTH,
    SLUG_MAX_LENGTH,
    USERNAME_KEY_MAX_LENGTH,
)
from app.moderation import log

SLUG_PATTERN = re.compile(r"^[a-z0-9-]+$")
UP, DOWN = "up", "down"
# The roles an administrator hands out here; administrators themselves are made from the command line.
ASSIGNABLE_ROLES = (MEMBER, MODERATOR)
MEMBER_SEARCH_LIMIT = 50


def ensure_admin(user: User) -> None:
    if not user.is_authenticated or not user.is_admin:
        raise PermissionDenied(_("Only administrators may do this."))


# Categories


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("A category needs a name."), "name")
    if len(name) > CATEGORY_NAME_MAX_LENGTH:
        raise InvalidInput(_("A name has at most %(max)d characters.", max=CATEGORY_NAME_MAX_LENGTH), "name")
    return name


def check_slug(slug: str, name: str, category: Category | None = None) -> str:
    """The slug as given, or derived from the name when left empty; unique among categories."""
    slug = slug.strip() or make_slug(name)
    if len(slug) > SLUG_MAX_LENGTH:
        raise InvalidInput(_("A slug has at most %(max)d characters.", max=SLUG_MAX_LENGTH), "slug")
    if not SLUG_PATTERN.match(slug):
        raise InvalidInput(_("A slug uses only lowercase letters a to z, digits and hyphens."), "slug")
    taken = sa.select(Category.id).where(Category.slug == slug)
    if category is not None:
        taken = taken.where(Category.id != category.id)
    if db.session.scalar(taken) is not None:
        raise InvalidInput(_("Another category already uses the slug “%(slug)s”.", slug=slug), "slug")
    return slug


def check_description(description: str) -> str:
    description = description.strip()
    if len(description) > CATEGORY_DESCRIPTION_MAX_LENGTH:
        raise InvalidInput(
            _("A description has at most %(max)d characters.", max=CATEGORY_DESCRIPTION_MAX_LENGTH), "description"
        )
    return description


def check_kind(kind: str | None) -> str:
    if kind not in CATEGORY_KINDS:
        raise InvalidInput(_("A category's kind is discussion or ideas."), "kind")
    return kind


def create_category(
    admin: User, name: str, slug: str, description: str, reason: str, kind: str | None = DISCUSSION
) -> Category:
    """Add a category at the end of the list. The caller commits, and catches a slug taken meanwhile."""
    ensure_admin(admin)
    name = check_name(name)
    slug = check_slug(slug, name)
    description = check_description(description)
    kind = check_kind(kind)
    reason = log.check_reason(reason)
    last = db.session.scalar(sa.select(sa.func.max(Category.position))) or 0
    category = Category(name=name, slug=slug, description=description, kind=kind, position=last + 1)
    db.session.add(category)
    db.session.flush()
    log.log_action(admin, log.CREATE_CATEGORY, reason, category=category)
    return category


def edit_category(
    admin: User, category: Category, name: str, slug: str, description: str, reason: str, kind: str | None = None
) -> bool:
    """Change a category's name, slug, description or kind (left out: unchanged); returns whether
    anything changed. Its threads take or lose the status of ideas with the kind (app.ideas.services)."""
    ensure_admin(admin)
    name = check_name(name)
    slug = check_slug(slug, name, category)
    description = check_description(description)
    kind = category.kind if kind is None else check_kind(kind)
    reason = log.check_reason(reason)
    if (name, slug, description, kind) == (category.name, category.slug, category.description, category.kind):
        return False
    category.name, category.slug, category.description = name, slug, description
    ideas.change_kind(category, kind)
    log.log_action(admin, log.EDIT_CATEGORY, reason, category=category)
    db.session.flush()
    return True


def move_category(admin: User, category: Category, direction: str | None, reason: str) -> bool:
    """Swap a category with its neighbour above or below; returns False when it is already at that end."""
    ensure_admin(admin)
    if direction not in (UP, DOWN):
        raise InvalidInput(_("A category moves up or down."), "direction")
    reason = log.check_reason(reason)
    # Positions are renumbered 1..n first, so that ties and gaps left by older data never block a move.
    ordered = list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.id).with_for_update()))
    for position, each in enumerate(ordered, start=1):
        each.position = position
    index = ordered.index(category)
    neighbour_index = index - 1 if direction == UP else index + 1
    if not 0 <= neighbour_index < len(ordered):
        return False
    neighbour = ordered[neighbour_index]
    category.position, neighbour.position = neighbour.position, category.position
    log.log_action(admin, log.REORDER_CATEGORY, reason, category=category)
    db.session.flush()
    return True


def thread_total(category: Category) -> int:
    """Every thread ever started in the category, deleted ones included: they still point at it."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Thread).where(Thread.category_id == category.id))


def delete_category(admin: User, category: Category, reason: str) -> None:
    """Remove a category that never held a thread. The caller commits, and catches a thread started meanwhile."""
    ensure_admin(admin)
    reason = log.check_reason(reason)
    threads = thread_total(category)
    if threads:
        raise InvalidInput(
            ngettext(
                "The category “%(name)s” holds %(num)d thread, deleted ones included: "
                "move it to another category before removing the category.",
                "The category “%(name)s” holds %(num)d threads, deleted ones included: "
                "move them to another category before removing the category.",
                threads,
                name=category.name,
            )
        )
    # The log's earlier lines about the category lose their link to it (the foreign key sets it
    # to NULL) and keep the rest; the removal's own line cannot name a row that is gone.
    db.session.delete(category)
    log.log_action(admin, log.DELETE_CATEGORY, reason)
    db.session.flush()


# Roles


def search_members(text: str, limit: int = MEMBER_SEARCH_LIMIT) -> list[User]:
    """Accounts whose username starts with `text`, ignoring case and look-alike characters."""
    prefix = usernames.lookalike_key(usernames.normalise(text))
    # A prefix longer than any username key, or holding a NUL, cannot match; it is not worth a query
    # (one PostgreSQL refuses, for the NUL).
    if not prefix or len(prefix) > USERNAME_KEY_MAX_LENGTH or "\x00" in prefix:
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.username_key.startswith(prefix, autoescape=True))
            .order_by(User.username_key)
            .limit(limit)
        )
    )


def staff() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_((MODERATOR, ADMIN)), User.erased_at.is_(None))
            .order_by(User.role, User.username_key)
        )
    )


def role_refusal(admin: User, user: User) -> str | None:
    """Why `admin` may not change `user`'s role here, or None when they may."""
    if user.id == admin.id:
        return _("You cannot change your own role.")
    if user.is_admin:
        return _("An administrator's role cannot be changed here.")
    return None


def change_role(admin: User, user: User, role: str | None, reason: str) -> bool:
    """Make a member a moderator or a moderator a member again; returns False when the role was already so."""
    ensure_admin(admin)
    refusal = role_refusal(admin, user)
    if refusal:
        raise PermissionDenied(refusal)
    if role not in ASSIGNABLE_ROLES:
        raise InvalidInput(_("The role is member or moderator."), "role")
    reason = log.check_reason(reason)
    if user.role == role:
        return False
    user.role = role
    log.log_action(admin, log.GRANT_MODERATOR if role == MODERATOR else log.REVOKE_MODERATOR, reason, user=user)
    db.session.flush()
    return True
