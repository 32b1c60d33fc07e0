"""Specification of the post renderer: Markdown in, safe HTML out, once at write time."""

import re
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.forum.rendering import count_links, plain_text, render_markdown

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
        self.text_parts: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)

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
