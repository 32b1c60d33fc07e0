"""Ranks earned by reputation, shown beside every member's name."""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l


class Rank(NamedTuple):
    key: str
    threshold: int
    label: str


RANKS = (
    Rank("super-contributor", 5000, _l("Super contributor")),
    Rank("expert", 1000, _l("Expert")),
    Rank("helper", 200, _l("Helper")),
    Rank("contributor", 50, _l("Contributor")),
    Rank("newcomer", 0, _l("Newcomer")),
)


def rank_for(reputation: int) -> Rank:
    return next(rank for rank in RANKS if reputation >= rank.threshold)
