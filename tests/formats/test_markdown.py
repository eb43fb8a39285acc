"""Markdown reader: front matter, then markdown-it tokens rendered as plain paragraphs."""

from __future__ import annotations

from pathlib import Path

from store.formats.front_matter import split_front_matter
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
        "Text with inline html inside.",
    ]


def test_urls_and_markup_are_gone() -> None:
    text = read_markdown(DOCUMENT, PATH).text
    for absent in ("https://", "map.png", "*", "`", "#", "Advertisement", "<span>", "---"):
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
    text, _ = markdown_to_text("| Day | Level |\n|---|---|\n| Tue | 5.10 m |\n| Wed | 6.84 m |\n")
    assert text == "Day | Level\nTue | 5.10 m\nWed | 6.84 m"


def test_deep_nesting_does_not_crash() -> None:
    text, _ = markdown_to_text(">" * 10_000 + " deep\n\n" + "[" * 10_000 + "x\n\nAfter.")
    assert text.endswith("x\n\nAfter.")
