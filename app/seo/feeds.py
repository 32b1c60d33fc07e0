"""Atom feeds (RFC 4287) of the newest threads, for feed readers."""

from dataclasses import dataclass
from datetime import datetime

from flask import url_for

from app.forum.models import Post, Thread
from app.forum.rendering import plain_text
from app.seo.formats import w3c_datetime, xml_text

SUMMARY_LENGTH = 500


@dataclass(frozen=True)
class Entry:
    id: str  # a permanent URL of the thread, which a title change does not alter
    title: str
    url: str
    published: datetime
    updated: datetime
    author: str
    author_url: str
    summary: str | None


def _element(tag: str, text: str, **attributes: str) -> str:
    attrs = "".join(f' {name}="{xml_text(value)}"' for name, value in attributes.items())
    return f"<{tag}{attrs}>{xml_text(text)}</{tag}>"


def _link(href: str, rel: str, type_: str | None = None) -> str:
    kind = f' type="{xml_text(type_)}"' if type_ else ""
    return f'<link rel="{rel}" href="{xml_text(href)}"{kind}/>'


def _entry(entry: Entry) -> str:
    parts = [
        _element("id", entry.id),
        _element("title", entry.title),
        _link(entry.url, "alternate", "text/html"),
        _element("published", w3c_datetime(entry.published)),
        _element("updated", w3c_datetime(entry.updated)),
        f"<author>{_element('name', entry.author)}{_element('uri', entry.author_url)}</author>",
    ]
    if entry.summary:
        parts.append(_element("summary", entry.summary))
    return "<entry>" + "".join(parts) + "</entry>\n"


def atom(
    *, title: str, feed_url: str, page_url: str, site_name: str, updated: datetime, entries: list[Entry], language: str
) -> str:
    head = [
        _element("id", feed_url),
        _element("title", title),
        _link(feed_url, "self", "application/atom+xml"),
        _link(page_url, "alternate", "text/html"),
        _element("updated", w3c_datetime(updated)),
        f"<author>{_element('name', site_name)}</author>",
        _element("generator", site_name),
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{xml_text(language)}">\n'
        + "\n".join(head)
        + "\n"
        + "".join(_entry(entry) for entry in entries)
        + "</feed>\n"
    )


def entry(thread: Thread, opening: Post | None) -> Entry:
    """A feed entry for a thread; the opening post's words only while the post is shown."""
    summary = (
        plain_text(opening.body_html, limit=SUMMARY_LENGTH) if opening is not None and opening.is_visible else None
    )
    return Entry(
        id=url_for("forum.thread", thread_id=thread.id, _external=True),
        title=thread.title,
        url=url_for("forum.thread", thread_id=thread.id, slug=thread.slug, _external=True),
        published=thread.created_at,
        updated=thread.last_activity_at,
        author=thread.author.username,
        author_url=url_for("accounts.profile", username=thread.author.username, _external=True),
        summary=summary,
    )
