"""The search box's language, turned into a Whoosh query without ever failing.

Words (all required), "exact phrases", -excluded, OR between two terms, and the filters
category:slug, author:name, solved:yes|no, is:solution, before:YYYY-MM-DD, after:YYYY-MM-DD.
Whatever cannot be understood is searched as words or left out with a note, never an error."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from whoosh import query as q

from app.accounts.usernames import lookalike_key, normalise
from app.limits import SEARCH_QUERY_MAX_LENGTH
from app.search.analysis import terms

MAX_CLAUSES = 30
TOKEN = re.compile(r'(?P<minus>-)?(?:(?P<key>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
TEXT_FIELDS = ("title", "body")


@dataclass
class ParsedQuery:
    query: q.Query | None = None
    notes: list[str] = field(default_factory=list)
    category: str | None = None


def _text(words: list[str]) -> q.Query | None:
    """A word or a phrase, searched in titles and bodies."""
    if not words:
        return None
    if len(words) == 1:
        return q.Or([q.Term(name, words[0]) for name in TEXT_FIELDS])
    return q.Or([q.Phrase(name, words) for name in TEXT_FIELDS])


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _filter(key: str, value: str, parsed: ParsedQuery) -> q.Query | None:
    """A filter's query, or None with a note when its value makes no sense."""
    value = value.strip()
    if key == "category" and value:
        parsed.category = value.lower()
        return q.Term("category", value.lower())
    if key == "author" and value:
        return q.Term("author", lookalike_key(normalise(value)))
    if key == "solved" and value.lower() in ("yes", "no", "oui", "non"):
        return q.Term("solved", value.lower() in ("yes", "oui"))
    if key == "is" and value.lower() in ("solution", "answer"):
        return q.Term("is_solution", True)
    if key in ("before", "after") and (day := _date(value)):
        moment = datetime.combine(day, datetime.min.time())
        if key == "before":
            return q.DateRange("created", None, moment - timedelta(microseconds=1))
        return q.DateRange("created", moment + timedelta(days=1), None)
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
    if len(raw) > SEARCH_QUERY_MAX_LENGTH:
        raw = raw[:SEARCH_QUERY_MAX_LENGTH]
        parsed.notes.append(_("The search was cut to its first %(max)d characters.", max=SEARCH_QUERY_MAX_LENGTH))
    required: list[q.Query] = []
    excluded: list[q.Query] = []
    filters: list[q.Query] = []
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
        clause = _text(terms(text.replace('"', " ")))
        if clause is None:
            continue
        if minus:
            excluded.append(clause)
        elif join_next:
            required[-1] = q.Or([required[-1], clause])
        else:
            required.append(clause)
        join_next = False
    if len(required) + len(excluded) + len(filters) > MAX_CLAUSES:
        parsed.notes.append(_("Only the first %(max)d words and filters were used.", max=MAX_CLAUSES))
        required, excluded, filters = required[:MAX_CLAUSES], excluded[:5], filters[:10]
    if not required and not filters:
        return parsed
    positive = q.And(required + filters) if required else q.And(filters + [q.Every()])
    parsed.query = q.AndNot(positive, q.Or(excluded)) if excluded else positive
    return parsed
