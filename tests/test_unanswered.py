"""Questions that wait for a first answer: /unanswered, the category filter, the home page's count
and the first answers a member's profile counts."""

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.extensions import db
from app.forum import services as forum
from app.forum import unanswered
from app.forum.models import Category
from app.moderation import services as moderation
from tests.helpers import SITE, Head, make_user, new_thread, opening_of, write_reply


def started(author, category, title: str, hours_ago: float):
    """A thread started `hours_ago` hours ago."""
    thread = new_thread(author, category, title)
    thread.created_at = utcnow() - timedelta(hours=hours_ago)
    db.session.commit()
    return thread


def listed_titles(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return [part.split(">", 1)[1].split("</a>", 1)[0] for part in page.split('class="thread-row__title" ')[1:]]


@pytest.fixture
def waiting(member, other_member, category):
    """Three questions that wait, of different ages, and one that was answered."""
    threads = {
        "recent": started(member, category, "Question récente", hours_ago=1),
        "oldest": started(member, category, "Question ancienne", hours_ago=50),
        "middle": started(other_member, category, "Question du milieu", hours_ago=10),
        "answered": started(member, category, "Question répondue", hours_ago=100),
    }
    write_reply(other_member, threads["answered"], "Voici la réponse.")
    return threads


def test_unanswered_lists_questions_without_reply_longest_waiting_first(client, waiting):
    assert listed_titles(client, "/unanswered") == ["Question ancienne", "Question du milieu", "Question récente"]


def test_unanswered_leaves_out_deleted_threads(client, member, waiting):
    forum.delete_post(member, opening_of(waiting["oldest"]))
    db.session.commit()
    assert listed_titles(client, "/unanswered") == ["Question du milieu", "Question récente"]


def test_a_thread_whose_only_reply_was_hidden_waits_again(client, moderator, other_member, waiting):
    thread = waiting["recent"]
    answer = write_reply(other_member, thread, "Une réponse qui sera masquée.")
    assert "Question récente" not in listed_titles(client, "/unanswered")
    moderation.hide_post(moderator, answer, "Hors sujet")
    db.session.commit()
    assert thread.reply_count == 0
    assert "Question récente" in listed_titles(client, "/unanswered")


def test_a_thread_answered_by_its_own_author_is_no_longer_unanswered(client, member, waiting):
    write_reply(member, waiting["oldest"], "J'ai trouvé moi-même.")
    assert "Question ancienne" not in listed_titles(client, "/unanswered")


def test_unanswered_is_paginated_like_category_pages(app, client, waiting):
    app.config["THREADS_PER_PAGE"] = 2
    assert listed_titles(client, "/unanswered") == ["Question ancienne", "Question du milieu"]
    assert listed_titles(client, "/unanswered?page=2") == ["Question récente"]
    assert client.get("/unanswered?page=3").status_code == 404
    assert client.get("/unanswered?page=zero").status_code == 400
    first = client.get("/unanswered?page=1")
    assert first.status_code == 301 and first.headers["Location"].endswith("/unanswered")


def test_unanswered_page_has_its_own_title_description_and_canonical(client, waiting):
    head = Head(client.get("/unanswered").get_data(as_text=True))
    assert head.title.startswith("Questions waiting for a first answer")
    assert head.meta["description"][0].startswith("Questions no one has answered yet")
    assert {"rel": "canonical", "href": f"{SITE}/unanswered"} in head.links


def test_an_empty_unanswered_page_says_so(client, category):
    assert "Every question has an answer" in client.get("/unanswered").get_data(as_text=True)


def test_category_filter_unanswered_lists_only_that_categorys_waiting_questions(client, member, waiting):
    elsewhere = Category(name="Ailleurs", slug="ailleurs", position=2)
    db.session.add(elsewhere)
    started(member, elsewhere, "Question d'ailleurs", hours_ago=500)
    assert listed_titles(client, "/c/depannage?filter=unanswered") == [
        "Question ancienne",
        "Question du milieu",
        "Question récente",
    ]
    assert listed_titles(client, "/c/ailleurs?filter=unanswered") == ["Question d&#39;ailleurs"]


def test_category_filter_unanswered_says_so_in_the_title_and_keeps_it_in_the_canonical(client, waiting):
    head = Head(client.get("/c/depannage?filter=unanswered").get_data(as_text=True))
    assert "Unanswered" in head.title
    assert {"rel": "canonical", "href": f"{SITE}/c/depannage?filter=unanswered"} in head.links


@pytest.mark.parametrize("value", ["", "unsolved", "UNANSWERED", "1"])
def test_an_unknown_category_filter_is_a_bad_request(client, category, value):
    response = client.get(f"/c/depannage?filter={value}")
    assert response.status_code == 400
    assert "The only filter is unanswered." in response.get_data(as_text=True)


def test_home_page_counts_waiting_questions_and_links_to_them(client, waiting):
    page = client.get("/").get_data(as_text=True)
    assert '<a href="/unanswered">3 questions wait for a first answer</a>' in page


def test_home_page_says_one_question_in_the_singular(client, member, category):
    new_thread(member, category, "Seule question")
    assert '<a href="/unanswered">1 question waits for a first answer</a>' in client.get("/").get_data(as_text=True)


def test_home_page_says_nothing_when_every_question_has_an_answer(client, member, other_member, category):
    write_reply(other_member, new_thread(member, category, "Répondue"), "Oui.")
    assert "wait for a first answer" not in client.get("/").get_data(as_text=True)


def first_answers_shown(client, user) -> str:
    page = client.get(f"/u/{user.username}").get_data(as_text=True)
    return page.split('class="first-answers"', 1)[1].split(">", 1)[1].split("<", 1)[0]


def test_profile_counts_the_first_answers_a_member_gave(client, member, other_member, category):
    chloe = make_user("Chloe")
    first = new_thread(member, category, "Première")
    write_reply(other_member, first, "Je réponds en premier.")
    write_reply(chloe, first, "Moi en second.")
    second = new_thread(chloe, category, "Deuxième")
    write_reply(other_member, second, "Premier encore.")
    write_reply(other_member, second, "Et une seconde réponse du même membre.")
    assert unanswered.first_answers_by(other_member) == 2
    assert unanswered.first_answers_by(chloe) == 0
    assert first_answers_shown(client, other_member) == "2"


def test_answering_ones_own_question_is_not_a_first_answer(member, category):
    write_reply(member, new_thread(member, category, "À moi"), "Je me réponds.")
    assert unanswered.first_answers_by(member) == 0


def test_a_hidden_first_answer_hands_the_count_to_the_next_shown_reply(moderator, member, other_member, category):
    chloe = make_user("Chloe")
    thread = new_thread(member, category, "Question")
    hidden = write_reply(other_member, thread, "Réponse masquée.")
    write_reply(chloe, thread, "Réponse suivante.")
    moderation.hide_post(moderator, hidden, "Hors sujet")
    db.session.commit()
    assert unanswered.first_answers_by(other_member) == 0
    assert unanswered.first_answers_by(chloe) == 1


def test_first_answers_in_deleted_threads_do_not_count(member, other_member, category):
    thread = new_thread(member, category, "Question")
    write_reply(other_member, thread, "Réponse.")
    thread.deleted_at = utcnow()  # as an account's erasure may leave it
    db.session.commit()
    assert unanswered.first_answers_by(other_member) == 0


def test_unanswered_page_is_kept_for_visitors_and_renewed_when_a_question_is_answered(client, other_member, waiting):
    assert "Question ancienne" in client.get("/unanswered").get_data(as_text=True)
    write_reply(other_member, waiting["oldest"], "Enfin une réponse.")
    assert "Question ancienne" not in client.get("/unanswered").get_data(as_text=True)


def test_unanswered_is_in_the_pages_sitemap(client, category):
    assert "<loc>http://localhost/unanswered</loc>" in client.get("/sitemap-pages.xml").get_data(as_text=True)
