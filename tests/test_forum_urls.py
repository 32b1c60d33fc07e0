"""The URLs of posts: built once per route for a page of posts, they are the URLs url_for gives."""

import re

import pytest
import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from app.forum.models import Post
from app.forum.urls import ID_MARKER, PageUrls, post_url
from tests.helpers import url_of


@pytest.fixture
def posts(long_thread) -> list[Post]:
    return list(db.session.scalars(sa.select(Post).where(Post.thread_id == long_thread.id).order_by(Post.position)))


def test_a_page_s_post_urls_are_those_of_post_url(app, posts):
    with app.test_request_context():
        urls = PageUrls()
        for post in posts * 2:  # the second time from the routes already built
            assert urls.post_url(post) == post_url(post)
            assert urls.post_url(post, _external=True) == post_url(post, _external=True)
        assert urls.post_url(posts[4]) == f"{url_of(posts[4].thread)}?page=3#p{posts[4].id}"


@pytest.mark.parametrize(
    "endpoint, values",
    [
        ("reputation.helpful", {}),
        ("moderation.flag", {}),
        ("forum.edit_post", {}),
        ("forum.post_history", {"_external": True}),
    ],
)
def test_a_post_s_routes_are_those_of_url_for(app, posts, endpoint, values):
    with app.test_request_context():
        urls = PageUrls()
        for post in posts * 2:
            assert urls.url_for_post(endpoint, post_id=post.id, **values) == url_for(
                endpoint, post_id=post.id, **values
            )


def test_replies_and_quotes_name_the_post_they_answer(app, posts):
    thread_id = posts[0].thread_id
    with app.test_request_context():
        urls = PageUrls()
        for post in posts * 2:
            for extra in ({}, {"quote": 1}):
                expected = url_for("forum.reply", thread_id=thread_id, reply_to=post.id, **extra)
                assert urls.url_for_post("forum.reply", thread_id=thread_id, reply_to=post.id, **extra) == expected


def test_each_post_of_a_thread_page_links_to_its_own_actions(client, auth, long_thread, member, other_member):
    auth.login(member)
    page = client.get(url_of(long_thread, page=2)).get_data(as_text=True)
    articles = re.findall(r'<article class="post[^"]*" id="p(\d+)">(.*?)</article>', page, re.S)
    assert len(articles) == 2
    for post_id, article in articles:
        linked = set(re.findall(r"/p/(\d+)/|reply_to=(\d+)", article))
        assert {number for pair in linked for number in pair if number} == {post_id}
        assert f"/p/{post_id}/helpful" in article and f"/p/{post_id}/flag" in article
        assert f"reply_to={post_id}&amp;quote=1" in article
        assert f'href="{url_of(long_thread, page=2)}#p{post_id}"' in article
    assert str(ID_MARKER) not in page
