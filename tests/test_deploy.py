"""The deployment as shipped: nginx with deploy/nginx/entraide.conf ends TLS for forum.example.org in
front of gunicorn with deploy/gunicorn.conf.py, and the forum, told its public https address and that
one proxy stands before it, answers as that address whatever reached it."""

import http.client
import itertools
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from app import create_app
from app.extensions import db
from app.forum import services as forum
from app.forum.models import Category
from tests import live
from tests.helpers import make_user, write_reply

# Debian installs nginx in /usr/sbin, which a user's PATH may lack.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
OPENSSL = shutil.which("openssl")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        NGINX is None, reason="nginx is not installed (apt-get install nginx): it is the proxy under test"
    ),
    pytest.mark.skipif(OPENSSL is None, reason="the openssl command makes the test's certificate"),
]

PUBLIC_HOST = "forum.example.org"
PUBLIC_URL = f"https://{PUBLIC_HOST}"
DEPLOY = live.PROJECT_ROOT / "deploy"
STATIC_FOLDER = live.PROJECT_ROOT / "static"
LOGIN_LIMIT = 3  # attempts a minute per address, RATELIMIT_LOGIN below
# A different unknown name for each attempt: only the address's count grows, not an account's.
UNKNOWN_LOGINS = (f"nobody{number}" for number in itertools.count(1))


@dataclass
class Deployment:
    https_port: int  # nginx's TLS server, the site itself
    http_port: int  # nginx's plain HTTP server, which only redirects
    gunicorn_port: int
    tls: ssl.SSLContext  # trusts the deployment's certificate only
    thread_path: str


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def cookie(self, name: str):
        cookies = SimpleCookie()
        for header in self.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        assert name in cookies, f"no {name} cookie set: {self.headers.get_all('Set-Cookie')}"
        return cookies[name]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away self-signed certificate for the public host, and its key."""
    certificate, key = folder / "forum.example.org.pem", folder / "forum.example.org.key"
    subprocess.run(
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={PUBLIC_HOST}",
         "-addext", f"subjectAltName=DNS:{PUBLIC_HOST}", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return certificate, key


def site_for_test(*, http_port: int, https_port: int, gunicorn_port: int, certificate: Path, key: Path) -> str:
    """deploy/nginx/entraide.conf with the test's ports, certificate and static folder in place of the host's."""
    site = (DEPLOY / "nginx" / "entraide.conf").read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/ssl/certs/forum.example.org.pem": str(certificate),
        "/etc/ssl/private/forum.example.org.key": str(key),
        "proxy_pass http://127.0.0.1:8000;": f"proxy_pass http://127.0.0.1:{gunicorn_port};",
        "alias /srv/entraide/static/;": f"alias {STATIC_FOLDER}/;",
    }
    for original, replacement in replacements.items():
        assert site.count(original) == 1, f"deploy/nginx/entraide.conf should have `{original}` once"
        site = site.replace(original, replacement)
    # The IPv6 twins of the listen lines: loopback addresses are enough here, and a machine may lack IPv6.
    return re.sub(r"^\s*listen \[::\]:.*\n", "", site, flags=re.MULTILINE)


def main_nginx_conf(folder: Path, site: Path) -> str:
    """The few lines of a host's /etc/nginx/nginx.conf the site needs, with every file in `folder`."""
    # As root, nginx's workers would become `nobody`, who may not enter the test's private folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temporary = "".join(
        f"    {kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'};\n"
        "events {}\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {folder / 'access.log'};\n"
        f"{temporary}"
        f"    include {site};\n"
        "}\n"
    )


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"nginx did not start: {log.read_text() if log.exists() else ''}") from None
            time.sleep(0.1)


def fill(server: live.LiveServer) -> str:
    """A category, a thread and a reply, enough for every kind of URL; returns the thread's path."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("ENTRAIDE_INSTANCE_PATH", str(server.instance))
        app = create_app()
        with app.app_context():
            category = Category(name="Dépannage", slug="depannage", description="Quand rien ne marche.")
            thread = forum.start_thread(
                make_user("Question"), category, "Panne de chauffage", "Le thermostat clignote."
            )
            write_reply(make_user("Reponse"), thread, "Changez les piles du thermostat.")
            db.session.commit()
            path = f"/t/{thread.id}/{thread.slug}"
            db.session.remove()
            db.engine.dispose()
    return path


@pytest.fixture(scope="module")
def forum_server(tmp_path_factory):
    """gunicorn with deploy/gunicorn.conf.py, serving a forum set up for its public https address
    behind one proxy; yields the server and the path of its thread."""
    server = live.prepare(
        tmp_path_factory.mktemp("instance"),
        PUBLIC_URL=PUBLIC_URL,
        TRUSTED_PROXIES="1",
        RATELIMIT_LOGIN=f"{LOGIN_LIMIT} per minute",
    )
    thread_path = fill(server)
    # The production settings, but for the port and the workers that live.serve gives on its command line.
    server.env["GUNICORN_CMD_ARGS"] = f"--config {DEPLOY / 'gunicorn.conf.py'}"
    # One worker: rate limits are counted in the process without Redis, so every attempt must reach the same one.
    process = live.serve(server, workers=1)
    yield server, thread_path
    live.stop(process)


@pytest.fixture(scope="module")
def deployment(forum_server, tmp_path_factory):
    """nginx with deploy/nginx/entraide.conf in front of the forum server."""
    server, thread_path = forum_server
    folder = tmp_path_factory.mktemp("nginx")
    certificate, key = make_certificate(folder)
    deployed = Deployment(
        https_port=live.free_port(),
        http_port=live.free_port(),
        gunicorn_port=urlsplit(server.url).port,
        tls=ssl.create_default_context(cafile=str(certificate)),
        thread_path=thread_path,
    )
    site = folder / "entraide.conf"
    site.write_text(
        site_for_test(
            http_port=deployed.http_port,
            https_port=deployed.https_port,
            gunicorn_port=deployed.gunicorn_port,
            certificate=certificate,
            key=key,
        )
    )
    (folder / "nginx.conf").write_text(main_nginx_conf(folder, site))
    error_log = folder / "error.log"
    command = [NGINX, "-p", str(folder), "-e", str(error_log), "-c", str(folder / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(deployed.https_port, nginx, error_log)
    yield deployed
    live.stop(nginx)


def https(
    deployment: Deployment,
    path: str,
    *,
    method: str = "GET",
    client: str = "127.0.0.1",
    headers: dict | None = None,
    form: dict | None = None,
) -> Answer:
    """A request to the site over TLS, from the loopback address `client`, as a browser that resolved
    forum.example.org to this host sends it: the certificate is checked for that name."""
    connection = http.client.HTTPConnection(PUBLIC_HOST, deployment.https_port, timeout=10)
    raw = socket.create_connection(("127.0.0.1", deployment.https_port), timeout=10, source_address=(client, 0))
    connection.sock = deployment.tls.wrap_socket(raw, server_hostname=PUBLIC_HOST)
    headers = {"Host": PUBLIC_HOST, "Accept-Language": "en", **(headers or {})}
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return exchange(connection, method, path, body, headers)


def plain_http(port: int, path: str, host: str) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    return exchange(connection, "GET", path, None, {"Host": host})


def exchange(connection: http.client.HTTPConnection, method, path, body, headers) -> Answer:
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


def not_public(urls: list[str]) -> list[str]:
    return [url for url in urls if not url.startswith(PUBLIC_URL + "/") or "127.0.0.1" in url]


def json_ld_urls(value):
    """The URLs a JSON-LD object gives its things ("url", "@id", breadcrumbs' "item"), at any depth."""
    if isinstance(value, list):
        for item in value:
            yield from json_ld_urls(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in ("url", "@id", "item") and isinstance(item, str):
                yield item
            else:
                yield from json_ld_urls(item)


def locations(sitemap: str) -> list[str]:
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    return [loc.text for loc in ET.fromstring(sitemap).iter(f"{namespace}loc")]


def feed_urls(feed: str) -> list[str]:
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(feed)
    links = [link.get("href") for link in root.iter(f"{atom}link")]
    ids = [element.text for element in root.iter(f"{atom}id")]
    authors = [element.text for element in root.iter(f"{atom}uri")]
    assert len(ids) > 1, "the feed should have entries"
    return links + ids + authors


def login_attempt(deployment: Deployment, client: str, forwarded_for: str | None = None) -> int:
    """A wrong login sent as the form sends it (session cookie and CSRF token); returns the status."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    page = https(deployment, "/login", client=client, headers=headers)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.body)
    assert token, f"no CSRF token on /login ({page.status})"
    headers["Cookie"] = f"session={page.cookie('session').value}"
    # Over HTTPS a form must also come from a page of the site, as a browser's Referer says.
    headers["Referer"] = f"{PUBLIC_URL}/login"
    form = {"login": next(UNKNOWN_LOGINS), "password": "not the password", "csrf_token": token.group(1)}
    return https(deployment, "/login", method="POST", client=client, headers=headers, form=form).status


def exhaust_login_limit(deployment: Deployment, client: str) -> None:
    statuses = [login_attempt(deployment, client) for _ in range(LOGIN_LIMIT)]
    assert 429 not in statuses
    assert login_attempt(deployment, client) == 429


def test_canonical_sitemap_feed_and_json_ld_urls_are_https_on_the_public_host(deployment):
    thread = https(deployment, deployment.thread_path)
    assert thread.status == 200
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)"', thread.body)
    assert canonical == [PUBLIC_URL + deployment.thread_path]

    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', thread.body, re.DOTALL)
    urls = list(json_ld_urls([json.loads(script) for script in scripts]))
    assert urls and not_public(urls) == []

    index = https(deployment, "/sitemap.xml")
    sitemaps = locations(index.body)
    assert index.status == 200 and sitemaps and not_public(sitemaps) == []
    pages = [loc for sitemap in sitemaps for loc in locations(https(deployment, urlsplit(sitemap).path).body)]
    assert PUBLIC_URL + deployment.thread_path in pages
    assert not_public(pages) == []

    feed = https(deployment, "/feed.atom")
    assert feed.status == 200
    assert not_public(feed_urls(feed.body)) == []


def test_session_cookie_is_secure_and_http_only(deployment):
    session = https(deployment, "/login").cookie("session")
    assert session["secure"] is True
    assert session["httponly"] is True


def test_responses_ask_browsers_to_keep_to_https_for_a_year(deployment):
    answer = https(deployment, "/")
    assert answer.status == 200
    # Sent once, by the application: nginx adds none of its own.
    assert answer.headers.get_all("Strict-Transport-Security") == ["max-age=31536000"]


def test_plain_http_to_nginx_redirects_to_https(deployment):
    answer = plain_http(deployment.http_port, "/search?q=chauffage", PUBLIC_HOST)
    assert answer.status == 301
    assert answer.headers["Location"] == f"{PUBLIC_URL}/search?q=chauffage"


def test_plain_http_straight_to_gunicorn_redirects_to_the_public_https_url(deployment):
    """Whatever Host it names, a request that did not come over TLS through the proxy is sent to the public address."""
    answer = plain_http(deployment.gunicorn_port, "/search?q=chauffage", f"127.0.0.1:{deployment.gunicorn_port}")
    assert answer.status == 301
    assert answer.headers["Location"] == f"{PUBLIC_URL}/search?q=chauffage"


def test_static_files_are_served_by_nginx_with_a_year_of_cache(deployment):
    page = https(deployment, "/")
    stylesheet = re.search(r'<link rel="stylesheet" href="(?:https://forum\.example\.org)?(/static/[^"]+)"', page.body)
    assert stylesheet, "the page should link its stylesheet"
    assert "?v=" in stylesheet.group(1), "a static URL should name its content, or it cannot be kept a year"
    answer = https(deployment, stylesheet.group(1))
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/css")
    cache_control = ", ".join(answer.headers.get_all("Cache-Control"))
    assert "max-age=31536000" in cache_control and "immutable" in cache_control and "public" in cache_control
    assert answer.body == (STATIC_FOLDER / urlsplit(stylesheet.group(1)).path.removeprefix("/static/")).read_text()


def test_each_client_address_has_its_own_login_limit(deployment):
    exhaust_login_limit(deployment, "127.0.0.2")
    assert login_attempt(deployment, "127.0.0.3") != 429


def test_a_client_cannot_choose_the_address_its_login_limit_counts_against(deployment):
    exhaust_login_limit(deployment, "127.0.0.5")
    # Claiming the exhausted address: still judged by its own, fresh one.
    assert login_attempt(deployment, "127.0.0.6", forwarded_for="127.0.0.5") != 429
    # Claiming a fresh address: still judged by its own, exhausted one.
    assert login_attempt(deployment, "127.0.0.5", forwarded_for="127.0.0.9") == 429
