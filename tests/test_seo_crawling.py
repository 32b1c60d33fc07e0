"""What crawlers read besides the pages: robots.txt and the sitemaps."""

import re
import xml.etree.ElementTree as ET

import pytest

from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category
from app.seo import sitemaps
from tests.helpers import SITE, W3C_DATETIME, new_thread, opening_of, url_of

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_robots_txt_keeps_crawlers_off_private_and_action_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")}
    private = {"/search", "/login", "/register", "/account", "/notifications", "/moderation/", "/admin", "/p/"}
    assert private <= disallowed
    assert {"/t/*/reply$", "/t/*/reply?", "/c/*/new$", "/c/*/new?"} <= disallowed
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def _robots_matches(pattern: str, path: str) -> bool:
    """Google's reading of a robots.txt path: `*` any characters, `$` the end, else a prefix."""
    regex = "".join(".*" if char == "*" else "$" if char == "$" else re.escape(char) for char in pattern)
    return re.match(regex, path) is not None


@pytest.mark.parametrize(
    "path, blocked",
    [
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
    ],
)
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
        f"{SITE}/sitemap-pages.xml",
        f"{SITE}/sitemap-threads-1.xml",
        f"{SITE}/sitemap-threads-2.xml",
        f"{SITE}/sitemap-threads-3.xml",
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


@pytest.mark.parametrize("number", [2**31, 2**63 - 1, 10**30])
def test_a_thread_sitemap_beyond_any_thread_id_is_not_found(client, thread, number):
    assert client.get(f"/sitemap-threads-{number}.xml").status_code == 404


def test_the_pages_sitemap_lists_the_home_page_every_category_and_the_unanswered_questions(client, category, thread):
    db.session.add(Category(name="Vide", slug="vide", position=2))
    db.session.commit()
    urlset = parse_xml(client.get("/sitemap-pages.xml"))
    urls = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urlset}
    assert list(urls) == [f"{SITE}/", f"{SITE}/c/depannage", f"{SITE}/c/vide", f"{SITE}/unanswered"]
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
