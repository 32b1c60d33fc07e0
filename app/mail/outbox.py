"""Queueing messages: a row of the outbox, written in the transaction of the event it tells of.

A message is never sent from inside that transaction: rolled back, it would tell of something that
did not happen; committed after a slow mail server, it would hold the request. Once a transaction
that queued a message has committed, the request sends the waiting messages after its response
has gone (`send_after_response`); what it cannot send waits for the next request or `flask mail
send`."""

import logging

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_app_context
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.extensions import db
from app.mail import rendering, sending
from app.mail.models import OutgoingMail

log = logging.getLogger(__name__)

# Set in a session's info when its transaction queued a message.
QUEUED = "mail_queued"


def init_app(app: Flask) -> None:
    # The session is shared by every application the process builds (tests build many).
    if not sa.event.contains(db.session, "after_commit", note_commit):
        sa.event.listen(db.session, "after_commit", note_commit)
        sa.event.listen(db.session, "after_rollback", forget_queued)
    app.after_request(send_after_response)


def queue(
    template: str,
    user: User | None = None,
    to_address: str | None = None,
    locale: str | None = None,
    headers: dict | None = None,
    **context,
) -> OutgoingMail:
    """Write `template` for `user` (in their language, to their address) or for `to_address`; the
    caller commits. Returns the outbox row."""
    message = rendering.render(template, locale or (user.locale if user else None), user=user, **context)
    row = OutgoingMail(
        user_id=user.id if user else None,
        to_address=to_address or user.email,
        subject=message.subject,
        text_body=message.text,
        html_body=message.html,
        headers=headers or {},
    )
    db.session.add(row)
    db.session.info[QUEUED] = True
    return row


def note_commit(session: Session) -> None:
    if session.info.pop(QUEUED, False) and has_app_context():
        g.mail_queued = True


def forget_queued(session: Session) -> None:
    session.info.pop(QUEUED, None)


def send_after_response(response: Response) -> Response:
    if g.pop("mail_queued", False) and current_app.config["MAIL_SEND_AFTER_RESPONSE"]:
        app = current_app._get_current_object()
        response.call_on_close(lambda: _send_waiting(app))
    return response


def _send_waiting(app: Flask) -> None:
    try:
        with app.app_context():
            sending.send_waiting()
    except Exception:  # the messages are safe in the outbox: the next sender takes them
        log.exception("could not send the waiting mail")
