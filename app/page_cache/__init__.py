"""Visitors' pages served from a cache of rendered responses.

A public page (home, category, thread, profile, leaderboard, feeds, sitemap index) is the same for
every visitor who asks for it in the same language: it is rendered once, kept, and served again as
long as nothing visitors can see has changed. Every transaction that changes such a thing raises
the site's content version as it commits (`app.page_cache.versions`); a kept page carries the
version it was rendered under and is served only while that is still the current one. A process
reads the version at most once every `PAGE_CACHE_VERSION_CHECK` seconds (one small query), and at
once after its own writes: a visitor never sees a page older than its data for longer than that.

Members never get or leave a kept page: theirs show their name and carry a form token. Pages are
kept in the process (`PAGE_CACHE_SIZE` of them), or in Redis when `REDIS_URL` is set, shared by
every process and host. A cache that fails (Redis down) only means that pages are rendered again."""

import logging

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user

from app import visits
from app.extensions import cache
from app.page_cache import versions
from app.web import same_for_every_visitor

log = logging.getLogger(__name__)

CACHED_ENDPOINTS = frozenset(
    {
        "forum.index",
        "forum.category",
        "forum.unanswered_threads",
        "forum.thread",
        "accounts.profile",
        "reputation.leaderboard",
        "seo.feed",
        "seo.category_feed",
        "seo.sitemap_index",
        "seo.sitemap_pages",
    }
)
# Recomputed for each response that is sent.
UNKEPT_HEADERS = frozenset({"Content-Length", "Set-Cookie"})


def init_app(app: Flask) -> None:
    versions.init_app(app)
    if not app.config["PAGE_CACHE_ENABLED"]:
        return
    cache.init_app(app, config=cache_settings(app.config))
    app.before_request(serve_kept_page)
    # The last registered runs first: the page is kept as the view made it, before the response's
    # validators, cache headers and compression, which every answer recomputes.
    app.after_request(keep_page)


def cache_settings(config) -> dict:
    settings = {"CACHE_DEFAULT_TIMEOUT": config["PAGE_CACHE_TIMEOUT"], "CACHE_KEY_PREFIX": "entraide:page:"}
    if config["PAGE_CACHE_REDIS_URL"]:
        return {**settings, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": config["PAGE_CACHE_REDIS_URL"]}
    return {**settings, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": config["PAGE_CACHE_SIZE"]}


def _for_a_visitor() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.endpoint in CACHED_ENDPOINTS
        and not current_user.is_authenticated
        # A message waiting to be shown belongs to this visitor's page only.
        and "_flashes" not in session
    )


def _key() -> str:
    # The whole URL: another host name or scheme (behind a proxy) has other absolute links.
    return f"{get_locale()}:{request.url}"


def serve_kept_page() -> Response | None:
    if not _for_a_visitor():
        return None
    version = versions.current_version()
    if version is None:
        return None
    try:
        kept = cache.get(_key())
    except Exception:
        log.warning("the page cache could not be read; rendering the page", exc_info=True)
        return None
    if kept is not None and kept["version"] == version:
        return _kept_response(kept)
    # Read before the page is rendered: a change committed meanwhile makes the kept page stale, never
    # a stale page current.
    g.page_version = version
    return None


def _kept_response(kept: dict) -> Response:
    if kept["public_page"]:
        g.public_page = True
        g.public_page_modified = kept["modified"]
    # A thread read from the cache is still a thread read.
    if request.endpoint == "forum.thread":
        visits.thread_viewed(request.view_args["thread_id"])
    response = Response(kept["body"], status=200, headers=kept["headers"])
    # A page whose view gave it validators (a feed) answers a conditional request as the view did.
    if "ETag" in response.headers or "Last-Modified" in response.headers:
        return response.make_conditional(request)
    return response


def keep_page(response: Response) -> Response:
    version = g.pop("page_version", None)
    if version is None or request.method != "GET" or response.is_streamed or not same_for_every_visitor(response):
        return response
    body = response.get_data()
    if len(body) > current_app.config["PAGE_CACHE_MAX_BYTES"]:
        return response
    kept = {
        "version": version,
        "body": body,
        "headers": [(name, value) for name, value in response.headers.items() if name not in UNKEPT_HEADERS],
        "public_page": g.get("public_page", False),
        "modified": g.get("public_page_modified"),
    }
    try:
        cache.set(_key(), kept)
    except Exception:
        log.warning("the page cache could not keep a page", exc_info=True)
    return response
