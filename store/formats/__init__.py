"""Readers that turn article files into normalised text plus metadata.

Every reader yields :class:`ParsedArticle` records whose ``text`` has already been
through :func:`store.formats.normalize.normalize_text`, so offsets computed on it
are final. A file that cannot be read raises :class:`store.errors.ImportRefused`.

| caller                  | calls                       |
|-------------------------|-----------------------------|
| ``store.importer``      | :func:`read_articles`       |
| ``read_articles``       | one reader per file suffix  |

Modules: ``dispatch`` (suffix → reader, :func:`read_articles`), ``files`` and
``decode`` (bytes from disk, bytes to text), ``txt``, ``markdown`` (with
``front_matter`` and its ``yaml_values``; ``markdown_markup`` bounds tables and
nesting), ``html`` (trafilatura, with ``html_fallback`` and ``html_blocks``;
``html_markup`` counts elements and attributes before parsing) and ``jsonl`` (the
readers; ``jsonl_export`` reads claimdesk's own exports back), ``build`` (reader output
→ :class:`ParsedArticle`), ``normalize``, ``metadata``, ``dates`` and ``language``
(what ``build`` applies), ``limits`` (:data:`~store.formats.limits.MAX_ARTICLE_CHARS`)
and ``signatures``
(binary formats refused by magic number).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """One article as read from a file, before it is stored."""

    source_name: str
    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None
    external_id: str | None = None
    note: str | None = None
    """A repair made while reading the file, for the importer to report (one line)."""
    stored_before: str | None = None
    """The text as claimdesk stored it before it dropped soft hyphens, when that differs:
    the same file stored then is the same article, not a new one."""
    stored_without_html: tuple[str, ...] = ()
    """The texts claimdesk stored for a Markdown file before it read the text of HTML
    blocks (it dropped them): a document holding one is this article with that text
    missing, and stays as it is (spans point into it); the importer says so."""
    stored_scripts_read_before: tuple[str, ...] = ()
    """The texts claimdesk stored for a Markdown file before it left the content of inline
    script and style elements out (it kept it as text): a document holding one is this
    article, whatever its name, as when it was stored; it stays as it is and the importer
    says so."""
