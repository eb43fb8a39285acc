"""W3C Web Annotation JSON-LD: one ``AnnotationCollection`` whose page holds an
``Annotation`` per span, targeting the document by ``TextQuoteSelector`` (exact,
with 32 characters of prefix and suffix) and ``TextPositionSelector`` (code-point
start and end, as the model defines positions).

The target ``source`` is the article's URL when known, else ``urn:sha256:`` of the
stored text, which names that exact text wherever it is stored.
"""

from __future__ import annotations

from typing import IO, Any

import sqlite_utils

from store.export.common import ExportOptions, ExportStats, ResolvedFilter, dumps, iter_documents
from store.model import Document, Span

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32


def source_of(document: Document) -> str:
    return document.url or f"urn:sha256:{document.sha256}"


def annotation(document: Document, span: Span) -> dict[str, Any]:
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": span.label}
    ]
    if span.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": span.note})
    software = span.annotator.startswith("model:")
    return {
        "@context": CONTEXT,
        "id": f"urn:claimdesk:span:{span.id}",
        "type": "Annotation",
        "motivation": "tagging",
        "creator": {"type": "Software" if software else "Person", "name": span.annotator},
        "created": span.created_at,
        "modified": span.updated_at,
        "body": bodies,
        "target": {
            "source": source_of(document),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": span.quote,
                    "prefix": document.text[max(0, span.start - CONTEXT_CHARS) : span.start],
                    "suffix": document.text[span.end : span.end + CONTEXT_CHARS],
                },
                {"type": "TextPositionSelector", "start": span.start, "end": span.end},
            ],
        },
    }


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    out.write(
        "{\n"
        f'"@context": {dumps(CONTEXT)},\n'
        '"type": "AnnotationCollection",\n'
        '"label": "claimdesk spans",\n'
        '"first": {"type": "AnnotationPage", "items": ['
    )
    for document, spans in iter_documents(db, flt):
        for span in spans:
            out.write("\n" if stats.spans == 0 else ",\n")
            out.write(dumps(annotation(document, span)))
            stats.spans += 1
        stats.documents += 1
    out.write("\n]}\n}\n")
    return stats
