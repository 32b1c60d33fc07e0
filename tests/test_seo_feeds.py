"""The Atom feeds of the newest threads, for the whole site and for each category."""

import xml.etree.ElementTree as ET

from app.extensions import db
from app.forum.models import Category
from app.moderation import services as moderation
from tests.helpers import SITE, W3C_DATETIME, new_thread, opening_of, url_of

ATOM = "{http://www.w3.org/2005/Atom}"


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
