"""Size limits for imported articles, so one huge file cannot stall or exhaust an import."""

from __future__ import annotations

from pathlib import Path

from store.errors import ImportRefused

MAX_ARTICLE_CHARS = 10_000_000
"""Longest article text (code points after normalisation) that readers accept."""

MAX_MARKUP_LINES = 200_000
"""Most lines a Markdown article may have before it is parsed. markdown-it keeps a few
tokens per block: 3 million one-letter paragraphs (9 MB, under the character limit) took
122 s and 4.3 GB; an article has a few hundred lines, a long report a few thousand."""

MAX_MARKDOWN_TABLE_CELLS = 100_000
"""Most table cells a Markdown article may have, estimated before it is parsed
(:mod:`store.formats.markdown_markup`). markdown-it costs about 20 us and 1 KB a cell:
a 1.7 MB table of 40 rows by 20,000 columns took 16 s and 1.1 GB, an 8 MB one 97 s and
5.3 GB; 100,000 cells (a table of 20 columns by 5,000 rows) take 2-3 s and about 50 MB
more than a short article."""

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Largest file read into memory at all; far above any article, it only stops accidents."""


def check_length(text: str, path: Path | str, max_chars: int) -> None:
    """Refuse ``text`` when it has more than ``max_chars`` code points."""
    if len(text) > max_chars:
        raise ImportRefused(path, too_long_reason(len(text), max_chars))


def too_long_reason(length: int, max_chars: int) -> str:
    """The one-line reason for an article of ``length`` characters over ``max_chars``."""
    return f"article has {length} characters, over the limit of {max_chars}"


def check_lines(text: str, path: Path | str, max_lines: int = MAX_MARKUP_LINES) -> None:
    """Refuse markup with more than ``max_lines`` lines before a parser sees it."""
    lines = text.count("\n") + 1
    if lines > max_lines:
        raise ImportRefused(
            path, f"markup has {lines} lines, over the limit of {max_lines} for one article"
        )


MAX_HTML_ELEMENTS = 30_000
"""Most elements (start tags) an HTML page may have before it is parsed. Parsing and
trafilatura cost about 0.4 ms an element: 100,000 one-letter paragraphs (800 KB) took
33 s and a 7.6 MB page of 100,000 paragraphs 57 s and 450 MB. The largest of 109 real
pages in trafilatura's test set (news sites, blogs, Wikipedia) has 4,636."""

MAX_HTML_ATTRIBUTES = 100_000
"""Most attributes on all elements of one HTML page; the most in those 109 pages is 5,112."""

MAX_TAG_ATTRIBUTES = 1_000
"""Most attributes on one element: libxml2 and the extractors compare each attribute with
the others, so 100,000 on one element (1 MB) took 156 s; a real page has at most about 20."""
