"""What only PostgreSQL full-text search does: vectors written in the post's own transaction,
rebuilt range by range, and the ranking of a common word's most recent matches. What both backends
do alike is tested on both in test_search.py. These run with `make test-pg`."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.clock import utcnow
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category, Post
from app.reputation import services as reputation
from app.search import maintenance, services
from app.search.models import SearchOutbox
from app.search.postgres import searching, vectors
from app.search.postgres.schema import post_vectors
from app.search.postgres.searching import START, STOP, _marked

pytestmark = [
    pytest.mark.usefixtures("search_backend"),
    pytest.mark.parametrize("search_backend", ["postgres"], indirect=True),
]


def test_marks_become_html_and_everything_else_is_escaped():
    headline = f"a &lt;b&gt; {START}mot{STOP} &amp; <i>{START}&lt;x&gt;{STOP} fin"
    assert _marked(headline) == "a &lt;b&gt; <mark>mot</mark> &amp; &lt;i&gt;<mark>&lt;x&gt;</mark> fin"


def vector_rows() -> dict[int, int]:
    """Each post id with a vector, and the transaction that last wrote it."""
    db.session.commit()
    return dict(db.session.execute(sa.select(post_vectors.c.post_id, sa.text("xmin::text::bigint"))).all())


def titles(query: str, **options) -> list[str]:
    return [hit.post.thread.title for hit in services.search(query, **options).hits]


def test_the_vector_is_written_in_the_posts_own_transaction(thread, other_member):
    reply = forum.reply(other_member, thread, "Un mot rare : ornithorynque.")
    db.session.flush()
    in_transaction = db.session.scalar(sa.select(post_vectors.c.post_id).where(post_vectors.c.post_id == reply.id))
    assert in_transaction == reply.id
    db.session.rollback()
    assert reply.id not in vector_rows()

    reply = forum.reply(other_member, thread, "Un mot rare : ornithorynque.")
    db.session.commit()
    # Found at once, by any process: no outbox row, nothing to apply after the commit.
    assert titles("ornithorynque") == [thread.title]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox)) == 0


def test_only_what_a_vector_is_made_of_rewrites_it(thread, member, other_member):
    reply = forum.reply(other_member, thread, "Purgez le radiateur.")
    db.session.commit()
    before = vector_rows()
    reputation.toggle_helpful(member, reply)
    reputation.toggle_solution(member, reply)
    db.session.commit()
    assert vector_rows() == before
    forum.edit_post(other_member, reply, "Purgez les radiateurs.")
    db.session.commit()
    after = vector_rows()
    assert {post_id for post_id in after if after[post_id] != before[post_id]} == {reply.id}


def test_check_finds_missing_vectors_and_ensure_builds_them(thread, runner):
    db.session.execute(sa.delete(post_vectors))
    db.session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and "missing: 1 posts" in result.output
    assert "Indexed 1 posts" in runner.invoke(args=["search", "ensure"]).output
    assert "exists" in runner.invoke(args=["search", "ensure"]).output
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_rebuild_goes_range_by_range_and_rewrites_only_what_differs(
    monkeypatch, thread, member, other_member, category
):
    monkeypatch.setattr(vectors, "RANGE", 3)
    replies = [forum.reply(other_member, thread, f"Réponse {number}") for number in range(8)]
    other = forum.start_thread(member, category, "Autre sujet", "Rien")
    db.session.commit()
    db.session.execute(sa.delete(post_vectors).where(post_vectors.c.post_id == replies[0].id))
    db.session.execute(sa.update(Post).where(Post.id == replies[3].id).values(body_html="<p>changé</p>"))
    db.session.execute(sa.update(Post).where(Post.id == replies[6].id).values(deleted_at=utcnow()))
    db.session.commit()
    report = maintenance.check()
    assert (report.missing, report.stale, report.extra) == ([replies[0].id], [replies[3].id], [replies[6].id])
    before = vector_rows()

    assert maintenance.rebuild() == 1 + 7 + 1
    after = vector_rows()
    assert set(after) == {post.id for post in db.session.scalars(sa.select(Post).where(Post.deleted_at.is_(None)))}
    rewritten = {post_id for post_id in after if after[post_id] != before.get(post_id)}
    assert rewritten == {replies[0].id, replies[3].id}
    assert maintenance.check().consistent
    assert titles("changé") == [thread.title] and titles("autre") == [other.title]


def test_a_common_word_ranks_its_most_recent_matches(app, member, category):
    app.config["SEARCH_RANKED_MATCHES"] = 3
    ideas = Category(name="Idées", slug="idees")
    for number in range(5):
        where = ideas if number < 2 else category
        forum.start_thread(member, where, f"Compteur {number}", "compteur linky")
    db.session.commit()
    assert sorted(titles("linky")) == ["Compteur 2", "Compteur 3", "Compteur 4"]
    assert titles("linky", sort="newest") == ["Compteur 4", "Compteur 3", "Compteur 2"]
    # Filters narrow the matches before the most recent are taken.
    assert sorted(titles("linky category:idees")) == ["Compteur 0", "Compteur 1"]
    app.config["SEARCH_RANKED_MATCHES"] = 5_000
    assert sorted(titles("linky")) == [f"Compteur {number}" for number in range(5)]


def test_is_solution_ranks_the_most_recent_solutions_that_match(app, member, other_member, category):
    app.config["SEARCH_RANKED_MATCHES"] = 2
    for number in range(5):
        thread = forum.start_thread(member, category, f"Compteur {number}", "Une question")
        # The newest solution does not hold the word: it is passed over, not counted.
        answer = forum.reply(other_member, thread, "Autre chose" if number == 4 else "Le linky, encore")
        reputation.toggle_solution(member, answer)
        forum.reply(other_member, thread, "linky aussi, mais pas la solution")
    db.session.commit()
    assert titles("linky is:solution", sort="newest") == ["Compteur 3", "Compteur 2"]
    app.config["SEARCH_RANKED_MATCHES"] = 5_000
    assert sorted(titles("linky is:solution")) == [f"Compteur {number}" for number in range(4)]


def test_a_reader_is_told_when_only_the_most_recent_matches_were_ranked(app, member, category):
    app.config["SEARCH_RANKED_MATCHES"] = 3
    for number in range(4):
        forum.start_thread(member, category, f"Compteur {number}", "compteur linky")
    db.session.commit()
    with force_locale("en"):  # outside a request, notes speak the default language, French
        assert any("Only the 3 most recent matching posts" in note for note in services.search("linky").notes)
        assert services.search("linky compteur 1").notes == []
        app.config["SEARCH_RANKED_MATCHES"] = 4
        assert services.search("linky").notes == []  # all four ranked


def test_the_newest_matches_are_found_window_by_window(app, member, category, monkeypatch):
    monkeypatch.setattr(searching, "FIRST_WINDOW", 1)  # windows of 1, 4, 16… post ids
    app.config["SEARCH_RANKED_MATCHES"] = 4
    for number in range(30):
        words = "compteur linky" if number % 5 == 0 else "thermostat"
        forum.start_thread(member, category, f"Sujet {number}", f"{words} {'ornithorynque' if number == 0 else ''}")
    db.session.commit()
    assert titles("linky", sort="newest") == ["Sujet 25", "Sujet 20", "Sujet 15", "Sujet 10"]
    assert titles("ornithorynque") == ["Sujet 0"]
    assert titles("linky category:nulle-part") == []
    with force_locale("en"):
        assert any("Only the 4 most recent" in note for note in services.search("linky").notes)
        app.config["SEARCH_RANKED_MATCHES"] = 6
        assert services.search("linky").notes == []
