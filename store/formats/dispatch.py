"""Entry point for the importer: pick the reader for a file by its suffix."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from store.errors import ImportRefused
from store.formats import ParsedArticle
from store.formats.decode import decode_text
from store.formats.files import open_binary, read_bytes
from store.formats.html import read_html
from store.formats.jsonl import read_jsonl
from store.formats.limits import MAX_ARTICLE_CHARS
from store.formats.markdown import read_markdown
from store.formats.txt import read_txt


class Reader(Protocol):
    """A reader of one-article files: decoded text in, one article out (or a refusal)."""

    def __call__(self, text: str, path: Path, *, max_chars: int = ...) -> ParsedArticle: ...


_SINGLE_ARTICLE_READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".text": read_txt,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".xhtml": read_html,
}
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUPPORTED_SUFFIXES = frozenset(_SINGLE_ARTICLE_READERS) | JSONL_SUFFIXES
"""File suffixes (lower case) that :func:`read_articles` reads; others are refused."""


def read_articles(
    path: Path, *, max_chars: int = MAX_ARTICLE_CHARS
) -> Iterator[ParsedArticle | ImportRefused]:
    """The articles in the file at ``path``, chosen by its suffix (any case).

    Text, markdown and HTML files hold one article, named by the file name; JSONL holds
    one per line and yields a line's refusal in place of its article. A failure of the
    whole file (unreadable, empty, binary, undecodable, no text, over ``max_chars``) is
    raised as :class:`ImportRefused` when iteration starts. ``outlet`` stays None unless
    the file names one.
    """
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        with open_binary(path) as stream:
            yield from read_jsonl(stream, path, max_chars=max_chars)
        return
    reader = _SINGLE_ARTICLE_READERS.get(suffix)
    if reader is None:
        raise ImportRefused(path, f"unsupported file type {suffix or '(no suffix)'}")
    decoded = decode_text(read_bytes(path), path)
    article = reader(decoded.text, path, max_chars=max_chars)
    if decoded.note is None:
        yield article
    else:
        notes = (decoded.note, article.note) if article.note else (decoded.note,)
        yield replace(article, note="; ".join(notes))
