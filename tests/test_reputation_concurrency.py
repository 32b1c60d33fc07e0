"""Many members marking one reply at the same moment, through gunicorn workers over SQLite."""

import threading

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category, Post
from app.reputation.models import HelpfulMark
from tests import live
from tests.helpers import PASSWORD, make_user

MARKERS = 30

pytestmark = pytest.mark.slow


@pytest.fixture
def busy_forum(tmp_path, monkeypatch):
    """Four workers, a reply by an author, and thirty other members ready to mark it."""
    server, process = live.start(tmp_path / "instance", workers=4, RATELIMIT_ENABLED="false")
    monkeypatch.setenv("ENTRAIDE_INSTANCE_PATH", str(server.instance))
    app = create_app()
    with app.app_context():
        asker, author = make_user("Question"), make_user("Auteur")
        markers = [make_user(f"lecteur{n}").username for n in range(MARKERS)]
        thread = forum.start_thread(asker, Category(name="Dépannage", slug="depannage"), "Panne", "Aidez-moi")
        reply = forum.reply(author, thread, "Voici la solution")
        db.session.commit()
        forum_state = {
            "app": app,
            "reply_id": reply.id,
            "author_id": author.id,
            "markers": markers,
            "thread_url": f"/t/{thread.id}/{thread.slug}",
        }
    yield server, forum_state
    live.stop(process)


def logged_in_browsers(server, names, thread_url):
    browsers = []
    for name in names:
        browser = live.Browser(server.url)
        browser.log_in(name, PASSWORD)
        browser.token = browser.csrf_token(thread_url)
        browsers.append(browser)
    return browsers


def click_together(browsers, reply_id):
    """Every browser clicks "helpful" once, released at the same instant."""
    start = threading.Barrier(len(browsers))
    answers = []

    def click(browser):
        start.wait()
        answers.append(
            browser.request(
                "POST",
                f"/p/{reply_id}/helpful",
                headers={"Accept": "application/json", "X-CSRFToken": browser.token},
            )[0]
        )

    workers = [threading.Thread(target=click, args=(browser,)) for browser in browsers]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    return answers


def state(app, reply_id, author_id):
    with app.app_context():
        marks = db.session.scalar(
            sa.select(sa.func.count()).select_from(HelpfulMark).where(HelpfulMark.post_id == reply_id)
        )
        post = db.session.get(Post, reply_id)
        return marks, post.helpful_count, post.author.reputation


def test_thirty_members_marking_at_once_all_count(busy_forum):
    server, forum_state = busy_forum
    browsers = logged_in_browsers(server, forum_state["markers"], forum_state["thread_url"])
    answers = click_together(browsers, forum_state["reply_id"])
    assert answers == [200] * MARKERS
    assert state(forum_state["app"], forum_state["reply_id"], forum_state["author_id"]) == (
        MARKERS,
        MARKERS,
        10 * MARKERS,
    )
    server.flask("reputation", "verify")  # exits 1, and so raises, on any drift


def test_a_member_clicking_many_times_at_once_ends_consistent(busy_forum):
    server, forum_state = busy_forum
    (browser,) = logged_in_browsers(server, forum_state["markers"][:1], forum_state["thread_url"])
    answers = click_together([browser] * 5, forum_state["reply_id"])
    assert answers == [200] * 5
    marks, count, reputation = state(forum_state["app"], forum_state["reply_id"], forum_state["author_id"])
    assert marks == count == 1  # five toggles: marked, withdrawn, marked, withdrawn, marked
    assert reputation == 10
    server.flask("reputation", "verify")
