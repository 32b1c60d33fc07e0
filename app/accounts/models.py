from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db
from app.limits import EMAIL_MAX_LENGTH, REASON_MAX_LENGTH, USERNAME_KEY_MAX_LENGTH, USERNAME_MAX_LENGTH

MEMBER = "member"
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (MEMBER, MODERATOR, ADMIN)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(USERNAME_MAX_LENGTH))
    # Case-folded, confusable-folded form of the username: two names that look alike share it.
    username_key: Mapped[str] = mapped_column(sa.String(USERNAME_KEY_MAX_LENGTH), unique=True)
    # An erased account's is `erased-<id>@invalid`: an address that can receive no mail (RFC 2606).
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX_LENGTH), unique=True)
    # When the member proved the address theirs; None until then (they post at the slowest rate).
    email_confirmed_at: Mapped[datetime | None]
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), default=MEMBER)
    # The sum of the member's reputation ledger, kept in the same transaction as each new line.
    reputation: Mapped[int] = mapped_column(default=0, index=True)
    post_count: Mapped[int] = mapped_column(default=0)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]
    suspended_until: Mapped[datetime | None]
    suspension_reason: Mapped[str | None] = mapped_column(sa.String(REASON_MAX_LENGTH))
    # An erased account keeps its row, under a placeholder name, for the posts and marks that name it.
    erased_at: Mapped[datetime | None]

    __table_args__ = (sa.CheckConstraint(sa.column("role").in_(ROLES), name="role"),)

    def __repr__(self) -> str:
        return f"<User {self.username!r}>"

    @property
    def is_staff(self) -> bool:
        return self.role in (MODERATOR, ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()
