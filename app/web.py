"""What every page shares: security headers, HTTP caching, error pages, template helpers."""

import functools
import hashlib
import os
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError
from werkzeug.security import safe_join

from app import dates, limits
from app.errors import DomainError
from app.extensions import db

# How long a shared cache may serve a public page to visitors before asking again.
PUBLIC_PAGE_MAX_AGE = 60

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class RowIdConverter(IntegerConverter):
    """`<int:…>` in a route: a number a row's id can be. A larger one is not found, as an unknown id
    is, rather than sent in a query that the database refuses."""

    def __init__(self, map, fixed_digits=0, min=None, max=limits.MAX_ROW_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


class TextConverter(UnicodeConverter):
    """`<name>` in a route: a text without NUL, as every name, slug and token is. One with a NUL is
    not found, rather than sent in a query that PostgreSQL refuses."""

    def to_python(self, value: str) -> str:
        if "\x00" in value:
            raise ValidationError
        return value


def init_app(app: Flask) -> None:
    # Before the blueprints are registered: a route takes its converters when it is added.
    app.url_map.converters.update(int=RowIdConverter, default=TextConverter, string=TextConverter)
    app.url_defaults(add_static_version)
    app.after_request(add_security_headers)
    app.after_request(apply_cache_policy)
    app.register_error_handler(HTTPException, render_http_error)
    app.register_error_handler(CSRFError, render_csrf_error)
    app.register_error_handler(DomainError, render_domain_error)
    app.jinja_env.filters["datetime"] = dates.format_datetime
    app.jinja_env.filters["date"] = dates.format_date
    app.jinja_env.filters["isodatetime"] = lambda value: value.isoformat(timespec="seconds") + "Z"
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
    # Forms' maxlength and minlength attributes say what the services accept.
    app.jinja_env.globals["lengths"] = limits


def add_static_version(endpoint: str, values: dict) -> None:
    """A static file's URL names its content (`?v=`), so that a proxy may keep it a year
    (deploy/nginx) and a changed file is fetched again at its new URL."""
    if endpoint == "static" and "filename" in values:
        path = safe_join(current_app.static_folder, values["filename"])
        try:
            stat = os.stat(path) if path else None
        except OSError:
            stat = None
        if stat is not None:
            values.setdefault("v", _content_version(path, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _content_version(path: str, mtime_ns: int, size: int) -> str:
    """Read again only when the file's time or size changes (the arguments are the cache's key)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "interest-cohort=()")
    return response


def note_public_page(last_modified: datetime | None) -> None:
    """Say that this request's page may reach visitors through a shared cache, and when what it
    shows last changed (see `app.seo.freshness`). The view says it, from the objects it shows:
    nothing else knows which page this is, or what on it can change."""
    g.public_page = True
    g.public_page_modified = last_modified


def apply_cache_policy(response: Response) -> Response:
    """Visitors' public pages: public for a minute, with validators, and 304 when unchanged.
    Every other page, and every page of a member (their name, a CSRF token): private, revalidated."""
    if response.mimetype != "text/html":
        return response
    # The same URL speaks the visitor's language, and differs once logged in.
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    if response.is_streamed or 300 <= response.status_code < 400 or "Cache-Control" in response.headers:
        return response
    if _shared_cache_may_keep(response):
        response.cache_control.public = True
        response.cache_control.max_age = PUBLIC_PAGE_MAX_AGE
        response.add_etag(weak=True)
        if g.public_page_modified is not None:
            response.last_modified = g.public_page_modified
        return response.make_conditional(request)
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response


def _shared_cache_may_keep(response: Response) -> bool:
    return g.get("public_page", False) and same_for_every_visitor(response)


def same_for_every_visitor(response: Response) -> bool:
    """Whether `response` is what any visitor asking for the same URL in the same language gets."""
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not current_user.is_authenticated
        # A page that sets a cookie (a flashed message read, a token issued) belongs to one visitor.
        and not session.modified
        and "Set-Cookie" not in response.headers
    )


def safe_next(target: str | None, default: str | None = None) -> str:
    """A path on this site, never another host however it is spelt; else `default` or the home page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return default or url_for("forum.index")


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, title: str, message: str) -> Response:
    if wants_json():
        response = jsonify(error=title, message=message)
    else:
        response = make_response(render_template("errors/error.html", status=status, title=title, message=message))
    response.status_code = status
    return response


# The title and sentence each error page shows, unless the code that refused said more.
HTTP_ERRORS = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    401: (_l("Login needed"), _l("Log in to do this.")),
    403: (_l("Forbidden"), _l("You are not allowed to do this.")),
    404: (_l("Page not found"), _l("This page does not exist, or no longer does.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    416: (_l("Range not satisfiable"), _l("The part of the file you asked for does not exist.")),
    429: (_l("Too many requests"), _l("Too many attempts in a short time. Please wait a moment and try again.")),
    500: (_l("Server error"), _l("Something went wrong on our side. Please try again later.")),
}


def render_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if error.code >= 500:
        # The request's transaction may have failed; the error page reads with a clean one.
        db.session.rollback()
    # A code without words of its own takes those of its class: Werkzeug's are in English only.
    title, message = HTTP_ERRORS.get(error.code) or HTTP_ERRORS[400 if error.code < 500 else 500]
    # An abort() with a description of its own says more than the generic sentence; the rate
    # limiter's description is only the limit itself.
    if error.description != type(error).description and error.code != 429:
        message = error.description
    response = error_response(error.code, str(title), str(message))
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def render_csrf_error(error: CSRFError):
    message = _("The form expired or was sent from elsewhere. Reload the page and try again.")
    return error_response(400, _("Bad request"), message)


def render_domain_error(error: DomainError):
    # `commit_change` has rolled back a refused change already; a refusal raised before any change
    # began gets the same clean session, so the error page always reads the database as it was.
    db.session.rollback()
    titles = {400: _("Invalid request"), 403: _("Forbidden"), 404: _("Not found")}
    return error_response(error.status_code, titles[error.status_code], error.message)
