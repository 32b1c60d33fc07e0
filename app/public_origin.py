"""Where members reach the forum: through which proxies, at which public address.

Behind a reverse proxy the application sees the proxy's address, and whatever scheme and host the
proxy used to reach it. `TRUSTED_PROXIES` says how many proxies set `X-Forwarded-*` honestly
(werkzeug's ProxyFix takes the client's address, scheme and host from them, and from nothing else
when it is 0). `PUBLIC_URL` names the origin members use: every request is then seen as made to
it, so every absolute URL (canonical links, sitemaps, feeds, structured data) starts with it
whatever Host header came in, and an HTTPS origin gets Secure cookies, HSTS and plain-HTTP
requests redirected."""

from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import get_current_url
from werkzeug.utils import redirect

# Where `make run` serves the forum: the links of messages sent without a PUBLIC_URL lead there.
DEVELOPMENT_URL = "http://127.0.0.1:5000"


def check_public_url(value: str | None) -> None:
    """Refuse to start with a public URL that is not an origin: a path would need every route moved."""
    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/") or parts.query:
        raise ValueError(f"PUBLIC_URL must be an origin such as https://forum.example.org, not {value!r}.")


def init_app(app: Flask) -> None:
    public_url = app.config["PUBLIC_URL"]
    if public_url:
        app.wsgi_app = PublicOrigin(app.wsgi_app, public_url)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Outside PublicOrigin: the scheme it judges is the one the client used to reach the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    if is_https(public_url):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.after_request(add_strict_transport_security)


def is_https(public_url: str | None) -> bool:
    return bool(public_url) and urlsplit(public_url).scheme == "https"


def public_url() -> str:
    """The origin members reach the forum at, for links made outside any request (messages)."""
    return (current_app.config["PUBLIC_URL"] or DEVELOPMENT_URL).rstrip("/")


def add_strict_transport_security(response):
    seconds = current_app.config["HSTS_SECONDS"]
    if seconds:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={seconds}")
    return response


class PublicOrigin:
    """WSGI middleware: each request is seen as made to the public origin; on an HTTPS origin, a
    request that came by plain HTTP is sent to the same address over HTTPS instead."""

    def __init__(self, wsgi_app, public_url: str):
        parts = urlsplit(public_url)
        self.wsgi_app = wsgi_app
        self.scheme = parts.scheme
        self.host = parts.netloc

    def __call__(self, environ, start_response):
        if self.scheme == "https" and environ["wsgi.url_scheme"] != "https":
            location = get_current_url(
                "https",
                self.host,
                environ.get("SCRIPT_NAME"),
                environ.get("PATH_INFO"),
                environ.get("QUERY_STRING", "").encode("latin-1"),
            )
            # 308 keeps a form's method and body; a page asked for by GET moves for good.
            code = 301 if environ["REQUEST_METHOD"] in ("GET", "HEAD") else 308
            return redirect(location, code)(environ, start_response)
        environ["wsgi.url_scheme"] = self.scheme
        environ["HTTP_HOST"] = self.host
        return self.wsgi_app(environ, start_response)
