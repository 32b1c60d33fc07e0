"""One analysis chain for French and English: words, lower case, no accents, both stemmers."""

from functools import lru_cache

from whoosh.analysis import CharsetFilter, Filter, LowercaseFilter, RegexTokenizer
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

_french = stemmer_for_language("fr")
_english = stemmer_for_language("en")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """French then English: "réparation", "réparer" and "repairing" meet their own kin."""
    return _english(_french(word))


class BilingualStemFilter(Filter):
    def __call__(self, tokens):
        for token in tokens:
            token.text = stem(token.text)
            yield token


def analyzer():
    # Apostrophes split (l'électricité is two words); dots inside numbers do not (firmware 3.0.2).
    return RegexTokenizer(r"\w+(?:\.\w+)*") | LowercaseFilter() | CharsetFilter(accent_map) | BilingualStemFilter()


def terms(text: str) -> list[str]:
    """The index terms of a piece of text, as a query word is matched against them."""
    return [token.text for token in ANALYZER(text)]


ANALYZER = analyzer()
