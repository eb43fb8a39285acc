"""Plain-text articles, optionally headed by ``key: value`` metadata lines."""

from __future__ import annotations

import re
from pathlib import Path

from store.formats import ParsedArticle
from store.formats.build import build_article
from store.formats.fields import ArticleFields, is_metadata_key
from store.formats.limits import MAX_ARTICLE_CHARS
from store.formats.normalize import clean_controls, normalize_text

_HEADER_LINE = re.compile(r"([A-Za-z]+)[ \t]*:[ \t]*(.*)")
MAX_HEADER_LINES = 20
"""A metadata block is short; stop looking for one in long first paragraphs."""


def read_txt(text: str, path: Path, *, max_chars: int = MAX_ARTICLE_CHARS) -> ParsedArticle:
    """Read one plain-text article; ``source_name`` is the file name."""
    normalised = normalize_text(text, soft_hyphens=True)
    pairs, body = split_metadata(
        normalised, ends_in_blank_line=_ends_in_blank_line(text, normalised)
    )
    fields = ArticleFields(text=body)
    fields.set_metadata(pairs)
    return build_article(fields, path=path, source_name=path.name, max_chars=max_chars)


def split_metadata(
    text: str, *, ends_in_blank_line: bool = False
) -> tuple[list[tuple[str, str]], str]:
    """Split normalised ``text`` into header ``(key, value)`` pairs and the body.

    The first block (up to the first blank line) is metadata only if every line in it
    is ``key: value`` with a known key, so a body opening ``Berlin: Die Polizei …``
    stays text. Without a blank line after it there is no header, so a one-line article
    ``Title: …`` is text. ``ends_in_blank_line`` says the file had one after its last
    line, which normalisation drops: a header then has an empty body.
    """
    block, separator, body = text.partition("\n\n")
    if not separator and not ends_in_blank_line:
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


def _ends_in_blank_line(raw: str, normalised: str) -> bool:
    """Whether ``raw`` ends in a line that normalisation (to ``normalised``) left blank.

    Only a text of one short block can be a header without a body, so a longer one is
    not cleaned a second time.
    """
    if "\n\n" in normalised or normalised.count("\n") >= MAX_HEADER_LINES:
        return False
    cleaned = clean_controls(raw)
    return cleaned[len(cleaned.rstrip(" \t\n")) :].count("\n") >= 2
