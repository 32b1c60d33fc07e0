"""Trust: what members with little reputation may not do yet, to keep spam and floods out."""

from flask import current_app
from flask_babel import ngettext

from app.accounts.models import User
from app.errors import InvalidInput
from app.forum.rendering import count_links


def is_trusted(user: User) -> bool:
    return user.reputation >= current_app.config["TRUST_MIN_REPUTATION"]


def check_links(author: User, html: str) -> None:
    """Refuse a post from a member not trusted yet that holds more links than they may post."""
    limit = current_app.config["NEW_MEMBER_MAX_LINKS"]
    if not is_trusted(author) and count_links(html) > limit:
        raise InvalidInput(
            ngettext(
                "Members with less than %(reputation)d reputation may put at most %(num)d link in a message.",
                "Members with less than %(reputation)d reputation may put at most %(num)d links in a message.",
                limit,
                reputation=current_app.config["TRUST_MIN_REPUTATION"],
            ),
            "body",
        )


def posting_limit(user: User) -> str:
    """The posting rate limit that applies to `user`: slower until they are trusted and have confirmed
    their address."""
    if user.is_authenticated and not (is_trusted(user) and user.is_confirmed):
        return current_app.config["RATELIMIT_POSTING_NEW_MEMBER"]
    return current_app.config["RATELIMIT_POSTING"]
