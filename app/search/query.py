"""The search box's language, parsed without ever failing into what every backend searches.

Words (all required), "exact phrases", -excluded, OR between two terms, and the filters
category:slug, author:name, solved:yes|no, is:solution, before:YYYY-MM-DD, after:YYYY-MM-DD.
Whatever cannot be understood is searched as words or left out with a note, never an error."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from app.accounts.usernames import lookalike_key, normalise
from app.limits import SEARCH_QUERY_MAX_LENGTH

MAX_CLAUSES = 30
TOKEN = re.compile(r'(?P<minus>-)?(?:(?P<key>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
# Apostrophes split (l'électricité is two words); dots inside numbers do not (firmware 3.0.2).
WORD = re.compile(r"\w+(?:\.\w+)*")

# The words of one term: a single word, or the words of a phrase, which must follow each other.
Words = tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    """A condition on a post's metadata rather than its words."""

    field: str  # one of FIELDS
    value: str | bool | datetime


# What filters compare: the category's slug, the author's lookalike key, whether the thread is
# solved, whether the post is its solution, and bounds on the post's creation time (inclusive).
FIELDS = ("category", "author", "solved", "is_solution", "created_until", "created_from")


@dataclass
class ParsedQuery:
    # Every clause is required; a clause matches when any of its terms does (OR).
    required: list[list[Words]] = field(default_factory=list)
    excluded: list[Words] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def searchable(self) -> bool:
        """Whether there is anything to search: words or filters (exclusions alone select nothing)."""
        return bool(self.required or self.filters)


def words(text: str) -> Words:
    return tuple(WORD.findall(text))


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _filter(key: str, value: str, parsed: ParsedQuery) -> Filter | None:
    """A filter, or None with a note when its value makes no sense."""
    value = value.strip()
    if key == "category" and value:
        return Filter("category", value.lower())
    if key == "author" and value:
        return Filter("author", lookalike_key(normalise(value)))
    if key == "solved" and value.lower() in ("yes", "no", "oui", "non"):
        return Filter("solved", value.lower() in ("yes", "oui"))
    if key == "is" and value.lower() in ("solution", "answer"):
        return Filter("is_solution", True)
    if key in ("before", "after") and (day := _date(value)):
        moment = datetime.combine(day, datetime.min.time())
        if key == "before":
            return Filter("created_until", moment - timedelta(microseconds=1))
        return Filter("created_from", moment + timedelta(days=1))
    if key in ("before", "after"):
        note = _("“%(filter)s” was left out: write dates as YYYY-MM-DD.", filter=f"{key}:{value}")
    elif key == "solved":
        note = _("“%(filter)s” was left out: write solved:yes or solved:no.", filter=f"{key}:{value}")
    elif key == "is":
        note = _("“%(filter)s” was left out: only is:solution is known.", filter=f"{key}:{value}")
    else:
        note = _("“%(filter)s” was left out: it needs a value.", filter=f"{key}:")
    parsed.notes.append(note)
    return None


FILTERS = ("category", "author", "solved", "is", "before", "after")


def parse(raw: str) -> ParsedQuery:
    parsed = ParsedQuery()
    # PostgreSQL refuses a text holding NUL, even only to compare with: a filter's value must not
    # hold one. A NUL separates words as a space does.
    raw = raw.replace("\x00", " ")
    if len(raw) > SEARCH_QUERY_MAX_LENGTH:
        raw = raw[:SEARCH_QUERY_MAX_LENGTH]
        parsed.notes.append(_("The search was cut to its first %(max)d characters.", max=SEARCH_QUERY_MAX_LENGTH))
    required, excluded, filters = parsed.required, parsed.excluded, parsed.filters
    join_next = False
    for match in TOKEN.finditer(raw):
        key, word, phrase = match["key"], match["word"], match["phrase"]
        minus = bool(match["minus"])
        if key and key.lower() in FILTERS and not minus:
            if (found := _filter(key.lower(), phrase if phrase is not None else word, parsed)) is not None:
                filters.append(found)
            continue
        if word == "OR" and not key and not minus:
            join_next = bool(required)
            continue
        text = match.group(0)[1:] if minus else match.group(0)
        term = words(text.replace('"', " "))
        if not term:
            continue
        if minus:
            excluded.append(term)
        elif join_next:
            required[-1].append(term)
        else:
            required.append([term])
        join_next = False
    if len(required) + len(excluded) + len(filters) > MAX_CLAUSES:
        parsed.notes.append(_("Only the first %(max)d words and filters were used.", max=MAX_CLAUSES))
        parsed.required, parsed.excluded, parsed.filters = required[:MAX_CLAUSES], excluded[:5], filters[:10]
    return parsed
