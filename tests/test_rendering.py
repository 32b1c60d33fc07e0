"""Specification of the post renderer: Markdown in, safe HTML out, once at write time."""

import itertools
import re
import time
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.forum.markdown_bounds import EMPHASIS_MAX_COUNT, EMPHASIS_MAX_DEPTH, LINKS_MAX_COUNT, NESTING_MAX_DEPTH
from app.forum.rendering import (
    count_links,
    mentioned_usernames,
    plain_text,
    render_markdown,
)

REL = "nofollow ugc noopener"
ALLOWED_ELEMENTS = {
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
ALLOWED_ATTRIBUTES = {"href", "title", "rel", "align"}
FORBIDDEN_ELEMENTS = {
    "script",
    "iframe",
    "object",
    "embed",
    "style",
    "base",
    "meta",
    "link",
    "form",
    "img",
    "svg",
    "math",
    "input",
    "button",
    "textarea",
    "select",
    "frame",
    "frameset",
    "applet",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
XSS_DIR = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "xss"
XSS_FILES = sorted(XSS_DIR.glob("*.txt")) if XSS_DIR.is_dir() else []
NO_CORPUS = pytest.mark.skip(reason=f"no XSS corpus: no *.txt file in {XSS_DIR}")


class Parsed(HTMLParser):
    """The elements and visible text of an HTML fragment, as a browser's tokenizer sees them."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.end_tags: list[str] = []
        self.text_parts: list[str] = []
        # Comments, declarations and processing instructions: nothing a post should contain.
        self.others: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.end_tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

    def handle_comment(self, data: str) -> None:
        self.others.append(data)

    def handle_decl(self, decl: str) -> None:
        self.others.append(decl)

    def handle_pi(self, data: str) -> None:
        self.others.append(data)

    def unknown_decl(self, data: str) -> None:
        self.others.append(data)

    @property
    def tags(self) -> list[str]:
        return [tag for tag, _ in self.elements]

    @property
    def links(self) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == "a"]

    @property
    def text(self) -> str:
        return "".join(self.text_parts)


def assert_safe(html: str) -> None:
    for tag, attrs in Parsed(html).elements:
        assert tag not in FORBIDDEN_ELEMENTS, html
        assert tag in ALLOWED_ELEMENTS, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name != "style", html
            assert name in ALLOWED_ATTRIBUTES, html
            if name in URL_ATTRIBUTES:
                url = re.sub(r"[\x00-\x20\x7f-\xa0\s]+", "", unescape(value or "")).lower()
                assert not url.startswith(DANGEROUS_SCHEMES), html
        if tag == "a" and "href" in attrs:
            assert attrs.get("rel") == REL, html


def author_words(source: str) -> list[str]:
    """The words a reader must still see: not those of link destinations or fence info strings."""
    source = re.sub(r"\]\((?:[^()]|\([^()]*\))*\)", "]", source)
    source = re.sub(r"(?m)^\s*\[[^\]]+\]:.*$", "", source)
    source = re.sub(r"(?m)^(`{3,}|~{3,})\S*", "", source)
    source = re.sub(r"&#?\w+;?", " ", source)
    return re.findall(r"[^\W\d_]{3,}", source)


def test_empty_source_renders_nothing():
    assert render_markdown("") == ""
    assert plain_text("") == ""
    assert count_links("") == 0


def test_paragraphs_emphasis_and_hard_line_breaks_survive():
    html = render_markdown("Du *texte* en **gras**.\nMême paragraphe.  \nAprès un saut.\n\nDeuxième.")
    assert html.count("<p>") == 2
    assert "<em>texte</em>" in html
    assert "<strong>gras</strong>" in html
    assert Parsed(html).tags.count("br") == 1  # a single newline is not a break: no nl2br


def test_headings_are_demoted_below_the_page_headings():
    tags = Parsed(render_markdown("# Un\n\n## Deux\n\n### Trois\n\n###### Six")).tags
    assert tags == ["h3", "h4", "h5", "h6"]


def test_ordered_and_unordered_lists_stay_separate():
    html = render_markdown("1. premier\n2. second\n\n* puce\n* autre puce")
    assert Parsed(html).tags == ["ol", "li", "li", "ul", "li", "li"]


def test_quotes_and_rules_survive():
    html = render_markdown("> Une citation *importante*.\n\n---\n\nSuite.")
    assert Parsed(html).tags == ["blockquote", "p", "em", "hr", "p"]


def test_tables_keep_their_alignment_without_style():
    html = render_markdown("| nom | score |\n|:----|------:|\n| Léa | 12 |")
    parsed = Parsed(html)
    assert parsed.tags == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert [attrs.get("align") for tag, attrs in parsed.elements if tag in {"th", "td"}] == [
        "left",
        "right",
        "left",
        "right",
    ]
    assert "style" not in html


def test_fenced_code_keeps_markup_escaped_and_urls_unlinked():
    html = render_markdown("```html\n<b>gras</b> https://example.org\n```")
    parsed = Parsed(html)
    assert parsed.tags == ["pre", "code"]
    assert parsed.text == "<b>gras</b> https://example.org\n"
    assert "&lt;b&gt;" in html


def test_inline_code_keeps_markup_escaped_and_urls_unlinked():
    parsed = Parsed(render_markdown("Tapez `<i>x</i> www.example.org` ici."))
    assert parsed.tags == ["p", "code"]
    assert "<i>x</i> www.example.org" in parsed.text


def test_raw_html_is_escaped_not_rendered():
    source = '<b>gras</b> <div onclick="x()">bloc</div>\n\n<table><tr><td>cellule</td></tr></table>'
    html = render_markdown(source)
    assert Parsed(html).tags == ["p", "p"]
    assert plain_text(html) == source.replace("\n\n", " ")


@pytest.mark.parametrize(
    "source",
    [
        "[site](https://example.org)",
        "<https://example.org>",
        "Voir https://example.org pour la suite.",
        "Voir www.example.org pour la suite.",
        '[site](https://example.org "Le titre")',
        "[site][ref]\n\n[ref]: https://example.org",
    ],
)
def test_links_get_nofollow_ugc_noopener(source):
    links = Parsed(render_markdown(source)).links
    assert len(links) == 1
    assert links[0]["href"].startswith(("https://example.org", "http://www.example.org"))
    assert links[0]["rel"] == REL


def test_link_titles_are_kept():
    assert Parsed(render_markdown('[a](https://example.org "Le titre")')).links[0]["title"] == "Le titre"


@pytest.mark.parametrize("href", ["/fil/42", "../autre", "#reponse-3", "mailto:aide@example.org"])
def test_relative_anchor_and_mailto_links_are_kept(href):
    assert Parsed(render_markdown(f"[lien]({href})")).links == [{"href": href, "rel": REL}]


@pytest.mark.parametrize(
    "source",
    [
        "[clique](javascript:alert(1))",
        "[clique](JavaScript:alert(1))",
        "[clique](  javascript:alert(1))",
        "[clique](java&#x09;script:alert(1))",
        "[clique](&#106;avascript:alert(1))",
        "[clique](javascript&colon;alert(1))",
        "[clique](vbscript:msgbox(1))",
        "[clique](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[clique][x]\n\n[x]: javascript:alert(1)",
        "[**clique**](javascript:alert(1))",
        "![clique](javascript:alert(1))",
        '<a href="javascript:alert(1)">clique</a>',
    ],
)
def test_javascript_urls_are_dropped(source):
    html = render_markdown(source)
    assert_safe(html)
    assert "clique" in plain_text(html)
    assert count_links(html) == 0


def test_bare_urls_of_other_schemes_are_not_linked():
    html = render_markdown("data:evil.example/x et ftp://files.example.org")
    assert_safe(html)
    assert all(link["href"].startswith("http://") for link in Parsed(html).links)


def test_images_become_links_and_are_never_loaded():
    html = render_markdown('Regardez ![un chat](https://example.org/chat.png "Minou") !')
    parsed = Parsed(html)
    assert "img" not in parsed.tags
    assert parsed.links == [{"href": "https://example.org/chat.png", "title": "Minou", "rel": REL}]
    assert plain_text(html) == "Regardez un chat !"


def test_an_image_without_alt_text_shows_its_url():
    html = render_markdown("![](https://example.org/chat.png)")
    assert plain_text(html) == "https://example.org/chat.png"
    assert count_links(html) == 1


def test_an_image_with_a_forbidden_url_leaves_only_its_alt_text():
    html = render_markdown("avant ![le chat](javascript:alert(1)) après")
    assert Parsed(html).tags == ["p"]
    assert plain_text(html) == "avant le chat après"


def test_an_image_inside_a_link_leaves_the_link_whole():
    html = render_markdown("[![état du build](https://ci.example.org/badge.svg)](https://ci.example.org)")
    assert Parsed(html).links == [{"href": "https://ci.example.org", "rel": REL}]
    assert plain_text(html) == "état du build"


def test_unicode_survives():
    source = "Crème brûlée, çà et là, « guillemets » — œuvre 🎉👍🏽 中文"
    assert plain_text(render_markdown(source)) == source


def test_a_50000_character_post_renders():
    source = ("Un paragraphe **important** avec https://example.org dedans.\n\n" * 900)[:50_000]
    html = render_markdown(source)
    assert len(source) == 50_000
    assert html.count("<strong>important</strong>") == source.count("**important**")
    assert count_links(html) == source.count("https://example.org")
    assert_safe(html)


def test_rendering_from_several_threads_gives_the_same_html():
    sources = [f"# Fil {n}\n\n*réponse* {n} https://example.org/{n}" for n in range(200)]
    expected = [render_markdown(source) for source in sources]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(render_markdown, sources)) == expected


def test_plain_text_collapses_whitespace_decodes_entities_and_separates_blocks():
    html = "<h3>Titre</h3><p>Un  &amp;\n<em>deux</em>&nbsp;trois</p><ul><li>a</li><li>b</li></ul>"
    assert plain_text(html) == "Titre Un & deux trois a b"


def test_plain_text_is_cut_on_a_word_boundary():
    text = plain_text("<p>Bonjour à toutes et à tous, bienvenue</p>", limit=25)
    assert text == "Bonjour à toutes et à…"
    assert len(text) <= 25


def test_plain_text_is_not_cut_when_short_enough():
    assert plain_text("<p>Bonjour à tous</p>", limit=15) == "Bonjour à tous"


def test_plain_text_cuts_a_single_long_word_hard():
    assert plain_text("<p>anticonstitutionnellement</p>", limit=10) == "anticonst…"


def test_count_links_counts_only_links_with_a_target():
    html = render_markdown("[a](https://a.example) ![b](https://b.example/b.png) https://c.example.org")
    assert count_links(html) == 3
    assert count_links('<p><a name="x">ancre</a></p>') == 0


def _corpus_lines() -> list:
    params = [
        pytest.param(line, id=f"{path.name}:{number}")
        for path in XSS_FILES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip()
    ]
    return params or [pytest.param("", id="no-corpus", marks=NO_CORPUS)]


def _corpus_files() -> list:
    return [pytest.param(path, id=path.name) for path in XSS_FILES] or [
        pytest.param(None, id="no-corpus", marks=NO_CORPUS)
    ]


@pytest.mark.parametrize("payload", _corpus_lines())
def test_xss_payload_is_neutralised(payload):
    html = render_markdown(payload)
    assert_safe(html)
    visible = plain_text(html)
    for word in author_words(payload):
        assert word in visible, f"{word!r} lost from {html!r}"


@pytest.mark.parametrize("path", _corpus_files())
def test_xss_corpus_file_as_one_post_is_neutralised(path):
    payload = path.read_text(encoding="utf-8")
    html = render_markdown(payload)
    assert_safe(html)
    visible = plain_text(html)
    for word in author_words(payload):
        assert word in visible, f"{word!r} lost"


# What may stand on each element of a rendered post; every other element has no attribute.
ATTRIBUTES_BY_TAG = {"a": {"href", "title", "rel", "class"}, "th": {"align"}, "td": {"align"}}
LINK_SCHEMES = {None, "http", "https", "mailto"}
# The URL standard removes these from both ends of a URL before reading it, and tabs and newlines
# from anywhere in it.
URL_EDGES = "".join(map(chr, range(0x21)))
POST_MAX_LENGTH = 50_000  # BODY_MAX_LENGTH, the most a post may have


def scheme_seen_by_browsers(href: str) -> str | None:
    """The scheme a browser reads in an href whose character references are already decoded."""
    url = re.sub(r"[\t\n\r]", "", href.strip(URL_EDGES))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else None


def assert_sanitised(html: str) -> None:
    parsed = Parsed(html)
    assert not parsed.others, html
    assert set(parsed.end_tags) <= ALLOWED_ELEMENTS, html
    for tag, attrs in parsed.elements:
        assert tag in ALLOWED_ELEMENTS, html
        assert set(attrs) <= ATTRIBUTES_BY_TAG.get(tag, set()), html
        assert not any(name.startswith("on") or name == "style" for name in attrs), html
        assert attrs.get("class") in (None, "mention"), html
        assert attrs.get("align") in (None, "left", "right", "center"), html
        if "href" in attrs:
            assert scheme_seen_by_browsers(attrs["href"] or "") in LINK_SCHEMES, html
            assert attrs.get("rel") == REL, html


def every_name_a_member(names: set[str]) -> dict[str, str]:
    return {name: name for name in names}


# Other ways HTML has of writing a character than the character itself.
NAMED_REFERENCES = {
    ":": ["&colon;"],
    "(": ["&lpar;"],
    "/": ["&sol;"],
    "\t": ["&Tab;"],
    "\n": ["&NewLine;"],
    "<": ["&lt;", "&LT"],
    "&": ["&amp;", "&AMP"],
}
# What browsers drop from a URL's scheme, or what a careless filter might.
SCHEME_NOISE = [
    "",
    "",
    "",
    "\t",
    "\n",
    "\r",
    " ",
    "\x00",
    "\x01",
    "&#9;",
    "&#x0A;",
    "&Tab;",
    "&NewLine;",
    "\u200b",
    "\xad",
]
OTHER_URLS = [
    "//evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "https://example.org/a?b=1&c=2",
    "HTTPS://EXAMPLE.ORG",
    "http:evil",
    "https:/\\evil.example",
    "ht&#116;p://example.org",
    "mailto:aide@example.org",
    "#ancre",
    "/fil/42",
    "../autre",
    "?q=1",
    "ftp://files.example.org",
    "file:///etc/passwd",
    "about:blank",
    "blob:https://example.org/x",
    "javascript",
    "javascript.html",
]
LINK_FORMS = [
    "[lien]({})",
    "[lien](<{}>)",
    '[lien]({} "titre")',
    "[lien]( {} )",
    "<{}>",
    "![image]({})",
    "[lien][ref]\n\n[ref]: {}\n",
    "[ref]\n\n[ref]: {}\n",
    "![image][ref]\n\n[ref]: <{}>\n",
    "[![image]({})]({})",
    "voir {} ici",
    "[{}]({})",
]
RAW_TAGS = [
    "script",
    "img",
    "svg",
    "iframe",
    "style",
    "a",
    "object",
    "embed",
    "math",
    "details",
    "form",
    "input",
    "button",
    "base",
    "meta",
    "link",
    "video",
    "body",
    "textarea",
    "template",
    "noscript",
    "xmp",
    "plaintext",
    "title",
    "marquee",
    "table",
    "td",
]
ATTRIBUTE_NAMES = [
    "onerror",
    "onclick",
    "OnLoad",
    "onmouseover",
    "onfocus",
    "ontoggle",
    "onbegin",
    "style",
    "srcdoc",
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "title",
    "class",
    "align",
    "rel",
    "target",
]
SCRIPT_VALUES = [
    "alert(1)",
    "javascript:alert(1)",
    "background:url(javascript:alert(1))",
    "x:expression(alert(1))",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "mention",
    "center",
]
OTHER_MARKUP = [
    "<!-- x -->",
    "<!--",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?xml version='1.0'?>",
    "<!DOCTYPE html>",
    "</p>",
    "<p",
    "<<script>>",
    "<img/src=x/onerror=alert(1)>",
    "<a href=javascript:alert(1)>",
]
ENTITIES = [
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&apos;",
    "&nbsp;",
    "&colon;",
    "&Tab;",
    "&NewLine;",
    "&#60;",
    "&#x3C;",
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&#99999999999;",
    "&#128512;",
    "&lt",
    "&amp",
    "&#x3c",
    "&#",
    "&#x",
    "&",
    "&;",
    "&unknown;",
]
UNICODE_TRICKS = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\ufeff",
    "\u2060",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2069",
    "\u061c",
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\x9b",
    "\u0301",
    "\u0338",
    "\u20dd",
    "\u2028",
    "\u2029",
    "\u3000",
    "ｊａｖａｓｃｒｉｐｔ：",
    "＜ｓｃｒｉｐｔ＞",
    "\ufe64script\ufe65",
    "ſ",
    "K",
    "İ",
]
MARKDOWN_BITS = [
    "*",
    "**",
    "_",
    "~~",
    "`",
    "``",
    "\n```\n",
    "\n~~~\n",
    "\n# ",
    "\n> ",
    "\n- ",
    "\n1. ",
    "\n    ",
    "\n| a | b |\n|:--|--:|\n| ",
    " | ",
    "[",
    "]",
    "(",
    ")",
    "!",
    "<",
    ">",
    "&",
    "\\",
    "\n",
    "\n\n",
    "  \n",
    " ",
    "@camille ",
    "texte ",
    "\n---\n",
    "\n===\n",
    "www.example.org ",
    "https://example.org/x ",
    "camille@example.org ",
]


def spellings(character: str) -> st.SearchStrategy[str]:
    """`character` itself or as a character reference: decimal or hexadecimal, padded, with or
    without its semicolon, or by name."""
    code = ord(character)
    return st.sampled_from(
        [character, f"&#{code};", f"&#{code}", f"&#{code:07d};", f"&#x{code:x};", f"&#X{code:X}", f"&#x{code:x}"]
        + NAMED_REFERENCES.get(character, [])
    )


@st.composite
def hostile_urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["javascript", "vbscript", "data", "livescript"]))
    letters = (draw(st.sampled_from([letter, letter.upper()])) for letter in scheme)
    spelt = "".join(draw(spellings(letter)) + draw(st.sampled_from(SCHEME_NOISE)) for letter in letters)
    lead = draw(st.sampled_from(["", " ", "\x00", "\x01 ", "&#32;", "\x0c", "\u3000"]))
    payload = draw(
        st.sampled_from(["alert(1)", "alert`1`", "text/html;base64,PHNjcmlwdD4=", "msgbox(1)", "//%0aalert(1)"])
    )
    return lead + spelt + draw(spellings(":")) + payload


urls = st.one_of(hostile_urls(), st.sampled_from(OTHER_URLS))
links = st.builds(lambda form, url: form.replace("{}", url), st.sampled_from(LINK_FORMS), urls)
attributes = st.one_of(
    st.builds(
        lambda name, value, quote: f"{name}={quote}{value}{quote}",
        st.sampled_from(ATTRIBUTE_NAMES),
        st.one_of(urls, st.sampled_from(SCRIPT_VALUES)),
        st.sampled_from(['"', "'", "", "`"]),
    ),
    st.sampled_from(["autofocus", "open", "onerror", "xmlns:xlink=http://www.w3.org/1999/xlink"]),
)


@st.composite
def raw_html(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(RAW_TAGS))
    tag = draw(st.sampled_from([name, name.upper(), name.capitalize()]))
    gap = draw(st.sampled_from([" ", "/", "\n", "\t", " / ", "\x0c"]))
    inner = draw(st.sampled_from(["", "alert(1)", "clique", "<b>gras</b>", "</script><script>alert(1)</script>"]))
    end = draw(st.sampled_from([f"</{tag}>", "", f"</{tag} x>", "/>"]))
    return f"<{tag}{gap}{gap.join(draw(st.lists(attributes, max_size=3)))}>{inner}{end}"


posts = st.lists(
    st.one_of(
        st.sampled_from(MARKDOWN_BITS),
        raw_html(),
        links,
        st.sampled_from(ENTITIES),
        st.sampled_from(UNICODE_TRICKS),
        st.sampled_from(OTHER_MARKUP),
        st.text(max_size=8),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(posts)
def test_generated_posts_come_out_sanitised(source):
    assert_sanitised(render_markdown(source, every_name_a_member))


@settings(max_examples=300, deadline=None)
@given(st.lists(links, min_size=1, max_size=4).map("\n\n".join))
def test_generated_links_lead_only_to_allowed_schemes(source):
    assert_sanitised(render_markdown(source))


@settings(max_examples=300, deadline=None)
@given(posts, st.integers(min_value=1, max_value=200))
def test_the_text_helpers_return_only_what_a_reader_sees(source, limit):
    html = render_markdown(source, every_name_a_member)
    parsed = Parsed(html)
    text = plain_text(html)
    assert "".join(text.split()) == "".join(parsed.text.split())
    cut = plain_text(html, limit=limit)
    if len(text) <= limit:
        assert cut == text
    else:
        assert len(cut) <= limit and cut.endswith("…") and text.startswith(cut.removesuffix("…"))
    targets = [attrs for tag, attrs in parsed.elements if tag == "a" and attrs.get("href") is not None]
    assert count_links(html) == sum(attrs.get("class") != "mention" for attrs in targets)
    assert all(re.fullmatch(r"[^\W_](?:[\w.-]*[^\W_])?", name) for name in mentioned_usernames(html))


def test_quotes_nested_deeper_than_the_cap_keep_their_text():
    words = [f"niveau{depth}" for depth in range(1, NESTING_MAX_DEPTH + 6)]
    html = render_markdown("".join(">" * depth + f" {word}\n" for depth, word in enumerate(words, start=1)))
    assert Parsed(html).tags.count("blockquote") == NESTING_MAX_DEPTH
    assert plain_text(html) == " ".join(words)


def test_quotes_thousands_deep_on_one_line_keep_their_text():
    html = render_markdown("> " * 5000 + "texte")
    assert Parsed(html).tags == ["blockquote"] * NESTING_MAX_DEPTH + ["p"]
    assert plain_text(html) == "texte"


def test_quotes_and_lists_as_deep_as_the_cap_keep_their_nesting():
    assert Parsed(render_markdown("> " * NESTING_MAX_DEPTH + "x")).tags.count("blockquote") == NESTING_MAX_DEPTH
    assert Parsed(render_markdown("- " * NESTING_MAX_DEPTH + "x")).tags.count("ul") == NESTING_MAX_DEPTH


def test_lists_nested_deeper_than_the_cap_keep_their_text_and_markers():
    html = render_markdown("- " * 5000 + "texte")
    assert Parsed(html).tags.count("ul") == NESTING_MAX_DEPTH
    assert plain_text(html) == "- " * (5000 - NESTING_MAX_DEPTH) + "texte"


def test_emphasis_nested_thousands_deep_keeps_its_words_and_mentions():
    html = render_markdown("*a " * 2000 + "@camille" + " b*" * 2000, every_name_a_member)
    assert mentioned_usernames(html) == ["camille"]
    assert [word.strip("*") for word in plain_text(html).split()].count("a") == 2000


def test_emphasis_nested_deeper_than_the_cap_keeps_its_delimiters_and_what_it_holds():
    source = (
        "*a " * (EMPHASIS_MAX_DEPTH + 3) + "[lien](https://example.org/) `code_x`" + " b*" * (EMPHASIS_MAX_DEPTH + 3)
    )
    html = render_markdown(source)
    assert Parsed(html).tags.count("em") == EMPHASIS_MAX_DEPTH
    innermost = html.split("<em>")[-1]
    assert innermost.startswith("a *a *a *a " + '<a href="https://example.org/"')
    assert "<code>code_x</code> b* b* b* b</em>" in innermost
    assert plain_text(html).split().count("*a") == 3


def test_emphasis_as_deep_as_the_cap_keeps_its_nesting():
    source = "*a " * EMPHASIS_MAX_DEPTH + "texte" + " b*" * EMPHASIS_MAX_DEPTH
    assert Parsed(render_markdown(source)).tags.count("em") == EMPHASIS_MAX_DEPTH


def test_a_post_emphasises_at_most_the_cap_then_keeps_its_delimiters():
    html = render_markdown("*mot* " * (EMPHASIS_MAX_COUNT + 10) + "\n\n**gras**")
    assert Parsed(html).tags.count("em") == EMPHASIS_MAX_COUNT and "strong" not in Parsed(html).tags
    assert html.count("*mot*") == 10 and "**gras**" in html


def test_a_post_links_at_most_the_cap_then_keeps_its_links_as_written():
    html = render_markdown("[lien](/t/1) " * (LINKS_MAX_COUNT + 5))
    assert count_links(html) == LINKS_MAX_COUNT and html.count("[lien](/t/1)") == 5


def test_mentions_count_among_the_links_of_a_post_the_first_ones_linked():
    html = render_markdown("[lien](/t/1) @camille " * 600, every_name_a_member)
    assert count_links(html) == 600 and html.count('class="mention"') == LINKS_MAX_COUNT - 600
    assert html.removesuffix("</p>").rstrip().endswith("</a> @camille")  # the last mentions stay text


def test_unclosed_brackets_past_the_work_budget_stay_as_written():
    source = "[" * POST_MAX_LENGTH
    assert plain_text(render_markdown(source)) == source


def filled(unit: str, end: str = "") -> str:
    """`unit` again and again, then `end`: a post as long as may be."""
    return (unit * (POST_MAX_LENGTH // len(unit) + 1))[: POST_MAX_LENGTH - len(end)] + end


def one_level_deeper_each_time(unit: str, rest: str) -> str:
    """`rest`, then `unit` and `rest`, then twice `unit` and `rest`...: as many as fit in a post."""
    parts, length = [], 0
    for depth in itertools.count():
        part = unit * depth + rest
        if length + len(part) > POST_MAX_LENGTH:
            return "".join(parts).ljust(POST_MAX_LENGTH)
        parts.append(part)
        length += len(part)


def nested(opening: str, middle: str, closing: str) -> str:
    depth = (POST_MAX_LENGTH - len(middle)) // (len(opening) + len(closing))
    return (opening * depth + middle + closing * depth).ljust(POST_MAX_LENGTH)


# Posts shaped to make a Markdown parser recurse, or scan the same text again and again.
PATHOLOGICAL_POSTS = {
    "lists nested by indentation": one_level_deeper_each_time("    ", "- item\n"),
    "lists nested on one line": filled("- ", end=" texte"),
    "ordered lists nested on one line": filled("1. ", end=" texte"),
    "quotes nested on one line": filled("> ", end=" texte"),
    "quotes one level deeper per line": one_level_deeper_each_time(">", "> texte\n"),
    "quotes and lists alternating": filled("> - ", end=" texte"),
    "emphasis never closed": filled("*_", end=" texte"),
    "emphasis nested": nested("*_", "texte", "_*"),
    "emphasis nested by words": nested("*a ", "texte", " b*"),
    "unclosed brackets": filled("["),
    "unclosed image brackets": filled("!["),
    "brackets nested in links": nested("[", "texte", "](y)"),
    "link destinations never closed": filled("[texte]("),
    "link chain": filled("[texte](https://example.org/) "),
    "table of many rows": "| a | b |\n|---|---|\n" + filled("| texte | mot |\n"),
    "backtick runs, each longer": one_level_deeper_each_time("`", "` "),
    "fenced code blocks": filled("```\n"),
    "headings without blank lines": filled("# texte\n"),
    "setext headings without blank lines": filled("texte\n=\n"),
    "rules without blank lines": filled("***\n"),
    "backslashes": filled("\\"),
    "angle brackets": filled("<"),
    "mentions between emphasis": filled("*a* @camille "),
}


@pytest.mark.slow
@pytest.mark.parametrize("source", [pytest.param(source, id=name) for name, source in PATHOLOGICAL_POSTS.items()])
def test_a_pathological_50000_character_post_renders_in_bounded_time(source):
    began = time.process_time()
    html = render_markdown(source, every_name_a_member)
    # CPU time, not wall time, and about three times what the slowest kind takes on a busy 2-core
    # machine: this catches a parser gone quadratic again (4 s to minutes for these), not a slow one.
    assert time.process_time() - began < 3
    assert_sanitised(html)
    assert set(author_words(source)) <= set(re.findall(r"[^\W\d_]{3,}", plain_text(html)))
