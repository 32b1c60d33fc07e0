"""JSON-LD for search engines, built as dicts from what the page shows and nothing more.

Google reads a solved thread as a QAPage (question, accepted and suggested answers, votes = helpful
marks) and any other thread as a DiscussionForumPosting with its replies as comments. Hidden and
deleted posts never appear, neither their words nor as answers."""

import json
from collections.abc import Iterable

from flask import url_for
from markupsafe import Markup

from app.accounts.models import User
from app.forum.models import Post, Thread
from app.forum.rendering import plain_text
from app.forum.urls import PageUrls
from app.pagination import Page
from app.seo.formats import w3c_datetime

CONTEXT = "https://schema.org"
# Inside <script>, "</script>" or "<!--" in a post would end or confuse the element, and U+2028
# and U+2029 end a line in JavaScript before ES2019: JSON allows them all escaped, and the parsed
# data stays the same.
_SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def json_ld(*items: dict | None) -> Markup:
    """One <script type="application/ld+json"> element per item, safe whatever the text holds."""
    scripts = (
        '<script type="application/ld+json">'
        + _script_safe(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        + "</script>"
        for item in items
        if item
    )
    # JSON, made safe inside a script element by _script_safe.
    return Markup("\n".join(scripts))  # nosec B704


def _script_safe(text: str) -> str:
    # One str.replace per character scans at C speed; str.translate with a dict looks up every
    # character of a page's worth of text, and took 8 % of a thread page's time.
    for character, escaped in _SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return text


def person(user: User) -> dict:
    return {
        "@type": "Person",
        "name": user.username,
        "url": url_for("accounts.profile", username=user.username, _external=True),
    }


def thread_url(thread: Thread) -> str:
    return url_for("forum.thread", thread_id=thread.id, slug=thread.slug, _external=True)


def breadcrumbs(*trail: tuple[str, str]) -> dict:
    """A BreadcrumbList from the site's home down to the page, as (name, absolute URL) pairs."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def site_crumb(site_name: str) -> tuple[str, str]:
    return site_name, url_for("forum.index", _external=True)


def category_crumb(category) -> tuple[str, str]:
    return category.name, url_for("forum.category", slug=category.slug, _external=True)


def thread_page(
    thread: Thread, page: Page[Post], solution: Post | None, opening: Post | None, site_name: str
) -> list[dict]:
    """The JSON-LD of one page of a thread: what it discusses, and where it stands in the site."""
    trail = breadcrumbs(site_crumb(site_name), category_crumb(thread.category), (thread.title, thread_url(thread)))
    if opening is None or not opening.is_visible:
        return [trail]
    replies = [post for post in page.items if post.is_visible and not post.is_opening]
    urls = PageUrls()
    # The accepted answer is shown beside the question on the first page only; later pages
    # describe the same discussion, pointing to its first page, as Google asks for long threads.
    if solution is not None and solution.is_visible and page.number == 1:
        return [question_page(thread, opening, solution, replies, urls), trail]
    return [discussion(thread, opening, replies, urls), trail]


def question_page(thread: Thread, question: Post, solution: Post, replies: Iterable[Post], urls: PageUrls) -> dict:
    return {
        "@context": CONTEXT,
        "@type": "QAPage",
        "mainEntity": {
            "@type": "Question",
            "name": thread.title,
            "text": plain_text(question.body_html),
            "answerCount": thread.reply_count,
            "dateCreated": w3c_datetime(question.created_at),
            "author": person(question.author),
            "url": thread_url(thread),
            "acceptedAnswer": answer(solution, urls),
            **_listed("suggestedAnswer", [answer(post, urls) for post in replies if post.id != solution.id]),
        },
    }


def answer(post: Post, urls: PageUrls) -> dict:
    return {
        "@type": "Answer",
        "text": plain_text(post.body_html),
        "dateCreated": w3c_datetime(post.created_at),
        "upvoteCount": post.helpful_count,
        "url": urls.post_url(post, _external=True),
        "author": person(post.author),
    }


def discussion(thread: Thread, opening: Post, replies: Iterable[Post], urls: PageUrls) -> dict:
    return {
        "@context": CONTEXT,
        "@type": "DiscussionForumPosting",
        "headline": thread.title,
        "text": plain_text(opening.body_html),
        "url": thread_url(thread),
        "datePublished": w3c_datetime(opening.created_at),
        **({"dateModified": w3c_datetime(opening.edited_at)} if opening.edited_at else {}),
        "author": person(opening.author),
        "interactionStatistic": counter("CommentAction", thread.reply_count),
        **_listed("comment", [comment(post, urls) for post in replies]),
    }


def comment(post: Post, urls: PageUrls) -> dict:
    return {
        "@type": "Comment",
        "text": plain_text(post.body_html),
        "datePublished": w3c_datetime(post.created_at),
        "url": urls.post_url(post, _external=True),
        "author": person(post.author),
        "interactionStatistic": counter("LikeAction", post.helpful_count),
    }


def _listed(name: str, items: list[dict]) -> dict:
    """The property only when it lists something: an empty list says nothing to a search engine."""
    return {name: items} if items else {}


def counter(action: str, count: int) -> dict:
    return {"@type": "InteractionCounter", "interactionType": f"{CONTEXT}/{action}", "userInteractionCount": count}


def category_page(category, site_name: str) -> list[dict]:
    return [breadcrumbs(site_crumb(site_name), category_crumb(category))]


def profile_page(user: User) -> dict:
    """A member's profile: the Person, with how many messages they wrote (WriteAction)."""
    return {
        "@context": CONTEXT,
        "@type": "ProfilePage",
        "dateCreated": w3c_datetime(user.created_at),
        "mainEntity": {
            **person(user),
            "identifier": str(user.id),
            "agentInteractionStatistic": counter("WriteAction", user.post_count),
        },
    }


def website(site_name: str) -> dict:
    """Names the site for search results (Google's "site name")."""
    return {"@context": CONTEXT, "@type": "WebSite", "name": site_name, "url": url_for("forum.index", _external=True)}
