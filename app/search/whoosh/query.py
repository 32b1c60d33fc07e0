"""A parsed search as a Whoosh query: words and phrases in titles and bodies, filters on fields."""

from whoosh import query as q

from app.search.query import Filter, ParsedQuery, Words
from app.search.whoosh.analysis import terms
from app.search.whoosh.filters import Filtered
from app.search.whoosh.phrases import Phrase

TEXT_FIELDS = ("title", "body")


def _text(words: Words) -> q.Query:
    """A word or a phrase, searched in titles and bodies."""
    found = terms(" ".join(words))
    if len(found) == 1:
        return q.Or([q.Term(name, found[0]) for name in TEXT_FIELDS])
    return q.Or([Phrase(name, found) for name in TEXT_FIELDS])


def _clause(alternatives: list[Words]) -> q.Query:
    if len(alternatives) == 1:
        return _text(alternatives[0])
    return q.Or([_text(words) for words in alternatives])


def _filter(condition: Filter) -> q.Query:
    if condition.field == "created_until":
        return q.DateRange("created", None, condition.value)
    if condition.field == "created_from":
        return q.DateRange("created", condition.value, None)
    return q.Term(condition.field, condition.value)


def whoosh_query(parsed: ParsedQuery) -> q.Query:
    required = [_clause(alternatives) for alternatives in parsed.required]
    filters = [_filter(condition) for condition in parsed.filters]
    # Without words, the filters select the posts; with words, they only keep some of those found.
    query = q.And(required) if required else q.And(filters + [q.Every()])
    if parsed.excluded:
        query = q.AndNot(query, q.Or([_text(words) for words in parsed.excluded]))
    return Filtered(query, q.And(filters)) if required and filters else query
