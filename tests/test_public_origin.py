"""Behind a reverse proxy, at a public address: absolute URLs on the public origin whatever the Host,
HTTPS enforced with Secure cookies and HSTS, and X-Forwarded-* believed only from trusted proxies."""

import re

import pytest

from app import create_app
from tests.conftest import IsolatedClient
from tests.helpers import PASSWORD, url_of

PUBLIC = "https://forum.example.org"


@pytest.fixture
def public_config(app_config):
    app_config.update(PUBLIC_URL=PUBLIC)
    return app_config


class HttpsClient(IsolatedClient):
    """Speaks HTTPS to the application, as the proxy in front of it does."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://localhost")
        return super().open(*args, **kwargs)


@pytest.fixture
def https(app):
    app.test_client_class = HttpsClient
    return app.test_client()


# Vocabularies the documents name, not places on the forum.
VOCABULARIES = ("https://schema.org", "http://www.sitemaps.org/", "http://www.w3.org/")


def absolute_urls(text: str) -> set[str]:
    return {url for url in re.findall(r"https?://[^\s\"'<>]+", text) if not url.startswith(VOCABULARIES)}


def test_without_a_public_url_absolute_urls_use_the_request_host(client, thread):
    page = client.get(url_of(thread)).get_data(as_text=True)
    assert f'rel="canonical" href="http://localhost{url_of(thread)}"' in page


def test_every_absolute_url_starts_with_the_public_url_whatever_the_host(public_config, https, thread):
    https.environ_base["HTTP_HOST"] = "attacker.example"
    pages = [url_of(thread), "/", "/sitemap-pages.xml", "/sitemap-threads-1.xml", "/feed.atom", "/robots.txt"]
    for path in pages:
        response = https.get(path)
        assert response.status_code == 200, path
        urls = absolute_urls(response.get_data(as_text=True))
        assert urls and all(url.startswith(PUBLIC + "/") or url == PUBLIC for url in urls), (path, urls)
    page = https.get(url_of(thread)).get_data(as_text=True)
    assert f'rel="canonical" href="{PUBLIC}{url_of(thread)}"' in page
    assert f'"url": "{PUBLIC}{url_of(thread)}"' in page or f'"url":"{PUBLIC}{url_of(thread)}"' in page


def test_plain_http_is_redirected_to_the_public_https_address(public_config, client, thread):
    response = client.get(f"{url_of(thread)}?page=2&q=é")
    assert response.status_code == 301
    assert response.headers["Location"] == f"{PUBLIC}{url_of(thread)}?page=2&q=%C3%A9"
    # A form sent over plain HTTP keeps its method on the way.
    response = client.post("/login", data={"login": "Camille", "password": "x"})
    assert (response.status_code, response.headers["Location"]) == (308, f"{PUBLIC}/login")


def test_an_https_origin_makes_cookies_secure_and_sends_hsts(public_config, https, member):
    assert https.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000"
    response = https.post("/login", data={"login": "Camille", "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert {cookie.split("=")[0] for cookie in cookies} == {"session", "remember_token"}
    assert all("Secure" in cookie and "HttpOnly" in cookie for cookie in cookies), cookies


def test_hsts_may_be_turned_off(public_config, app_config, https):
    app_config["HSTS_SECONDS"] = 0
    assert "Strict-Transport-Security" not in create_app(app_config).test_client().get("/", base_url=PUBLIC).headers


def test_an_http_origin_sends_no_hsts_and_plain_cookies(app_config, instance_path):
    app = create_app(app_config | {"PUBLIC_URL": "http://forum.example.org"})
    response = app.test_client().get("/login")
    assert response.status_code == 200 and "Strict-Transport-Security" not in response.headers
    assert all("Secure" not in cookie for cookie in response.headers.getlist("Set-Cookie"))


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(public_config, client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"})
    assert response.status_code == 301  # the client spoke plain HTTP, whatever it claims


def test_a_trusted_proxy_tells_the_scheme_and_the_clients_address(public_config, app_config, client, member):
    app_config.update(TRUSTED_PROXIES=1, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="2 per minute")
    client = create_app(app_config).test_client()
    assert client.get("/", headers={"X-Forwarded-Proto": "https"}).status_code == 200

    def log_in_from(address: str, claimed: str | None = None) -> int:
        # The proxy appends the address it saw to whatever the client sent.
        forwarded = f"{claimed}, {address}" if claimed else address
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": forwarded}
        return client.post("/login", data={"login": "personne", "password": "x"}, headers=headers).status_code

    assert [log_in_from("198.51.100.7") for _ in range(3)] == [400, 400, 429]
    assert log_in_from("198.51.100.8") == 400  # another visitor has a bucket of their own
    assert log_in_from("198.51.100.7", claimed="198.51.100.9") == 429  # claiming another address does not help


@pytest.mark.parametrize(
    "setting, value",
    [
        ("PUBLIC_URL", "forum.example.org"),
        ("PUBLIC_URL", "ftp://forum.example.org"),
        ("PUBLIC_URL", "https://forum.example.org/forum"),
        ("TRUSTED_PROXIES", -1),
        ("TRUSTED_PROXIES", "one"),
    ],
)
def test_a_setting_that_cannot_work_is_refused_at_start(app_config, instance_path, setting, value):
    with pytest.raises(ValueError, match=setting):
        create_app(app_config | {setting: value})


def test_messages_link_to_the_public_url_and_else_to_the_development_server(app, app_config):
    from app.mail.rendering import external_url

    with app.test_request_context():
        assert external_url("forum.index") == "http://127.0.0.1:5000/"
    with create_app(app_config | {"PUBLIC_URL": PUBLIC + "/"}).test_request_context():
        assert external_url("accounts.login") == f"{PUBLIC}/login"
