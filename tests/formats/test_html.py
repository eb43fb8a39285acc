"""HTML reader: the article without page furniture, paragraphs kept, metadata from the page."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from store.errors import ImportRefused
from store.formats import html as html_reader
from store.formats.html import read_html, visible_text_length
from store.formats.html_fallback import fallback_paragraphs
from store.formats.html_markup import check_markup, outside_raw_text
from store.formats.limits import MAX_HTML_ATTRIBUTES, MAX_HTML_ELEMENTS, MAX_TAG_ATTRIBUTES

PATH = Path("rundschau") / "deichbruch.html"


def _trafilatura() -> ModuleType:
    module = html_reader._trafilatura_module()
    assert module is not None
    return module


PARAGRAPHS = [
    "Kressbrunn – In der Nacht zum Mittwoch ist der Deich an der Siedlung Auwiesen gebrochen."
    " Nach Angaben der Feuerwehr gab der Damm gegen 4.30 Uhr auf einer Länge von etwa 40 Metern"
    " nach, das Wasser strömte innerhalb weniger Minuten in die Straßen der Siedlung.",
    "„Der Deich hat dem Druck nicht mehr standgehalten“, sagte Kreisbrandmeister Jörg Pfannkuch"
    " am Morgen bei einer Pressekonferenz im Feuerwehrhaus. Die Siedlung war bereits am"
    " Dienstagabend geräumt worden.",
    "Am Mittwochnachmittag erreichte der Pegel an der Kressbrunner Brücke um 14 Uhr seinen"
    " Höchststand von 6,84 Metern. Das ist so viel wie nie zuvor seit Beginn der Aufzeichnungen.",
    "Im Einsatz sind inzwischen mehr als 1.200 Einsatzkräfte von Feuerwehr, Polizei und"
    " Hilfsdiensten aus dem ganzen Landkreis. Mit Booten holte die Feuerwehr 14 Menschen aus"
    " ihren Häusern.",
]
BOILERPLATE = [
    "STYLEMARKER",
    "SCRIPTMARKER",
    "NAVMARKER",
    "COOKIEMARKER",
    "HEADERMARKER",
    "ASIDEMARKER",
    "FOOTERMARKER",
    "FORMMARKER",
]
PAGE = f"""<!DOCTYPE html>
<html lang="de-DE">
<head>
  <meta charset="utf-8">
  <title>Deich gebrochen | Ortenfelder Rundschau</title>
  <meta property="og:site_name" content="Ortenfelder Rundschau">
  <meta property="og:title" content="Deich bei Auwiesen gebrochen">
  <meta property="article:published_time" content="2025-03-12T18:40:00+01:00">
  <link rel="canonical" href="https://ortenfelder-rundschau.example/2025/03/12/deich">
  <style>.cookie-banner {{ position: fixed; }} /* STYLEMARKER */</style>
  <script>window.tracker = "SCRIPTMARKER";</script>
</head>
<body>
  <div class="cookie-banner" id="consent">
    <p>COOKIEMARKER Wir verwenden Cookies, um Ihnen ein besseres Leseerlebnis zu bieten.</p>
    <button>Alle akzeptieren</button>
  </div>
  <header class="site-header"><a href="/">HEADERMARKER Ortenfelder Rundschau</a></header>
  <nav><ul><li><a href="/">NAVMARKER Startseite</a></li><li><a href="/s">Sport</a></li></ul></nav>
  <main>
    <article>
      <h1>Deich bei Auwiesen gebrochen</h1>
      <p>{PARAGRAPHS[0]}</p>
      <p>{PARAGRAPHS[1]}</p>
      <h2>Rekordstand</h2>
      <p>{PARAGRAPHS[2]}</p>
      <p>{PARAGRAPHS[3]}</p>
    </article>
    <aside class="related"><h2>Mehr zum Thema</h2>
      <ul><li><a href="/x">ASIDEMARKER So schützen Sie Ihren Keller vor Wasser</a></li></ul>
    </aside>
  </main>
  <form action="/suche"><label>FORMMARKER Suche</label><input name="q"></form>
  <footer><p>FOOTERMARKER © 2025 Ortenfelder Rundschau Verlags-GmbH.</p></footer>
  <script>document.write("SCRIPTMARKER");</script>
</body>
</html>
"""


def _assert_article_only(text: str) -> None:
    for marker in BOILERPLATE:
        assert marker not in text
    blocks = text.split("\n\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in blocks  # a paragraph of its own, blank lines around it
    assert blocks.index(PARAGRAPHS[0]) < blocks.index(PARAGRAPHS[3])


def test_article_text_without_boilerplate() -> None:
    article = read_html(PAGE, PATH)
    _assert_article_only(article.text)
    assert "Rekordstand" in article.text.split("\n\n")


def test_soft_hyphens_of_a_page_are_not_stored() -> None:
    page = (
        "<html><body><article><p>Die Bürger&shy;meisterin sagte, die Evakuierungs&shy;anordnung"
        " gelte bis Freitag. Der Hoch&shy;wasser&shy;schutz&shy;damm hielt stand.</p>"
        "</article></body></html>"
    )
    article = read_html(page, PATH)
    assert "\u00ad" not in article.text
    assert "Bürgermeisterin" in article.text
    assert "Hochwasserschutzdamm" in article.text


def test_metadata_from_the_page() -> None:
    article = read_html(PAGE, PATH)
    assert article.title == "Deich bei Auwiesen gebrochen"
    assert article.outlet == "Ortenfelder Rundschau"
    assert article.published == "2025-03-12"
    assert article.url == "https://ortenfelder-rundschau.example/2025/03/12/deich"
    assert article.language == "de"
    assert article.source_name == "deichbruch.html"


_BODY = (
    "<p>The regional council said on Friday that 900 homes were flooded after the dam"
    " failed and that repairs would take weeks to finish.</p>"
)


@pytest.mark.parametrize(
    ("head", "heading", "title", "outlet"),
    [
        # trafilatura dropped the ESC a character reference made, and the rest was stored.
        ("<title>T&#27;[31mX&#27;]0;pw&#7;Y</title>", "", "TXY", None),
        ("<title>T&#x1B;[31mX&#27;</title>", "", "TX", None),  # an incomplete one at the end
        ("", "<h1>H&#27;[31mX</h1>", "HX", None),
        ("", "<h1>H&#27;<b>[31m</b>X</h1>", "HX", None),  # split by a tag
        ('<meta property="og:title" content="O&#27;[1mK">', "", "OK", None),
        (
            '<title>T</title><meta property="og:site_name" content="S&#27;]0;x&#7;ite">',
            "",
            "T",
            "Site",
        ),
    ],
)
def test_escape_sequences_written_as_references_leave_no_tail_in_metadata(
    head: str, heading: str, title: str, outlet: str | None
) -> None:
    page = f"<html><head>{head}</head><body><article>{heading}{_BODY}</article></body></html>"
    article = read_html(page, PATH)
    assert (article.title, article.outlet) == (title, outlet)
    assert article.text.split("\n\n")[-1].startswith("The regional council said")
    if heading:
        assert article.text.split("\n\n")[0] == "HX"  # as the body always had it


def test_an_escape_sequence_split_by_tags_in_the_body_is_still_removed_whole() -> None:
    page = f"<html><body><article><p>Dam &#27;<i>[1m</i>broke.</p>{_BODY}</article></body></html>"
    assert read_html(page, PATH).text.startswith("Dam broke.")


def test_fallback_when_trafilatura_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def nothing(*_args: Any, **_kwargs: Any) -> None:
        return None

    monkeypatch.setattr(_trafilatura(), "bare_extraction", nothing)
    article = read_html(PAGE, PATH)
    _assert_article_only(article.text)
    assert article.text.startswith("Deich bei Auwiesen gebrochen\n\n")
    assert article.outlet == "Ortenfelder Rundschau"  # metadata still from trafilatura
    assert article.language == "de"


def test_fallback_when_trafilatura_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(_trafilatura(), "bare_extraction", broken)
    _assert_article_only(read_html(PAGE, PATH).text)


def test_fallback_when_trafilatura_cannot_be_imported(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A broken trafilatura install (lxml_html_clean missing, say) must not stop imports."""
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # makes `import trafilatura` fail
    html_reader._trafilatura_module.cache_clear()
    try:
        article = read_html(PAGE, PATH)
    finally:
        html_reader._trafilatura_module.cache_clear()
    _assert_article_only(article.text)
    assert article.text.startswith("Deich bei Auwiesen gebrochen\n\n")
    assert article.title is not None
    assert "fallback extractor" in caplog.text


def test_fallback_keeps_line_breaks_and_preformatted_text() -> None:
    page = (
        "<html><body><main><p>Erste\n   Zeile<br>  zweite Zeile</p><div class='share'>Teilen"
        "</div><pre>a  b\n  c</pre><p hidden>versteckt</p>Lose <b>Text</b>stück"
        "</main></body></html>"
    )
    tree = html_reader.parse_html(page, PATH)
    assert fallback_paragraphs(tree) == ["Erste Zeile\nzweite Zeile", "a  b\n  c", "Lose Textstück"]


def test_fallback_prefers_the_longest_article() -> None:
    page = (
        "<html><body><article><p>Kurzer Teaser.</p></article><main><article>"
        "<p>Der eigentliche, deutlich längere Artikeltext steht hier.</p></article></main>"
        "<p>Außerhalb.</p></body></html>"
    )
    paragraphs = fallback_paragraphs(html_reader.parse_html(page, PATH))
    assert paragraphs == ["Der eigentliche, deutlich längere Artikeltext steht hier."]


def test_xhtml_with_xml_declaration_and_xml_lang() -> None:
    page = (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr"><head><title>Titre</title>'
        "</head><body><p>Bonjour à tous, ceci est un court article.</p></body></html>"
    )
    article = read_html(page, PATH)
    assert article.text == "Bonjour à tous, ceci est un court article."
    assert article.language == "fr"
    assert article.title == "Titre"


def test_deeply_nested_html_is_refused_in_one_line() -> None:
    depth = 1_000  # deeper than libxml2 goes, fewer elements than MAX_HTML_ELEMENTS
    page = "<html><body><p>Vorher.</p>" + "<div>" * depth + "Tief." + "</div>" * depth
    with pytest.raises(ImportRefused) as caught:
        read_html(page + "</body></html>", PATH)
    message = str(caught.value)
    assert message.startswith(f"{PATH}: HTML nested too deeply")
    assert "\n" not in message


def _refusal(page: str) -> str:
    with pytest.raises(ImportRefused) as caught:
        read_html(page, PATH)
    return str(caught.value)


def test_millions_of_tiny_elements_are_refused_before_parsing() -> None:
    # 8.8 MB, far under the character limit: parsing and trafilatura took 33 s for a
    # tenth of it (100,000 paragraphs), so the count is checked before either runs.
    page = "<html><body>" + "<p>a</p>" * 1_100_000 + "</body></html>"
    started = time.process_time()
    message = _refusal(page)
    assert time.process_time() - started < 3
    assert message == (
        f"{PATH}: HTML has more than {MAX_HTML_ELEMENTS} elements, the limit for one article"
    )


def test_an_element_with_too_many_attributes_is_refused_before_parsing() -> None:
    # libxml2 and the extractors compare attributes pairwise: 100,000 took 156 s.
    attributes = " ".join(f'a{n}="v"' for n in range(100_000))
    started = time.process_time()
    message = _refusal(f"<html><body><p {attributes}>Text.</p></body></html>")
    assert time.process_time() - started < 3
    assert message == (
        f"{PATH}: an HTML element has 100000 attributes,"
        f" over the limit of {MAX_TAG_ATTRIBUTES} for one element"
    )


def test_too_many_attributes_over_the_page_are_refused() -> None:
    per_element = 10
    elements = MAX_HTML_ATTRIBUTES // per_element + 1
    assert elements < MAX_HTML_ELEMENTS
    tag = "<span " + " ".join(f"data-{n}=x" for n in range(per_element)) + "></span>"
    message = _refusal("<html><body>" + tag * elements + "</body></html>")
    assert message == (
        f"{PATH}: HTML has more than {MAX_HTML_ATTRIBUTES} attributes, the limit for one article"
    )


def test_markup_at_the_limits_passes_and_scripts_do_not_count() -> None:
    # Up to the limits a page is left to the parser; "<" in a script or style is no tag.
    tags = "<p>a</p>" * (MAX_HTML_ELEMENTS - 3)  # html, body and script make up the rest
    script = "<script>" + "if (a<b && c<d) {}" * 100_000 + "</script>"
    check_markup(f"<html><body>{script}{tags}</body></html>", PATH)
    many = "<p " + " ".join(f"a{n}='v'" for n in range(MAX_TAG_ATTRIBUTES)) + ">x</p>"
    check_markup(f"<html><body>{many}</body></html>", PATH)
    with pytest.raises(ImportRefused):
        check_markup(f"<html><body>{script}{tags}<p>b</p></body></html>", PATH)


def test_moderately_nested_html_is_read() -> None:
    page = "<html><body>" + "<div>" * 200 + "<p>Tief im Baum steht der Text.</p>" + "</div>" * 200
    assert read_html(page + "</body></html>", PATH).text == "Tief im Baum steht der Text."


def test_page_without_text_is_refused() -> None:
    with pytest.raises(ImportRefused) as caught:
        read_html("<html><head><script>var x = 1;</script></head><body> </body></html>", PATH)
    assert str(caught.value) == f"{PATH}: no article text found"


def test_huge_page_is_refused_before_parsing() -> None:
    page = "<html><body><p>" + "Wort " * 100_000 + "</p></body></html>"
    with pytest.raises(ImportRefused) as caught:
        read_html(page, PATH, max_chars=1_000)
    assert str(caught.value) == f"{PATH}: article has 500000 characters, over the limit of 1000"


def test_visible_text_length_ignores_tags_scripts_and_extra_whitespace() -> None:
    page = "<p>ab  <b>cd</b>\n\n</p><SCRIPT>ignored()</script ><style>x{}</style>e < f"
    assert visible_text_length(page) == len("ab cd e < f")


@pytest.mark.parametrize("name", ["\u017fcript", "\u017ftyle", "SCRİPT"])
def test_a_tag_name_that_only_unicode_case_folds_to_script_is_no_script(name: str) -> None:
    # HTML's tag names ignore ASCII case only. A Unicode-blind match took "<ſcript" (long
    # s) for a script, then looked its lower() up among script and style: KeyError, and
    # the import ended in an "unexpected error".
    page = f"<html><body><p>Der Deich hielt stand.</p><{name}>x = 1;</script><p>Ende.</p>"
    article = read_html(page + "</body></html>", PATH)
    assert "Der Deich hielt stand." in article.text
    assert "Ende." in article.text


def test_script_and_style_in_any_ascii_case_stay_raw_text() -> None:
    source = "a<ScRiPt>x<y</sCrIpT>b<STYLE>p<q</Style>c<\u017fcript>d"
    stretches = [source[start:end] for start, end in outside_raw_text(source)]
    assert stretches == ["a", "b", "c<\u017fcript>d"]


@pytest.mark.parametrize("declaration", ["", '<?xml version="1.0"?>\n'])
def test_a_doctype_with_entity_declarations_leaves_no_trace_in_title_or_text(
    declaration: str,
) -> None:
    # libxml2's HTML parser does not read an internal subset: its "]>" was stored as the
    # first words of the title and text. The entity stays unexpanded (no XXE).
    page = (
        f'{declaration}<!DOCTYPE foo [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
        '<!ENTITY lol "lol">]>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        "<title>Hochwasser in Kressbrunn</title></head><body><p>Die Stadt meldet &xxe;"
        " heute 11.000 Evakuierte aus der Unterstadt.</p></body></html>"
    )
    article = read_html(page, Path("g.xhtml"))
    assert article.title == "Hochwasser in Kressbrunn"
    assert "]>" not in article.text
    assert "root:" not in article.text
    assert article.text.startswith("Die Stadt meldet")


@pytest.mark.parametrize("written", ["taz", "nd", "heise online", "[i]Site[/i]", "Der Standard"])
def test_an_outlet_keeps_the_pages_own_spelling(written: str) -> None:
    # trafilatura title-cases a lower-case site name without a dot: "taz" was stored as
    # "Taz", and markup-like text as "[I]Site[/I]".
    named = f'<meta property="og:site_name" content="{written}">'
    page = (
        f"<html><head><title>Hochwasser</title>{named}</head><body><article>"
        "<p>Die Stadt meldet heute 11.000 Evakuierte aus der Unterstadt nach dem Hochwasser"
        " der letzten Tage.</p><p>Der Pegel sinkt langsam wieder, sagte der Sprecher.</p>"
        "</article></body></html>"
    )
    assert read_html(page, Path("a.html")).outlet == written


_SHOWN_LITERALLY = "Tom &amp;amp; Jerry &amp;lt;b&amp;gt; 5 &amp;lt; 7 &amp;nbsp;"
"""Shown by a browser as "Tom &amp; Jerry &lt;b&gt; 5 &lt; 7 &nbsp;": decoded once."""


@pytest.mark.parametrize(
    ("head", "heading"),
    [
        (f"<title>{_SHOWN_LITERALLY}</title>", ""),
        ("<title>Flood</title>", f"<h1>{_SHOWN_LITERALLY}</h1>"),
        (f'<meta property="og:title" content="{_SHOWN_LITERALLY}">', ""),
    ],
)
@pytest.mark.parametrize("trafilatura_finds_text", [True, False])
def test_a_title_shows_its_character_references_decoded_once(
    head: str, heading: str, trafilatura_finds_text: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # trafilatura unescapes every metadata string lxml had already decoded: the title
    # "Tom &amp; Jerry" was stored as "Tom & Jerry", "5 &lt; 7" as "5 < 7".
    if not trafilatura_finds_text:
        monkeypatch.setattr(_trafilatura(), "bare_extraction", lambda *_a, **_k: None)
    shown = "Tom &amp; Jerry &lt;b&gt; 5 &lt; 7 &nbsp;"
    page = (
        f"<html><head>{head}</head><body><article>{heading}"
        f"<p>The council wrote &amp;lt;b&amp;gt; &amp;amp; 5 &lt; 7 &amp; more.</p>{_BODY}"
        "</article></body></html>"
    )
    article = read_html(page, PATH)
    assert article.title == shown
    paragraphs = article.text.split("\n\n")
    assert "The council wrote &lt;b&gt; &amp; 5 < 7 & more." in paragraphs
    if heading:
        assert paragraphs[0] == shown


def test_a_site_name_shows_its_character_references_decoded_once() -> None:
    named = '<meta property="og:site_name" content="Q &amp;amp; A &amp;lt;Daily&amp;gt;">'
    page = f"<html><head><title>T</title>{named}</head><body><article>{_BODY}</article></body>"
    assert read_html(page, PATH).outlet == "Q &amp; A &lt;Daily&gt;"


_EVERY_STAND_IN = "".join(map(chr, range(0x1F700, 0x1F774)))


@pytest.mark.parametrize(
    "head",
    [
        '<link rel="canonical" href="{url}">',
        '<link rel="canonical" href="{url}"><meta property="og:image" content="https://x.example/i">',
        '<base href="{url}">',
        # The masking of ampersands is off on a page that holds every stand-in.
        f'<meta property="og:url" content="{{url}}"><meta name="x" content="{_EVERY_STAND_IN}">',
    ],
    ids=["canonical", "relative", "base", "og-unmasked"],
)
@pytest.mark.parametrize("trafilatura_finds_text", [True, False])
def test_a_page_url_shows_its_character_references_decoded_once(
    head: str, trafilatura_finds_text: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # trafilatura decodes the URL lxml had decoded again: "?b=1&amp;copy=2" was stored as
    # "?b=1©=2", "&amp;region=eu" as "®ion=eu".
    if not trafilatura_finds_text:
        monkeypatch.setattr(_trafilatura(), "bare_extraction", lambda *_a, **_k: None)
    written = "/a?b=1&amp;copy=2&amp;nbsp=3&amp;region=eu"
    if "relative" not in head:
        written = "https://x.example" + written
    page = (
        f"<html><head><title>T</title>{head.format(url=written)}</head>"
        f"<body><article>{_BODY}</article></body></html>"
    )
    assert read_html(page, PATH).url == "https://x.example/a?b=1&copy=2&nbsp=3&region=eu"


def test_a_canonical_url_trafilatura_normalises_keeps_the_form_earlier_imports_stored() -> None:
    # Only a second decoding is undone: the lower-cased host and sorted query stay, so a
    # page imported again names the same URL as its earlier import.
    link = '<link rel="canonical" href="https://X.example/a?z=1&amp;y=2">'
    page = f"<html><head>{link}</head><body><article>{_BODY}</article></body></html>"
    assert read_html(page, PATH).url == "https://x.example/a?y=2&z=1"


def test_a_page_holding_the_ampersand_stand_ins_keeps_them() -> None:
    held = "".join(map(chr, range(0x1F700, 0x1F710)))
    page = (
        f"<html><head><title>A &amp;lt; {held}</title></head><body><article>"
        f"<p>Symbols {held} &amp; more.</p>{_BODY}</article></body></html>"
    )
    article = read_html(page, PATH)
    assert article.title == f"A &lt; {held}"
    assert f"Symbols {held} & more." in article.text.split("\n\n")


@pytest.mark.parametrize("written", ["&#x1F700;", "&#128768;"], ids=["hex", "decimal"])
def test_a_stand_in_written_as_a_reference_in_json_ld_stays_itself(written: str) -> None:
    # Script text is kept undecoded, and trafilatura's JSON-LD reader decodes it: the
    # first stand-in, absent from the parsed page, came back from there as "&".
    page = (
        '<html><head><script type="application/ld+json">{"@context":"https://schema.org",'
        f'"@type":"NewsArticle","headline":"Cats {written} Dogs"}}</script></head><body>'
        f"<article><p>Tom &amp; Jerry.</p>{_BODY}</article></body></html>"
    )
    article = read_html(page, PATH)
    assert article.title == "Cats \U0001f700 Dogs"
    assert "Tom & Jerry." in article.text.split("\n\n")
