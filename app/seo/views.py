"""The routes search engines and feed readers ask for, and the helpers page heads use."""

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.clock import utcnow
from app.extensions import db
from app.forum import queries as forum_queries
from app.limits import MAX_ROW_ID
from app.seo import crawling, feeds, head, queries, sitemaps, structured_data
from app.seo.freshness import latest

bp = Blueprint("seo", __name__)

SITEMAP_MAX_URLS = 50_000  # the sitemaps.org limit per file; the setting SITEMAP_MAX_URLS may lower it
FEED_ENTRIES = 30
CRAWLER_FILES_MAX_AGE = 3600
FEED_MAX_AGE = 300
# Listings whose own view does not already send ?page=1 to the bare URL.
BARE_FIRST_PAGE = frozenset({"moderation.log_view"})


for helper in (
    head.page_links,
    head.og_locale,
    head.thread_description,
    crawling.robots_directive,
    queries.opening_post,
    structured_data.json_ld,
):
    bp.add_app_template_global(helper)


@bp.app_template_global()
def thread_structured_data(thread, page, solution, opening) -> list[dict]:
    return structured_data.thread_page(thread, page, solution, opening, current_app.config["SITE_NAME"])


@bp.app_template_global()
def category_structured_data(category) -> list[dict]:
    return structured_data.category_page(category, current_app.config["SITE_NAME"])


@bp.app_template_global()
def profile_structured_data(user) -> dict:
    return structured_data.profile_page(user)


@bp.app_template_global()
def site_structured_data() -> dict:
    return structured_data.website(current_app.config["SITE_NAME"])


@bp.before_app_request
def drop_first_page_number():
    if request.method == "GET" and request.endpoint in BARE_FIRST_PAGE and request.args.get("page") == "1":
        kept = [(name, value) for name, value in request.args.items(multi=True) if name != "page"]
        path = url_for(request.endpoint, **(request.view_args or {}))
        return redirect(f"{path}?{urlencode(kept)}" if kept else path, 301)
    return None


def _sitemap_size() -> int:
    return min(current_app.config["SITEMAP_MAX_URLS"], SITEMAP_MAX_URLS)


def _publicly_cached(response: Response, max_age: int) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


@bp.get("/robots.txt")
def robots():
    text = crawling.robots_txt(url_for("seo.sitemap_index", _external=True))
    return _publicly_cached(Response(text, mimetype="text/plain"), CRAWLER_FILES_MAX_AGE)


@bp.get("/sitemap.xml")
def sitemap_index():
    categories = forum_queries.all_categories()
    children = [(url_for("seo.sitemap_pages", _external=True), latest(c.last_activity_at for c in categories))]
    children += [
        (url_for("seo.sitemap_threads", number=number, _external=True), last_activity)
        for number, last_activity in queries.thread_sitemaps(_sitemap_size())
    ]
    xml = sitemaps.sitemap_index(children)
    return _publicly_cached(Response(xml, mimetype="application/xml"), CRAWLER_FILES_MAX_AGE)


@bp.get("/sitemap-pages.xml")
def sitemap_pages():
    categories = forum_queries.all_categories()
    pages = [(url_for("forum.index", _external=True), latest(c.last_activity_at for c in categories))]
    pages += [(url_for("forum.category", slug=c.slug, _external=True), c.last_activity_at) for c in categories]
    # The questions waiting for an answer: a page without a date of its own (it changes as they get answered).
    pages.append((url_for("forum.unanswered_threads", _external=True), None))
    xml = "".join(sitemaps.urlset([pages]))
    return _publicly_cached(Response(xml, mimetype="application/xml"), CRAWLER_FILES_MAX_AGE)


@bp.get("/sitemap-threads-<int:number>.xml")
def sitemap_threads(number: int):
    first_id, last_id = queries.thread_id_range(number, _sitemap_size())
    # A sitemap past the largest id a thread can have lists nothing (and the database would refuse its range).
    if first_id > MAX_ROW_ID or not queries.has_live_threads(first_id, last_id):
        abort(404)
    batches = sitemaps.thread_batches(
        db.engine, queries.live_threads_between(first_id, last_id), current_app.create_url_adapter(request)
    )
    response = Response(sitemaps.urlset(batches), mimetype="application/xml")
    return _publicly_cached(response, CRAWLER_FILES_MAX_AGE)


def _feed(title: str, page_url: str, category=None) -> Response:
    threads = queries.newest_threads(FEED_ENTRIES, category)
    entries = [feeds.entry(thread, opening) for thread, opening in threads]
    updated = latest(entry.updated for entry in entries) or (category and category.last_activity_at) or utcnow()
    xml = feeds.atom(
        title=title,
        feed_url=request.base_url,
        page_url=page_url,
        site_name=current_app.config["SITE_NAME"],
        updated=updated,
        entries=entries,
        language=str(get_locale()),
    )
    response = Response(xml, mimetype="application/atom+xml")
    response.vary.add("Accept-Language")
    response.last_modified = updated
    response.add_etag(weak=True)
    return _publicly_cached(response, FEED_MAX_AGE).make_conditional(request)


@bp.get("/feed.atom")
def feed():
    title = _("%(site)s: latest threads", site=current_app.config["SITE_NAME"])
    return _feed(title, url_for("forum.index", _external=True))


@bp.get("/c/<slug>/feed.atom")
def category_feed(slug: str):
    category = forum_queries.category_by_slug(slug)
    title = _("%(site)s: latest threads in %(category)s", site=current_app.config["SITE_NAME"], category=category.name)
    return _feed(title, url_for("forum.category", slug=category.slug, _external=True), category)
