"""Mentions: whom an "@name" in a post designates, and which members a post newly mentions."""

import sqlalchemy as sa

from app.accounts import usernames
from app.accounts.models import User
from app.extensions import db
from app.forum.rendering import mentioned_usernames

# A post notifies at most this many of the members it mentions, over all its versions: more would
# turn mentions into a way of calling a crowd.
MENTIONS_NOTIFIED_PER_POST = 10


def _key(name: str) -> str:
    return usernames.lookalike_key(usernames.normalise(name))


def find_members(names: set[str]) -> dict[str, str]:
    """The usernames of the members designated by names written after "@", matched as a login is:
    NFKC-normalised, regardless of case and of look-alike characters. Names of nobody are left out."""
    keys = {name: _key(name) for name in names}
    found = dict(
        db.session.execute(
            sa.select(User.username_key, User.username).where(User.username_key.in_(set(keys.values())))
        ).all()
    )
    return {name: found[key] for name, key in keys.items() if key in found}


def newly_mentioned_ids(html: str, previous_html: str = "") -> list[int]:
    """The ids of the members a post's rendered `html` mentions and its `previous_html` did not,
    in the order they are first mentioned: one query, none when there is no new mention."""
    before = {_key(name) for name in mentioned_usernames(previous_html)}
    keys = [key for key in dict.fromkeys(map(_key, mentioned_usernames(html))) if key not in before]
    if not keys:
        return []
    ids = dict(db.session.execute(sa.select(User.username_key, User.id).where(User.username_key.in_(keys))).all())
    return [ids[key] for key in keys if key in ids]
