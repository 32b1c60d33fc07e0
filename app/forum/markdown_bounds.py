"""Bounds on the work of rendering a post, so that no input, however odd, holds a worker.

Python-Markdown parses each level of a quote or a list by recursion, does some of its work again
and again on what follows (a block of thousands of headings, a paragraph of thousands of "["), and
bleach's HTML parser takes the square of the depth of nested emphasis. Here: a cap on nesting and
on depth that keeps every word, a budget of work per character of the post past which the rest is
read as plain text, and a tree walker for the sanitiser that does not search an element's siblings
each time it climbs back to it."""

import re
import xml.etree.ElementTree as etree

from bleach import html5lib_shim
from markdown import Markdown
from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor, BlockQuoteProcessor
from markdown.extensions.sane_lists import SaneOListProcessor, SaneUListProcessor
from markdown.inlinepatterns import DelimiterProcessor, InlineProcessor, LinkInlineProcessor
from markdown.util import ETX, STX

# Quotes and lists deeper than this are flattened into the deepest one allowed, their text kept:
# Python-Markdown parses each level by recursion, and "- - - - …" overflowed the stack.
NESTING_MAX_DEPTH = 8
_CONTAINER_STATES = frozenset({"blockquote", "list", "looselist"})
_QUOTE_MARKERS = re.compile(r"^(?:[ ]{0,3}>[ ]?)+", re.MULTILINE)
# Deeper than this, an element holds its text alone: the sanitiser's HTML parser takes the square of
# the depth of nested emphasis, thousands deep in "*a *a *a … b* b* b*". Quotes and lists take two
# levels each at most, so only emphasis, links and code this deep are flattened.
ELEMENTS_MAX_DEPTH = 32
# Python-Markdown does some of its work again and again on what follows: a block of thousands of
# headings, or a paragraph of thousands of "[", held a worker for seconds to minutes. The work of
# parsing a post is bounded, in characters parsed or scanned per character of the post; real posts
# use a small part of it, and past it the rest is read as plain text.
WORK_PER_CHARACTER = 20
MIN_WORK = 100_000
# Emphasis nested deeper than this, or past this many in a post, keeps its "*" and "_" as written:
# a post of "*_*_*_ …" made 17,000 elements, for each of which every later step did its work again.
EMPHASIS_MAX_DEPTH = 8
EMPHASIS_MAX_COUNT = 2_000
# A delimiter as Python-Markdown writes an escaped one ("\\*"), restored as written after the inline passes.
_ESCAPED_DELIMITERS = {ord(character): f"{STX}{ord(character)}{ETX}" for character in "*_"}
# Past this many links in a post (Markdown links and images, autolinks, mentions), the rest stay as
# written: a post of "[a][b]" again and again made 8,000 links, half a second of work.
LINKS_MAX_COUNT = 1_000
# The inline patterns that look for the closing "]" of a link or an image from each "[".
_BRACKET_PATTERNS = ("reference", "link", "image_link", "image_reference", "short_reference", "short_image_ref")
_LINK_PATTERNS = (*_BRACKET_PATTERNS, "autolink", "automail")
_BACKTICKS = re.compile(r"`+")


class Allowance:
    """How much more of something (characters parsed or scanned, links) a post may take."""

    def __init__(self, left: int) -> None:
        self.left = left


def work_for(source: str) -> int:
    """The characters parsing `source` may parse or scan."""
    return max(MIN_WORK, WORK_PER_CHARACTER * len(source))


def bound_parsing(md: Markdown, work: int) -> Allowance:
    """Put the caps and the budget of `work` characters into `md`'s parser. Returns the count of
    links the post may still make, for the mentions linked after parsing."""
    # The priorities are Python-Markdown's own: each replaces the processor of the same name.
    md.parser.blockprocessors.register(QuoteProcessor(md.parser), "quote", 20)
    md.parser.blockprocessors.register(OListProcessor(md.parser), "olist", 40)
    md.parser.blockprocessors.register(UListProcessor(md.parser), "ulist", 30)
    # Before every other processor, so that it sees every block tried.
    md.parser.blockprocessors.register(BlockBudgetProcessor(md.parser, Allowance(work)), "budget", 200)
    scans = Allowance(work)
    for name in _BRACKET_PATTERNS:
        _bound_bracket_scans(md.inlinePatterns[name], scans)
    _bound_code_span_scans(md.inlinePatterns["backtick"], scans)
    _bound_emphasis(md.inlinePatterns["em_strong"])
    links = Allowance(LINKS_MAX_COUNT)
    for name in _LINK_PATTERNS:
        _bound_links(md.inlinePatterns[name], links)
    return links


def flatten_deeper_than(root: etree.Element, depth: int) -> None:
    """Replace what each element `depth` levels below `root` holds by its text."""
    level = [root]
    for _ in range(depth):
        level = [child for element in level for child in element]
    for element in level:
        if len(element):
            text = "".join(element.itertext())
            del element[:]
            element.text = text


def _nesting_depth(parser: BlockParser) -> int:
    return sum(state in _CONTAINER_STATES for state in parser.state)


class QuoteProcessor(BlockQuoteProcessor):
    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        if _nesting_depth(self.parser) < NESTING_MAX_DEPTH:
            super().run(parent, blocks)
        else:
            # All the deeper levels at once, so that their lines join this quote without more recursion.
            self.parser.parseChunk(parent, _QUOTE_MARKERS.sub("", blocks.pop(0)))


class OListProcessor(SaneOListProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        # Deeper, the item's marker stays in the text of the deepest item allowed.
        return _nesting_depth(self.parser) < NESTING_MAX_DEPTH and super().test(parent, block)


class UListProcessor(SaneUListProcessor):
    def test(self, parent: etree.Element, block: str) -> bool:
        return _nesting_depth(self.parser) < NESTING_MAX_DEPTH and super().test(parent, block)


class BlockBudgetProcessor(BlockProcessor):
    """Counts the characters of each block the parser is about to try: when a processor takes only the
    first lines of a block (a heading, a rule), the rest is tried again by every processor, so a block of
    thousands of headings costs the square of its length. Past the budget, each block left is a paragraph."""

    def __init__(self, parser: BlockParser, budget: Allowance) -> None:
        super().__init__(parser)
        self.budget = budget

    def test(self, parent: etree.Element, block: str) -> bool:
        self.budget.left -= len(block)
        return self.budget.left < 0

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        self.parser.blockprocessors["paragraph"].run(parent, blocks)


def _bound_bracket_scans(pattern: LinkInlineProcessor, budget: Allowance) -> None:
    """Count the characters `pattern` scans for the end of a link's text and destination: it scans from
    each "[" to the end of the paragraph if need be. Past the budget, brackets are left as written."""
    get_text, get_link = pattern.getText, pattern.getLink

    def bounded_get_text(data: str, index: int) -> tuple[str, int, bool]:
        if budget.left < 0:
            return "", index, False
        text, end, handled = get_text(data, index)
        budget.left -= end - index
        return text, end, handled

    def bounded_get_link(data: str, index: int) -> tuple[str, str | None, int, bool]:
        if budget.left < 0:
            return "", None, index, False
        href, title, end, handled = get_link(data, index)
        budget.left -= end - index
        return href, title, end, handled

    pattern.getText, pattern.getLink = bounded_get_text, bounded_get_link


def _bound_code_span_scans(pattern: InlineProcessor, budget: Allowance) -> None:
    """Count the characters `pattern` scans for the backticks that close a code span: to the end of the
    paragraph when none does. Past the budget, backticks are left as written."""
    handle_match = pattern.handleMatch

    def bounded_handle_match(match: re.Match[str], data: str) -> tuple[etree.Element | str | None, int, int]:
        if match.group(1):  # backslashes before a backtick: nothing to scan
            return handle_match(match, data)
        if budget.left < 0:
            return None, match.start(), _BACKTICKS.match(data, match.start()).end()
        node, start, end = handle_match(match, data)
        budget.left -= (len(data) if node is None else end) - match.start()
        return node, start, end

    pattern.handleMatch = bounded_handle_match


def _bound_links(pattern: InlineProcessor, count: Allowance) -> None:
    """Count the links (and images, which become links) `pattern` makes; past the count, it makes none."""
    handle_match = pattern.handleMatch

    def bounded_handle_match(match: re.Match[str], data: str):
        if count.left <= 0:
            return None, None, None
        node, start, end = handle_match(match, data)
        if isinstance(node, etree.Element):
            count.left -= 1
        return node, start, end

    pattern.handleMatch = bounded_handle_match


def _bound_emphasis(pattern: DelimiterProcessor) -> None:
    """Keep at most EMPHASIS_MAX_COUNT pairs of "*" and "_" in a post, none deeper than
    EMPHASIS_MAX_DEPTH, choosing them before their elements are made: Python-Markdown pairs a
    paragraph's delimiters at once, then makes each outermost element with all it holds. The others
    stay as written: those too deep are escaped in the text of the deepest element kept, so that
    no later pass pairs them again; past the count, no pass pairs any."""
    handle_match, build_element = pattern.handleMatch, pattern._build_element
    left = EMPHASIS_MAX_COUNT
    too_deep = False

    def bounded_handle_match(match: re.Match[str], data: str):
        if left <= 0 and not pattern.regions:
            return None, None, None
        return handle_match(match, data)

    def bounded_build_element(data: str, start: int = 0, offset: int = 0) -> tuple[etree.Element, int]:
        nonlocal left, too_deep
        if start == 0:  # a new pairing, whose regions are all there in order
            kept, too_deep = _regions_kept(pattern.regions, EMPHASIS_MAX_DEPTH, left)
            pattern.regions[:] = kept
            left -= len(kept)
        element, count = build_element(data, start, offset)
        if too_deep:
            for deepest in _elements_at_depth(element, EMPHASIS_MAX_DEPTH):
                deepest.text = (deepest.text or "").translate(_ESCAPED_DELIMITERS)
        return element, count

    pattern.handleMatch, pattern._build_element = bounded_handle_match, bounded_build_element


def _elements_at_depth(root: etree.Element, depth: int) -> list[etree.Element]:
    """The elements `depth` levels down from `root`, which is at depth 1."""
    level = [root]
    for _ in range(depth - 1):
        level = [child for element in level for child in element]
    return level


def _regions_kept(regions: list[tuple], depth: int, count: int) -> tuple[list[tuple], bool]:
    """The first `count` regions (opening start, opening end, closing start, closing end, …), in
    order of their start, that lie inside fewer than `depth` others; and whether any was deeper."""
    kept, ends = [], []  # the kept regions, and the closing ends of those that hold the next one
    too_deep = False
    for region in regions:
        if len(kept) == count:
            break
        while ends and ends[-1] <= region[0]:
            ends.pop()
        if len(ends) < depth:
            kept.append(region)
            ends.append(region[3])
        else:
            too_deep = True
    return kept, too_deep


class LinearTreeWalker(html5lib_shim.getTreeWalker("etree")):
    """html5lib's walker, which finds an element's place among its siblings by searching them all each
    time it climbs back to it: cleaning a post of thousands of table rows or code blocks took seconds.
    This one keeps the place of each element it went down through, beside the element."""

    def getFirstChild(self, node):
        element, key, parents, flag = node if isinstance(node, tuple) else (node, None, [], None)
        if flag in ("text", "tail"):
            return None
        if element.text:
            return element, key, parents, "text"
        if len(element):
            parents.append((element, key))
            return element[0], 0, parents, None
        return None

    def getNextSibling(self, node):
        if not isinstance(node, tuple):
            return None
        element, key, parents, flag = node
        if flag == "text":
            if len(element):
                parents.append((element, key))
                return element[0], 0, parents, None
            return None
        if element.tail and flag != "tail":
            return element, key, parents, "tail"
        siblings = parents[-1][0]
        if key < len(siblings) - 1:
            return siblings[key + 1], key + 1, parents, None
        return None

    def getParentNode(self, node):
        if not isinstance(node, tuple):
            return None
        element, key, parents, flag = node
        if flag == "text":
            return (element, key, parents, None) if parents else element
        parent, parent_key = parents.pop()
        return (parent, parent_key, parents, None) if parents else parent
