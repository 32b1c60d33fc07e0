"""What a public page's <head> tells search engines: one canonical URL, its title and description,
Open Graph tags, whether it may be indexed, and its neighbours and feeds."""

import pytest

from app.accounts.models import ADMIN
from app.extensions import db
from app.moderation import services as moderation
from tests.helpers import SITE, head_of, make_user, new_thread, opening_of, url_of

# URLs


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/moderation/log?page=1", "/moderation/log"),
        ("/moderation/log?action=hide_post&page=1", "/moderation/log?action=hide_post"),
        ("/c/depannage?page=1", "/c/depannage"),
    ],
)
def test_the_first_page_number_redirects_to_the_bare_url(client, category, url, expected):
    response = client.get(url)
    assert response.status_code == 301
    assert response.headers["Location"] == expected


def test_the_first_page_of_a_thread_redirects_to_its_bare_url(client, thread):
    response = client.get(url_of(thread, page=1))
    assert response.status_code == 301 and response.headers["Location"] == url_of(thread)


# The head of public pages


@pytest.fixture
def public_pages(thread, member):
    return {
        "home": "/",
        "category": "/c/depannage",
        "thread": url_of(thread),
        "profile": f"/u/{member.username}",
        "leaderboard": "/leaderboard",
    }


def test_each_public_page_has_one_absolute_canonical_link(client, public_pages):
    for url in public_pages.values():
        head = head_of(client, url)
        assert head.hrefs("canonical") == [SITE + url], url


def test_public_pages_have_distinct_titles(client, public_pages, thread):
    titles = {name: head_of(client, url).title for name, url in public_pages.items()}
    assert len(set(titles.values())) == len(titles), titles
    assert titles["thread"] == "Ma box redémarre sans cesse · Dépannage · Entraide"


def test_a_filtered_category_listing_has_its_own_title_and_canonical(client, category):
    everything, solved = head_of(client, "/c/depannage"), head_of(client, "/c/depannage?solved=yes")
    assert everything.title != solved.title
    assert solved.hrefs("canonical") == [f"{SITE}/c/depannage?solved=yes"]


def test_a_thread_is_described_by_the_start_of_its_question_in_plain_text(client, member, category):
    body = "Ma **box** clignote en orange. " + "Je l'ai redémarrée plusieurs fois sans succès, " * 8
    thread = new_thread(member, category, "Box qui clignote", body)
    description = head_of(client, url_of(thread)).one("description")
    assert description.startswith("Ma box clignote en orange. Je l'ai redémarrée")
    assert len(description) <= 155 and description.endswith("…")


def test_a_hidden_question_is_not_quoted_in_the_description(client, thread, moderator):
    moderation.hide_post(moderator, opening_of(thread), "Hors charte")
    db.session.commit()
    description = head_of(client, url_of(thread)).one("description")
    assert "clignote" not in description and "Ma box redémarre sans cesse" in description


def test_categories_are_described_by_their_description_and_profiles_by_a_sentence(client, category, member):
    assert head_of(client, "/c/depannage").one("description") == "Quand rien ne marche."
    assert head_of(client, "/u/Camille").one("description").startswith("Camille, member of Entraide since")


@pytest.mark.parametrize(
    "page, og_type",
    [
        ("home", "website"),
        ("category", "website"),
        ("thread", "article"),
        ("profile", "profile"),
        ("leaderboard", "website"),
    ],
)
def test_public_pages_carry_open_graph_and_twitter_tags(client, public_pages, page, og_type):
    head = head_of(client, public_pages[page])
    assert head.one("og:type") == og_type
    assert head.one("og:url") == head.hrefs("canonical")[0]
    assert head.one("og:site_name") == "Entraide"
    assert head.one("og:locale") == "en_GB"
    assert head.one("og:title") and head.one("og:title") in head.title
    assert head.one("og:description") == head.one("description") != ""
    assert head.one("twitter:card") == "summary"
    assert head.one("twitter:title") == head.one("og:title")
    assert head.one("twitter:description") == head.one("description")


def test_the_open_graph_locale_and_html_lang_follow_the_page_language(french_client, client, thread):
    french, english = head_of(french_client, url_of(thread)), head_of(client, url_of(thread))
    assert (french.lang, french.one("og:locale")) == ("fr", "fr_FR")
    assert (english.lang, english.one("og:locale")) == ("en", "en_GB")


def test_public_pages_may_be_indexed(client, public_pages):
    for url in public_pages.values():
        assert "robots" not in head_of(client, url).meta, url


def _noindex_pages(thread):
    opening = opening_of(thread)
    return [
        (None, "/search?q=box"),
        (None, "/login"),
        (None, "/register"),
        (None, "/moderation/log"),
        (None, f"/p/{opening.id}/history"),
        ("member", "/account"),
        ("member", "/notifications"),
        ("member", "/c/depannage/new"),
        ("member", f"/t/{thread.id}/reply"),
        ("member", f"/p/{opening.id}/edit"),
        ("moderator", "/moderation/flags"),
        ("admin", "/admin"),
        ("admin", "/admin/users"),
    ]


def test_search_account_notification_moderation_admin_and_form_pages_are_not_indexed(
    client, auth, thread, member, moderator
):
    users = {"member": member, "moderator": moderator, "admin": make_user("Admin", role=ADMIN)}
    for who, url in _noindex_pages(thread):
        auth.logout()
        if who:
            auth.login(users[who])
        robots = head_of(client, url).meta.get("robots")
        if url.startswith("/search"):
            assert "noindex" in robots  # the search page's own template may say it again
        else:
            assert robots == ["noindex"], url


def test_error_pages_are_not_indexed(client):
    assert head_of(client, "/t/999/nulle-part", status=404).meta["robots"] == ["noindex"]


def test_paginated_threads_link_their_neighbours_in_the_head(client, long_thread):
    base = SITE + url_of(long_thread)
    first, middle, last = (head_of(client, url_of(long_thread, page)) for page in (None, 2, 3))
    assert (first.hrefs("prev"), first.hrefs("next")) == ([], [f"{base}?page=2"])
    assert (middle.hrefs("prev"), middle.hrefs("next")) == ([base], [f"{base}?page=3"])
    assert (last.hrefs("prev"), last.hrefs("next")) == ([f"{base}?page=2"], [])
    assert middle.hrefs("canonical") == [f"{base}?page=2"] and first.hrefs("canonical") == [base]
    assert len({first.title, middle.title, last.title}) == 3


def test_paginated_categories_link_their_neighbours_in_the_head(app, client, member, category):
    app.config["THREADS_PER_PAGE"] = 1
    for number in range(2):
        new_thread(member, category, f"Sujet {number}")
    first, second = head_of(client, "/c/depannage"), head_of(client, "/c/depannage?page=2")
    assert first.hrefs("next") == [f"{SITE}/c/depannage?page=2"] and first.hrefs("prev") == []
    assert second.hrefs("prev") == [f"{SITE}/c/depannage"] and second.hrefs("next") == []


def test_home_and_category_pages_point_to_their_atom_feeds(client, category):
    def feeds(url):
        return [
            link["href"]
            for link in head_of(client, url).links
            if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"
        ]

    assert feeds("/") == [f"{SITE}/feed.atom"]
    assert feeds("/c/depannage") == [f"{SITE}/c/depannage/feed.atom"]
