"""What a page's <head> says about it: its canonical and neighbouring URLs, language, summary."""

from dataclasses import dataclass

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app.forum.models import Post, Thread
from app.forum.rendering import plain_text
from app.pagination import Page

DESCRIPTION_LENGTH = 155
OG_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


@dataclass(frozen=True)
class PageLinks:
    canonical: str
    prev: str | None = None
    next: str | None = None


def page_links(endpoint: str, page: Page | None = None, **values) -> PageLinks:
    """Absolute URLs of a page and of its neighbours; page 1 is the bare URL, never ?page=1."""

    def url(number: int) -> str:
        return url_for(endpoint, page=number if number > 1 else None, _external=True, **values)

    if page is None:
        return PageLinks(url(1))
    return PageLinks(
        canonical=url(page.number),
        prev=url(page.number - 1) if page.has_previous else None,
        next=url(page.number + 1) if page.has_next else None,
    )


def og_locale() -> str:
    return OG_LOCALES.get(str(get_locale()), OG_LOCALES["fr"])


def thread_description(thread: Thread, opening: Post | None) -> str:
    """The start of the question in plain text; a sentence instead when it is not shown."""
    if opening is not None and opening.is_visible:
        text = plain_text(opening.body_html, limit=DESCRIPTION_LENGTH)
        if text:
            return text
    return _("A discussion in %(category)s: %(title)s", category=thread.category.name, title=thread.title)
