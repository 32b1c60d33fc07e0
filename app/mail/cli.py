"""`flask mail send`: the outbox's due messages, for a cron line or after the mail server was down;
`flask mail digest`: the daily digest of notifications, for a cron line once a day."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.database import begin_reading
from app.extensions import db
from app.mail import sending
from app.notifications import digest as digests
from app.reputation import badges

mail_cli = AppGroup("mail", help="Send email.")


@mail_cli.command("send")
def send() -> None:
    """Send every due message, then forget those sent or refused long ago; exit 1 if the server
    could not be reached."""
    report = sending.send_waiting()
    purged = sending.purge_old(current_app.config["MAIL_KEEP_DAYS"])
    click.echo(f"{report} {purged} old messages deleted.")
    if report.postponed:
        raise SystemExit(1)


@mail_cli.command("digest")
def digest() -> None:
    """Tell the day's anniversaries, queue the digest of each member who has something to hear of in
    it, each in a transaction of its own, then send the outbox; exit 1 if the server could not be
    reached (the digests wait)."""
    badges.notify_anniversaries()
    db.session.commit()
    begin_reading(db.session)  # on SQLite, finding the members must not hold the writers' lock
    member_ids = digests.members_with_a_digest()
    db.session.commit()
    queued = 0
    for member_id in member_ids:
        if digests.queue_digest(member_id):
            db.session.commit()
            queued += 1
        else:
            db.session.rollback()
    report = sending.send_waiting()
    click.echo(f"{queued} digests queued. {report}")
    if report.postponed:
        raise SystemExit(1)
