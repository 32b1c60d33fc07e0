"""The search under real load: gunicorn workers writing at once, a rebuild while serving, two hosts."""

import subprocess
import sys
import threading
import time

import pytest

from app import create_app
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category
from tests import live
from tests.helpers import PASSWORD, make_user

WRITERS = 12
REPLIES_EACH = 3

pytestmark = pytest.mark.slow


@pytest.fixture
def busy_server(tmp_path, monkeypatch):
    server, process = live.start(tmp_path / "instance", workers=4, RATELIMIT_ENABLED="false")
    monkeypatch.setenv("ENTRAIDE_INSTANCE_PATH", str(server.instance))
    with create_app().app_context():
        writers = [make_user(f"auteur{n}").username for n in range(WRITERS)]
        thread = forum.start_thread(
            make_user("Question"),
            Category(name="Dépannage", slug="depannage"),
            "Panne de chauffage",
            "Le thermostat clignote",
        )
        db.session.commit()
        server.thread_id = thread.id
    server.writers = writers
    yield server
    live.stop(process)


def write_at_once(server, names: list[str]) -> list[int]:
    browsers = []
    for name in names:
        browser = live.Browser(server.url)
        browser.log_in(name, PASSWORD)
        browser.token = browser.csrf_token(f"/t/{server.thread_id}/reply")
        browsers.append(browser)
    start = threading.Barrier(len(browsers))
    answers = []

    def write(browser, name):
        start.wait()
        for number in range(REPLIES_EACH):
            answers.append(
                browser.request(
                    "POST",
                    f"/t/{server.thread_id}/reply",
                    {
                        "body": f"Réponse {number} de {name} : motclé{name}",
                        "csrf_token": browser.token,
                    },
                )[0]
            )

    workers = [
        threading.Thread(target=write, args=(browser, name)) for browser, name in zip(browsers, names, strict=True)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    return answers


def consistent_once_queue_drained(server) -> bool:
    """A change that found the writer lock busy waits in the outbox; once applied, nothing may lack."""
    server.flask("search", "drain")
    return "agrees with the database" in server.flask("search", "check").stdout  # raises on exit 1


def test_workers_writing_at_once_lose_no_index_update(busy_server):
    answers = write_at_once(busy_server, busy_server.writers)
    assert answers == [302] * (WRITERS * REPLIES_EACH)
    assert consistent_once_queue_drained(busy_server)
    result = busy_server.flask("search", "check")
    assert "agrees with the database" in result.stdout
    status, page = live.Browser(busy_server.url).request("GET", f"/search?q=motcle{busy_server.writers[5]}")
    assert status == 200 and "Panne de chauffage" in page


def test_reindex_while_serving(busy_server):
    write_at_once(busy_server, busy_server.writers[:4])
    rebuild = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "search", "reindex"],
        env=busy_server.env,
        cwd=live.PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reader = live.Browser(busy_server.url)
    searches = []
    while rebuild.poll() is None:
        searches.append(reader.request("GET", "/search?q=thermostat")[0])
        time.sleep(0.02)
    write_at_once(busy_server, busy_server.writers[4:8])
    assert rebuild.returncode == 0, rebuild.stderr.read()
    assert searches and set(searches) == {200}
    assert consistent_once_queue_drained(busy_server)


def test_two_hosts_share_the_search_on_postgresql(tmp_path, monkeypatch, server_database_url):
    """Two servers with instance folders of their own, as on two hosts, over one PostgreSQL database:
    a reply written through one is found through the other at once."""
    if not server_database_url:
        pytest.skip("hosts share the search through a PostgreSQL database (ENTRAIDE_TEST_POSTGRES)")
    settings = {"RATELIMIT_ENABLED": "false", "SQLALCHEMY_DATABASE_URI": server_database_url}
    first, first_process = live.start(tmp_path / "first", **settings)
    second, second_process = live.start(tmp_path / "second", **settings)
    try:
        monkeypatch.setenv("ENTRAIDE_INSTANCE_PATH", str(first.instance))
        app = create_app({"SQLALCHEMY_DATABASE_URI": server_database_url})
        with app.app_context():
            member = make_user("Auteur").username
            thread = forum.start_thread(
                make_user("Question"), Category(name="Dépannage", slug="depannage"), "Panne de chauffage", "Aidez-moi"
            )
            db.session.commit()
            thread_id, thread_page = thread.id, f"/t/{thread.id}/{thread.slug}"
            db.session.remove()
            db.engine.dispose()
        writer = live.Browser(first.url)
        writer.log_in(member, PASSWORD)
        token = writer.csrf_token(thread_page)
        status, _ = writer.request(
            "POST", f"/t/{thread_id}/reply", {"body": "Le pressostat, ici.", "csrf_token": token}
        )
        assert status == 302
        status, page = live.Browser(second.url).request("GET", "/search?q=pressostats")
        assert status == 200 and "Panne de chauffage" in page and "<mark>pressostat</mark>" in page
        assert not (first.instance / "search").exists() and not (second.instance / "search").exists()
        assert "agrees with the database" in second.flask("search", "check").stdout
    finally:
        live.stop(first_process)
        live.stop(second_process)
