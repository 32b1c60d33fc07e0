"""The mail outbox: what a transaction queues is sent after it commits, once, through a real SMTP
server; a server that is down loses nothing, several senders at once send each message once."""

import logging
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.clock import utcnow
from app.extensions import db
from app.mail import outbox, sending
from app.mail.models import OutgoingMail
from tests import live
from tests.helpers import make_user
from tests.smtp import SMTPServer, html_part, text_part


def queue_for(user, count: int = 1) -> None:
    for _ in range(count):
        outbox.queue("password_reset", user=user, url="http://127.0.0.1:5000/x", minutes=60)
    db.session.commit()


def rows() -> list[OutgoingMail]:
    db.session.expire_all()
    return db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)).all()


def change_rows(**values) -> None:
    db.session.commit()  # a transaction that read first could not write on SQLite, once others wrote
    db.session.execute(sa.update(OutgoingMail).values(**values))
    db.session.commit()


def make_due() -> None:
    """Let the time of the next attempts come, as if the back-off had passed."""
    change_rows(next_attempt_at=utcnow() - timedelta(seconds=1))


def test_a_queued_message_is_sent_with_both_parts_and_its_headers(app, member, smtp_server):
    outbox.queue(
        "password_reset", user=member, url="http://127.0.0.1:5000/x", minutes=60, headers={"X-Entraide": "oui"}
    )
    db.session.commit()
    report = sending.send_waiting()
    assert (report.sent, report.failed, report.postponed) == (1, 0, 0)
    [message] = smtp_server.inbox.messages
    assert message["To"] == "camille@example.org"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["X-Entraide"] == "oui"
    assert "http://127.0.0.1:5000/x" in text_part(message)
    assert "http://127.0.0.1:5000/x" in html_part(message)
    assert rows()[0].sent_at is not None


def test_a_rolled_back_transaction_sends_nothing(app, member, smtp_server):
    outbox.queue("password_reset", user=member, url="http://127.0.0.1:5000/x", minutes=60)
    db.session.rollback()
    assert rows() == []
    assert sending.send_waiting().sent == 0


def test_a_server_down_loses_nothing_and_sends_nothing_twice_when_back(app, runner, member, smtp_server):
    queue_for(member, 3)
    smtp_server.stop()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "0 sent" in result.output
    [first, *others] = rows()
    assert first.attempts == 1 and first.next_attempt_at > utcnow() and first.last_error
    assert all(row.attempts == 0 and row.claimed_until is None for row in others)  # let go at once
    assert [row.sent_at for row in rows()] == [None, None, None]

    smtp_server.start()
    assert runner.invoke(args=["mail", "send"]).output.startswith("2 sent")  # the first waits its turn
    make_due()
    assert runner.invoke(args=["mail", "send"]).output.startswith("1 sent")
    assert runner.invoke(args=["mail", "send"]).output.startswith("0 sent")
    assert len(smtp_server.inbox.messages) == 3
    assert all(row.sent_at is not None for row in rows())


def test_the_wait_between_attempts_grows_and_is_bounded(app, member, smtp_server):
    queue_for(member)
    smtp_server.stop()
    waits = []
    for _ in range(12):
        make_due()
        before = utcnow()
        sending.send_waiting()
        waits.append(rows()[0].next_attempt_at - before)
    assert waits[0] < waits[1] < waits[2]
    assert max(waits) <= sending.MAX_RETRY_WAIT + timedelta(seconds=5)
    assert rows()[0].attempts == 12


def test_an_address_refused_for_good_is_not_tried_again(app, smtp_server):
    queue_for(make_user("Perdu", email="perdu@refused.example.org"))
    queue_for(make_user("Nadia"))
    report = sending.send_waiting()
    assert (report.sent, report.failed) == (1, 1)
    refused, sent = rows()
    assert refused.failed_at is not None and "550" in refused.last_error
    make_due()
    assert sending.send_waiting().sent == 0
    assert smtp_server.inbox.recipients == [["nadia@example.org"]]


def test_a_claim_left_by_a_killed_sender_expires(app, member, smtp_server):
    queue_for(member)
    change_rows(claimed_until=utcnow() + timedelta(minutes=5))
    assert sending.send_waiting().sent == 0  # another sender holds it
    change_rows(claimed_until=utcnow() - timedelta(seconds=1))
    assert sending.send_waiting().sent == 1


def test_without_a_mail_server_messages_are_written_to_the_log(app, member, caplog):
    assert app.config["MAIL_BACKEND"] == "app.mail.log_backend"
    queue_for(member)
    with caplog.at_level(logging.INFO, logger="app.mail"):
        assert sending.send_waiting().sent == 1
    assert "mail to camille@example.org: Choisissez un nouveau mot de passe sur Entraide" in caplog.text


def test_the_logged_messages_show_whatever_the_root_loggers_level(app, member, monkeypatch):
    """`flask run` leaves the root logger at WARNING: the messages must still be shown."""
    logger = logging.getLogger("app.mail")
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    queue_for(member)
    sending.send_waiting()
    assert logger.getEffectiveLevel() <= logging.INFO


def test_old_messages_are_deleted_after_the_days_kept(app, runner, member, smtp_server):
    queue_for(member, 2)
    sending.send_waiting()
    db.session.execute(sa.update(OutgoingMail).where(OutgoingMail.id == 1).values(sent_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    assert "1 old messages deleted" in runner.invoke(args=["mail", "send"]).output
    assert [row.id for row in rows()] == [2]


@pytest.mark.slow
def test_several_senders_at_once_send_each_message_once(app, instance_path, postgres_url, smtp_server):
    people = [make_user(f"Membre{n}") for n in range(6)]
    for person in people:
        queue_for(person, 15)
    env = {
        "ENTRAIDE_INSTANCE_PATH": str(instance_path),
        "ENTRAIDE_SECRET_KEY": "test",
        "ENTRAIDE_MAIL_SERVER": "127.0.0.1",
        "ENTRAIDE_MAIL_PORT": str(smtp_server.port),
    }
    if postgres_url:
        env["ENTRAIDE_SQLALCHEMY_DATABASE_URI"] = postgres_url
    senders = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "send"],
            cwd=live.PROJECT_ROOT,
            env={**live.os.environ, **env},
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [sender.communicate(timeout=120)[0] for sender in senders]
    assert sum(int(output.split()[0]) for output in outputs) == 90, outputs
    assert len(smtp_server.inbox.messages) == 90
    assert len({message["Message-ID"] for message in smtp_server.inbox.messages}) == 90
    assert all(row.sent_at is not None for row in rows())


@pytest.mark.slow
def test_members_registering_at_once_each_get_one_message(tmp_path, server_database_url):
    """Through gunicorn's workers: each registration's message is sent after its response, once."""
    smtp = SMTPServer()
    smtp.start()
    settings = {"RATELIMIT_ENABLED": "false", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port)}
    if server_database_url:
        settings["SQLALCHEMY_DATABASE_URI"] = server_database_url
    server, process = live.start(tmp_path / "instance", workers=3, **settings)
    try:
        statuses = []

        def register(n: int) -> None:
            browser = live.Browser(server.url)
            token = browser.csrf_token("/register")
            data = {"username": f"Nouveau{n}", "email": f"nouveau{n}@example.org", "password": "un mot de passe"}
            status, _ = browser.request("POST", "/register", {**data, "confirm": data["password"], "csrf_token": token})
            statuses.append(status)
            browser.request("GET", "/")  # reading while the others write

        threads = [threading.Thread(target=register, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [302] * 8
        assert "0 sent" in server.flask("mail", "send").stdout  # nothing was left waiting
        assert sorted(address for [address] in smtp.inbox.recipients) == sorted(
            f"nouveau{n}@example.org" for n in range(8)
        )
    finally:
        live.stop(process)
        smtp.stop()
