"""Sending the outbox: by a process after its response, or by `flask mail send`; any number at once.

A sender claims a batch of due messages by setting their `claimed_until` and commits (on PostgreSQL
it skips the rows another sender is claiming, `FOR UPDATE SKIP LOCKED`; SQLite's writers take
turns), then sends them one by one, recording each outcome in a transaction of its own. A message is
marked sent once the server took it. A sender killed mid-way leaves its claim to expire, and then
another sends what it had not marked: a message goes twice only if its sender dies between the
server's acceptance and the commit that records it.

When the server cannot be reached the sender stops, and the message it was sending waits longer
each time (1, 2, 4 … minutes, at most `MAX_RETRY_WAIT`); the rest of its batch is let go at once. A
message the server refuses for good (an unknown address, a 5xx reply) is kept, marked failed."""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_mailman import EmailMultiAlternatives

from app.clock import utcnow
from app.database import writing_session
from app.extensions import db, mailman
from app.mail.models import ERROR_MAX_LENGTH, OutgoingMail

log = logging.getLogger(__name__)

BATCH = 50
# How long a sender holds the messages it claimed: far beyond a batch sent at the server's timeout.
CLAIM = timedelta(minutes=15)
MAX_RETRY_WAIT = timedelta(hours=6)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0  # refused for good
    postponed: int = 0  # to be tried again later

    def __str__(self) -> str:
        return f"{self.sent} sent, {self.failed} refused for good, {self.postponed} to try again later."


class ServerUnavailable(Exception):
    """The mail server could not be reached or dropped the connection: nothing more to try now."""


def send_waiting(limit: int | None = None) -> SendReport:
    """Send the due messages, at most `limit`, until none is left or the server cannot be reached."""
    report = SendReport()
    connection = mailman.get_connection()
    while limit is None or report.sent + report.failed < limit:
        batch = _claim(BATCH if limit is None else min(BATCH, limit - report.sent - report.failed))
        if not batch:
            break
        try:
            _send_batch(connection, batch, report)
        except ServerUnavailable:
            break
    return report


def _send_batch(connection, batch: list[OutgoingMail], report: SendReport) -> None:
    try:
        connection.open()
    except OSError as error:
        _postpone(batch[0], error, report)
        _release(batch[1:])
        raise ServerUnavailable from error
    try:
        for position, message in enumerate(batch):
            try:
                connection.send_messages([_email(message, connection)])
            except smtplib.SMTPRecipientsRefused as error:
                _fail(message, error, report)
            except smtplib.SMTPResponseException as error:
                if error.smtp_code >= 500:
                    _fail(message, error, report)
                else:
                    _postpone(message, error, report)
            except (smtplib.SMTPException, OSError) as error:
                _postpone(message, error, report)
                _release(batch[position + 1 :])
                raise ServerUnavailable from error
            else:
                _record(message.id, sent_at=utcnow(), claimed_until=None)
                report.sent += 1
    finally:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            pass


def _claim(size: int) -> list[OutgoingMail]:
    now = utcnow()
    with writing_session(db.engine) as session, session.begin():
        due = session.scalars(
            sa.select(OutgoingMail)
            .where(
                OutgoingMail.sent_at.is_(None),
                OutgoingMail.failed_at.is_(None),
                OutgoingMail.next_attempt_at <= now,
                sa.or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now),
            )
            .order_by(OutgoingMail.id)
            .limit(size)
            .with_for_update(skip_locked=True)
        ).all()
        session.execute(
            sa.update(OutgoingMail)
            .where(OutgoingMail.id.in_([message.id for message in due]))
            .values(claimed_until=now + CLAIM)
            .execution_options(synchronize_session=False)
        )
        session.expunge_all()
    return due


def _email(message: OutgoingMail, connection) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[message.to_address],
        headers=message.headers,
        connection=connection,
    )
    email.attach_alternative(message.html_body, "text/html")
    return email


def _record(message_id: int, **values) -> None:
    with writing_session(db.engine) as session, session.begin():
        session.execute(sa.update(OutgoingMail).where(OutgoingMail.id == message_id).values(**values))


def _postpone(message: OutgoingMail, error: Exception, report: SendReport) -> None:
    attempts = message.attempts + 1
    wait = min(timedelta(minutes=2 ** (attempts - 1)), MAX_RETRY_WAIT) if attempts < 20 else MAX_RETRY_WAIT
    log.warning("mail %s to be tried again in %s: %s", message.id, wait, error)
    _record(
        message.id,
        attempts=attempts,
        next_attempt_at=utcnow() + wait,
        claimed_until=None,
        last_error=str(error)[:ERROR_MAX_LENGTH],
    )
    report.postponed += 1


def _fail(message: OutgoingMail, error: Exception, report: SendReport) -> None:
    log.error("mail %s refused for good: %s", message.id, error)
    _record(
        message.id,
        attempts=message.attempts + 1,
        failed_at=utcnow(),
        claimed_until=None,
        last_error=str(error)[:ERROR_MAX_LENGTH],
    )
    report.failed += 1


def _release(batch: list[OutgoingMail]) -> None:
    if batch:
        with writing_session(db.engine) as session, session.begin():
            session.execute(
                sa.update(OutgoingMail)
                .where(OutgoingMail.id.in_([message.id for message in batch]))
                .values(claimed_until=None)
            )


def purge_old(days: int) -> int:
    """Delete the messages sent, or refused for good, more than `days` days ago; returns how many."""
    before = utcnow() - timedelta(days=days)
    with writing_session(db.engine) as session, session.begin():
        return session.execute(
            sa.delete(OutgoingMail).where(sa.or_(OutgoingMail.sent_at < before, OutgoingMail.failed_at < before))
        ).rowcount
