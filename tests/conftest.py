"""Shared fixtures: an application on a temporary instance folder, a client, users of every role.

Set ENTRAIDE_TEST_POSTGRES to a PostgreSQL maintenance URL (`make test-pg`) to run the suite on a
database created for the run and dropped after it; the default is a fresh SQLite file per test."""

import contextvars
import os
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from app.accounts.models import ADMIN, MODERATOR
from app.clock import utcnow
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category
from app.page_cache.models import ContentVersion, insert_row
from app.reputation import services as reputation
from tests.helpers import Auth, make_user, write_reply


@contextmanager
def new_postgres_database(server_url: str, prefix: str):
    """A database of its own on the PostgreSQL server that `server_url` reaches, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL database for the whole run, or None to use SQLite."""
    admin_url = os.environ.get("ENTRAIDE_TEST_POSTGRES")
    if not admin_url:
        yield None
        return
    with new_postgres_database(admin_url, "entraide_test") as url:
        yield url


@pytest.fixture
def row_locks(postgres_url):
    """For a test of two transactions where one waits for the rows the other holds: PostgreSQL's
    row locks. SQLite's write transactions never overlap."""
    if not postgres_url:
        pytest.skip("row locks held by another transaction need PostgreSQL")


@pytest.fixture
def server_database_url(postgres_url):
    """For a test that serves the forum with gunicorn: None on SQLite (the server's instance folder
    holds its database), else a PostgreSQL database of its own, migrated by the server's start."""
    if not postgres_url:
        yield None
        return
    with new_postgres_database(postgres_url, "entraide_live") as url:
        yield url


@pytest.fixture
def instance_path(tmp_path, monkeypatch):
    path = tmp_path / "instance"
    monkeypatch.setenv("ENTRAIDE_INSTANCE_PATH", str(path))
    return path


@pytest.fixture
def app_config(postgres_url):
    """The settings every test application starts from; a test may change them before `app` is built."""
    config = {
        "TESTING": True,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test",
        # Visits are written when a test asks for it (0: after every response), never in the middle.
        "VISITS_WRITE_INTERVAL": 3600,
    }
    if postgres_url:
        config["SQLALCHEMY_DATABASE_URI"] = postgres_url
    return config


class IsolatedClient(FlaskClient):
    """Each request runs in an application context of its own, as it would in a server: its own
    database session and `g`. The test's session is committed before, so the request sees the
    test's rows, and after, so the test then reads what the request wrote."""

    def open(self, *args, **kwargs):
        # Buffered, as a server sends it: the response is closed and its after-response work done.
        kwargs.setdefault("buffered", True)
        db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.commit()
        return response


@pytest.fixture
def app(instance_path, app_config):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            tables = ", ".join(table.name for table in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
                # The one row a migrated database always has, with a version no kept page knows.
                insert_row(ContentVersion.__table__, connection)
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A browser that asks for English, the language the tests' expected messages are written in."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def french_client(app):
    """A browser that states no language preference: it gets the default, French."""
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def member(app):
    return make_user("Camille")


@pytest.fixture
def other_member(app):
    return make_user("Bastien")


@pytest.fixture
def moderator(app):
    return make_user("Modo", role=MODERATOR)


@pytest.fixture
def admin(app):
    return make_user("Admin", role=ADMIN)


@pytest.fixture
def suspended_member(app):
    return make_user("Suspendu", suspended_until=utcnow() + timedelta(days=3), suspension_reason="Insultes répétées")


@pytest.fixture
def category(app):
    category = Category(name="Dépannage", slug="depannage", description="Quand rien ne marche.", position=1)
    db.session.add(category)
    db.session.commit()
    return category


@pytest.fixture
def thread(member, category):
    thread = forum.start_thread(member, category, "Ma box redémarre sans cesse", "Depuis hier **elle clignote**.")
    db.session.commit()
    return thread


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def live_server(tmp_path):
    """gunicorn with two workers on a free port, over a fresh SQLite database, rate limits off."""
    from tests import live

    server, process = live.start(tmp_path / "live-instance", RATELIMIT_ENABLED="false")
    yield server
    live.stop(process)


@pytest.fixture
def answered(thread, member, other_member):
    """The fixture thread with two replies, the first one marked helpful by the asker."""
    first = write_reply(other_member, thread, "Débranchez-la **dix secondes**, puis rebranchez.")
    second = write_reply(make_user("Chloe"), thread, "Changez le câble d'alimentation.")
    reputation.toggle_helpful(member, first)
    db.session.commit()
    return first, second


@pytest.fixture
def long_thread(app, thread, other_member):
    """The fixture thread on three pages of two posts: the question and five replies."""
    app.config["POSTS_PER_PAGE"] = 2
    for number in range(5):
        forum.reply(other_member, thread, f"Réponse numéro {number}")
    db.session.commit()
    return thread


@pytest.fixture(params=["whoosh", "postgres"])
def search_backend(request, app_config, postgres_url):
    """Each search backend in turn, set before the application is built: Whoosh always,
    PostgreSQL full-text search when the run has a PostgreSQL database (`make test-pg`)."""
    if request.param == "postgres" and not postgres_url:
        pytest.skip("PostgreSQL full-text search needs a PostgreSQL database (ENTRAIDE_TEST_POSTGRES)")
    app_config["SEARCH_BACKEND"] = request.param
    return request.param


@pytest.fixture
def smtp_server(app):
    """A real SMTP server that the application sends its mail to; `smtp_server.inbox` holds what arrived."""
    from app.extensions import mailman
    from tests.smtp import SMTPServer

    server = SMTPServer()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_BACKEND="smtp", MAIL_TIMEOUT=5)
    mailman.init_app(app)
    yield server
    server.stop()
