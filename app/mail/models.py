from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.extensions import db
from app.limits import EMAIL_MAX_LENGTH

SUBJECT_MAX_LENGTH = 300
ERROR_MAX_LENGTH = 500


class OutgoingMail(db.Model):
    """A message to send, written in the transaction of the event it tells of and rendered then, in
    its recipient's language; sent after the commit, retried until the mail server takes it."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a message to an address no account holds yet (a new address to confirm).
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(EMAIL_MAX_LENGTH))
    subject: Mapped[str] = mapped_column(sa.String(SUBJECT_MAX_LENGTH))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str] = mapped_column(sa.Text)
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A sender holds the messages it is sending until then; a sender killed mid-way lets go this way.
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # Set when the server refused the message for good (an address that does not exist).
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(ERROR_MAX_LENGTH))

    __table_args__ = (sa.Index("ix_mail_outbox_waiting", "sent_at", "failed_at", "next_attempt_at"),)
