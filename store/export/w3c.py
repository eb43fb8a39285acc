"""W3C Web Annotation JSON-LD: one ``AnnotationCollection`` whose page holds an
``Annotation`` per span, targeting the document by ``TextQuoteSelector`` (exact,
with at least 32 characters of prefix and suffix, more where that much context occurs
elsewhere in the document too) and ``TextPositionSelector`` (code-point start and
end, as the model defines positions).

The target ``source`` is the article's URL when it is an absolute http(s) IRI,
else ``urn:sha256:`` of the stored text, which names that exact text wherever it is
stored. URLs come from imported metadata as they were written: JSON-LD processors
drop a source with spaces, read ``_:b0`` as a blank node and resolve a relative path
against whatever base the reader has, and a ``javascript:`` URL is no document at
all; those are replaced, and counted in the notes. Other schemes (``ftp:``,
``file:``) are replaced too: no news article is served from them, and a ``file:``
path names a file on someone's machine.

Ids (the model says an Annotation, a Collection and a Page MUST have an IRI):
an annotation is ``urn:claimdesk:span:ID`` with the span id percent-encoded (ids
from imported files may hold spaces or ``#``); the collection is
``urn:claimdesk:collection:HASH``, where HASH digests the selection (the filter and
the exported documents' hashes), so the same export gets the same id; its one page
is the collection id with ``:page1``.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import IO, Any
from urllib.parse import quote, urlsplit, urlunsplit

import sqlite_utils

from store.export.common import (
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    document_query,
    dumps,
    is_model,
    iter_documents,
)
from store.model import Document, Span

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32
# A quote selector is widened (doubling) until it occurs once in its document, up to
# this much on each side: a client that re-anchors by quote (Hypothesis, after the text
# changed) went to the wrong one of 199 places in a repetitive article. Wider stops
# being a quote; the position selector still places the span.
MAX_CONTEXT_CHARS = 1024


WEB_SCHEMES = ("http", "https")
# What RFC 3987 allows in no IRI, besides spaces and control characters.
_NOT_IN_IRI = set('<>"{}|\\^`')


def usable_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) IRI a JSON-LD processor keeps as it is."""
    if not url:
        return None
    if any(
        char.isspace() or char in _NOT_IN_IRI or unicodedata.category(char) in ("Cc", "Cf")
        for char in url
    ):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:
        return None
    if parts.scheme not in WEB_SCHEMES or not parts.hostname:
        return None
    return url


def shared_urls(db: sqlite_utils.Database) -> set[str]:
    """URLs that more than one stored text carries: an article imported again after
    the outlet updated it. Read over the whole database, not the selection, so that a
    document's source does not depend on which others an export takes."""
    seen: set[str] = set()
    shared: set[str] = set()
    for (url,) in db.conn.execute("SELECT url FROM documents WHERE url IS NOT NULL AND url != ''"):
        usable = usable_url(url)
        if usable is not None:
            page = page_of(usable)
            (shared if page in seen else seen).add(page)
    return shared


def page_of(url: str) -> str:
    """The page a usable URL fetches: scheme and host in lower case, no default port, no
    fragment. ``HTTPS://News.example:443/a#top`` and ``https://news.example/a`` are one
    page, and two texts under them share it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    port = "" if parts.port in (None, default) else f":{parts.port}"
    return urlunsplit((parts.scheme.lower(), host + port, parts.path or "/", parts.query, ""))


def document_target(document: Document, shared: set[str]) -> dict[str, str]:
    """What every annotation of ``document`` targets: its URL as ``source``, unless the URL
    is unusable or names another stored text as well (:func:`shared_urls`), as a consumer
    fetching it gets one text and would apply the other's positions to it. Then the source
    is ``urn:sha256:`` of the text, with a shared URL as ``scope`` (the model's resource
    the target was seen in)."""
    url = usable_url(document.url)
    if url is not None and page_of(url) not in shared:
        return {"source": url}
    target = {"source": f"urn:sha256:{document.sha256}"}
    if url is not None:
        target["scope"] = url
    return target


def span_iri(span_id: str) -> str:
    """A valid IRI for any span id: everything outside unreserved characters is escaped."""
    return "urn:claimdesk:span:" + quote(span_id, safe="")


def collection_iri(db: sqlite_utils.Database, flt: ResolvedFilter) -> str:
    digest = hashlib.sha256(repr(flt).encode())
    sql, params = document_query(flt)
    for (sha,) in db.conn.execute(f"SELECT sha256 FROM ({sql})", params):
        digest.update(sha.encode())
    return f"urn:claimdesk:collection:{digest.hexdigest()[:16]}"


def quote_context(text: str, start: int, end: int) -> tuple[str, str, bool]:
    """Prefix and suffix for the quote at ``start:end``, and whether the three together
    occur in ``text`` only there."""
    width = CONTEXT_CHARS
    while True:
        prefix = text[max(0, start - width) : start]
        suffix = text[end : end + width]
        selector = prefix + text[start:end] + suffix
        at = start - len(prefix)
        unique = text.find(selector) == at and text.find(selector, at + 1) == -1
        edges = start - width <= 0 and end + width >= len(text)
        if unique or edges or width >= MAX_CONTEXT_CHARS:
            return prefix, suffix, unique
        width = min(width * 2, MAX_CONTEXT_CHARS)


def annotation(
    document: Document, span: Span, target: dict[str, str]
) -> tuple[dict[str, Any], bool]:
    """The span as an Annotation, and whether its quote selector is unique
    (:func:`quote_context`); ``target`` as :func:`document_target` gives it."""
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": span.label}
    ]
    if span.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": span.note})
    software = is_model(span.annotator)
    prefix, suffix, unique = quote_context(document.text, span.start, span.end)
    return {
        "@context": CONTEXT,
        "id": span_iri(span.id),
        "type": "Annotation",
        "motivation": "tagging",
        "creator": {"type": "Software" if software else "Person", "name": span.annotator},
        "created": span.created_at,
        "modified": span.updated_at,
        "body": bodies,
        "target": {
            **target,
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": span.quote,
                    "prefix": prefix,
                    "suffix": suffix,
                },
                {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            ],
        },
    }, unique


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    collection = collection_iri(db, flt)
    out.write(
        "{\n"
        f'"@context": {dumps(CONTEXT)},\n'
        f'"id": {dumps(collection)},\n'
        '"type": "AnnotationCollection",\n'
        '"label": "claimdesk spans",\n'
        f'"first": {{"id": {dumps(collection + ":page1")}, "type": "AnnotationPage",'
        f' "partOf": {dumps(collection)}, "startIndex": 0, "items": ['
    )
    replaced = ambiguous = versions = 0
    shared = shared_urls(db)
    for document, spans in iter_documents(db, flt):
        # Once a document, not once a span: each parses the URL.
        target = document_target(document, shared)
        if document.url and usable_url(document.url) is None:
            replaced += 1
        elif "scope" in target:
            versions += 1
        for span in spans:
            out.write("\n" if stats.spans == 0 else ",\n")
            shaped, unique = annotation(document, span, target)
            out.write(dumps(shaped))
            ambiguous += not unique
            stats.spans += 1
        stats.documents += 1
    out.write("\n]}\n}\n")
    if replaced:
        stats.notes.append(
            f"{replaced} document URL(s) not an absolute http(s) IRI: their annotations'"
            " source is urn:sha256: of the text instead"
        )
    if versions:
        stats.notes.append(
            f"{versions} document(s) share their URL with another stored text (an article"
            " updated and imported again): their annotations' source is urn:sha256: of the"
            " text, with the URL as scope"
        )
    if ambiguous:
        stats.notes.append(
            f"{ambiguous} span(s) stand in text repeated in its document beyond"
            f" {MAX_CONTEXT_CHARS:,} characters either side: their quote selector matches"
            " there too; their position selector places them"
        )
    return stats
