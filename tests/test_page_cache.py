"""Visitors' pages kept rendered: served again while nothing they show has changed, never to or
from a member, a change anywhere visible to visitors at once in this process."""

import html
import threading
import time

import pytest
import sqlalchemy as sa

from app import create_app, visits
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category, Thread
from app.page_cache.models import ContentVersion
from tests import live
from tests.helpers import PASSWORD, counting_statements, make_user, opening_of, url_of, write_reply

LOGOUT_FORM = b'action="/logout"'


def content_version() -> int:
    return db.session.scalar(sa.select(ContentVersion.version))


def served_from_cache(client, url: str, **headers):
    """A response the test asserts issued no SQL at all: only a kept page can be answered so.

    The content version is trusted for the request, however long the test took since it was read
    (on a busy machine, longer than the check interval): how long it is trusted is tested apart."""
    version = client.application.extensions["content_version"]
    interval, version.check_interval = version.check_interval, 3600
    try:
        with counting_statements() as statements:
            response = client.get(url, headers=headers)
    finally:
        version.check_interval = interval
    assert statements == [], f"{url} was rendered again"
    return response


@pytest.fixture
def visitor_urls(thread, member):
    return {
        "home": "/",
        "category": f"/c/{thread.category.slug}",
        "thread": url_of(thread),
        "profile": f"/u/{member.username}",
        "leaderboard": "/leaderboard",
        "feed": "/feed.atom",
        "category feed": f"/c/{thread.category.slug}/feed.atom",
        "sitemap index": "/sitemap.xml",
        "sitemap of pages": "/sitemap-pages.xml",
    }


@pytest.mark.parametrize(
    "page",
    [
        "home",
        "category",
        "thread",
        "profile",
        "leaderboard",
        "feed",
        "category feed",
        "sitemap index",
        "sitemap of pages",
    ],
)
def test_a_visitors_second_request_is_the_kept_page(client, visitor_urls, page):
    first = client.get(visitor_urls[page])
    again = served_from_cache(client, visitor_urls[page])
    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert dict(again.headers) == dict(first.headers)


def test_a_kept_page_answers_304_to_its_validators(client, thread):
    first = client.get(url_of(thread))
    again = served_from_cache(client, url_of(thread), **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_a_head_request_is_answered_from_the_kept_page(client, thread):
    url = url_of(thread)
    first = client.get(url)
    with counting_statements() as statements:
        head = client.head(url)
    assert statements == []
    assert head.status_code == 200 and head.headers["Content-Length"] == first.headers["Content-Length"]


def test_each_language_has_its_own_copy(client, french_client, thread):
    assert b'lang="en"' in client.get(url_of(thread)).data
    assert b'lang="fr"' in french_client.get(url_of(thread)).data
    assert b'lang="en"' in served_from_cache(client, url_of(thread)).data
    assert b'lang="fr"' in served_from_cache(french_client, url_of(thread)).data


def test_a_member_never_gets_a_visitors_kept_page(client, auth, thread, other_member):
    client.get(url_of(thread))
    auth.login(other_member)
    assert LOGOUT_FORM in client.get(url_of(thread)).data


def test_a_members_page_is_never_kept_for_visitors(client, auth, thread, other_member):
    auth.login(other_member)
    assert LOGOUT_FORM in client.get(url_of(thread)).data
    auth.logout()
    assert LOGOUT_FORM not in client.get(url_of(thread)).data


def test_a_message_waiting_for_a_visitor_is_shown_and_not_kept(client, thread):
    client.get(url_of(thread))
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Un message pour ce visiteur seulement")]
    assert b"Un message pour ce visiteur seulement" in client.get(url_of(thread)).data
    assert b"Un message pour ce visiteur" not in served_from_cache(client, url_of(thread)).data


def test_pages_served_from_the_cache_count_as_views(app, client, thread):
    app.extensions["visits"] = visits.VisitLog(0)  # written after every response
    # Trusted for the whole test: on a busy machine, four pages can take longer than the default second.
    app.extensions["content_version"].check_interval = 3600
    client.get(url_of(thread))
    with counting_statements() as statements:
        for _ in range(3):
            client.get(url_of(thread))
    assert [statement for statement in statements if "view_count" not in statement] == []
    assert db.session.scalar(sa.select(Thread.view_count).where(Thread.id == thread.id)) == 4


# Each change a visitor can see, made through the site by whoever may make it; the page that shows it.
def reply(client, auth, thread, answer, people):
    auth.login(people["other_member"])
    client.post(f"/t/{thread.id}/reply", data={"body": "Essayez un autre câble."})
    return url_of(thread)


def edit(client, auth, thread, answer, people):
    auth.login(people["member"])
    client.post(f"/p/{opening_of(thread).id}/edit", data={"title": thread.title, "body": "Elle clignote en rouge."})
    return url_of(thread)


def mark_helpful(client, auth, thread, answer, people):
    auth.login(people["member"])
    client.post(f"/p/{answer.id}/helpful")
    return f"/u/{answer.author.username}"


def accept_solution(client, auth, thread, answer, people):
    auth.login(people["member"])
    client.post(f"/p/{answer.id}/solution")
    return url_of(thread)


def hide(client, auth, thread, answer, people):
    auth.login(people["moderator"])
    client.post(f"/moderation/posts/{answer.id}/hide", data={"reason": "Hors sujet"})
    return url_of(thread)


def rename_category(client, auth, thread, answer, people):
    category = thread.category
    auth.login(people["admin"])
    client.post(
        f"/admin/categories/{category.id}/edit",
        data={"name": "Pannes", "slug": category.slug, "description": "", "reason": "Plus court"},
    )
    return "/"


@pytest.mark.parametrize("change", [reply, edit, mark_helpful, accept_solution, hide, rename_category])
def test_a_change_reaches_visitors_at_once(client, auth, thread, member, other_member, moderator, admin, change):
    answer = write_reply(other_member, thread, "Débranchez-la dix secondes.")
    people = {"member": member, "other_member": other_member, "moderator": moderator, "admin": admin}
    before = {url: client.get(url).data for url in ("/", url_of(thread), f"/u/{other_member.username}")}
    version = content_version()
    url = change(client, auth, thread, answer, people)
    auth.logout()
    assert content_version() != version
    assert client.get(url).data != before[url]


def test_what_visitors_never_see_leaves_the_kept_pages(client, auth, thread, member, other_member):
    write_reply(other_member, thread, "Même souci.")
    auth.login(other_member)
    client.post(f"/t/{thread.id}/watch")
    client.post("/notifications/read")
    client.post(f"/p/{opening_of(thread).id}/flag", data={"reason": "spam"})
    client.post("/account/language", data={"locale": "fr"})
    auth.logout()
    client.get(url_of(thread))
    version = content_version()
    auth.login(member)
    client.post("/notifications/read")
    client.post(f"/t/{thread.id}/watch")
    auth.logout()
    assert content_version() == version
    served_from_cache(client, url_of(thread))


def test_a_bulk_statement_changes_the_version(app, thread):
    version = content_version()
    db.session.execute(sa.update(Thread).values(view_count=Thread.view_count + 1))
    db.session.commit()
    assert content_version() != version


def test_a_rolled_back_change_keeps_the_version(app, thread):
    version = content_version()
    thread.title = "Un autre titre"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert content_version() == version


def test_another_process_serves_the_change_after_its_check_interval(app, app_config, client, thread, other_member):
    other = create_app({**app_config, "PAGE_CACHE_VERSION_CHECK": 0.3})
    other_client = other.test_client()
    other_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with other.app_context():
        assert other_client.get(url_of(thread)).status_code == 200
    write_reply(other_member, thread, "Une réponse écrite par un autre processus")
    time.sleep(0.3)
    with other.app_context():
        assert "écrite par un autre processus".encode() in other_client.get(url_of(thread)).data
        db.session.remove()
        db.engine.dispose()


def test_a_disabled_cache_renders_every_page(app_config, instance_path):
    app = create_app({**app_config, "PAGE_CACHE_ENABLED": False})
    with app.app_context():
        db.create_all()
        client = app.test_client()
        client.get("/")
        with counting_statements() as statements:
            assert client.get("/").status_code == 200
        assert statements
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def redis_url():
    return "redis://127.0.0.1:6379/0"


def test_hosts_sharing_redis_share_the_kept_pages(app, app_config, redis_url, thread, other_member):
    first, second = (create_app({**app_config, "PAGE_CACHE_REDIS_URL": redis_url}) for _ in range(2))
    with first.app_context():
        kept = first.test_client().get(url_of(thread)).data
    with second.app_context():
        with counting_statements() as statements:
            again = second.test_client().get(url_of(thread)).data
        assert again == kept
        # Only the content version, read once: the page itself came from Redis.
        assert len(statements) == 1
    write_reply(other_member, thread, "Une réponse vue des deux hôtes")
    for host in (first, second):
        host.extensions["content_version"].forget()
        with host.app_context():
            assert "vue des deux hôtes".encode() in host.test_client().get(url_of(thread)).data
    for host in (first, second):
        with host.app_context():
            db.session.remove()
            db.engine.dispose()


def test_an_unreachable_redis_only_means_pages_are_rendered(app_config, app, thread):
    unreachable = create_app({**app_config, "PAGE_CACHE_REDIS_URL": "redis://127.0.0.1:1/0"})
    with unreachable.app_context():
        client = unreachable.test_client()
        for _ in range(2):
            assert client.get(url_of(thread)).status_code == 200
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def served_forum(tmp_path, monkeypatch, server_database_url):
    """gunicorn with four workers, each with its own kept pages, checking the version every half second."""

    def fill() -> str:
        category = Category(name="Dépannage", slug="depannage")
        db.session.add(category)
        thread = forum.start_thread(make_user("Camille"), category, "Panne", "Aidez-moi")
        db.session.commit()
        return url_of(thread)

    server, process, url = live.start_filled(
        tmp_path / "instance",
        server_database_url,
        fill,
        workers=4,
        monkeypatch=monkeypatch,
        RATELIMIT_ENABLED="false",
        PAGE_CACHE_VERSION_CHECK="0.5",
    )
    yield server, url
    live.stop(process)


@pytest.mark.slow
def test_visitors_reading_kept_pages_see_each_reply_within_the_check_interval(served_forum):
    server, url = served_forum
    reply_url = url.rsplit("/", 1)[0] + "/reply"
    member = live.Browser(server.url)
    member.log_in("Camille", PASSWORD)
    token = member.csrf_token(url)
    statuses: list[int] = []
    done = threading.Event()

    def keep_reading() -> None:
        visitor = live.Browser(server.url)
        while not done.is_set():
            statuses.append(visitor.request("GET", url)[0])

    readers = [threading.Thread(target=keep_reading) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for number in range(8):
            text = f"Réponse numéro {number} : essayez le canal {number + 1}."
            assert member.request("POST", reply_url, {"body": text, "csrf_token": token})[0] == 302
            time.sleep(0.6)
            # Any of the four workers, each of which kept the page before the reply.
            for _ in range(4):
                status, page = live.Browser(server.url).request("GET", url)
                assert status == 200 and html.escape(text, quote=False) in page
    finally:
        done.set()
        for reader in readers:
            reader.join(30)
    assert len(statuses) > 50 and set(statuses) == {200}
