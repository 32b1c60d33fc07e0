"""One analysis chain for French and English: words, lower case, no accents, both stemmers."""

import re
from functools import lru_cache

from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

_french = stemmer_for_language("fr")
_english = stemmer_for_language("en")

# Apostrophes split (l'électricité is two words); dots inside numbers do not (firmware 3.0.2).
WORD = re.compile(r"\w+(?:\.\w+)*")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """French then English: "réparation", "réparer" and "repairing" meet their own kin."""
    return _english(_french(word))


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """A word as the index holds it: lower case, accents folded, stemmed."""
    return stem(word.lower().translate(accent_map))


class BilingualTokenizer(Tokenizer):
    """The whole chain in one pass, a word's term read from a cache.

    The same as `RegexTokenizer | LowercaseFilter | CharsetFilter | BilingualStemFilter`, which
    spent a quarter of a rebuild passing each word through its four generators."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, start_pos=0, start_char=0, **kwargs):
        token = Token(positions, chars, **kwargs)
        token.boost = 1.0
        token.stopped = False
        for pos, match in enumerate(WORD.finditer(value), start_pos):
            word = match.group()
            token.text = term(word)
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class BilingualStemFilter(Filter):
    """The last step of the chain before `BilingualTokenizer`: indexes built before it name this
    filter in their stored schema, and cannot be opened without it until they are rebuilt."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = stem(token.text)
            yield token


def terms(text: str) -> list[str]:
    """The index terms of a piece of text, as a query word is matched against them."""
    return [token.text for token in ANALYZER(text)]


ANALYZER = BilingualTokenizer()
