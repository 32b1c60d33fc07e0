"""Every route, sent random and hostile requests by visitors, members and staff.

Whatever arrives — odd path values, query strings, methods, headers and bodies, with or without a
CSRF token — the forum answers 2xx, 3xx or 4xx: never 5xx, and no exception escapes. A 4xx page
says what was wrong in the visitor's language, a JSON client gets its error as JSON with a message,
and no redirect leaves the site. The routes are read from the application's own URL map, so that a
new route is fuzzed as soon as it exists."""

import html
import io
import logging
import os
import random
import re
import tempfile
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlencode, urlsplit

import pytest
import wtforms
from babel.messages.pofile import read_po
from flask import Flask, current_app
from flask_babel import force_locale, get_translations
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import LanguageAccept, MultiDict
from werkzeug.http import parse_accept_header
from werkzeug.routing import Rule
from wtforms.fields.core import UnboundField

from app import create_app, visits
from app.accounts import tokens
from app.accounts.models import User
from app.extensions import db
from app.forum.models import IDEAS, Category
from app.moderation import services as moderation
from app.notifications import email
from tests.helpers import PASSWORD, Auth, new_thread, opening_of, write_reply

ROOT = Path(__file__).resolve().parent.parent
FRENCH_PO = ROOT / "app" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
WTFORMS_PO = Path(wtforms.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "wtforms.po"

FUZZ_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Requests drawn per route, each sent by every kind of user. A longer hunt:
# ENTRAIDE_FUZZ_EXAMPLES=500 .venv/bin/pytest tests/test_fuzz.py
EXAMPLES_PER_ROUTE = int(os.environ.get("ENTRAIDE_FUZZ_EXAMPLES", "25"))
CSRF_EXAMPLES_PER_ROUTE = max(1, EXAMPLES_PER_ROUTE // 2)


def url_map_rules() -> list[Rule]:
    """The rules of the application's URL map, read at collection from an application of its own
    (on a throwaway instance folder), so that each rule is a test of its own."""
    previous = os.environ.get("ENTRAIDE_INSTANCE_PATH")
    with tempfile.TemporaryDirectory() as instance:
        os.environ["ENTRAIDE_INSTANCE_PATH"] = instance
        try:
            app = create_app({"TESTING": True, "SECRET_KEY": "routes", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        finally:
            if previous is None:
                del os.environ["ENTRAIDE_INSTANCE_PATH"]
            else:
                os.environ["ENTRAIDE_INSTANCE_PATH"] = previous
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


ALL_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
UNSAFE_METHODS = {"POST", "PUT", "DELETE", "PATCH"}
ROUTES = url_map_rules()
RULES = [rule.rule for rule in ROUTES]
# The routes that change something, where a CSRF token is checked.
CHANGING_RULES = [rule.rule for rule in ROUTES if rule.methods & UNSAFE_METHODS]


def form_field_names() -> list[str]:
    """Every field of every form the application defines (their modules are imported with it)."""
    names, forms = set(), [FlaskForm]
    while forms:
        form = forms.pop()
        forms.extend(form.__subclasses__())
        names.update(name for name, value in vars(form).items() if isinstance(value, UnboundField))
    # Read from request.form by the views of one-button actions, which have no form class.
    names.update(("status", "direction", "role", "reason", "q", "next", "csrf_token"))
    return sorted(names)


FORM_FIELDS = form_field_names()
QUERY_PARAMETERS = ("q", "page", "sort", "category", "next", "filter", "solved", "action", "reply_to", "quote", "v")

# --- what the requests are made of -----------------------------------------------------------------

HUGE_NUMBERS = (2**31, 2**63 - 1, 2**63, 2**64, 10**30)
EDGE_IDS = ("0", "-1", *map(str, HUGE_NUMBERS))
NUMBERS = ("-1", "0", "1.5", "1e9", "nan", "１", "𝟗𝟗", *map(str, HUGE_NUMBERS))  # "１".isdecimal() is true
TRICKY_TEXTS = (
    "",
    " ",
    "%",
    "%00",
    "%s %(x)s {0}",
    "..",
    "../../etc/passwd",
    "//evil.example",
    "/\t/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "https://evil.example/",
    "/\\evil.example",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202eevil",
    "\ufeff",
    "ß" * 31,
)
# Beyond every field's limit but the body's; forty of them still make less than MAX_CONTENT_LENGTH.
LONG_TEXTS = ("é" * 501, "a" * 300, "x" * 20_001)
# Values that mean something to some route: flag reasons, idea statuses, category kinds, roles...
DOMAIN_VALUES = (
    "spam",
    "abusive",
    "off_topic",
    "other",
    "new",
    "under_review",
    "planned",
    "done",
    "declined",
    "discussion",
    "ideas",
    "up",
    "down",
    "member",
    "moderator",
    "admin",
    "fr",
    "en",
    "immediately",
    "digest",
    "never",
    "relevance",
    "newest",
    "votes",
    "unanswered",
    "yes",
    "no",
    "y",
    "on",
    "1",
    "3",
    "366",
    "Une raison claire",
    "Ma box ne démarre plus",
    "Bonjour **à tous**, [un lien](http://example.org)",
    "camille@example.org",
    "nouveau@example.org",
    PASSWORD,
)
# Already URL-encoded path segments, inserted as they are.
RAW_SEGMENTS = ("%00", "%2e%2e", "..", "%ff", "%zz", "%C0%AF", "..%2F..%2Fetc%2Fpasswd", "%20", "-1", "%2D1")
RAW_QUERIES = (
    "page=%ff",
    "q=%",
    "q=%zz",
    "q=%00",
    "page=1&page=2",
    "page=-1",
    "page=99999999999999999999",
    "page=%EF%BC%91",
    "=",
    "&&&",
    "q",
    "next=%2F%2Fevil.example",
    "next=javascript:alert(1)",
    "sort=%00&filter=%00&solved=%00",
    "category=%00&q=x",
)
HEADER_VALUES = {
    "Accept": (
        "application/json",
        "*/*",
        "text/html",
        "application/json, text/html;q=0.5",
        "text/html;q=0.1, application/json",
        "garbage",
        "text/*;q=abc",
        "",
    ),
    "Accept-Language": ("fr", "en", "en-GB,en;q=0.9", "de-DE", "*", "en;q=abc", "garbage;;;", "", "x" * 5000),
    "Accept-Encoding": ("gzip", "br", "zstd", "garbage", "*;q=0", "identity;q=0"),
    "If-None-Match": ("garbage", "*", 'W/"x"', '"', ""),
    "If-Match": ("garbage", '"x"'),
    "If-Modified-Since": ("garbage", "Mon, 01 Jan 1900 00:00:00 GMT", "Sat, 01 Jan 9999 00:00:00 GMT", "-1"),
    "Range": ("bytes=0-0", "bytes=5-1", "bytes=-0", "bytes=abc", "pages=1", "bytes=0-99999999999999999999"),
    "If-Range": ("garbage", 'W/"x"'),
    "X-Forwarded-For": ("garbage", "999.999.999.999, ::1", "", "1.2.3.4" * 1000),
    "X-Forwarded-Host": ("evil.example",),
    "X-Forwarded-Proto": ("garbage", "https"),
    "X-CSRFToken": ("garbage", ""),
    "Referer": ("garbage", "https://evil.example/"),
    "User-Agent": ("", "Mozilla/5.0 " + "x" * 5000),
    "Authorization": ("Basic !!!", "Bearer"),
    "X-Long": ("a" * 20_000,),
}
COOKIES = (
    ("session", "garbage"),
    ("session", ""),
    ("session", ".eJyrVkrOz0nNSy0uUbIqKSpN1VEqLU4tSs1LVLJSSsxNzMwDAPFFDMw.garbage"),
    ("remember_token", "1|garbage"),
    ("remember_token", "garbage"),
    ("garbage", "\x7f" * 100),
)
CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=unknown",
    "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=" + "x" * 200,
    "multipart/mixed; boundary=x",
    "application/json",
    "application/json; charset=utf-16",
    "text/plain",
    "garbage",
    "",
)
RAW_BODIES = (
    b"",
    b"\xff\xfe\xfd",
    b"title=%ff&body=\xff\xfe",
    b"body=\x00&reason=%00",
    b"a=1&a=2&a=3&body=%",
    b"=&=&&",
    b'--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nunterminated',
    b'--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nabc\r\n--x--\r\n',
    b"--x\r\n\r\n--x--",
    b"{",
    b'{"body": "x", "title": 1}',
    b"[1, 2, 3]",
    b"\x00" * 64,
)
# Bodies around the MAX_CONTENT_LENGTH of 1 MiB: the larger ones must get a 413.
BODY_SIZES = (1024 * 1024 - 1000, 1024 * 1024 + 1, 3 * 1024 * 1024)


@dataclass
class World:
    """A forum with something of everything, and what the fuzzer draws path and form values from."""

    # Who sends the requests: a visitor (None), a member, a suspended member, a moderator, an admin.
    users: list[User | None]
    ids: list[int]
    slugs: list[str]
    names: list[str]
    tokens: list[str]

    @cached_property
    def parts(self) -> "list[Parts]":
        return Parts.of(self)

    def _repr_pretty_(self, printer, cycle) -> None:
        # How hypothesis prints it with a failing example, where the drawn request says all that matters.
        printer.text("World(...)")


@pytest.fixture
def world(app, thread, answered, category, member, other_member, moderator, admin, suspended_member) -> World:
    first, second = answered
    # The visits (views, last visits, missed searches) written after every response, as a busy
    # forum does, rather than once an hour as the other tests leave them.
    app.extensions["visits"] = visits.VisitLog(0)
    ideas = Category(name="Idées", slug="idees", description="Vos idées.", position=2, kind=IDEAS)
    db.session.add(ideas)
    db.session.commit()
    idea = new_thread(member, ideas, "Un mode nuit pour les voyants")
    advert = write_reply(other_member, thread, "Achetez mes câbles pas chers !")
    moderation.flag_post(member, second, "off_topic", "Rien à voir")
    moderation.hide_post(moderator, advert, "Publicité")
    locked = new_thread(other_member, category, "Un sujet clos")
    moderation.set_locked(moderator, locked, True, "Réglé ailleurs")
    db.session.commit()
    threads = [thread, idea, locked]
    posts = [opening_of(thread), first, second, advert, opening_of(idea), opening_of(locked)]
    accounts = [member, other_member, moderator, admin, suspended_member]
    return World(
        users=[None, member, suspended_member, moderator, admin],
        ids=sorted({*(t.id for t in threads), *(p.id for p in posts), category.id, ideas.id}),
        slugs=[category.slug, ideas.slug, *(t.slug for t in threads)],
        names=[user.username for user in accounts] + [user.email for user in accounts],
        tokens=[
            tokens.address_token(member, member.email),
            tokens.address_token(member, "ailleurs@example.org"),
            tokens.password_token(member),
            email.unsubscribe_url(member, "reply").rsplit("/", 1)[1],
            email.unsubscribe_url(member, email.EVERY_DIGEST).rsplit("/", 1)[1],
        ],
    )


CONVERTER = re.compile(r"<(?:([^:<>]+):)?(\w+)>")
STATIC_FILES = ("css/entraide.css", "js/entraide.js", "favicon.svg", "../app/config.py", "css/../../wsgi.py")


def mostly(usual: st.SearchStrategy, unusual: st.SearchStrategy) -> st.SearchStrategy:
    """`usual` three times in four, else `unusual`."""
    return st.integers(1, 4).flatmap(lambda n: unusual if n == 4 else usual)


class Parts:
    """What requests are drawn from, made once for a forum (making strategies again for each request
    took half of the fuzzing's time).

    Each request takes all its texts from one kind of value (swarm testing): a request whose every
    field is a huge number, or holds a NUL, finds the field that cannot take it far sooner than one
    that mixes every kind of value in every field."""

    def __init__(self, world: World, texts: st.SearchStrategy[str]) -> None:
        self.texts = texts
        raw = st.sampled_from(RAW_SEGMENTS)
        # Mostly ids that name something, else ids at the edges of what a database holds, or no number.
        self.ids = mostly(st.sampled_from(world.ids).map(str), st.one_of(st.sampled_from(EDGE_IDS), raw))
        self.segments = mostly(texts.map(lambda text: quote(text, safe="")), raw)
        # Seldom: a route with more segments is most often no route at all.
        self.extra_segments = mostly(st.just([]), st.lists(st.one_of(raw, self.segments), min_size=1, max_size=2))
        names = st.one_of(st.sampled_from(QUERY_PARAMETERS), st.text(max_size=10))
        self.queries = mostly(
            st.lists(st.tuples(names, texts), max_size=4).map(urlencode), st.sampled_from(RAW_QUERIES)
        )
        self.headers = st.fixed_dictionaries(
            {}, optional={name: st.sampled_from(values) for name, values in HEADER_VALUES.items()}
        )
        self.bodies = self.body_strategy()
        self.cookies = st.lists(st.sampled_from(COOKIES), max_size=2)

    @classmethod
    def of(cls, world: World) -> "list[Parts]":
        """The parts of each kind of value."""
        meaningful = st.sampled_from(DOMAIN_VALUES + (*world.slugs, *world.names, *world.tokens))
        kinds = [
            st.sampled_from([*map(str, world.ids), *NUMBERS]),
            # PostgreSQL stores no NUL, where SQLite does.
            st.one_of(st.sampled_from(["\x00", "\x00" * 100]), meaningful.map(lambda text: text + "\x00")),
            st.sampled_from(TRICKY_TEXTS),
            st.sampled_from(LONG_TEXTS),
            meaningful,
            st.text(max_size=30),
        ]
        return [cls(world, texts) for texts in [*kinds, st.one_of(kinds)]]

    def form_fields(self) -> st.SearchStrategy[list[tuple[str, str]]]:
        """Every field the forum knows, with a value each, so that every route finds the ones it
        reads; and a few more: unknown names, or known ones again (a repeated key)."""
        known = st.fixed_dictionaries(dict.fromkeys(FORM_FIELDS, self.texts))
        names = st.one_of(st.sampled_from(FORM_FIELDS), st.text(max_size=10))
        more = st.lists(st.tuples(names, self.texts), max_size=3)
        return st.tuples(known, more).map(lambda drawn: [*drawn[0].items(), *drawn[1]])

    def path_value(self, converter: str) -> st.SearchStrategy[str]:
        """A URL-encoded value for one converter of a rule: mostly one it accepts, sometimes not."""
        if converter == "int":
            return self.ids
        if converter.startswith("any("):
            choices = re.findall(r"\w+", converter.removeprefix("any("))
            return mostly(st.sampled_from(choices), self.segments)
        if converter == "path":
            return mostly(st.sampled_from(STATIC_FILES), self.segments)
        return self.segments

    def body_strategy(self) -> st.SearchStrategy[dict]:
        """The keyword arguments of a request's body for the test client."""
        fields = self.form_fields()
        form = fields.map(lambda pairs: {"data": MultiDict(pairs)})
        multipart = st.tuples(fields, st.booleans()).map(multipart_body)
        scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(HUGE_NUMBERS), self.texts)
        json_values = st.recursive(
            st.one_of(scalars, st.sampled_from([[], {}])),
            lambda children: st.one_of(
                st.lists(children, min_size=1, max_size=3),
                st.dictionaries(st.text(max_size=8), children, min_size=1, max_size=3),
            ),
            max_leaves=8,
        )
        json = st.one_of(
            st.dictionaries(st.sampled_from(FORM_FIELDS), self.texts, max_size=6),
            st.dictionaries(st.sampled_from(FORM_FIELDS), json_values, max_size=4),
            json_values,
        )
        raw = st.tuples(st.sampled_from(RAW_BODIES), st.sampled_from(CONTENT_TYPES)).map(
            lambda drawn: {"data": drawn[0], "content_type": drawn[1]}
        )
        huge = st.tuples(st.sampled_from(BODY_SIZES), st.sampled_from(["form", "multipart", "raw"])).map(huge_body)
        return mostly(
            st.one_of(form, multipart), st.one_of(st.just({}), json.map(lambda value: {"json": value}), raw, huge)
        )


def multipart_body(drawn: tuple[list[tuple[str, str]], bool]) -> dict:
    fields, upload = drawn
    return {"data": MultiDict(fields), "content_type": "multipart/form-data", "upload": upload}


def huge_body(drawn: tuple[int, str]) -> dict:
    size, kind = drawn
    if kind == "raw":
        return {"data": b"a" * size, "content_type": "application/x-www-form-urlencoded"}
    data = {"title": "Un titre", "body": "a" * size, "reason": "r" * size}
    return {"data": data, "content_type": "multipart/form-data"} if kind == "multipart" else {"data": data}


@dataclass
class Fuzzed:
    """One request as drawn."""

    method: str
    url: str
    headers: dict[str, str]
    body: dict
    cookies: list[tuple[str, str]]

    def send(self, client, csrf_token: str | None = None):
        """Send the request from `client` (a browser, logged in or not), with `csrf_token` if given."""
        for name, value in self.cookies:
            client.set_cookie(name, value)
        body, headers = dict(self.body), self.headers
        if body.pop("upload", False):
            # A file of its own each time the request is sent: the test client closes what it sent.
            body["data"] = MultiDict([*body["data"].items(multi=True), ("file", (io.BytesIO(b"\x00\xff"), "x.txt"))])
        if csrf_token is not None:
            # In the form, as a browser sends it, or in the header, as scripts do.
            data = body.get("data")
            if isinstance(data, dict | MultiDict):
                fields = [(name, value) for name, value in MultiDict(data).items(multi=True) if name != "csrf_token"]
                body["data"] = MultiDict([*fields, ("csrf_token", csrf_token)])
            else:
                headers = headers | {"X-CSRFToken": csrf_token}
        path, _mark, query = self.url.partition("?")
        # The path as a server hands it to the application, even one the test client would read
        # as a host ("//evil.example").
        environ = {"PATH_INFO": unquote_to_bytes(path).decode("latin-1")}
        return client.open(
            "/", query_string=query, method=self.method, headers=headers, environ_overrides=environ, **body
        )

    def keeps_session(self) -> bool:
        """Whether the browser's login still stands, or a cookie of the request replaced it."""
        return all(name != "session" for name, _value in self.cookies)


def browser(app: Flask, user: User | None):
    client = app.test_client()
    if user is not None:
        Auth(client).login(user)
    return client


@st.composite
def requests(draw, world: World, rule: Rule, methods: set[str] | None = None) -> Fuzzed:
    """A request to `rule`, by any method or mostly by `methods`."""
    parts = draw(st.sampled_from(world.parts))
    # Mostly the methods the route is for (HEAD and OPTIONS, which Flask answers for it, less).
    usual = sorted(methods or (rule.methods - {"HEAD", "OPTIONS"}) or rule.methods)
    method = draw(mostly(st.sampled_from(usual), st.sampled_from(ALL_METHODS)))
    path = CONVERTER.sub(lambda match: draw(parts.path_value(match.group(1) or "string")), rule.rule)
    path = "/".join([path, *draw(parts.extra_segments)])
    query = draw(parts.queries)
    return Fuzzed(
        method=method,
        url=f"{path}?{query}" if query else path,
        headers=draw(parts.headers),
        body=draw(parts.bodies) if method in UNSAFE_METHODS or draw(st.booleans()) else {},
        cookies=draw(parts.cookies),
    )


# --- what every answer must be ----------------------------------------------------------------------


def expected_locale(fuzzed: Fuzzed, user: User | None) -> str:
    """The member's chosen language, else the browser's, else French, as the forum promises."""
    if user is not None and fuzzed.keeps_session():
        user = db.session.get(User, user.id)
        if user is not None and not user.is_erased and user.locale:
            return user.locale
    accepted = parse_accept_header(fuzzed.headers.get("Accept-Language"), LanguageAccept)
    return accepted.best_match(("fr", "en")) or "fr"


CONVERSION = re.compile(r"%(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def pattern_of(message: str) -> re.Pattern | None:
    """A message of the catalogue as a pattern that its placeholders, filled in, still match;
    None for a message that is little more than placeholders, which would match anything."""
    literals = CONVERSION.split(message)
    if sum(char.isalpha() for char in "".join(literals)) < 4:
        return None
    return re.compile(r"(.+?)".join(re.escape(" ".join(part.split())) for part in literals), re.DOTALL)


@cache
def messages_in(locale: str) -> tuple[re.Pattern, ...]:
    """Every sentence the forum and WTForms can say, as the application's own gettext words them in
    `locale` (under an application and request context)."""
    with FRENCH_PO.open("rb") as file:
        ids = [message.id for message in read_po(file) if message.id]
    with WTFORMS_PO.open("rb") as file:
        wtforms_ids = [message.id for message in read_po(file) if message.id]
    worded = []
    with current_app.test_request_context(), force_locale(locale):
        for source, catalogue in ((ids, get_translations()), (wtforms_ids, wtforms_translations)):
            gettext = getattr(catalogue, "ugettext", getattr(catalogue, "gettext", None))
            ngettext = getattr(catalogue, "ungettext", getattr(catalogue, "ngettext", None))
            for message_id in source:
                if isinstance(message_id, tuple):
                    worded += [ngettext(message_id[0], message_id[1], n) for n in (1, 2)]
                else:
                    worded.append(gettext(message_id))
    return tuple(pattern for pattern in map(pattern_of, worded) if pattern is not None)


ERROR_PAGE = re.compile(
    r'<section class="error-page">\s*<h1>(.*?) <span class="error-page__code">\d+</span></h1>\s*<p>(.*?)</p>', re.DOTALL
)
FIELD_ERRORS = re.compile(r'<ul class="field__errors"[^>]*>(.*?)</ul>', re.DOTALL)
FORM_ERRORS = re.compile(r'<div class="form-errors" role="alert">(.*?)</div>', re.DOTALL)


def refusal_messages(page: str) -> list[str]:
    """What a refused request's page says was wrong: the error page's title and sentence, or the
    messages beside a form's fields and above it."""
    found = [part for match in ERROR_PAGE.finditer(page) for part in match.groups()]
    for block in FIELD_ERRORS.findall(page):
        found += re.findall(r"<li>(.*?)</li>", block, re.DOTALL)
    for block in FORM_ERRORS.findall(page):
        found += re.findall(r"<p>(.*?)</p>", block, re.DOTALL)
    return [" ".join(html.unescape(message).split()) for message in found]


def check_words(messages: list[str], locale: str, described: str) -> None:
    patterns = messages_in(locale)
    for message in messages:
        assert any(pattern.fullmatch(message) for pattern in patterns), f"not in {locale!r}: {message!r} {described}"


def check_answer(fuzzed: Fuzzed, response, user: User | None) -> None:
    described = f"({fuzzed.method} {fuzzed.url[:300]} as {user or 'a visitor'}, {response.status})"
    assert response.status_code < 500, described
    too_large = (response.request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]
    if fuzzed.method in UNSAFE_METHODS and too_large:
        assert response.status_code == 413, described
    if 300 <= response.status_code < 400 and "Location" in response.headers:
        target = urlsplit(response.headers["Location"])
        assert target.scheme in ("", "http") and target.netloc in ("", "localhost"), described
    # A failed If-Match is answered 412 with the resource as it is (Werkzeug's make_conditional),
    # which the client asked not to get: there is nothing more to read.
    if response.status_code < 400 or response.status_code == 412 or fuzzed.method == "HEAD":
        return
    locale = expected_locale(fuzzed, user)
    if response.is_json:
        payload = response.get_json()
        assert isinstance(payload, dict) and payload.get("message"), described
        check_words([payload["message"]], locale, described)
        return
    assert response.mimetype == "text/html", described
    page = response.get_data(as_text=True)
    assert f'<html lang="{locale}">' in page, described
    if fuzzed.headers.get("Accept") == "application/json":
        assert "error-page" not in page, f"an HTML error page for a JSON client {described}"
    messages = refusal_messages(page)
    assert messages, f"a refusal that does not say what was wrong {described}"
    check_words(messages, locale, described)


def unseed_random() -> None:
    """Whoosh names its index segments from `random`, which hypothesis seeds alike for every
    example: a segment of one example would take the name of another's, which Whoosh refuses."""
    random.seed()


def check_nothing_failed_after(caplog) -> None:
    """Work done after the response (the visits' write, the search index's) fails no page, but logs
    its failure: a request must not cause one either."""
    failures = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert not failures, failures


# --- the fuzzing -----------------------------------------------------------------------------------


def rule_of(app: Flask, rule: str):
    return next(candidate for candidate in app.url_map.iter_rules() if candidate.rule == rule)


@pytest.mark.slow
@pytest.mark.parametrize("rule", RULES)
@settings(FUZZ_SETTINGS, max_examples=EXAMPLES_PER_ROUTE)
@given(data=st.data())
def test_a_route_answers_hostile_requests_of_anyone_with_a_clear_4xx_at_worst(app, world, caplog, rule, data):
    unseed_random()
    fuzzed = data.draw(requests(world, rule_of(app, rule)))
    for user in world.users:
        caplog.clear()
        check_answer(fuzzed, fuzzed.send(browser(app, user)), user)
        check_nothing_failed_after(caplog)


@pytest.fixture
def csrf_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def real_csrf_token(client, logged_in: bool) -> str:
    """The token a page gives this browser's session, read as a browser would."""
    page = client.get("/account" if logged_in else "/login").get_data(as_text=True)
    return re.search(r'<input[^>]* name="csrf_token"[^>]* value="([^"]+)"', page).group(1)


@pytest.mark.slow
@pytest.mark.parametrize("rule", CHANGING_RULES)
@settings(FUZZ_SETTINGS, max_examples=CSRF_EXAMPLES_PER_ROUTE)
@given(data=st.data())
def test_a_route_answers_hostile_requests_with_csrf_protection_on(csrf_config, app, world, caplog, rule, data):
    unseed_random()
    rule = rule_of(app, rule)
    fuzzed = data.draw(requests(world, rule, methods=rule.methods & UNSAFE_METHODS))
    user = data.draw(st.sampled_from(world.users))
    client = browser(app, user)
    token = data.draw(st.sampled_from(["none", "garbage", "real"]))
    if token == "real":
        token = real_csrf_token(client, user is not None)
    caplog.clear()
    check_answer(fuzzed, fuzzed.send(client, None if token == "none" else token), user)
    check_nothing_failed_after(caplog)


# --- crashes found in what every page shares (app/web.py, app/forms.py; their tests: test_app.py) ---

# app/web.py: whole numbers in URLs


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("visitor", "GET", "/t/{}/un-sujet"),
        ("visitor", "GET", "/p/{}"),
        ("member", "POST", "/p/{}/helpful"),
        ("member", "POST", "/t/{}/watch"),
        ("admin", "GET", "/admin/categories/{}/edit"),
    ],
)
def test_an_id_in_a_url_beyond_what_the_database_holds_is_not_found(
    client, auth, member, admin, role, method, path, number
):
    if role != "visitor":
        auth.login({"member": member, "admin": admin}[role])
    assert client.open(path.format(number), method=method).status_code == 404


# app/web.py: texts in URLs


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("visitor", "GET", "/u/Camille%00"),
        ("visitor", "GET", "/c/depannage%00"),
        ("visitor", "GET", "/c/depannage%00/feed.atom"),
        ("member", "GET", "/c/depannage%00/new"),
        ("moderator", "POST", "/moderation/users/Camille%00/suspend"),
        ("admin", "POST", "/admin/users/Camille%00/role"),
    ],
)
def test_a_name_in_a_url_holding_a_nul_is_not_found(
    client, auth, member, moderator, admin, category, role, method, path
):
    # PostgreSQL refuses to compare a column with a text holding NUL, where SQLite finds nothing.
    if role != "visitor":
        auth.login({"member": member, "moderator": moderator, "admin": admin}[role])
    assert client.open(path, method=method, data={"reason": "Pour voir", "days": "3"}).status_code == 404


# app/web.py: error pages


@pytest.mark.parametrize("range_", ["bytes=999999999-", "bytes=5-1"])
def test_a_range_beyond_a_file_is_refused_in_the_visitors_language(french_client, range_):
    response = french_client.get("/static/css/entraide.css", headers={"Range": range_})
    assert response.status_code == 416
    page = html.unescape(response.get_data(as_text=True))
    assert '<html lang="fr">' in page
    assert "La partie du fichier demandée n'existe pas." in page


# app/forms.py: what a sent form may hold


@pytest.mark.parametrize(
    "body",
    [b"false", b'" "', b"[1, 2]", b'[["title", "x"]]', b'{"title": 1, "body": "x"}', b'{"body": {"a": "b"}}', b"{"],
)
@pytest.mark.parametrize(("path", "logged_in"), [("/c/depannage/new", True), ("/password/reset", False)])
def test_a_form_sent_as_json_that_is_not_an_object_of_texts_is_refused(
    client, auth, member, category, path, logged_in, body
):
    # Flask-WTF reads a JSON body as a form's fields, and failed on any JSON but an object of texts.
    if logged_in:
        auth.login(member)
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert "A form sent as JSON is an object whose values are texts." in response.get_data(as_text=True)


def test_a_form_sent_as_a_json_object_of_texts_is_read_as_its_fields(client, auth, member, category):
    auth.login(member)
    fields = {"title": "Le wifi décroche", "body": "Toutes les heures.", "confirmed": "1"}
    response = client.post("/c/depannage/new", json=fields)
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200


NUL_REFUSAL = "A field you sent holds a NUL character, which no text here may hold."


@pytest.mark.parametrize(
    ("role", "path", "fields"),
    [
        ("visitor", "/login", {"login": "Camille\x00", "password": "secret"}),
        ("visitor", "/password/reset", {"email": "camille@example.org\x00"}),
        ("member", "/c/depannage/new", {"title": "Le wifi\x00", "body": "Il décroche.", "confirmed": "1"}),
        ("member", "/c/depannage/new", {"title": "Le wifi", "body": "Il\x00 décroche.", "confirmed": "1"}),
        ("other", "/t/{thread}/reply", {"body": "Moi aussi\x00"}),
        ("other", "/p/{post}/flag", {"reason": "other", "note": "\x00"}),
        ("moderator", "/moderation/threads/{thread}/lock", {"reason": "Réglé\x00"}),
        ("admin", "/admin/categories/new", {"name": "Box\x00", "slug": "box", "reason": "Demande des membres"}),
        ("admin", "/admin/users/Bastien/role", {"role": "moderator", "reason": "Aide\x00"}),
    ],
)
def test_a_form_field_holding_a_nul_is_refused(
    client, auth, thread, other_member, moderator, admin, role, path, fields
):
    # PostgreSQL stores no NUL, nor compares a column with a text holding one, where SQLite does.
    users = {"member": thread.author, "other": other_member, "moderator": moderator, "admin": admin}
    if role in users:
        auth.login(users[role])
    response = client.post(path.format(thread=thread.id, post=opening_of(thread).id), data=fields)
    assert response.status_code == 400
    assert NUL_REFUSAL in response.get_data(as_text=True)


def test_a_form_sent_as_json_holding_a_nul_is_refused(client, auth, member, category):
    auth.login(member)
    response = client.post("/c/depannage/new", json={"title": "Le wifi", "body": "\x00", "confirmed": "1"})
    assert response.status_code == 400
    assert NUL_REFUSAL in response.get_data(as_text=True)
