import html
import multiprocessing
import os
import time

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as whoosh_query
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.support.charset import accent_map
from whoosh.writing import SegmentWriter

from app import create_app
from app.clock import utcnow
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category, Post
from app.reputation import services as reputation
from app.search import maintenance, outbox
from app.search.models import SearchOutbox
from app.search.whoosh import index
from app.search.whoosh.analysis import ANALYZER, BilingualStemFilter, terms
from app.search.whoosh.filters import Filtered
from app.search.whoosh.phrases import Phrase

# Every test runs on each backend (PostgreSQL's when the run has a PostgreSQL database), unless it
# says it is about Whoosh's own machinery.
pytestmark = pytest.mark.usefixtures("search_backend")
whoosh_only = pytest.mark.parametrize("search_backend", ["whoosh"], indirect=True)


def committed():
    """Commit the test's changes and apply what they queued, as a request's end would."""
    db.session.commit()
    outbox.apply_pending(everything=True)


def queued() -> int:
    db.session.commit()  # a fresh read: other connections wrote the outbox meanwhile
    return db.session.scalar(sa.select(sa.func.count()).select_from(SearchOutbox))


def titles(client, query: str, **params) -> list[str]:
    response = client.get("/search", query_string={"q": query, **params})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return [
        html.unescape(part.split(">", 1)[1].split("</a>", 1)[0])
        for part in page.split('class="search-result__title"><a ')[1:]
    ]


@pytest.fixture
def forum_posts(member, other_member, category):
    """Three threads in two categories, one solved."""
    ideas = Category(name="Idées", slug="idees")
    db.session.add(ideas)
    power = forum.start_thread(member, category, "Coupure d'électricité la nuit", "Le tableau électrique disjoncte.")
    answer = forum.reply(other_member, power, "Il faut **réparer** le différentiel, pas le thermostat.")
    forum.start_thread(other_member, category, "Wi-Fi instable", "La box redémarre, le thermostat perd le réseau.")
    forum.start_thread(member, ideas, "Un mode vacances", "Une idée pour économiser sur la facture.")
    reputation.toggle_solution(member, answer)
    committed()
    return {"power": power, "answer": answer, "ideas": ideas}


# Whoosh's analysis


@whoosh_only
@pytest.mark.parametrize("word", ["électricité", "electricite", "Électricités", "ÉLECTRICITÉ"])
def test_accents_case_and_plurals_fold_to_one_term(word):
    assert terms(word) == terms("électricité")


@whoosh_only
@pytest.mark.parametrize("word", ["réparer", "reparer", "réparation", "réparations"])
def test_french_words_match_by_stem(word):
    assert terms(word) == terms("réparer")


@whoosh_only
def test_english_words_match_by_stem():
    assert terms("repairing") == terms("repair") == terms("repairs")


@whoosh_only
def test_elisions_and_versions_split_sensibly():
    assert terms("l'électricité") == ["l", *terms("électricité")]
    assert "3.0.2" in terms("firmware 3.0.2")


@whoosh_only
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text())
def test_the_one_pass_analyzer_is_whooshs_chain(text):
    chain = RegexTokenizer(r"\w+(?:\.\w+)*") | LowercaseFilter() | CharsetFilter(accent_map) | BilingualStemFilter()

    def tokens(analyzer):
        return [(t.text, t.pos, t.startchar, t.endchar) for t in analyzer(text, positions=True, chars=True)]

    assert tokens(ANALYZER) == tokens(chain)


# Searching


@pytest.mark.parametrize("query", ["electricite", "électricité", "Électricités", "ELECTRICITE"])
def test_search_finds_with_or_without_accents(client, forum_posts, query):
    assert titles(client, query) == ["Coupure d'électricité la nuit"]


@pytest.mark.parametrize("query", ["réparation", "reparations", "RÉPARER"])
def test_search_matches_by_stem(client, forum_posts, query):
    assert titles(client, query) == ["Coupure d'électricité la nuit"]


@pytest.mark.parametrize("query", ["repairing", "repair", "repairs"])
def test_search_matches_english_words_by_stem(client, member, category, query):
    forum.start_thread(member, category, "Boiler", "Two repairs in a week.")
    committed()
    assert titles(client, query) == ["Boiler"]


def test_every_word_counts_even_the_most_common(client, forum_posts):
    assert titles(client, "pour") == ["Un mode vacances"]
    assert titles(client, '"la nuit"') == ["Coupure d'électricité la nuit"]


def test_elisions_hyphens_and_versions(client, member, category):
    forum.start_thread(member, category, "Mise à jour", "L'électricité revient avec le firmware 3.0.2 du Wi-Fi.")
    committed()
    for query in ("électricité", "l'électricité", "3.0.2", "wi-fi", '"firmware 3.0.2"'):
        assert titles(client, query) == ["Mise à jour"], query
    assert titles(client, "3.0.3") == []


def test_all_words_are_required(client, forum_posts):
    assert titles(client, "thermostat box") == ["Wi-Fi instable"]


def test_exact_phrase(client, forum_posts):
    assert titles(client, '"tableau électrique"') == ["Coupure d'électricité la nuit"]
    assert titles(client, '"électrique tableau"') == []


@whoosh_only
@pytest.mark.parametrize(
    "words", ["le tableau électrique", "électrique tableau", "le le", "le thermostat", "perd le réseau", "le zèbre"]
)
def test_phrases_find_what_whooshs_phrase_finds_with_the_same_scores(forum_posts, member, category, words):
    forum.start_thread(member, category, "Le thermostat", "Le thermostat, le le thermostat, le réseau le perd.")
    committed()
    searcher = index.searcher()

    def hits(phrase) -> list:
        found = searcher.search(whoosh_query.Or([phrase(name, terms(words)) for name in ("title", "body")]), limit=None)
        return [(hit["post_id"], round(hit.score, 9)) for hit in found]

    assert hits(Phrase) == hits(whoosh_query.Phrase)


@whoosh_only
def test_filters_keep_the_scores_and_order_of_the_words_alone(app, member, category):
    """Across several segments, with posts edited and moved since their segment was written."""
    ideas = Category(name="Idées", slug="idees")
    db.session.add(ideas)
    threads = []
    for number in range(24):
        words = " ".join(["thermostat"] * (1 + number % 4) + ["chaudière"] * (number % 3))
        thread = forum.start_thread(member, ideas if number % 3 else category, f"Question {number}", words)
        threads.append(thread)
        if number % 6 == 5:
            committed()  # a segment of its own
    committed()
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == threads[4].id))
    forum.edit_post(member, opening, "Plus de chaudière.")
    forum.move_thread(threads[7], category)
    committed()
    searcher = index.searcher()
    assert len(searcher.leaf_searchers()) > 1
    words = whoosh_query.Or([whoosh_query.Term(name, "thermostat") for name in ("title", "body")])
    for conditions in (whoosh_query.Term("category", "idees"), whoosh_query.Term("category", "nulle-part")):
        allowed = set(searcher.docs_for_query(conditions))
        every = [(hit.docnum, hit.score) for hit in searcher.search(words, limit=None)]
        expected = [(docnum, score) for docnum, score in every if docnum in allowed]
        for limit in (None, 3):
            found = searcher.search(Filtered(words, conditions), limit=limit)
            assert [(hit.docnum, hit.score) for hit in found] == expected[:limit]


def test_excluded_words(client, forum_posts):
    assert titles(client, "thermostat -différentiel") == ["Wi-Fi instable"]
    assert titles(client, 'thermostat -"perd le réseau"') == ["Coupure d'électricité la nuit"]
    # The opening post of the first thread has no thermostat; its answer has.
    assert titles(client, "category:depannage -thermostat") == ["Coupure d'électricité la nuit"]
    assert titles(client, "category:depannage -thermostat -disjoncte") == []
    assert titles(client, "category:idees -thermostat") == ["Un mode vacances"]


def test_or_between_words(client, forum_posts):
    assert sorted(titles(client, "vacances OR box")) == ["Un mode vacances", "Wi-Fi instable"]
    assert sorted(titles(client, 'thermostat "mode vacances" OR box')) == ["Wi-Fi instable"]
    assert sorted(titles(client, "vacances OR box OR disjoncte")) == [
        "Coupure d'électricité la nuit",
        "Un mode vacances",
        "Wi-Fi instable",
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("category:idees", ["Un mode vacances"]),
        ("thermostat category:depannage", ["Coupure d'électricité la nuit", "Wi-Fi instable"]),
        ("author:bastien thermostat", ["Coupure d'électricité la nuit", "Wi-Fi instable"]),
        ("author:BASTIEN réparer", ["Coupure d'électricité la nuit"]),
        ("solved:yes", ["Coupure d'électricité la nuit"]),
        ("solved:no", ["Un mode vacances", "Wi-Fi instable"]),
        ("is:solution", ["Coupure d'électricité la nuit"]),
        ("after:2000-01-01 vacances", ["Un mode vacances"]),
        ("before:2000-01-01 vacances", []),
        ("before:2999-01-01 vacances", ["Un mode vacances"]),
        ("after:2999-01-01", []),
        ("category:idees category:depannage", []),
        ("category:nulle-part thermostat", []),
        ("author:personne", []),
        ("solved:yes is:solution réparer", ["Coupure d'électricité la nuit"]),
        ("is:solution tableau", []),
    ],
)
def test_filters(client, forum_posts, query, expected):
    assert sorted(titles(client, query)) == sorted(expected)


def test_category_page_searches_within_its_category(client, forum_posts):
    assert titles(client, "idée OR thermostat", category="idees") == ["Un mode vacances"]


def test_a_day_filter_includes_that_day_or_not(client, member, category):
    thread = forum.start_thread(member, category, "Daté", "calendrier")
    thread_post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    thread_post.created_at = thread_post.created_at.replace(year=2025, month=3, day=15, hour=23)
    committed()
    assert titles(client, "calendrier after:2025-03-14") == ["Daté"]
    assert titles(client, "calendrier after:2025-03-15") == []
    assert titles(client, "calendrier before:2025-03-16") == ["Daté"]
    assert titles(client, "calendrier before:2025-03-15") == []


def test_results_are_grouped_by_thread(client, forum_posts, member):
    forum.reply(member, forum_posts["power"], "Le thermostat n'y est pour rien, le thermostat est innocent.")
    committed()
    assert titles(client, "thermostat").count("Coupure d'électricité la nuit") == 1


def test_newest_first_when_asked(client, forum_posts, member, category):
    forum.start_thread(member, category, "Thermostat neuf", "Encore un thermostat.")
    committed()
    assert titles(client, "thermostat", sort="newest") == [
        "Thermostat neuf",
        "Wi-Fi instable",
        "Coupure d'électricité la nuit",
    ]
    assert client.get("/search?q=thermostat&sort=popular").status_code == 400


def test_helpful_and_solved_posts_rank_higher(client, member, other_member, category):
    plain = forum.start_thread(member, category, "Batterie faible", "batterie batterie")
    helped = forum.start_thread(member, category, "Batterie vide", "batterie batterie")
    answer = forum.reply(other_member, helped, "batterie batterie")
    reputation.toggle_solution(member, answer)
    committed()
    assert titles(client, "batterie")[0] == helped.title
    assert plain.title in titles(client, "batterie")


def test_matches_are_highlighted_and_text_is_escaped(client, member, category):
    forum.start_thread(member, category, "Balises", "Le texte <script>alert(1)</script> du thermostat & \x02 <b>")
    committed()
    page = client.get("/search?q=thermostat").get_data(as_text=True)
    assert "<mark>thermostat</mark>" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_post_matched_by_its_title_only_shows_its_opening_words(client, member, category):
    forum.start_thread(member, category, "Thermostat", "Rien à voir **ici**.")
    committed()
    page = client.get("/search?q=thermostat").get_data(as_text=True)
    assert "Rien à voir ici." in page and "<mark>" not in page


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_results_paginate(app, client, member, category, sort):
    app.config["SEARCH_RESULTS_PER_PAGE"] = 2
    for number in range(5):
        forum.start_thread(member, category, f"Compteur {number}", "compteur linky")
    committed()
    pages = [titles(client, "linky", page=number, sort=sort) for number in (1, 2, 3)]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(sum(pages, [])) == [f"Compteur {number}" for number in range(5)]
    assert 'rel="next"' in client.get("/search?q=linky").get_data(as_text=True)
    assert 'rel="next"' not in client.get("/search?q=linky&page=3").get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "-",
        "--",
        "OR",
        "OR OR",
        ":",
        "category:",
        "after:hier",
        "before:2024-02-30",
        "solved:peut-être",
        "is:nothing",
        "a" * 2000,
        "\x00",
        "%",
        "*",
        "?",
        "(((",
        "AND NOT",
        "日本語",
        "🔌⚡",
        '-"a b"',
        "author:",
        'title:"x',
        "\\",
        "___",
        "_ thermostat",
        "' & | ! <-> :* ( )",
        "thermostat & !box",
        "-thermostat",
        '"" OR -""',
        "OR thermostat OR",
        "category:idees -",
        "before:2024-13-01 after:0001-01-01",
        "author:" + "x" * 300,
        "a:b:c d:e",
    ],
)
def test_odd_queries_always_get_a_page(client, forum_posts, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    response = client.get("/search", query_string={"q": query, "sort": "newest", "category": "idees"})
    assert response.status_code == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=80))
def test_any_query_gets_a_page(client, query):
    assert client.get("/search", query_string={"q": query}).status_code == 200


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet=st.sampled_from(list("ab -\"():!&|*<>'\\éOR_.")), max_size=30))
def test_any_query_of_operators_gets_a_page(client, forum_posts, query):
    assert client.get("/search", query_string={"q": query}).status_code == 200


@pytest.mark.parametrize(
    "query", [{"q": "category:depannage\x00"}, {"q": "author:Camille\x00"}, {"q": "box", "category": "a\x00b"}]
)
def test_a_filter_holding_a_nul_gets_a_page(client, forum_posts, query):
    # PostgreSQL refuses to compare a column with a text holding NUL: a NUL separates words as a space does.
    assert client.get("/search", query_string=query).status_code == 200


def test_bad_page_numbers(client, forum_posts):
    assert client.get("/search?q=thermostat&page=0").status_code == 400
    assert client.get("/search?q=thermostat&page=abc").status_code == 400
    assert "narrow the search" in client.get("/search?q=thermostat&page=51").get_data(as_text=True)


def test_search_box_on_every_page(client, forum_posts):
    for url in ("/", "/c/depannage", "/leaderboard", "/login"):
        assert 'action="/search"' in client.get(url).get_data(as_text=True)


# Keeping the search in step with the database


def test_new_posts_are_found_once_their_request_ends(client, auth, other_member, forum_posts):
    auth.login(other_member)
    client.post(f"/t/{forum_posts['power'].id}/reply", data={"body": "Vérifiez le parafoudre."})
    assert titles(client, "parafoudre") == ["Coupure d'électricité la nuit"]
    assert queued() == 0


def test_edits_replace_the_indexed_words(client, auth, other_member, forum_posts):
    auth.login(other_member)
    client.post(f"/p/{forum_posts['answer'].id}/edit", data={"body": "Changez le fusible."})
    assert titles(client, "fusible") == ["Coupure d'électricité la nuit"]
    assert titles(client, "différentiel") == []


def test_a_search_made_before_an_edit_does_not_keep_the_old_words(client, auth, other_member, forum_posts):
    """A worker keeps its searcher from one search to the next: after an edit, it must not find
    the post by the words the edit took out."""
    assert titles(client, "différentiel") == ["Coupure d'électricité la nuit"]
    auth.login(other_member)
    client.post(f"/p/{forum_posts['answer'].id}/edit", data={"body": "Changez le fusible."})
    assert titles(client, "différentiel") == []
    assert titles(client, "fusible") == ["Coupure d'électricité la nuit"]
    client.post(f"/p/{forum_posts['answer'].id}/edit", data={"body": "Changez le différentiel."})
    assert titles(client, "fusible") == []
    assert titles(client, "différentiel") == ["Coupure d'électricité la nuit"]


@whoosh_only
def test_a_post_keeps_one_document_however_often_it_changes(client, auth, member, other_member, forum_posts):
    answer = forum_posts["answer"]
    auth.login(other_member)
    for body in ("Premier essai.", "Deuxième essai.", "Troisième essai."):
        client.post(f"/p/{answer.id}/edit", data={"body": body})
    auth.login(member)
    client.post(f"/p/{answer.id}/helpful")
    with index.open_index().searcher() as fresh:
        assert len(list(fresh.document_numbers(post_id=str(answer.id)))) == 1
    assert titles(client, "essai") == ["Coupure d'électricité la nuit"]
    assert maintenance.check().consistent


@whoosh_only
def test_replies_and_edits_are_written_without_opening_every_segment_again(
    client, auth, other_member, forum_posts, monkeypatch
):
    """Whoosh's own replacement of a document opens a searcher on every segment, which reads each
    one's terms whole: most of a second per reply at a hundred thousand posts. The worker's kept
    searcher finds the documents to replace instead."""
    opened = []
    monkeypatch.setattr(SegmentWriter, "searcher", lambda writer, **options: opened.append(writer))
    auth.login(other_member)
    client.post(f"/t/{forum_posts['power'].id}/reply", data={"body": "Un mot rare : ornithorynque."})
    client.post(f"/p/{forum_posts['answer'].id}/edit", data={"body": "Changez le fusible."})
    assert opened == []
    assert titles(client, "ornithorynque") == ["Coupure d'électricité la nuit"]
    assert titles(client, "différentiel") == [] and titles(client, "fusible") == ["Coupure d'électricité la nuit"]
    assert maintenance.check().consistent


@whoosh_only
def test_a_kept_searcher_sees_a_deletion_without_reading_its_segment_again(app, forum_posts):
    """A segment's files never change; after a deletion, the worker's searcher goes on with the
    terms it read (reading them again takes most of a second at a hundred thousand posts)."""
    searcher = index.searcher()
    terms_read = {reader.segment().segment_id(): reader._terms for reader, _ in searcher.reader().leaf_readers()}
    answer = str(forum_posts["answer"].id)
    writer = index.writer()
    writer.delete_by_term("post_id", answer)
    writer.commit(merge=False)
    fresh = index.searcher()
    assert fresh is not searcher and list(fresh.document_numbers(post_id=answer)) == []
    assert [reader._terms for reader, _ in fresh.reader().leaf_readers()] == list(terms_read.values())


def test_title_changes_reach_every_post_of_the_thread(client, auth, member, forum_posts):
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == forum_posts["power"].id, Post.position == 1))
    auth.login(member)
    client.post(f"/p/{opening.id}/edit", data={"title": "Disjoncteur capricieux", "body": opening.body_source})
    assert titles(client, "capricieux différentiel") == ["Disjoncteur capricieux"]


def test_deleted_and_hidden_posts_leave_the_index_and_restored_ones_return(
    client, auth, other_member, moderator, forum_posts
):
    answer = forum_posts["answer"]
    auth.login(moderator)
    client.post(f"/moderation/posts/{answer.id}/hide", data={"reason": "Hors charte"})
    assert titles(client, "différentiel") == []
    assert titles(client, "différentiel is:solution") == []
    client.post(f"/moderation/posts/{answer.id}/restore", data={"reason": "Relu"})
    assert titles(client, "différentiel") == ["Coupure d'électricité la nuit"]
    auth.login(other_member)
    client.post(f"/p/{answer.id}/delete")
    assert titles(client, "différentiel") == []
    assert maintenance.check().consistent


def test_a_post_hidden_behind_the_searchs_back_is_never_shown_either(client, forum_posts):
    db.session.execute(sa.update(Post).where(Post.id == forum_posts["answer"].id).values(hidden_at=utcnow()))
    db.session.commit()
    assert titles(client, "différentiel") == [] and titles(client, "is:solution") == []


def test_a_deleted_thread_is_never_found(client, auth, member, category):
    thread = forum.start_thread(member, category, "Éphémère", "Un mot : zygomatique.")
    committed()
    assert titles(client, "zygomatique") == ["Éphémère"]
    opening = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id))
    auth.login(member)
    client.post(f"/p/{opening.id}/delete")
    for query in ("zygomatique", "éphémère", "category:depannage"):
        assert titles(client, query) == [], query
        assert titles(client, query, sort="newest") == [], query
    assert maintenance.check().consistent


def test_moved_threads_are_found_in_their_new_category(client, auth, moderator, forum_posts):
    auth.login(moderator)
    client.post(
        f"/moderation/threads/{forum_posts['power'].id}/move", data={"category": "idees", "reason": "Mieux rangé"}
    )
    assert titles(client, "tableau", category="idees") == ["Coupure d'électricité la nuit"]
    assert titles(client, "tableau", category="depannage") == []


def test_a_renamed_category_is_found_under_its_new_slug(client, auth, admin, forum_posts):
    auth.login(admin)
    ideas = forum_posts["ideas"]
    response = client.post(
        f"/admin/categories/{ideas.id}/edit",
        data={"name": "Idées", "slug": "suggestions", "description": "", "reason": "Nom plus clair"},
    )
    assert response.status_code == 302
    assert titles(client, "category:suggestions") == ["Un mode vacances"]
    assert titles(client, "category:idees") == []


@whoosh_only
def test_a_locked_index_never_fails_the_request_and_the_change_waits(
    app, client, auth, other_member, forum_posts, runner
):
    app.config["SEARCH_WRITER_TIMEOUT"] = 0.1
    holder = index.writer()  # another worker holding Whoosh's lock
    try:
        auth.login(other_member)
        response = client.post(f"/t/{forum_posts['power'].id}/reply", data={"body": "Un mot rare : ornithorynque."})
        assert response.status_code == 302
    finally:
        holder.cancel()
    assert queued() == 1
    assert titles(client, "ornithorynque") == []
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and "missing: 1 posts" in result.output and "queued: 1" in result.output
    assert runner.invoke(args=["search", "drain"]).exit_code == 0
    assert titles(client, "ornithorynque") == ["Coupure d'électricité la nuit"]
    assert runner.invoke(args=["search", "check"]).exit_code == 0


@whoosh_only
def test_a_reply_reaches_the_index_once_its_response_has_gone(client, auth, other_member, forum_posts):
    """The member does not wait for Whoosh's writer: the server writes the index after sending."""
    auth.login(other_member)
    response = client.post(
        f"/t/{forum_posts['power'].id}/reply", data={"body": "Un mot rare : ornithorynque."}, buffered=False
    )
    assert response.status_code == 302
    assert queued() == 1  # the response is complete, and the change still waits
    response.close()  # the server has sent it
    assert queued() == 0
    assert titles(client, "ornithorynque") == ["Coupure d'électricité la nuit"]


def keep_committing(instance: str, seconds: float) -> None:
    """Another worker writing to the index over and over: each commit replaces the index's table
    of contents with a new one and removes the old."""
    os.environ["ENTRAIDE_INSTANCE_PATH"] = instance
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            writer = index.writer(timeout=5)
            writer.update_document(post_id="0", thread_id="0", body="la box clignote")
            writer.commit()


@whoosh_only
@pytest.mark.slow
def test_searches_while_another_process_commits_never_fail(app, forum_posts):
    writer = multiprocessing.get_context("spawn").Process(target=keep_committing, args=(app.instance_path, 4))
    writer.start()
    failures = []
    try:
        while writer.is_alive():
            index._searchers.__dict__.clear()  # as a worker that has never searched yet
            try:
                index.exists()
                index.searcher().document_number(post_id="0")
            except OSError as error:
                failures.append(error)
    finally:
        writer.join()
    assert writer.exitcode == 0 and failures == []


@whoosh_only
def test_a_failing_index_write_keeps_the_post_and_its_queued_change(
    app, client, auth, other_member, forum_posts, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(index, "writer", broken)
    auth.login(other_member)
    response = client.post(f"/t/{forum_posts['power'].id}/reply", data={"body": "Toujours enregistré."})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Post.body_source).order_by(Post.id.desc()).limit(1)) == "Toujours enregistré."
    assert queued() == 1


# What each backend's entry for a post is written from, besides visibility: changed behind its back,
# the entry is stale.
WRITTEN_FROM = {"whoosh": {"helpful_count": 3}, "postgres": {"body_html": "<p>Un texte changé en douce.</p>"}}


def test_check_finds_stale_and_extra_entries_and_reindex_repairs(runner, forum_posts, search_backend):
    answer = forum_posts["answer"].id
    opening = db.session.scalar(sa.select(Post.id).where(Post.thread_id == forum_posts["power"].id, Post.position == 1))
    db.session.execute(sa.update(Post).where(Post.id == answer).values(**WRITTEN_FROM[search_backend]))
    db.session.execute(sa.update(Post).where(Post.id == opening).values(hidden_at=utcnow()))
    db.session.commit()  # changes made behind the search's back
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"stale: 1 posts ({answer})" in result.output and f"extra: 1 posts ({opening})" in result.output
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed 3 posts" in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0


@whoosh_only
def test_reindex_builds_a_new_generation_and_swaps_it_in(app, forum_posts):
    before = index.current_path().resolve()
    assert maintenance.rebuild() == 4
    after = index.current_path().resolve()
    assert after != before and not before.exists()
    assert maintenance.check().consistent


@whoosh_only
def test_changes_during_a_rebuild_reach_the_new_generation(app, forum_posts, member, category):
    with index.rebuilding():
        forum.start_thread(member, category, "Pendant la reconstruction", "hippocampe")
        committed()  # applied to the old generation, but kept queued
        assert queued() == 1
    maintenance.rebuild()
    assert maintenance.check().consistent
    assert queued() == 0


@whoosh_only
def test_ensure_builds_the_index_only_when_absent(runner, forum_posts):
    assert "exists" in runner.invoke(args=["search", "ensure"]).output
    import shutil

    shutil.rmtree(index.base_path())
    assert "Indexed 4 posts" in runner.invoke(args=["search", "ensure"]).output


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_helpful_marks_reach_the_index(client, auth, member, other_member, category, accept):
    thread = forum.start_thread(member, category, "Radiateur froid", "Il reste froid.")
    answer = forum.reply(other_member, thread, "Purgez le radiateur.")
    committed()
    auth.login(member)
    for _ in range(2):  # marked, then withdrawn
        response = client.post(f"/p/{answer.id}/helpful", headers={"Accept": accept})
        assert response.status_code in (200, 302)
        assert maintenance.check().consistent
        assert queued() == 0


@whoosh_only
def test_outbox_ids_are_never_reused(app, forum_posts, member, category):
    """A writer deletes the rows it applied by id once it let go of the index: a newer change
    given a freed id would be deleted with them, and never reach the index."""
    forum.start_thread(member, category, "Premier", "Un")
    db.session.commit()
    first = db.session.scalar(sa.select(sa.func.max(SearchOutbox.id)))
    committed()
    forum.start_thread(member, category, "Second", "Deux")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.min(SearchOutbox.id))) > first
