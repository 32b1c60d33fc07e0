"""What tests share beyond fixtures: accounts made without the slow password hash, a login
shortcut, and a counter of the SQL statements a page issues."""
from contextlib import contextmanager

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from app.accounts.models import MEMBER, User
from app.accounts.usernames import lookalike_key
from app.extensions import db

PASSWORD = "correct horse battery"
# Hashing is slow on purpose; the fixtures' accounts share one hash.
PASSWORD_HASH = generate_password_hash(PASSWORD)


def make_user(username: str, role: str = MEMBER, **fields) -> User:
    user = User(
        username=username,
        username_key=lookalike_key(username),
        email=f"{username.lower()}@example.org",
        password_hash=PASSWORD_HASH,
        role=role,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


class Auth:
    """Log a test client in as a user without going through the (slow) password check."""

    def __init__(self, client):
        self.client = client

    def login(self, user: User) -> None:
        with self.client.session_transaction() as session:
            session["_user_id"] = str(user.id)
            session["_fresh"] = True

    def logout(self) -> None:
        with self.client.session_transaction() as session:
            session.clear()


TRANSACTION_CONTROL = ("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def counting_statements():
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)


def statements_for(client, url: str) -> int:
    client.get(url)  # once first, so that one-off writes (a member's last visit) are not counted
    with counting_statements() as statements:
        assert client.get(url).status_code == 200
    return len(statements)
