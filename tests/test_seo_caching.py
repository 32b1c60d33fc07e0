"""The HTTP caching of public pages: validators and 304s for visitors, private pages for members,
no cookie that would keep a cache from sharing a page, compression, and a constant cost per page."""

import gzip
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug.http import http_date

from app.clock import utcnow
from app.extensions import db
from app.forum import services as forum
from app.moderation import services as moderation
from app.reputation import services as reputation
from app.seo import freshness
from tests.helpers import counting_statements, new_thread, opening_of, url_of, write_reply


@pytest.fixture
def visitor_pages(thread):
    return ["/", "/c/depannage", url_of(thread)]


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part.strip()}


def test_visitors_get_public_pages_with_validators(client, visitor_pages):
    for url in visitor_pages:
        response = client.get(url)
        assert cache_directives(response) == {"public", "max-age=60"}, url
        assert response.headers["ETag"].startswith('W/"')
        assert response.last_modified is not None


def test_visitors_get_304_when_their_copy_is_current(client, visitor_pages):
    for url in visitor_pages:
        first = client.get(url)
        by_tag = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert by_tag.status_code == 304 and by_tag.data == b"", url
        assert by_date.status_code == 304 and by_date.data == b"", url


def test_a_new_reply_makes_the_visitors_copy_stale(client, thread, other_member):
    thread.last_activity_at -= timedelta(hours=1)
    db.session.commit()
    first = client.get(url_of(thread))
    write_reply(other_member, thread, "Une nouvelle réponse")
    assert client.get(url_of(thread), headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    assert client.get(url_of(thread), headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 200


def test_an_edit_moves_the_last_modified_date(client, thread, member):
    thread.last_activity_at -= timedelta(hours=1)
    db.session.commit()
    first = client.get(url_of(thread))
    forum.edit_post(member, opening_of(thread), "Elle s'est calmée.")
    db.session.commit()
    assert client.get(url_of(thread), headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 200


def test_an_accepted_answer_changes_the_etag(client, thread, member, answered):
    first = client.get(url_of(thread))
    reputation.toggle_solution(member, answered[1])
    db.session.commit()
    assert client.get(url_of(thread), headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def http_moment(moment: datetime) -> datetime:
    """A stored naive UTC time as an HTTP date reads it back: aware, to the second."""
    return moment.replace(microsecond=0, tzinfo=UTC)


def age(*rows, hours: int = 1) -> None:
    """Move the activity of the fixtures' rows back, so that a change made now is later than all of them."""
    for row in rows:
        row.last_activity_at -= timedelta(hours=hours)
    db.session.commit()


def test_each_public_page_is_last_modified_when_what_it_shows_last_changed(client, thread, visitor_pages):
    age(thread, thread.category)
    for url in visitor_pages:
        assert client.get(url).last_modified == http_moment(thread.last_activity_at), url


def test_a_new_thread_makes_the_home_and_category_copies_stale(client, member, thread):
    age(thread, thread.category)
    first = {url: client.get(url) for url in ("/", "/c/depannage")}
    newer = new_thread(member, thread.category, "Le Wi-Fi décroche le soir")
    for url, response in first.items():
        assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 200, url
        later = client.get(url, headers={"If-Modified-Since": response.headers["Last-Modified"]})
        assert later.status_code == 200 and later.last_modified == http_moment(newer.last_activity_at), url


def test_hiding_a_reply_moves_the_thread_pages_last_modified(client, moderator, thread, other_member):
    reply = write_reply(other_member, thread, "Achetez mes box d'occasion !")
    age(thread)
    first = client.get(url_of(thread))
    moderation.hide_post(moderator, reply, "Publicité")
    db.session.commit()
    later = client.get(url_of(thread), headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert later.status_code == 200 and later.last_modified == http_moment(reply.hidden_at)


@pytest.fixture
def two_pages(app, thread, answered):
    """The fixture thread over two pages: the question and the first reply, then the second reply."""
    app.config["POSTS_PER_PAGE"] = 2
    age(thread)
    return thread


def test_the_accepted_answer_shown_on_the_first_page_counts_for_its_freshness(client, member, two_pages, answered):
    reputation.toggle_solution(member, answered[1])
    db.session.commit()
    first = client.get(url_of(two_pages))
    forum.edit_post(answered[1].author, answered[1], "Changez le câble, et la prise aussi.")
    db.session.commit()
    later = client.get(url_of(two_pages), headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert later.status_code == 200 and later.last_modified == http_moment(answered[1].edited_at)


def test_an_edit_on_another_page_leaves_the_first_pages_copy_current(client, two_pages, answered):
    first = client.get(url_of(two_pages))
    forum.edit_post(answered[1].author, answered[1], "Changez le câble, et la prise aussi.")
    db.session.commit()
    assert client.get(url_of(two_pages), headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert (
        client.get(url_of(two_pages), headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    )
    page_two = client.get(url_of(two_pages, page=2))
    assert page_two.last_modified == http_moment(answered[1].edited_at)


def test_freshness_is_read_from_the_objects_a_view_shows(thread, other_member):
    reply = write_reply(other_member, thread, "Une réponse")
    opening = opening_of(thread)
    reply.edited_at = thread.last_activity_at + timedelta(minutes=5)
    assert freshness.thread_page(thread, [opening], None) == thread.last_activity_at
    assert freshness.thread_page(thread, [opening, reply], None) == reply.edited_at
    assert freshness.thread_page(thread, [opening], reply) == reply.edited_at
    assert freshness.category_page(thread.category, [thread]) == thread.last_activity_at
    assert freshness.home_page([(thread.category, thread)], []) == thread.last_activity_at


def test_members_get_private_pages_and_never_304(client, auth, member, visitor_pages):
    etags = {url: client.get(url).headers["ETag"] for url in visitor_pages}
    auth.login(member)
    later = http_date(utcnow() + timedelta(days=1))
    for url in visitor_pages:
        response = client.get(url, headers={"If-None-Match": etags[url], "If-Modified-Since": later})
        assert response.status_code == 200, url
        assert cache_directives(response) == {"private", "no-cache"}
        assert "ETag" not in response.headers
        assert client.get(url, headers={"If-None-Match": "*"}).status_code == 200


def test_other_pages_are_private_even_for_visitors(client, member):
    for url in ("/login", "/u/Camille", "/leaderboard"):
        assert cache_directives(client.get(url)) == {"private", "no-cache"}, url


def test_a_page_showing_a_flashed_message_is_private(client, auth, member):
    auth.login(member)
    client.post("/logout")
    response = client.get("/")
    assert "You are logged out." in response.get_data(as_text=True)
    assert "public" not in cache_directives(response)


def test_html_responses_vary_on_language_and_cookie(client, visitor_pages):
    for url in visitor_pages + ["/login", "/t/999/nulle-part"]:
        vary = {part.strip().lower() for part in client.get(url).headers["Vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary, url


@pytest.fixture
def csrf_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_a_visitors_thread_page_holds_no_csrf_token_and_sets_no_cookie(csrf_config, client, visitor_pages):
    for url in visitor_pages:
        response = client.get(url)
        assert "csrf_token" not in response.get_data(as_text=True), url
        assert "Set-Cookie" not in response.headers, url


def test_a_members_thread_page_still_has_a_reply_form_with_its_token(csrf_config, client, auth, member, thread):
    auth.login(member)
    page = client.get(url_of(thread)).get_data(as_text=True)
    assert 'name="csrf_token"' in page and 'name="body"' in page


def test_pages_are_compressed_when_the_client_accepts_gzip(client, thread):
    response = client.get(url_of(thread), headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Ma box redémarre sans cesse" in gzip.decompress(response.data).decode()
    assert "accept-encoding" in response.headers["Vary"].lower()
    assert "Content-Encoding" not in client.get(url_of(thread)).headers


def test_later_thread_pages_cost_the_same_whatever_their_length(app, client, thread, other_member):
    app.config["POSTS_PER_PAGE"] = 3

    def statements(url):
        client.get(url)
        with counting_statements() as seen:
            assert client.get(url).status_code == 200
        return len(seen)

    for number in range(4):
        forum.reply(other_member, thread, f"Réponse {number}")
    db.session.commit()
    short = statements(url_of(thread, page=2))
    for number in range(6):
        forum.reply(other_member, thread, f"Encore {number}")
    db.session.commit()
    assert statements(url_of(thread, page=2)) == short
    assert statements(url_of(thread, page=3)) == short
