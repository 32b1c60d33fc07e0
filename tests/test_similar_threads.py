"""Threads like a title: listed as a question is typed, asked about once before it is posted,
and shown as related threads under a thread. Every test runs on each search backend."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.forum import services as forum
from app.forum.models import Post, Thread
from app.reputation import services as reputation
from app.search import outbox, similar
from tests.helpers import make_user, url_of

pytestmark = pytest.mark.usefixtures("search_backend")


def committed():
    """Commit the test's changes and apply what they queued, as a request's end would."""
    db.session.commit()
    outbox.apply_pending(everything=True)


def solved(thread: Thread, helper) -> None:
    reputation.toggle_solution(thread.author, forum.reply(helper, thread, "Voici ce qui a marché."))


@pytest.fixture
def threads(member, other_member, category):
    """Threads about a box that restarts, one of them solved, and one about something else."""
    made = {
        "restarts": forum.start_thread(member, category, "Ma box redémarre toute seule", "Depuis hier."),
        "reboots": forum.start_thread(other_member, category, "Redémarrage de la box chaque nuit", "Vers 3 h."),
        "thermostat": forum.start_thread(member, category, "Thermostat hors ligne", "Il ne répond plus."),
    }
    solved(made["reboots"], other_member)
    committed()
    return made


def similar_json(client, q: str):
    response = client.get("/search/similar", query_string={"q": q})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_similar_answers_title_url_and_solved_of_each_thread(client, threads):
    found = similar_json(client, "box qui redémarre")
    reboots = threads["reboots"]
    assert found[0] == {"title": reboots.title, "url": url_of(reboots), "solved": True}
    assert {thread["title"] for thread in found} == {
        "Ma box redémarre toute seule",
        "Redémarrage de la box chaque nuit",
    }


def test_similar_does_not_need_every_word_of_the_title(client, threads):
    titles = [thread["title"] for thread in similar_json(client, "Thermostat Zigbee introuvable")]
    assert titles == ["Thermostat hors ligne"]


def test_similar_lists_solved_threads_first(client, member, other_member, category):
    for number in range(3):
        forum.start_thread(member, category, f"Coupure électrique numéro {number}", "Le disjoncteur saute.")
    old = forum.start_thread(other_member, category, "Coupure sur le tableau", "Le différentiel saute.")
    solved(old, member)
    committed()
    found = similar_json(client, "coupure électrique du tableau")
    assert found[0]["title"] == "Coupure sur le tableau" and found[0]["solved"]
    assert not any(thread["solved"] for thread in found[1:])


def test_similar_lists_at_most_five_threads(client, member, category):
    for number in range(8):
        forum.start_thread(member, category, f"Fuite de la chaudière {number}", "Une flaque.")
    committed()
    assert len(similar_json(client, "fuite chaudière")) == similar.MAX_SIMILAR == 5


@pytest.mark.parametrize("q", ["", "  ", "bo", "le la de", "how to"])
def test_similar_answers_an_empty_list_to_a_short_or_empty_title(client, threads, q):
    assert similar_json(client, q) == []


@pytest.fixture
def rate_limited_config(app_config):
    app_config.update(RATELIMIT_ENABLED=True, RATELIMIT_SIMILAR="3 per minute")
    return app_config


def test_similar_is_rate_limited_per_address(rate_limited_config, client, category):
    answers = [client.get("/search/similar", query_string={"q": "box"}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]


def test_similar_leaves_out_deleted_threads(client, member, category, threads):
    lonely = forum.start_thread(member, category, "Volet roulant bloqué", "Il ne descend plus.")
    committed()
    assert similar_json(client, "volet roulant")
    forum.delete_post(member, db.session.scalar(sa.select(Post).where(Post.thread_id == lonely.id)))
    committed()
    assert similar_json(client, "volet roulant") == []


def test_a_title_without_a_similar_thread_is_posted_at_once(client, auth, member, threads):
    auth.login(member)
    response = client.post("/c/depannage/new", data={"title": "Volet roulant bloqué", "body": "Il ne descend plus."})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Thread).where(Thread.title == "Volet roulant bloqué")) is not None


def test_a_title_like_existing_threads_first_shows_them_and_posts_nothing(client, auth, member, threads):
    auth.login(member)
    response = client.post("/c/depannage/new", data={"title": "La box redémarre", "body": "Encore et encore."})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Has your question already been asked?" in page
    assert f'href="{url_of(threads["reboots"])}"' in page
    assert 'name="confirmed" type="hidden" value="1"' in page
    assert "Post my question anyway" in page
    assert db.session.scalar(sa.select(Thread).where(Thread.title == "La box redémarre")) is None


def test_a_title_like_only_unsolved_threads_is_posted_at_once(client, auth, member, threads):
    """Only a solved twin holds a question back: the script lists any similar thread as the title is
    typed, but a form sent without it is stopped only when the answer very likely exists."""
    auth.login(member)
    response = client.post("/c/depannage/new", data={"title": "Thermostat toujours hors ligne", "body": "Oui."})
    assert response.status_code == 302
    assert similar_json(client, "Thermostat toujours hors ligne")  # still listed while typing


def test_a_title_sharing_a_single_word_with_a_solved_thread_is_posted_at_once(client, auth, member, threads):
    auth.login(member)
    response = client.post("/c/depannage/new", data={"title": "Une box neuve livrée cassée", "body": "Écran fêlé."})
    assert response.status_code == 302


def test_the_question_is_posted_when_sent_again_confirmed(client, auth, member, threads):
    auth.login(member)
    data = {"title": "La box redémarre", "body": "Encore et encore."}
    client.post("/c/depannage/new", data=data)
    response = client.post("/c/depannage/new", data={**data, "confirmed": "1"})
    assert response.status_code == 302
    thread = db.session.scalar(sa.select(Thread).where(Thread.title == "La box redémarre"))
    assert response.headers["Location"] == url_of(thread)


def test_a_question_that_would_be_refused_shows_its_errors_rather_than_similar_threads(client, auth, member, threads):
    auth.login(member)
    response = client.post("/c/depannage/new", data={"title": "La box redémarre", "body": "  "})
    assert response.status_code == 400
    assert "A message cannot be empty." in response.get_data(as_text=True)


def test_thread_page_ends_with_related_threads_but_never_itself(client, threads):
    page = client.get(url_of(threads["restarts"])).get_data(as_text=True)
    related = page.split('id="related-threads"', 1)[1]
    assert f'href="{url_of(threads["reboots"])}"' in related
    assert f'href="{url_of(threads["restarts"])}"' not in related


def test_thread_page_without_related_threads_shows_no_related_section(client, threads):
    page = client.get(url_of(threads["thermostat"])).get_data(as_text=True)
    assert 'id="related-threads"' not in page


def test_related_threads_of_a_member_view_are_searched_once_until_content_changes(
    client, auth, monkeypatch, member, category, threads
):
    auth.login(make_user("Lectrice"))
    searches = []
    search = similar.similar_threads

    def counted(*args, **kwargs):
        searches.append(args)
        return search(*args, **kwargs)

    monkeypatch.setattr(similar, "similar_threads", counted)
    url = url_of(threads["restarts"])
    client.get(url)
    client.get(url)
    assert len(searches) == 1
    forum.start_thread(member, category, "La box redémarre encore", "Oui.")
    committed()
    page = client.get(url).get_data(as_text=True)
    assert len(searches) == 2
    assert "La box redémarre encore" in page.split('id="related-threads"', 1)[1]
