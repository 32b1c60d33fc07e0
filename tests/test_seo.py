"""Search engines and feed readers: head tags, structured data, robots.txt, sitemaps, Atom feeds,
and the HTTP caching of public pages."""
import gzip
import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from werkzeug.http import http_date

from app.accounts.models import ADMIN, User
from app.clock import utcnow
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category, Post, Thread
from app.moderation import services as moderation
from app.reputation import services as reputation
from app.seo import sitemaps
from tests.helpers import make_user
from tests.helpers import counting_statements

SITE = "http://localhost"
W3C_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Head(HTMLParser):
    """What a page's <head> says: title, meta tags, links, JSON-LD, and the <html lang>."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.title = ""
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.json_ld: list[dict] = []
        self._in_title = self._in_json_ld = self._in_head = False
        self._data: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "head":
            self._in_head = True
        elif not self._in_head:
            return
        elif tag == "title":
            self._in_title = True
        elif tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta.setdefault(attrs.get("name") or attrs["property"], []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld, self._data = True, []

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        elif tag == "title":
            self._in_title = False
        elif tag == "script" and self._in_json_ld:
            self._in_json_ld = False
            self.json_ld.append(json.loads("".join(self._data)))

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif self._in_json_ld:
            self._data.append(data)

    def one(self, name: str) -> str:
        values = self.meta.get(name, [])
        assert len(values) == 1, f"{name}: {values}"
        return values[0]

    def hrefs(self, rel: str) -> list[str]:
        return [link["href"] for link in self.links if link.get("rel") == rel]

    def structured(self, kind: str) -> dict:
        found = [item for item in self.json_ld if item["@type"] == kind]
        assert len(found) == 1, [item["@type"] for item in self.json_ld]
        return found[0]


def head_of(client, url: str, status: int = 200) -> Head:
    response = client.get(url)
    assert response.status_code == status, url
    return Head(response.get_data(as_text=True))


def url_of(thread: Thread, page: int | None = None) -> str:
    return f"/t/{thread.id}/{thread.slug}" + (f"?page={page}" if page else "")


def new_thread(author: User, category: Category, title: str, body: str = "Une question.") -> Thread:
    thread = forum.start_thread(author, category, title, body)
    db.session.commit()
    return thread


def opening_of(thread: Thread) -> Post:
    return db.session.scalar(db.select(Post).where(Post.thread_id == thread.id, Post.position == 1))


def answer(author: User, thread: Thread, body: str) -> Post:
    post = forum.reply(author, thread, body)
    db.session.commit()
    return post


@pytest.fixture
def answered(thread, member, other_member):
    """The fixture thread with two replies, the first one marked helpful by the asker."""
    first = answer(other_member, thread, "Débranchez-la **dix secondes**, puis rebranchez.")
    second = answer(make_user("Chloe"), thread, "Changez le câble d'alimentation.")
    reputation.toggle_helpful(member, first)
    db.session.commit()
    return first, second


# URLs


@pytest.mark.parametrize("url, expected", [
    ("/moderation/log?page=1", "/moderation/log"),
    ("/moderation/log?action=hide_post&page=1", "/moderation/log?action=hide_post"),
    ("/c/depannage?page=1", "/c/depannage"),
])
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


@pytest.mark.parametrize("page, og_type", [
    ("home", "website"), ("category", "website"), ("thread", "article"), ("profile", "profile"), ("leaderboard", "website"),
])
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


@pytest.fixture
def long_thread(app, thread, other_member):
    """The fixture thread on three pages of two posts: the question and five replies."""
    app.config["POSTS_PER_PAGE"] = 2
    for number in range(5):
        forum.reply(other_member, thread, f"Réponse numéro {number}")
    db.session.commit()
    return thread


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
        return [link["href"] for link in head_of(client, url).links
                if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"]

    assert feeds("/") == [f"{SITE}/feed.atom"]
    assert feeds("/c/depannage") == [f"{SITE}/c/depannage/feed.atom"]


# Structured data

def assert_person(value: dict, name: str) -> None:
    assert value["@type"] == "Person" and value["name"] == name
    assert value["url"] == f"{SITE}/u/{name}"


def test_a_solved_thread_is_a_qa_page_with_its_accepted_and_suggested_answers(client, thread, member, answered):
    first, second = answered
    reputation.toggle_solution(member, first)
    db.session.commit()
    page = head_of(client, url_of(thread)).structured("QAPage")
    question = page["mainEntity"]
    assert question["@type"] == "Question"
    assert question["name"] == "Ma box redémarre sans cesse"
    assert question["text"] == "Depuis hier elle clignote."
    assert question["answerCount"] == 2
    assert W3C_DATETIME.match(question["dateCreated"])
    assert_person(question["author"], "Camille")
    accepted = question["acceptedAnswer"]
    assert accepted["@type"] == "Answer"
    assert accepted["text"] == "Débranchez-la dix secondes, puis rebranchez."
    assert accepted["upvoteCount"] == 1
    assert accepted["url"] == f"{SITE}{url_of(thread)}#p{first.id}"
    assert W3C_DATETIME.match(accepted["dateCreated"])
    assert_person(accepted["author"], "Bastien")
    [suggested] = question["suggestedAnswer"]
    assert suggested["text"] == "Changez le câble d'alimentation."
    assert suggested["upvoteCount"] == 0
    assert suggested["url"] == f"{SITE}{url_of(thread)}#p{second.id}"
    assert W3C_DATETIME.match(suggested["dateCreated"])
    assert_person(suggested["author"], "Chloe")


def test_an_unsolved_thread_is_a_discussion_forum_posting_with_its_replies_as_comments(client, thread, answered):
    first, second = answered
    head = head_of(client, url_of(thread))
    assert not [item for item in head.json_ld if item["@type"] == "QAPage"]
    posting = head.structured("DiscussionForumPosting")
    assert posting["headline"] == "Ma box redémarre sans cesse"
    assert posting["text"] == "Depuis hier elle clignote."
    assert posting["url"] == SITE + url_of(thread)
    assert W3C_DATETIME.match(posting["datePublished"])
    assert_person(posting["author"], "Camille")
    statistic = posting["interactionStatistic"]
    assert statistic["@type"] == "InteractionCounter"
    assert statistic["interactionType"] == "https://schema.org/CommentAction"
    assert statistic["userInteractionCount"] == 2
    comments = posting["comment"]
    assert [comment["@type"] for comment in comments] == ["Comment", "Comment"]
    assert [comment["url"] for comment in comments] == [f"{SITE}{url_of(thread)}#p{post.id}" for post in (first, second)]
    assert comments[0]["text"] == "Débranchez-la dix secondes, puis rebranchez."
    assert comments[0]["interactionStatistic"]["userInteractionCount"] == 1
    for comment in comments:
        assert W3C_DATETIME.match(comment["datePublished"])
    assert_person(comments[1]["author"], "Chloe")


def test_threads_and_categories_carry_breadcrumbs_from_the_site_down(client, thread):
    def trail(url):
        items = head_of(client, url).structured("BreadcrumbList")["itemListElement"]
        assert [item["position"] for item in items] == list(range(1, len(items) + 1))
        assert all(item["@type"] == "ListItem" for item in items)
        return [(item["name"], item["item"]) for item in items]

    site, category = ("Entraide", f"{SITE}/"), ("Dépannage", f"{SITE}/c/depannage")
    assert trail(url_of(thread)) == [site, category, ("Ma box redémarre sans cesse", SITE + url_of(thread))]
    assert trail("/c/depannage") == [site, category]


def test_hidden_and_deleted_replies_never_appear_in_structured_data(client, thread, member, moderator, answered):
    first, second = answered
    third = answer(make_user("Denis"), thread, "Message supprimé ensuite.")
    moderation.hide_post(moderator, first, "Hors charte")
    forum.delete_post(db.session.get(User, third.author_id), third)
    db.session.commit()
    page = client.get(url_of(thread)).get_data(as_text=True)
    scripts = "".join(json.dumps(item, ensure_ascii=False) for item in Head(page).json_ld)
    assert "Débranchez" not in scripts and "supprimé" not in scripts
    posting = Head(page).structured("DiscussionForumPosting")
    assert [comment["url"].rsplit("#", 1)[1] for comment in posting["comment"]] == [f"p{second.id}"]
    assert posting["interactionStatistic"]["userInteractionCount"] == 1


def test_a_hidden_solution_is_never_given_as_the_accepted_answer(client, thread, member, moderator, answered):
    first, second = answered
    reputation.toggle_solution(member, first)
    db.session.commit()
    moderation.hide_post(moderator, first, "Hors charte")
    db.session.commit()
    head = head_of(client, url_of(thread))
    assert "QAPage" not in [item["@type"] for item in head.json_ld]
    assert "Débranchez" not in json.dumps(head.json_ld, ensure_ascii=False)


def test_later_pages_of_a_thread_describe_the_discussion_from_its_first_page(client, long_thread, member):
    reply = db.session.scalar(db.select(Post).where(Post.thread_id == long_thread.id, Post.position == 2))
    reputation.toggle_solution(member, reply)
    db.session.commit()
    assert head_of(client, url_of(long_thread)).structured("QAPage")
    posting = head_of(client, url_of(long_thread, page=2)).structured("DiscussionForumPosting")
    assert posting["url"] == SITE + url_of(long_thread)
    assert posting["text"] == "Depuis hier elle clignote."
    assert [comment["text"] for comment in posting["comment"]] == ["Réponse numéro 1", "Réponse numéro 2"]


def test_structured_data_cannot_end_its_script_element(client, member, category):
    title = "Balise </script><script>alert(1)</script> & <!-- commentaire"
    thread = new_thread(member, category, title, "Texte </script> & <b>")
    page = client.get(url_of(thread)).get_data(as_text=True)
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert scripts and not any(set("<>&") & set(script) for script in scripts)
    assert Head(page).structured("DiscussionForumPosting")["headline"] == title


def test_a_profile_is_a_profile_page_about_its_member(client, thread, member):
    profile = head_of(client, "/u/Camille").structured("ProfilePage")
    assert W3C_DATETIME.match(profile["dateCreated"])
    person = profile["mainEntity"]
    assert_person(person, "Camille")
    statistic = person["agentInteractionStatistic"]
    assert statistic["interactionType"] == "https://schema.org/WriteAction"
    assert statistic["userInteractionCount"] == 1


# Crawling: robots.txt and sitemaps


def test_robots_txt_keeps_crawlers_off_private_and_action_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")}
    assert {"/search", "/login", "/register", "/account", "/notifications", "/moderation/", "/admin", "/p/"} <= disallowed
    assert {"/t/*/reply$", "/t/*/reply?", "/c/*/new$", "/c/*/new?"} <= disallowed
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def _robots_matches(pattern: str, path: str) -> bool:
    """Google's reading of a robots.txt path: `*` any characters, `$` the end, else a prefix."""
    regex = "".join(".*" if char == "*" else "$" if char == "$" else re.escape(char) for char in pattern)
    return re.match(regex, path) is not None


@pytest.mark.parametrize("path, blocked", [
    ("/t/12/reply", True),
    ("/t/12/reply?reply_to=40&quote=1", True),
    ("/t/12/reply-to-the-landlord", False),
    ("/t/12/ma-box-redemarre", False),
    ("/c/depannage/new", True),
    ("/c/depannage", False),
    ("/c/depannage/feed.atom", False),
    ("/p/40/edit", True),
    ("/moderation/log", True),
    ("/u/Camille", False),
    ("/", False),
])
def test_robots_txt_blocks_exactly_the_pages_it_should(client, path, blocked):
    lines = client.get("/robots.txt").get_data(as_text=True).splitlines()
    patterns = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")]
    assert any(_robots_matches(pattern, path) for pattern in patterns) is blocked


def parse_xml(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    return ET.fromstring(response.get_data())


@pytest.fixture
def many_threads(app, member, category):
    """Five threads, the third deleted by its author, in sitemaps of at most two URLs."""
    app.config["SITEMAP_MAX_URLS"] = 2
    threads = [new_thread(member, category, f"Sujet numéro {number}") for number in range(5)]
    forum.delete_post(member, opening_of(threads[2]))
    db.session.commit()
    return threads


def test_the_sitemap_index_lists_the_pages_sitemap_and_thread_sitemaps_with_lastmod(client, many_threads):
    index = parse_xml(client.get("/sitemap.xml"))
    assert index.tag == f"{SITEMAP}sitemapindex"
    children = [(child.findtext(f"{SITEMAP}loc"), child.findtext(f"{SITEMAP}lastmod")) for child in index]
    assert [loc for loc, _ in children] == [
        f"{SITE}/sitemap-pages.xml", f"{SITE}/sitemap-threads-1.xml",
        f"{SITE}/sitemap-threads-2.xml", f"{SITE}/sitemap-threads-3.xml",
    ]
    assert all(W3C_DATETIME.match(lastmod) for _, lastmod in children)


def test_thread_sitemaps_list_live_threads_at_most_max_urls_each(client, many_threads):
    listed = []
    for number in (1, 2, 3):
        urlset = parse_xml(client.get(f"/sitemap-threads-{number}.xml"))
        assert urlset.tag == f"{SITEMAP}urlset"
        urls = [(url.findtext(f"{SITEMAP}loc"), url.findtext(f"{SITEMAP}lastmod")) for url in urlset]
        assert 1 <= len(urls) <= 2
        assert all(W3C_DATETIME.match(lastmod) for _, lastmod in urls)
        listed += [loc for loc, _ in urls]
    live = [thread for number, thread in enumerate(many_threads) if number != 2]
    assert listed == [SITE + url_of(thread) for thread in live]


def test_a_thread_sitemap_without_live_threads_is_not_found(client, many_threads):
    for thread in many_threads[4:]:
        forum.delete_post(thread.author, opening_of(thread))
    db.session.commit()
    assert client.get("/sitemap-threads-3.xml").status_code == 404
    assert client.get("/sitemap-threads-40.xml").status_code == 404
    index = parse_xml(client.get("/sitemap.xml"))
    assert f"{SITE}/sitemap-threads-3.xml" not in [child.findtext(f"{SITEMAP}loc") for child in index]


def test_the_pages_sitemap_lists_the_home_page_and_every_category(client, category, thread):
    db.session.add(Category(name="Vide", slug="vide", position=2))
    db.session.commit()
    urlset = parse_xml(client.get("/sitemap-pages.xml"))
    urls = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urlset}
    assert list(urls) == [f"{SITE}/", f"{SITE}/c/depannage", f"{SITE}/c/vide"]
    assert W3C_DATETIME.match(urls[f"{SITE}/"]) and W3C_DATETIME.match(urls[f"{SITE}/c/depannage"])
    assert urls[f"{SITE}/c/vide"] is None  # no activity yet: no lastmod rather than a made-up one


def test_thread_sitemaps_are_streamed_from_the_database_in_batches(app, many_threads, monkeypatch):
    monkeypatch.setattr(sitemaps, "BATCH_SIZE", 1)
    app.config["SITEMAP_MAX_URLS"] = 10
    with app.test_request_context("/sitemap-threads-1.xml"):
        response = app.full_dispatch_request()
        assert response.is_streamed
        pieces = list(response.response)
    # The opening, one piece per live thread read, the closing.
    assert len(pieces) == 2 + 4
    assert ET.fromstring("".join(pieces).encode()).tag == f"{SITEMAP}urlset"
    with app.test_request_context("/sitemap.xml"):
        assert not app.full_dispatch_request().is_streamed  # the check above can tell


def test_sitemap_urls_are_escaped(client, member, category):
    category.slug = "a&b"
    db.session.commit()
    urlset = parse_xml(client.get("/sitemap-pages.xml"))
    assert f"{SITE}/c/a&b" in [url.findtext(f"{SITEMAP}loc") for url in urlset]


# Atom feeds


def parse_atom(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}"), required
    assert W3C_DATETIME.match(feed.findtext(f"{ATOM}updated"))
    return feed


def test_the_site_feed_lists_the_latest_threads_as_atom_entries(client, thread, member, moderator):
    feed = parse_atom(client.get("/feed.atom"))
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == f"{SITE}/feed.atom"
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Ma box redémarre sans cesse"
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == SITE + url_of(thread)
    assert entry.findtext(f"{ATOM}id") == f"{SITE}/t/{thread.id}"
    assert W3C_DATETIME.match(entry.findtext(f"{ATOM}updated"))
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Camille"
    assert entry.findtext(f"{ATOM}summary") == "Depuis hier elle clignote."


def test_feeds_hold_the_thirty_newest_threads_without_hidden_words(client, member, moderator, category):
    threads = [new_thread(member, category, f"Sujet {number}", f"Texte {number}") for number in range(31)]
    moderation.hide_post(moderator, opening_of(threads[-1]), "Spam")
    db.session.commit()
    entries = parse_atom(client.get("/feed.atom")).findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [f"Sujet {number}" for number in range(30, 0, -1)]
    assert entries[0].find(f"{ATOM}summary") is None


def test_a_category_feed_holds_only_that_categorys_threads(client, member, thread):
    other = Category(name="Achats", slug="achats", position=2)
    db.session.add(other)
    new_thread(member, other, "Quelle box acheter ?")
    feed = parse_atom(client.get("/c/achats/feed.atom"))
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == ["Quelle box acheter ?"]
    assert client.get("/c/nulle-part/feed.atom").status_code == 404


def test_an_empty_feed_is_still_valid_atom(client, category):
    assert parse_atom(client.get("/c/depannage/feed.atom")).findall(f"{ATOM}entry") == []


# HTTP caching and compression


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
    answer(other_member, thread, "Une nouvelle réponse")
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
