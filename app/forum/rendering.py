"""Render a post's Markdown source to sanitised HTML, once, when the post is written."""

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache, partial
from html import unescape
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urlsplit

from bleach.linkifier import LinkifyFilter, build_url_re
from bleach.sanitizer import Cleaner
from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from app.forum import markdown_bounds as bounds
from app.limits import USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH

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
MENTION_CLASS = "mention"
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
# "@name" where a word may start (not inside an address such as camille@example.org or
# https://host/@camille), with a name shaped as usernames are, not followed by more of a name or
# by another @ (a handle on another server).
MENTION = re.compile(r"(?<![^\s(\[{\"'«“‘])@([^\W_](?:[\w.-]*[^\W_])?)(?![\w@])")
# Words there are not the author's calling someone: a link's text, code, and quoted words.
_NOT_MENTIONING = frozenset({"a", "code", "pre", "blockquote"})
# Where /u/<username> answers: mention links are stored with the post's HTML.
PROFILE_PATH = "/u/"

# Given the names written after "@", the usernames of the members they designate (names of nobody left out).
FindMembers = Callable[[set[str]], Mapping[str, str]]


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in ("href", "title", "rel") or (name == "class" and value == MENTION_CLASS)
    return tag in ("th", "td") and name == "align"


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
    """Demote headings, unlink forbidden URLs, turn images into links, never loaded, and flatten what
    nests too deep."""

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
        # Once images are links, so that their words are kept.
        bounds.flatten_deeper_than(root, bounds.ELEMENTS_MAX_DEPTH)

    @staticmethod
    def _inside_link(element: etree.Element, parents: dict[etree.Element, etree.Element]) -> bool:
        while (element := parents.get(element)) is not None:
            if element.tag == "a":
                return True
        return False


def _mention_slots(root: etree.Element) -> Iterator[tuple[etree.Element, int]]:
    """Where a mention may stand, in reading order: (element, 0) is its text, (element, n) the tail of
    its n-th child. Without recursion: a post may nest emphasis thousands deep."""
    yield root, 0
    # Each element being read, what is left of its children, and the slot that follows it.
    stack = [(root, enumerate(root, start=1), None)]
    while stack:
        element, children, tail = stack[-1]
        for position, child in children:
            if child.tag in _NOT_MENTIONING:
                yield element, position
            else:
                yield child, 0
                stack.append((child, enumerate(child, start=1), (element, position)))
                break
        else:
            stack.pop()
            if tail is not None:
                yield tail


class _MentionTreeprocessor(Treeprocessor):
    """Link every "@name" of a member to their profile; names of nobody stay as they were written."""

    def __init__(self, md: Markdown, find_members: FindMembers, links: bounds.Allowance) -> None:
        super().__init__(md)
        self.find_members = find_members
        self.links = links

    def run(self, root: etree.Element) -> None:
        slots = [(parent, position, _slot_text(parent, position)) for parent, position in _mention_slots(root)]
        names = {
            match.group(1)
            for _, _, text in slots
            for match in MENTION.finditer(text)
            if USERNAME_MIN_LENGTH <= len(match.group(1)) <= USERNAME_MAX_LENGTH
        }
        # One look-up for the whole post, and none for a post that names nobody.
        usernames = self.find_members(names) if names else {}
        if not usernames:
            return
        # The first mentions while the post may still link, each slot with how many of its own.
        linked = []
        for parent, position, text in slots:
            mentions = sum(match.group(1) in usernames for match in MENTION.finditer(text))
            allowed = max(min(mentions, self.links.left), 0)
            self.links.left -= allowed
            linked.append((parent, position, text, allowed))
        # The last first: links inserted in an element leave the places of its slots before them as they were.
        for parent, position, text, allowed in reversed(linked):
            if allowed:
                _link_mentions(parent, position, text, usernames, allowed)


def _slot_text(parent: etree.Element, position: int) -> str:
    return (parent[position - 1].tail if position else parent.text) or ""


def _link_mentions(parent: etree.Element, position: int, text: str, usernames: Mapping[str, str], allowed: int) -> None:
    """Link the first `allowed` mentions of members in the slot's `text`."""
    before, links, start = "", [], 0
    for match in MENTION.finditer(text):
        username = usernames.get(match.group(1))
        if username is None:
            continue
        if len(links) == allowed:
            break
        if links:
            links[-1].tail = text[start : match.start()]
        else:
            before = text[: match.start()]
        link = etree.Element("a", {"href": PROFILE_PATH + quote(username), "class": MENTION_CLASS})
        link.text = match.group(0)
        links.append(link)
        start = match.end()
    if not links:
        return
    links[-1].tail = text[start:]
    if position:
        parent[position - 1].tail = before
    else:
        parent.text = before
    parent[position:position] = links


class _PostExtension(Extension):
    def __init__(self, find_members: FindMembers | None, work: int) -> None:
        super().__init__()
        self.find_members = find_members
        self.work = work

    def extendMarkdown(self, md: Markdown) -> None:
        # Raw HTML is never emitted: it comes out escaped, as the text the author typed.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        links = bounds.bound_parsing(md, self.work)
        # After 'unescape' (priority 0), so that URLs are checked in their final form.
        md.treeprocessors.register(_PostTreeprocessor(md), "entraide_post", -1)
        if self.find_members is not None:
            # After links and images have their final form, so that their words are left alone.
            md.treeprocessors.register(_MentionTreeprocessor(md, self.find_members, links), "entraide_mentions", -2)


def _set_rel(attrs: dict[tuple[str | None, str], str], new: bool = False) -> dict | None:
    href = attrs.get((None, "href"))
    if href is None or not _is_allowed_url(href):
        return None  # not a link we allow: keep its words only
    attrs[(None, "rel")] = LINK_REL
    return attrs


def render_markdown(source: str, find_members: FindMembers | None = None) -> str:
    """Return the safe HTML of a post written in Markdown; with `find_members`, mentions of
    members ("@name") link to their profiles."""
    md = Markdown(
        extensions=[
            "fenced_code",
            "tables",
            "sane_lists",
            _PostExtension(find_members, bounds.work_for(source)),
        ],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    # Both objects keep state between calls and cost well under a millisecond to build.
    cleaner = Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
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
    cleaner.walker = bounds.LinearTreeWalker  # the Cleaner takes no argument for it
    return cleaner.clean(md.convert(source))


class _TextAndLinks(HTMLParser):
    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links = 0
        self.mentioned: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")
        if tag != "a":
            return
        href = dict(attrs).get("href")
        if ("class", MENTION_CLASS) in attrs and href and href.startswith(PROFILE_PATH):
            self.mentioned.append(unquote(href.removeprefix(PROFILE_PATH)))
        elif href is not None:
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
    """Return how many links (`<a href>`) the rendered HTML holds, mentions of members aside."""
    return _TextAndLinks(html).links


def mentioned_usernames(html: str) -> list[str]:
    """The usernames the rendered HTML mentions, each once, in the order they first appear."""
    return list(dict.fromkeys(_TextAndLinks(html).mentioned))
