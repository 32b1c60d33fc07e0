"""Sitemap XML (sitemaps.org 0.9): an index of child sitemaps, one child for the home and
category pages, and thread children streamed from the database batch by batch."""

from collections.abc import Iterable, Iterator
from datetime import datetime

import sqlalchemy as sa
from werkzeug.routing import MapAdapter

from app.seo.formats import w3c_datetime, xml_text

XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
BATCH_SIZE = 1000

Location = tuple[str, datetime | None]  # an absolute URL and when it last changed


def _entry(tag: str, url: str, lastmod: datetime | None) -> str:
    modified = f"<lastmod>{w3c_datetime(lastmod)}</lastmod>" if lastmod else ""
    return f"<{tag}><loc>{xml_text(url)}</loc>{modified}</{tag}>\n"


def sitemap_index(children: Iterable[Location]) -> str:
    entries = "".join(_entry("sitemap", url, lastmod) for url, lastmod in children)
    return f'{DECLARATION}<sitemapindex xmlns="{XMLNS}">\n{entries}</sitemapindex>\n'


def urlset(batches: Iterable[Iterable[Location]]) -> Iterator[str]:
    """A <urlset> document in pieces: one piece per batch, so it can be sent as it is read."""
    yield f'{DECLARATION}<urlset xmlns="{XMLNS}">\n'
    for batch in batches:
        yield "".join(_entry("url", url, lastmod) for url, lastmod in batch)
    yield "</urlset>\n"


def thread_batches(engine: sa.Engine, statement: sa.Select, urls: MapAdapter) -> Iterator[list[Location]]:
    """(thread URL, last activity) pairs, BATCH_SIZE rows at a time from one streaming cursor.

    It runs after the view has returned, outside the request, so it holds its own connection
    and builds URLs with the request's URL adapter, both handed over by the view."""
    with engine.connect() as connection:
        result = connection.execute(statement.execution_options(yield_per=BATCH_SIZE))
        for rows in result.partitions():
            yield [
                (urls.build("forum.thread", {"thread_id": id_, "slug": slug}, force_external=True), last_activity)
                for id_, slug, last_activity in rows
            ]
