"""Which pages search engines may index, and the robots.txt that keeps crawlers off the others."""

from flask import request

# Only these pages are meant for search results; every other page (search results, accounts,
# notifications, moderation including its public log, administration, forms, histories) asks
# not to be indexed, so that a page added later stays out until someone decides otherwise.
INDEXABLE_ENDPOINTS = frozenset(
    {
        "forum.index",
        "forum.category",
        "forum.thread",
        "accounts.profile",
        "reputation.leaderboard",
    }
)

# Google and Bing read `*` as any run of characters and `$` as the end of the URL. The reply form
# is matched exactly, so that a thread whose slug starts with "reply" stays crawlable.
DISALLOWED_PATHS = (
    "/search",
    "/login",
    "/register",
    "/account",
    "/notifications",
    "/moderation/",
    "/admin",
    "/p/",
    "/t/*/reply$",
    "/t/*/reply?",
    "/c/*/new$",
    "/c/*/new?",
)


def robots_directive() -> str:
    """The robots meta content of the page being rendered: empty when it may be indexed."""
    return "" if request.endpoint in INDEXABLE_ENDPOINTS else "noindex"


def robots_txt(sitemap_url: str) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED_PATHS), "", f"Sitemap: {sitemap_url}"]
    return "\n".join(lines) + "\n"
