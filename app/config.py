"""Default settings, the bounds a deployment's settings must keep, and the secret key each deployment generates."""

import os
import secrets
import tempfile
from pathlib import Path

from app import limits
from app.public_origin import check_public_url


class DefaultConfig:
    SQLALCHEMY_DATABASE_URI = None  # filled in from the instance folder by load_config
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("fr", "en")
    SITE_NAME = "Entraide"
    SITE_DESCRIPTION = None  # when unset, a sentence in the reader's language

    THREADS_PER_PAGE = 30
    POSTS_PER_PAGE = 20
    # A deployment may lower these; a title's is bounded by its column (see check_length_settings).
    TITLE_MAX_LENGTH = limits.TITLE_MAX_LENGTH
    BODY_MAX_LENGTH = 50_000
    # A Markdown body can expand; refuse request bodies far beyond any legitimate form.
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Registering logs the new member in at once, so it tells that an address is in use. True: an
    # account waits for its address to be confirmed before it may log in, and registering with an
    # address in use answers as for a new one (its owner gets a message).
    REGISTRATION_CONFIRM_FIRST = False

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = "10 per minute; 50 per hour"  # per client address
    RATELIMIT_LOGIN_ACCOUNT = "5 per minute; 20 per hour"  # failed tries per account, from any address
    RATELIMIT_REGISTER = "5 per hour"
    RATELIMIT_CONFIRMATION = "3 per hour"  # new confirmation links a member may ask for
    RATELIMIT_POSTING = "6 per minute; 60 per hour"
    RATELIMIT_POSTING_NEW_MEMBER = "2 per minute; 20 per hour"
    # Similar threads are asked for as a title is typed (debounced): a few per title, per address.
    RATELIMIT_SIMILAR = "60 per minute"

    # Members below this reputation are not trusted yet: fewer links, slower posting.
    TRUST_MIN_REPUTATION = 10
    NEW_MEMBER_MAX_LINKS = 2

    # Open flags from this many members hide a post at once, pending review.
    MODERATION_AUTO_HIDE_FLAGS = 3
    MODERATION_LOG_PER_PAGE = 50
    NOTIFICATIONS_PER_PAGE = 30

    # Members' last visits and thread views are kept in memory and written at most this often (seconds).
    VISITS_WRITE_INTERVAL = 5.0

    # Visitors' pages are kept rendered (app.page_cache): in the process, or in Redis with REDIS_URL.
    PAGE_CACHE_ENABLED = True
    PAGE_CACHE_REDIS_URL = None
    # Seconds a process trusts the content version it last read: how late a visitor may see a change.
    PAGE_CACHE_VERSION_CHECK = 1.0
    # Seconds a kept page lives at most, for what changes with time alone (the leaderboard's month).
    PAGE_CACHE_TIMEOUT = 300
    PAGE_CACHE_SIZE = 500  # pages each process keeps, without Redis
    PAGE_CACHE_MAX_BYTES = 1024 * 1024  # larger pages (a big sitemap index) are rendered each time

    # Seconds the insights' figures are served as computed; older, they are computed again after the
    # page that shows them (the first page of a process, or of a UTC day, waits for them).
    INSIGHTS_FRESH_SECONDS = 300

    # The origin members reach the forum at (https://forum.example.org): every absolute URL, in pages
    # and in messages, starts with it whatever Host a request came with. Unset, pages use the
    # request's host, and messages the development server's (app.public_origin).
    PUBLIC_URL = None
    # How many reverse proxies in front of the application set X-Forwarded-* (nginx alone: 1).
    TRUSTED_PROXIES = 0
    # With an HTTPS PUBLIC_URL, browsers are told to use nothing else for this long; 0 says nothing.
    HSTS_SECONDS = 365 * 24 * 3600
    # Without a server, messages are written to the log (app.mail.log_backend); with one, sent by SMTP.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_DEFAULT_SENDER = "Entraide <noreply@localhost>"
    MAIL_TIMEOUT = 10  # seconds a sender waits for the server
    # Send what a request queued once its response has gone; off, only `flask mail send` sends.
    MAIL_SEND_AFTER_RESPONSE = True
    MAIL_KEEP_DAYS = 7  # days a message is kept once sent, or refused for good

    SITEMAP_MAX_URLS = 50_000  # the sitemaps.org limit per file; tests lower it

    # "whoosh" or "postgres"; unset: postgres when the database is PostgreSQL, else whoosh.
    SEARCH_BACKEND = None
    SEARCH_INDEX_PATH = None  # default: instance/search
    SEARCH_RESULTS_PER_PAGE = 20
    # How long a request waits for Whoosh's one-writer lock before leaving its change queued.
    SEARCH_WRITER_TIMEOUT = 2.0
    # Megabytes of postings each of a Whoosh rebuild's two writing processes sorts in memory before
    # spilling them to disk: a hundred thousand posts fit in 1,024, and rebuild half again as fast
    # as when sorted in runs on disk.
    SEARCH_REBUILD_MEMORY_MB = 1_024
    # PostgreSQL ranks at most this many of a search's most recent matching posts.
    SEARCH_RANKED_MATCHES = 1_000


def load_config(app, test_config: dict | None) -> None:
    """Defaults, then instance/config.py, then ENTRAIDE_* variables, then the tests' overrides."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ENTRAIDE")
    if "REDIS_URL" in os.environ and "ENTRAIDE_RATELIMIT_STORAGE_URI" not in os.environ:
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
    if "REDIS_URL" in os.environ and "ENTRAIDE_PAGE_CACHE_REDIS_URL" not in os.environ:
        app.config["PAGE_CACHE_REDIS_URL"] = os.environ["REDIS_URL"]
    if "DATABASE_URL" in os.environ and "ENTRAIDE_SQLALCHEMY_DATABASE_URI" not in os.environ:
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.update(test_config)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        database = Path(app.instance_path) / "entraide.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    if not app.config.get("MAIL_BACKEND"):
        app.config["MAIL_BACKEND"] = "smtp" if app.config["MAIL_SERVER"] else "app.mail.log_backend"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    check_length_settings(app.config)
    check_public_url(app.config["PUBLIC_URL"])
    memory = app.config["SEARCH_REBUILD_MEMORY_MB"]
    if isinstance(memory, bool) or not isinstance(memory, int) or memory < 1:
        raise ValueError(f"SEARCH_REBUILD_MEMORY_MB must be a whole number of megabytes, not {memory!r}.")
    proxies = app.config["TRUSTED_PROXIES"]
    if isinstance(proxies, bool) or not isinstance(proxies, int) or proxies < 0:
        raise ValueError(f"TRUSTED_PROXIES must be a number of proxies, 0 or more, not {proxies!r}.")


# Each setting that limits a field's length, and the size of the column storing the field (None: a text
# column, unbounded).
LENGTH_SETTINGS = {"TITLE_MAX_LENGTH": limits.TITLE_MAX_LENGTH, "BODY_MAX_LENGTH": None}


def check_length_settings(config: dict) -> None:
    """Refuse to start with a length setting that its column cannot hold.

    SQLite would store the longer text anyway, and PostgreSQL refuse it at the first long title: a
    500 long after the start. Refused rather than lowered to the column's size, because only the
    operator can choose between a lower setting and a migration that widens the column."""
    for setting, column_length in LENGTH_SETTINGS.items():
        value = config[setting]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{setting} must be a whole number of characters, at least 1, not {value!r}.")
        if column_length is not None and value > column_length:
            raise ValueError(
                f"{setting} is {value}, but the column that stores this field holds {column_length} characters:"
                f" set it to {column_length} or less."
            )


def instance_secret_key(instance: Path) -> str:
    """Read the deployment's secret key, creating it (readable by its owner only) on first run."""
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    # Written aside then linked into place, so a concurrent worker never reads a half-written key.
    key = secrets.token_hex(32)
    fd, draft = tempfile.mkstemp(dir=instance, prefix=".secret_key-")
    try:
        with os.fdopen(fd, "w") as file:
            file.write(key + "\n")
        os.link(draft, path)
    except FileExistsError:
        return path.read_text().strip()
    finally:
        os.unlink(draft)
    return key
