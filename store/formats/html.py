"""HTML articles: trafilatura finds the article text and metadata; a simpler lxml
extraction (:mod:`store.formats.html_fallback`) covers pages where it finds nothing."""

from __future__ import annotations

import copy
import functools
import logging
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from types import ModuleType
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from lxml import html as lxml_html

from store.errors import ImportRefused
from store.formats import ParsedArticle
from store.formats.build import NO_TEXT, build_article
from store.formats.fields import ArticleFields
from store.formats.html_ampersands import Ampersands
from store.formats.html_blocks import Element, block_paragraphs
from store.formats.html_fallback import fallback_paragraphs, shown_paragraphs
from store.formats.html_markup import check_markup, outside_raw_text
from store.formats.limits import MAX_ARTICLE_CHARS, too_long_reason
from store.formats.normalize import (
    ESCAPE_STARTS,
    XML_FORBIDDEN,
    clean_controls,
    without_escape_sequences,
)

# Their warnings would land on stderr, under the terminal UI; a page they cannot handle
# is reported through ImportRefused or the fallback instead.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL + 1)

_DATE_PARAMS = {"original_date": True, "extensive_search": False}
"""Only dates the page states in its metadata; a guess from body text is often a wrong date."""

# Vocabulary of trafilatura's XML result (``Document.body``).
_RESULT_BLOCKS = frozenset(
    {"p", "head", "item", "quote", "list", "table", "row", "cell", "div", "section", "note"}
)
_RESULT_BREAKS = frozenset({"lb"})
_RESULT_PRESERVE = frozenset({"code"})

_TITLE_TAGS = ("title", "h1", "h2", "h3", "h4", "h5", "h6")
"""Where trafilatura looks for a title, besides meta tags and JSON-LD."""

_TAG = re.compile(r"<[^<>]*>")  # no "<" inside, so an unclosed "<" costs no rescans
_EXTRA_WHITESPACE = re.compile(r"[ \t\n\r\f]{2,}|[\t\n\r\f]")
"""Whitespace that collapsing changes; matching lone spaces too would cost a match per word."""


# A DOCTYPE with an internal subset (XHTML saved with entity declarations, or a hostile
# file's XXE attempt) at the start of a page: libxml2's HTML parser does not read the
# subset, and its "]>" became the first words of the title and the text. Entities are
# never expanded either way.
_INTERNAL_SUBSET = re.compile(
    r"\A(\s*<\?xml[^>]*>)?\s*<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL
)


def read_html(text: str, path: Path, *, max_chars: int = MAX_ARTICLE_CHARS) -> ParsedArticle:
    """Read the article in one HTML page; ``source_name`` is the file name."""
    source = _without_internal_subset(clean_controls(text))
    if len(source) > max_chars:
        # Refuse a page whose text alone is over the limit before any parsing: trafilatura
        # takes seconds on tens of megabytes, and libxml2 stops at 10 MB text nodes.
        estimate = visible_text_length(source)
        if estimate > max_chars:
            raise ImportRefused(path, too_long_reason(estimate, max_chars))
    check_markup(source, path)
    tree = parse_html(source, path)
    if "&#" in source:
        _strip_escape_sequences(tree)
    fields = extract_fields(tree)
    return build_article(fields, path=path, source_name=path.name, max_chars=max_chars)


def html_piece_paragraphs(source: str, path: Path) -> list[str]:
    """Paragraphs of the text a piece of HTML inside an article shows (a Markdown file's
    HTML block), none when it shows nothing; parsed and refused as a page is, but read
    whole (:func:`~store.formats.html_fallback.shown_paragraphs`)."""
    tree = _parse(_without_internal_subset(source), path)
    return [] if tree is None else shown_paragraphs(tree)


def _strip_escape_sequences(tree: Element) -> None:
    """Remove terminal escape sequences, whole, from the text and attribute values of
    ``tree``, where character references (``&#27;[31m``) have been decoded.

    Raw escape characters went before parsing, but a referenced one reaches the tree.
    The body was cleaned right, from its joined text; trafilatura, though, drops the ESC
    from the title, site name and headings it returns, and the tail was stored: a title
    ``T&#27;[31mX`` became ``T[31mX``, an ``og:site_name`` ``S&#27;]0;x&#7;ite`` the
    outlet ``S]0;xite``. Attribute values, the title and headings (read as one text, as
    trafilatura reads them) are whole strings and lose any incomplete sequence's ESC too;
    other text may go on in the next element, so one holding an incomplete sequence stays
    as it is (lxml cannot be given its ESC again) for the body's joined text to clean.
    """
    for heading in tree.iter(*_TITLE_TAGS):
        if len(heading) and _holds_escape("".join(heading.itertext())):
            etree.strip_tags(heading, "*")
        if heading.text and _holds_escape(heading.text):
            heading.text = clean_controls(heading.text)
    for element in tree.iter():
        for part in ("text", "tail"):
            text = getattr(element, part)
            if text and _holds_escape(text):
                cleaned = without_escape_sequences(text)
                if not _holds_escape(cleaned) and not XML_FORBIDDEN.search(cleaned):
                    setattr(element, part, cleaned)
        for name, value in element.attrib.items():
            if _holds_escape(value):
                element.set(name, clean_controls(value))


def _holds_escape(text: str) -> bool:
    return any(start in text for start in ESCAPE_STARTS)


def _without_internal_subset(source: str) -> str:
    return _INTERNAL_SUBSET.sub(r"\1", source, count=1)


def parse_html(source: str, path: Path) -> Element:
    """Parse ``source`` into an ``<html>`` element, refusing what libxml2 cannot take whole.

    libxml2 stops at 256 levels of nesting or at a huge text node; what it built until
    then is a silently truncated page, so such a page is refused instead.
    """
    tree = _parse(source, path)
    if tree is None:
        raise ImportRefused(path, NO_TEXT)
    return tree


def _parse(source: str, path: Path) -> Element | None:
    """:func:`parse_html`, with None for a source that holds no element or text."""
    parser = lxml_html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    try:
        # Bytes with a declared encoding: a str with an XML declaration is rejected by lxml.
        tree = lxml_html.document_fromstring(source.encode("utf-8", "replace"), parser=parser)
    except (etree.LxmlError, ValueError):  # "Document is empty"
        return None
    for entry in parser.error_log:
        message = str(entry.message)
        if "XML_PARSE_HUGE" in message or entry.type_name == "ERR_RESOURCE_LIMIT":
            if "depth" in message.lower():
                reason = "HTML nested too deeply to read (over 255 levels)"
            else:
                reason = "HTML too large for the parser (a text or tag over 10 MB)"
            raise ImportRefused(path, reason)
    return tree


def extract_fields(tree: Element) -> ArticleFields:
    """Article text and metadata of a parsed page; trafilatura first, then the fallback."""
    ampersands = Ampersands.for_page(tree)
    given = tree if ampersands is None else ampersands.masked(tree)
    document = _trafilatura(given)
    paragraphs = _result_paragraphs(document) if document is not None else []
    if not paragraphs:
        paragraphs = fallback_paragraphs(tree)
        document = _metadata_only(given)
    elif ampersands is not None:
        paragraphs = [ampersands.restored(paragraph) for paragraph in paragraphs]
    fields = ArticleFields(text="\n\n".join(paragraphs))
    if document is not None:
        fields.title = _field(document, "title", ampersands)
        fields.published = _field(document, "date", ampersands)
        fields.outlet = _as_written(_field(document, "sitename", ampersands), tree)
        fields.url = _url(document, tree, ampersands)
    if fields.title is None:
        fields.title = _string(tree.findtext(".//title"))
    fields.language = _string(tree.get("lang") or tree.get("xml:lang"))
    return fields


def _field(document: Any, name: str, ampersands: Ampersands | None) -> str | None:
    value = _string(getattr(document, name, None))
    return value if value is None or ampersands is None else ampersands.restored(value)


def _url(document: Any, tree: Element, ampersands: Ampersands | None) -> str | None:
    """trafilatura's URL of the page, with its character references decoded once.

    trafilatura reads the URL from the tree, where lxml has decoded the attribute, and
    decodes it again with the other metadata: a canonical link's ``?b=1&amp;copy=2`` was
    stored as ``?b=1©=2``, ``&amp;region=eu`` as ``®ion=eu``. :class:`Ampersands` cannot
    shield a link, as trafilatura normalises a link's URL (a stand-in would be
    percent-encoded), nor an og:url on a page that holds every stand-in. So where the URL
    is exactly the second decoding of a URL trafilatura read, that reading is taken. Any
    other URL stays as trafilatura gives it: normalised as earlier imports stored it,
    since the w3c export tells the documents of one page apart by their URL.
    """
    url = _field(document, "url", ampersands)
    if url is None:
        return None
    for read in _urls_read(tree):
        if read != url and _decoded_again(read) == url:
            return read
    return url


def _urls_read(tree: Element) -> Iterator[str]:
    """The URLs trafilatura takes a page's from, as lxml decoded them: og:url and
    twitter:url as written, and its normalised reading of the canonical link (or
    ``<base>``, or the x-default alternate)."""
    for content in tree.xpath(
        "//meta[@property='og:url']/@content | //meta[@name='twitter:url']/@content"
    ):
        yield str(content)
    trafilatura = _trafilatura_module()
    if trafilatura is None:
        return
    try:
        linked = trafilatura.metadata.extract_url(tree)
    except Exception:  # as in _trafilatura: the URL trafilatura gave stays
        return
    if isinstance(linked, str):
        yield linked


def _decoded_again(url: str) -> str | None:
    """``url`` as trafilatura's metadata cleaning leaves it (``Document.clean_and_trim``)."""
    trafilatura = _trafilatura_module()
    if trafilatura is None:
        return None
    try:
        return _string(trafilatura.utils.line_processing(unescape(url)))
    except Exception:  # the cleaning moved or changed: no URL is taken as decoded twice
        return None


def _as_written(sitename: str | None, tree: Element) -> str | None:
    """The page's own spelling of ``sitename``.

    trafilatura title-cases a site name that starts in lower case and has no dot: "taz"
    became "Taz", "nd" "Nd", "[i]Site[/i]" "[I]Site[/I]", so the outlet no longer
    matched what the page (and the outlet's other articles, by other routes) call it.
    """
    if not sitename:
        return sitename
    pattern = re.compile(re.escape(sitename), re.IGNORECASE)
    sources = tree.xpath("//meta/@content | //script[@type='application/ld+json']/text()")
    for source in sources:
        for found in pattern.finditer(str(source)):
            written = found.group()
            if written != sitename and written.title() == sitename:
                return written
    return sitename


@functools.cache
def _trafilatura_module() -> ModuleType | None:
    """trafilatura, imported on the first HTML page; None where it cannot be imported.

    It pulls in jusText, courlan and lxml's HTML cleaner (about 0.3 s), which no command
    but an import needs. A broken install of that tree (lxml_html_clean missing, say)
    leaves HTML pages to the fallback extractor instead of stopping every import.
    """
    try:
        import trafilatura
    except ImportError as error:
        logging.getLogger(__name__).warning(
            "trafilatura cannot be imported (%s): HTML pages are read with the fallback extractor",
            error,
        )
        return None
    return trafilatura


def _trafilatura(tree: Element) -> Any:
    trafilatura = _trafilatura_module()
    if trafilatura is None:
        return None
    try:
        return trafilatura.bare_extraction(
            tree,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception:  # heuristics on hostile pages can fail anywhere; the fallback still runs
        return None


def _metadata_only(tree: Element) -> Any:
    trafilatura = _trafilatura_module()
    if trafilatura is None:
        return None
    try:
        return trafilatura.extract_metadata(copy.deepcopy(tree), date_config=_DATE_PARAMS)
    except Exception:  # as above: metadata is optional, the text is what matters
        return None


def _result_paragraphs(document: Any) -> list[str]:
    """Paragraphs of trafilatura's result: from its XML body, else its one-per-line text."""
    body = getattr(document, "body", None)
    if body is not None:
        paragraphs = block_paragraphs(
            body, blocks=_RESULT_BLOCKS, breaks=_RESULT_BREAKS, preserve=_RESULT_PRESERVE
        )
        if paragraphs:
            return paragraphs
    text = _string(getattr(document, "text", None)) or ""
    return [line for line in text.split("\n") if line.strip()]


def _string(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def visible_text_length(source: str) -> int:
    """About how many characters of text an HTML source shows (an upper estimate).

    Tags, scripts and styles are left out and whitespace runs count once; linear time,
    so it can vet sources too large to parse.
    """
    length = 0
    for start, end in outside_raw_text(source):
        chunk = _TAG.sub("", source[start:end])
        length += len(chunk) - sum(len(run) - 1 for run in _EXTRA_WHITESPACE.findall(chunk))
    return length
