"""Pages issue a fixed number of SQL statements, whatever the number of rows they show."""

from itertools import count

import pytest

from app.extensions import db
from app.forum import services
from app.forum.models import Category, Thread
from tests.helpers import make_user, statements_for

_names = count()


def add_category(number: int) -> Category:
    category = Category(name=f"Catégorie {number}", slug=f"cat-{number}", position=number)
    db.session.add(category)
    return category


def add_thread(category: Category, replies: int, title: str = "Un sujet") -> Thread:
    """A thread by one member, answered by others in a chain of replies to each other."""
    authors = [make_user(f"membre{next(_names)}") for _ in range(4)]
    thread = services.start_thread(authors[0], category, title, "Question")
    previous = None
    for number in range(replies):
        previous = services.reply(authors[1 + number % 3], thread, f"Réponse {number}", reply_to=previous)
    db.session.commit()
    return thread


@pytest.fixture(params=["visitor", "member"])
def viewer(request, client, auth):
    if request.param == "member":
        auth.login(make_user("Lectrice"))
    return request.param


def test_home_page_costs_the_same_with_more_categories_and_threads(client, viewer):
    add_thread(add_category(1), replies=1)
    small = statements_for(client, "/")
    for number in range(2, 7):
        category = add_category(number)
        for t in range(4):
            add_thread(category, replies=2, title=f"Sujet {t}")
    assert statements_for(client, "/") == small


def test_category_page_costs_the_same_with_more_threads(client, viewer):
    category = add_category(1)
    add_thread(category, replies=1)
    small = statements_for(client, "/c/cat-1")
    for t in range(25):
        add_thread(category, replies=1, title=f"Sujet {t}")
    assert statements_for(client, "/c/cat-1") == small


def test_thread_page_costs_the_same_with_more_posts(app, client, viewer):
    app.config["POSTS_PER_PAGE"] = 50
    category = add_category(1)
    short = add_thread(category, replies=1, title="Court")
    long = add_thread(category, replies=40, title="Long")
    assert statements_for(client, f"/t/{short.id}/{short.slug}") == statements_for(client, f"/t/{long.id}/{long.slug}")


def test_unanswered_page_costs_the_same_with_more_threads(client, viewer):
    category = add_category(1)
    add_thread(category, replies=0)
    small = statements_for(client, "/unanswered")
    for t in range(25):
        add_thread(category, replies=0, title=f"Sujet {t}")
    assert statements_for(client, "/unanswered") == small


def test_unanswered_category_filter_costs_the_same_with_more_threads(client, viewer):
    category = add_category(1)
    add_thread(category, replies=0)
    small = statements_for(client, "/c/cat-1?filter=unanswered")
    for t in range(25):
        add_thread(category, replies=t % 2, title=f"Sujet {t}")
    assert statements_for(client, "/c/cat-1?filter=unanswered") == small


def test_profile_costs_the_same_with_more_posts(client):
    thread = add_thread(add_category(1), replies=0)
    url = f"/u/{thread.author.username}"
    small = statements_for(client, url)
    for number in range(12):
        services.reply(thread.author, thread, f"encore {number}")
    db.session.commit()
    assert statements_for(client, url) == small
