"""Render a post's Markdown source to sanitised HTML, once, when the post is written."""

import re
import xml.etree.ElementTree as etree
from functools import lru_cache, partial
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

from bleach.linkifier import LinkifyFilter, build_url_re
from bleach.sanitizer import Cleaner
from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
HEADING_SHIFT = 2  # h1 and h2 belong to the page (site name, thread title)
_BLOCK_TAGS = ALLOWED_TAGS - {"a", "em", "strong", "del", "code"}
# Linkify runs after the sanitiser: left to its defaults it would turn "data:host.tld" into a link.
_BARE_URL = build_url_re(protocols=ALLOWED_PROTOCOLS)
# Ignored when reading a URL's scheme, as bleach does, so that both checks agree.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\xa0\s]+")
# The plain texts of posts a worker keeps, for posts whose HTML is at most this long.
KEPT_TEXTS = 2048
KEPT_HTML_MAX_LENGTH = 8192


def _is_allowed_url(url: str) -> bool:
    try:
        scheme = urlsplit(_URL_NOISE.sub("", unescape(url))).scheme.lower()
    except ValueError:
        return False
    return not scheme or scheme in ALLOWED_PROTOCOLS


def _unwrap(element: etree.Element, parent: etree.Element, text: str) -> None:
    """Replace `element` in `parent` with `text` followed by the element's children and tail."""

    def append(index: int, more: str) -> None:
        if index:
            parent[index - 1].tail = (parent[index - 1].tail or "") + more
        else:
            parent.text = (parent.text or "") + more

    index = list(parent).index(element)
    parent.remove(element)
    append(index, text)
    parent[index:index] = list(element)
    append(index + len(element), element.tail or "")


class _PostTreeprocessor(Treeprocessor):
    """Demote headings, unlink forbidden URLs and turn images into links, never loaded."""

    def run(self, root: etree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        # Innermost first, so that unwrapping an element never moves one still to visit.
        for element in reversed(list(root.iter())):
            if element.tag in HEADINGS:
                element.tag = HEADINGS[min(HEADINGS.index(element.tag) + HEADING_SHIFT, 5)]
            elif element.tag == "a" and not _is_allowed_url(element.get("href", "")):
                _unwrap(element, parents[element], element.text or "")
            elif element.tag == "img":
                src, alt = element.attrib.pop("src", ""), element.attrib.pop("alt", "")
                if not _is_allowed_url(src):
                    _unwrap(element, parents[element], alt)
                elif self._inside_link(element, parents):
                    # A link inside a link is invalid HTML: the outer one would lose its text.
                    _unwrap(element, parents[element], alt or src)
                else:
                    element.tag, element.text = "a", alt or src
                    element.set("href", src)

    @staticmethod
    def _inside_link(element: etree.Element, parents: dict[etree.Element, etree.Element]) -> bool:
        while (element := parents.get(element)) is not None:
            if element.tag == "a":
                return True
        return False


class _PostExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Raw HTML is never emitted: it comes out escaped, as the text the author typed.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # After 'unescape' (priority 0), so that URLs are checked in their final form.
        md.treeprocessors.register(_PostTreeprocessor(md), "entraide_post", -1)


def _set_rel(attrs: dict[tuple[str | None, str], str], new: bool = False) -> dict | None:
    href = attrs.get((None, "href"))
    if href is None or not _is_allowed_url(href):
        return None  # not a link we allow: keep its words only
    attrs[(None, "rel")] = LINK_REL
    return attrs


def render_markdown(source: str) -> str:
    """Return the safe HTML of a post written in Markdown."""
    md = Markdown(
        extensions=["fenced_code", "tables", "sane_lists", _PostExtension()],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    # Both objects keep state between calls and cost well under a millisecond to build.
    cleaner = Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,
        filters=[
            partial(
                LinkifyFilter,
                callbacks=[_set_rel],
                skip_tags={"pre", "code"},
                url_re=_BARE_URL,
            )
        ],
    )
    return cleaner.clean(md.convert(source))


class _TextAndLinks(HTMLParser):
    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links = 0
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")
        if tag == "a" and any(name == "href" for name, _ in attrs):
            self.links += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str, limit: int | None = None) -> str:
    """Return the visible text of rendered HTML, whitespace collapsed, cut to `limit` characters."""
    text = _kept_text(html) if len(html) <= KEPT_HTML_MAX_LENGTH else _text(html)
    if limit is None or len(text) <= limit:
        return text
    head = text[: max(limit - 1, 0)]  # one character is kept for the ellipsis
    if not text[len(head)].isspace():
        head = head.rpartition(" ")[0] or head
    return head.rstrip(" ,;:") + "…"


def _text(html: str) -> str:
    return " ".join("".join(_TextAndLinks(html).parts).split())


# A thread page gives search engines the text of each of its posts, the same for every reader:
# parsing it again at each view was a twentieth of the page's time. Very long posts are rare, and
# are parsed each time rather than kept.
_kept_text = lru_cache(maxsize=KEPT_TEXTS)(_text)


def count_links(html: str) -> int:
    """Return how many links (`<a href>`) the rendered HTML holds."""
    return _TextAndLinks(html).links
