"""Plain-text articles, optionally headed by ``key: value`` metadata lines."""

from __future__ import annotations

import re
from pathlib import Path

from store.formats import ParsedArticle
from store.formats.build import build_article
from store.formats.fields import ArticleFields, is_metadata_key
from store.formats.limits import MAX_ARTICLE_CHARS
from store.formats.normalize import normalize_text

_HEADER_LINE = re.compile(r"([A-Za-z]+)[ \t]*:[ \t]*(.*)")
MAX_HEADER_LINES = 20
"""A metadata block is short; stop looking for one in long first paragraphs."""


def read_txt(text: str, path: Path, *, max_chars: int = MAX_ARTICLE_CHARS) -> ParsedArticle:
    """Read one plain-text article; ``source_name`` is the file name."""
    pairs, body = split_metadata(normalize_text(text, soft_hyphens=True))
    fields = ArticleFields(text=body)
    fields.set_metadata(pairs)
    return build_article(fields, path=path, source_name=path.name, max_chars=max_chars)


def split_metadata(text: str) -> tuple[list[tuple[str, str]], str]:
    """Split normalised ``text`` into header ``(key, value)`` pairs and the body.

    The first block (up to the first blank line) is metadata only if every line in it
    is ``key: value`` with a known key, so a body opening ``Berlin: Die Polizei …``
    stays text. Without a blank line after it there is no body, so no header either.
    """
    block, separator, body = text.partition("\n\n")
    if not separator:
        return [], text
    lines = block.split("\n", MAX_HEADER_LINES)
    if len(lines) > MAX_HEADER_LINES:
        return [], text
    pairs: list[tuple[str, str]] = []
    for line in lines:
        match = _HEADER_LINE.fullmatch(line.strip())
        if match is None or not is_metadata_key(match.group(1)):
            return [], text
        pairs.append((match.group(1), match.group(2)))
    return pairs, body
