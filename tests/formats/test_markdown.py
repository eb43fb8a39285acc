"""Markdown reader: front matter, then markdown-it tokens rendered as plain paragraphs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.errors import ImportRefused
from store.formats.front_matter import split_front_matter
from store.formats.limits import MAX_HTML_ELEMENTS, MAX_TAG_ATTRIBUTES
from store.formats.markdown import _parser, markdown_to_text, read_markdown
from store.formats.markdown_markup import table_cells
from store.formats.normalize import normalize_text

if TYPE_CHECKING:
    from markdown_it.token import Token

PATH = Path("meridian") / "explainer.md"

DOCUMENT = """\
---
title: "Kressbrunn floods – what we \\"know\\""
outlet: 'Meridian''s Post'
date: 2025-03-13
url: https://meridianpost.example/x # a comment
tags:
  - flood
  - germany
authors: [a, b]
layout: article
---
# The big picture

A burst *dyke*, a **missing** pensioner and a [fake all-clear](https://example.org/fake).
Second line of the same paragraph with `inline code`.\\
After a hard break.

## What happened

- Tuesday: evacuation of *11,000* people
- Wednesday: the dyke breaks
  1. nested item

> “It smells of mud,”
> said a resident.

![Map of the *flooded* district](map.png)

```python
print("code block")
```

<div class="ad">Advertisement</div>

Text with <span>inline html</span> inside.
"""


def test_front_matter_and_structure() -> None:
    article = read_markdown(DOCUMENT, PATH)
    assert article.title == 'Kressbrunn floods – what we "know"'
    assert article.outlet == "Meridian's Post"
    assert article.published == "2025-03-13"
    assert article.url == "https://meridianpost.example/x"
    assert article.language == "en"
    assert article.source_name == "explainer.md"
    assert article.text.split("\n\n") == [
        "The big picture",
        "A burst dyke, a missing pensioner and a fake all-clear. Second line of the same"
        " paragraph with inline code.\nAfter a hard break.",
        "What happened",
        "Tuesday: evacuation of 11,000 people",
        "Wednesday: the dyke breaks",
        "nested item",
        "“It smells of mud,” said a resident.",
        "Map of the flooded district",
        'print("code block")',
        "Advertisement",  # an HTML block's text is the article's, whatever its class
        "Text with inline html inside.",
    ]


def test_urls_and_markup_are_gone() -> None:
    text = read_markdown(DOCUMENT, PATH).text
    for absent in ("https://", "map.png", "*", "`", "#", "<div", "class=", "<span>", "---"):
        assert absent not in text


def test_title_from_first_level_one_heading() -> None:
    article = read_markdown("Intro line.\n\n## Sub\n\n# Main title\n\n# Second\n\nBody.", PATH)
    assert article.title == "Main title"
    assert article.text == "Intro line.\n\nSub\n\nMain title\n\nSecond\n\nBody."


def test_setext_heading_counts_as_level_one() -> None:
    assert read_markdown("Headline *here*\n===\n\nBody text.", PATH).title == "Headline here"


def test_without_front_matter_or_heading() -> None:
    article = read_markdown("Just a paragraph\nover two lines.", PATH)
    assert article.title == "Just a paragraph over two lines."  # the first line
    assert article.outlet is None
    assert article.text == "Just a paragraph over two lines."


def test_unclosed_front_matter_is_markdown() -> None:
    front = split_front_matter("---\ntitle: x\n\nBody", PATH)
    assert front.pairs == []
    assert front.body == "---\ntitle: x\n\nBody"


def test_leading_thematic_break_is_not_front_matter() -> None:
    source = "---\nThis is prose, not YAML.\n---\n\nBody."
    front = split_front_matter(source, PATH)
    assert (front.pairs, front.body) == ([], source)


def test_front_matter_with_crlf() -> None:
    article = read_markdown("---\r\ntitle: Windows\r\n---\r\nBody text.\r\n", PATH)
    assert article.title == "Windows"
    assert article.text == "Body text."


def test_table_rows_become_lines() -> None:
    text = markdown_to_text(
        "| Day | Level |\n|---|---|\n| Tue | 5.10 m |\n| Wed | 6.84 m |\n", PATH
    ).text
    assert text == "Day | Level\nTue | 5.10 m\nWed | 6.84 m"


def test_deep_inline_nesting_keeps_its_text() -> None:
    text = markdown_to_text("[" * 10_000 + "x\n\n" + "*" * 10_000 + "y\n\nAfter.", PATH).text
    assert text.endswith("x\n\n" + "*" * 10_000 + "y\n\nAfter.")


@pytest.mark.parametrize(
    "source",
    [
        ">" * 100_000 + " deep quote text",
        ">" * 20 + " deep quote text",
        "".join("  " * level + f"- item {level}\n" for level in range(3_000)),
        "".join("  " * level + f"- item {level}\n" for level in range(10)),
        "> - > - > - > - > - > - > - text",
    ],
    ids=["quote-100000", "quote-20", "list-3000", "list-10", "quote-and-list-7"],
)
def test_text_nested_past_the_parsers_limit_is_refused_not_dropped(source: str) -> None:
    # markdown-it skips what lies past its nesting limit, text and all: these were
    # stored as nothing, "no article text", or a list's first nine items, exit 0.
    with pytest.raises(ImportRefused, match="Markdown nested too deeply to read"):
        read_markdown("Before.\n\n" + source + "\n\nAfter.\n", PATH)


def test_text_nested_up_to_the_parsers_limit_is_kept() -> None:
    quote = ">" * 19 + " deep quote text"
    assert read_markdown(quote, PATH).text == "deep quote text"
    nested = "".join("  " * level + f"- item {level}\n" for level in range(9))
    assert read_markdown(nested, PATH).text.split("\n\n") == [f"item {n}" for n in range(9)]


@given(st.text(alphabet="|-: >a\\`\n", max_size=200))
def test_table_cells_never_counts_fewer_than_the_parser_makes(source: str) -> None:
    made = sum(token.type in ("th_open", "td_open") for token in _parser().parse(source))
    assert table_cells(source, limit=10**9) >= made


def test_table_cells_charges_every_row_the_width_of_its_table() -> None:
    source = "|a|b|c|\n| - | :-: |---|\nx\ny | z\n\n> |a|\n> |-|\n> z\n>\n> prose\n"
    assert table_cells(source) == 3 * 3 + 1 * 2


def test_html_blocks_keep_their_text() -> None:
    # A paragraph opening with an HTML block tag (<p>, <div>, <iframe>…) is one CommonMark
    # HTML block, and each was dropped whole: "The mayor said 35 people died." was lost.
    source = (
        "# Title\n\n<iframe src=x></iframe> The mayor said <b>35</b> people died.\n\n"
        "Another paragraph with <span>inline</span> html.\n\n"
        "<div>\nA whole div block of article text.\n</div>\n\n"
        "<p>Paragraph in p tags is article text.</p>\n\nEnd.\n"
    )
    assert read_markdown(source, PATH).text.split("\n\n") == [
        "Title",
        "The mayor said 35 people died.",
        "Another paragraph with inline html.",
        "A whole div block of article text.",
        "Paragraph in p tags is article text.",
        "End.",
    ]


def test_html_blocks_are_cut_into_paragraphs_as_html_pages_are() -> None:
    source = (
        "<figure>\n<img src=a.png alt=Karte>\n<figcaption>Der Damm bei Nacht.</figcaption>\n"
        "</figure>\n\n"
        "<ul><li>eins</li><li>zwei</ul>\n\n"
        "<table><tr><td>Tag</td><td>Pegel</td></tr><tr><td>Di</td><td>5,10 m</td></tr></table>\n\n"
        "<p>Erste Zeile<br>zweite   Zeile</p>\n\n"
        "<pre>\n  a  b\n</pre>\n"
    )
    assert read_markdown(source, PATH).text.split("\n\n") == [
        "Der Damm bei Nacht.",
        "eins",
        "zwei",
        "Tag",
        "Pegel",
        "Di",
        "5,10 m",
        "Erste Zeile\nzweite Zeile",
        "  a  b",
    ]


def test_hostile_html_blocks_keep_only_their_shown_text_literally() -> None:
    bomb = "&amp;" * 200_000 + "&amp;lt;"
    source = (
        "Vorher.\n\n"
        "<div>Offen <b>fett <i>kursiv\n\n"  # unclosed, and the block ends at the blank line
        "<div><script>steal()</script><style>p{}</style>Sichtbar</div>\n\n"
        "<div><template>t</template><noscript>n</noscript><!-- k -->Auch sichtbar</div>\n\n"
        f"<p>{bomb}</p>\n\n"
        "<p>[bold]laut[/bold] [@click=app.quit]x[/] &lt;b&gt; &#x1b;[2J\x1b]0;t\x07</p>\n\n"
        "<script>\nvar a = 1;\n\nvar b = 2;\n</script>\n\n"
        "<!-- ein\n\nKommentar -->\n\n"
        '<!DOCTYPE x [ <!ENTITY a "b"> ]>\n\n'
        "Nachher.\n"
    )
    assert read_markdown(source, PATH).text.split("\n\n") == [
        "Vorher.",
        "Offen fett kursiv",
        "Sichtbar",
        "Auch sichtbar",
        "&" * 200_000 + "&lt;",
        "[bold]laut[/bold] [@click=app.quit]x[/] <b>",
        "Nachher.",
    ]


def test_html_blocks_are_held_to_the_html_readers_limits() -> None:
    many = "<div>x</div>\n\n" * (MAX_HTML_ELEMENTS + 1)
    with pytest.raises(ImportRefused, match="HTML has more than 30000 elements"):
        read_markdown(many, PATH)
    with pytest.raises(ImportRefused, match="nested too deeply"):
        read_markdown("Text.\n\n" + "<div>" * 300 + "tief", PATH)
    # An unclosed script in one block hides nothing in the next from the count.
    attributes = " ".join(f"a{n}=v" for n in range(MAX_TAG_ATTRIBUTES + 1))
    with pytest.raises(ImportRefused, match="an HTML element has 1001 attributes"):
        read_markdown(f"<div><script>\n\n<p {attributes}>x</p>\n", PATH)


def test_a_markdown_file_of_only_empty_html_is_refused() -> None:
    with pytest.raises(ImportRefused) as caught:
        read_markdown("<div>\n\n<!-- nichts -->\n\n<script>x()</script>\n\n</div>\n", PATH)
    assert str(caught.value) == f"{PATH}: no article text found"


RAW_WITH_HTML = "# T\n\nText eins.\n\n<p>Absatz in p-Tags.</p>\n\nDie Bürger\u00admeisterin.\n"
WITHOUT_HTML = "T\n\nText eins.\n\nDie Bürger\u00admeisterin."


def _import_over(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    stored_name: str,
    stored_text: str,
    outlet: str | None = None,
    raw: str = RAW_WITH_HTML,
) -> tuple[int, str, str, list[tuple[str, str]]]:
    """Import ``ptag.md`` (``raw``) into a database holding one document as given
    (of ``outlet``, else of the outlet the file gets)."""
    from claimdesk.cli import main
    from store.db import connect, write
    from store.documents import insert_document
    from store.formats import ParsedArticle
    from store.formats.dispatch import read_articles
    from store.formats.titles import fallback_outlet

    article = tmp_path / "ptag.md"
    article.write_text(raw, encoding="utf-8")
    db_path = tmp_path / "c.db"
    db = connect(db_path)
    # Stored from this file, so of the outlet import gives it.
    (read,) = read_articles(article)
    assert isinstance(read, ParsedArticle)
    with write(db):
        given = outlet or read.outlet or fallback_outlet(tmp_path.name, read.url)
        insert_document(db, ParsedArticle(stored_name, stored_text, outlet=given))
    db.close()
    capsys.readouterr()
    code = main(["--db", str(db_path), "import", "--no-stories", str(article)])
    captured = capsys.readouterr()
    db = connect(db_path)
    rows = db.conn.execute("SELECT source_name, text FROM documents ORDER BY id").fetchall()
    db.close()
    return code, captured.out, captured.err, rows


@pytest.mark.parametrize(
    ("soft_hyphens", "stored_name"),
    [(False, "ptag.md"), (True, "ptag.md"), (False, "ptag.md~2")],
)
def test_a_file_stored_without_its_html_blocks_is_that_document_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], soft_hyphens: bool, stored_name: str
) -> None:
    # Stored by a claimdesk that dropped HTML blocks (and, earlier, kept soft hyphens), the
    # file is the same article: a second document would be grouped and linked with it, and
    # the first one's spans point into the text as it was stored.
    stored_then = normalize_text(WITHOUT_HTML, soft_hyphens=soft_hyphens)
    code, out, err, rows = _import_over(tmp_path, capsys, stored_name, stored_then)
    assert code == 0
    assert "imported 0 new document(s) from 1 file(s); 1 already present" in out
    assert err == (
        f"claimdesk: note: {tmp_path / 'ptag.md'}: its text without its HTML blocks is already"
        f" stored as {stored_name}, as an earlier claimdesk stored such a file; that copy is"
        " kept as it is (if the HTML blocks are new text, import the file under another name)\n"
    )
    assert rows == [(stored_name, stored_then)]


def test_another_files_document_with_that_text_is_not_taken_for_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Without its HTML blocks an article may be no more than its title, which any other
    # file's document can hold: the file is then stored, not noted as found.
    stored_then = normalize_text(WITHOUT_HTML)
    code, out, err, rows = _import_over(tmp_path, capsys, "other.md", stored_then)
    assert (code, err) == (0, "")
    assert "imported 1 new document(s) from 1 file(s); 0 already present" in out
    assert [name for name, _text in rows] == ["other.md", "ptag.md"]


def test_another_outlets_document_with_that_text_is_not_taken_for_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # v2/story.md, its update an HTML block, was taken for v1/story.md's old copy and the
    # update never imported.
    stored_then = normalize_text(WITHOUT_HTML)
    code, out, err, rows = _import_over(tmp_path, capsys, "ptag.md", stored_then, "Other Outlet")
    assert (code, err) == (0, "")
    assert "imported 1 new document(s) from 1 file(s); 0 already present" in out
    assert len(rows) == 2


def test_a_file_stored_whole_is_found_again_without_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from claimdesk.cli import main

    article = tmp_path / "ptag.md"
    article.write_text("Text eins.\n\n<p>Absatz in p-Tags.</p>\n", encoding="utf-8")
    db_path = str(tmp_path / "c.db")
    assert main(["--db", db_path, "import", "--no-stories", str(article)]) == 0
    capsys.readouterr()
    assert main(["--db", db_path, "import", "--no-stories", str(article)]) == 0
    captured = capsys.readouterr()
    assert "imported 0 new document(s) from 1 file(s); 1 already present" in captured.out
    assert captured.err == ""


def test_inline_scripts_and_styles_are_left_out_with_their_content() -> None:
    # Inside a paragraph, markdown-it makes <script> and </script> two html_inline tokens
    # and the script between them text: "alert(1)" was stored as article prose.
    source = (
        "# Flut <script>track()</script>im Tal\n\n"
        "Text <script>alert(1)</script> more.\n\n"
        'A <STYLE type="text/css">p{}</STYLE> b <b>bold</b> <span>span</span>'
        " <script-box>kept</script-box>.\n\n"
        "Multi <script>var a = *1*;\nvar b = [2](x);</script> end.\n\n"
        "Quoted <script>x = '</style>'</script> after.\n\n"
        "Open <script>x = 1 and\nthe rest\n\nNext paragraph.\n"
    )
    article = read_markdown(source, PATH)
    assert article.text.split("\n\n") == [
        "Flut im Tal",
        "Text  more.",
        "A  b bold span kept.",
        "Multi  end.",
        "Quoted  after.",
        "Open",
        "Next paragraph.",
    ]
    assert article.title == "Flut im Tal"
    assert article.note == "the content of 6 inline script or style element(s) was left out"


def test_a_note_on_inline_scripts_joins_the_front_matter_note() -> None:
    source = "---\ntitle: [1, 2]\n---\nText <style>p{}</style> more.\n"
    assert read_markdown(source, PATH).note == (
        "front matter values that are not text were left out: title (a list)"
        "; the content of 1 inline script or style element(s) was left out"
    )


RAW_WITH_SCRIPT = (
    "# T\n\nDer Rat tagte <script>track()</script>und stimmte ab.\n\n"
    "<p>Absatz in p-Tags.</p>\n\nDie Bürger\u00admeisterin.\n"
)
SCRIPT_NOTE = "the content of 1 inline script or style element(s) was left out"


def _inline_text_before_scripts_went(source: str) -> list[str]:
    """Each inline token's text as claimdesk read it before inline scripts went with their
    content: text tokens kept, every inline HTML tag dropped."""

    def text(children: list[Token]) -> str:
        parts: list[str] = []
        for child in children:
            if child.type in ("text", "text_special", "code_inline"):
                parts.append(child.content)
            elif child.type == "softbreak":
                parts.append(" ")
            elif child.type == "hardbreak":
                parts.append("\n")
            elif child.type == "image":
                parts.append(text(child.children or []))
        return "".join(parts)

    return [text(t.children or []) for t in _parser().parse(source) if t.type == "inline"]


def test_the_text_read_before_inline_scripts_went_is_as_stored_here() -> None:
    assert _inline_text_before_scripts_went(RAW_WITH_SCRIPT) == [
        "T",
        "Der Rat tagte track()und stimmte ab.",
        "Die Bürger\u00admeisterin.",
    ]


# As each earlier claimdesk stored RAW_WITH_SCRIPT: with the text of its HTML block (before
# inline scripts went), and, earlier, without it, first with soft hyphens and then without.
WITH_SCRIPT_TEXT = (
    "T\n\nDer Rat tagte track()und stimmte ab.\n\nAbsatz in p-Tags.\n\nDie Bürgermeisterin."
)
WITH_SCRIPT_TEXT_WITHOUT_HTML = (
    "T\n\nDer Rat tagte track()und stimmte ab.\n\nDie Bürger\u00admeisterin."
)


def already_stored(name: str) -> str:
    return (
        f"its text is already stored as {name}, as an earlier claimdesk read its inline script"
        " or style elements (their content kept as text, or left out of image alt text);"
        " that copy is kept as it is"
    )


@pytest.mark.parametrize(("stored_name", "outlet"), [("ptag.md", None), ("moved.md", "Elsewhere")])
def test_a_file_stored_with_its_inline_scripts_content_is_that_document_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stored_name: str, outlet: str | None
) -> None:
    # Stored by a claimdesk that kept a script's content as text, the file read now was
    # imported again as a second document, away from the first one's spans and links. That
    # claimdesk took the text for the same article under any name, and so does this one.
    code, out, err, rows = _import_over(
        tmp_path, capsys, stored_name, WITH_SCRIPT_TEXT, outlet, RAW_WITH_SCRIPT
    )
    assert code == 0
    assert "imported 0 new document(s) from 1 file(s); 1 already present" in out
    path = tmp_path / "ptag.md"
    assert err == (
        f"claimdesk: note: {path}: {SCRIPT_NOTE}\n"
        f"claimdesk: note: {path}: {already_stored(stored_name)}\n"
    )
    assert rows == [(stored_name, WITH_SCRIPT_TEXT)]


@pytest.mark.parametrize("soft_hyphens", [False, True])
def test_a_file_stored_without_its_html_blocks_is_found_by_its_inline_scripts_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], soft_hyphens: bool
) -> None:
    # The claimdesks that dropped HTML blocks all kept an inline script's content as text.
    stored_then = normalize_text(WITH_SCRIPT_TEXT_WITHOUT_HTML, soft_hyphens=soft_hyphens)
    code, out, err, rows = _import_over(
        tmp_path, capsys, "ptag.md", stored_then, raw=RAW_WITH_SCRIPT
    )
    assert code == 0
    assert "imported 0 new document(s) from 1 file(s); 1 already present" in out
    assert "its text without its HTML blocks is already stored as ptag.md" in err
    assert rows == [("ptag.md", stored_then)]


def test_a_file_of_inline_scripts_stored_with_soft_hyphens_is_found_again() -> None:
    # Without HTML blocks, the earliest claimdesk's text is the whole file's, soft hyphens in.
    article = read_markdown("Rat <script>x()</script>tagte.\n\nBürger\u00admeisterin.\n", PATH)
    assert article.text == "Rat tagte.\n\nBürgermeisterin."
    assert article.stored_scripts_read_before == (
        "Rat x()tagte.\n\nBürgermeisterin.",
        "Rat x()tagte.\n\nBürger\u00admeisterin.",
    )


def test_script_tags_in_image_alt_text_go_but_their_content_stays() -> None:
    # Alt text is an attribute's plain text: renderers put "alt x() y" there, no script runs.
    article = read_markdown("Bild ![alt <script>x()</script> y](i.png) hier.\n", PATH)
    assert (article.text, article.note) == ("Bild alt x() y hier.", None)


def test_a_file_stored_without_its_alt_texts_scripts_content_is_found_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As the claimdesk that first left inline scripts out stored it: from alt text too.
    raw = "# T\n\nRat <script>a()</script>tagte ![Bild <script>x()</script>y](i.png).\n"
    stored_then = "T\n\nRat tagte Bild y."
    code, out, err, rows = _import_over(tmp_path, capsys, "ptag.md", stored_then, raw=raw)
    assert code == 0
    assert "imported 0 new document(s) from 1 file(s); 1 already present" in out
    path = tmp_path / "ptag.md"
    assert err == (
        f"claimdesk: note: {path}: {SCRIPT_NOTE}\n"
        f"claimdesk: note: {path}: {already_stored('ptag.md')}\n"
    )
    assert rows == [("ptag.md", stored_then)]
