"""Markdown reader: front matter, then markdown-it tokens rendered as plain paragraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import ImportRefused
from store.formats.front_matter import split_front_matter
from store.formats.limits import MAX_HTML_ELEMENTS, MAX_TAG_ATTRIBUTES
from store.formats.markdown import markdown_to_text, read_markdown

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
    pairs, rest = split_front_matter("---\ntitle: x\n\nBody")
    assert pairs == []
    assert rest == "---\ntitle: x\n\nBody"


def test_leading_thematic_break_is_not_front_matter() -> None:
    source = "---\nThis is prose, not YAML.\n---\n\nBody."
    assert split_front_matter(source) == ([], source)


def test_front_matter_with_crlf() -> None:
    article = read_markdown("---\r\ntitle: Windows\r\n---\r\nBody text.\r\n", PATH)
    assert article.title == "Windows"
    assert article.text == "Body text."


def test_table_rows_become_lines() -> None:
    text = markdown_to_text(
        "| Day | Level |\n|---|---|\n| Tue | 5.10 m |\n| Wed | 6.84 m |\n", PATH
    ).text
    assert text == "Day | Level\nTue | 5.10 m\nWed | 6.84 m"


def test_deep_nesting_does_not_crash() -> None:
    text = markdown_to_text(">" * 10_000 + " deep\n\n" + "[" * 10_000 + "x\n\nAfter.", PATH).text
    assert text.endswith("x\n\nAfter.")


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
