"""claimdesk's own JSON Lines: one document a line in the spaCy/Prodigy span shape.

``{"text", "meta": {...}, "spans": [...], "links": [...]}`` with ``--tokens``
adding Prodigy's ``tokens`` list and ``token_start``/``token_end`` (both
inclusive token indexes) on each span. ``import-annotations`` reads it back.
"""

from __future__ import annotations

from typing import IO, Any

import sqlite_utils

from store.export.common import (
    ClaimKey,
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    dumps,
    fact_clusters,
    iter_documents,
    iter_links,
)
from store.export.tokens import token_bounds, tokenize
from store.model import Document, Span


def document_meta(document: Document) -> dict[str, Any]:
    return {
        "source": document.source_name,
        "outlet": document.outlet,
        "title": document.title,
        "date": document.published,
        "url": document.url,
        "language": document.language,
        "sha256": document.sha256,
        "story": document.story,
    }


def span_record(span: Span) -> dict[str, Any]:
    return {
        "id": span.id,
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "text": span.quote,
        "annotator": span.annotator,
        "note": span.note,
    }


def _links_of(
    db: sqlite_utils.Database,
    document: Document,
    clusters: dict[ClaimKey, str],
) -> list[dict[str, Any]]:
    records = []
    for checked in iter_links(db, doc_ids=(document.id,)):
        here, other = (
            (checked.a, checked.b) if checked.a.doc_id == document.id else (checked.b, checked.a)
        )
        records.append(
            {
                "id": checked.link.id,
                "status": checked.link.status,
                "score": checked.link.score,
                "start": here.start,
                "end": here.end,
                "text": here.text,
                "other": {
                    "doc": other.doc,
                    "start": other.start,
                    "end": other.end,
                    "text": other.text,
                },
                "cluster": clusters.get(here.key),
            }
        )
    return records


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    clusters = fact_clusters(db)
    for document, spans in iter_documents(db, flt):
        spans_out = [span_record(span) for span in spans]
        record: dict[str, Any] = {"text": document.text, "meta": document_meta(document)}
        if options.tokens:
            tokens = list(tokenize(document.text))
            record["tokens"] = [
                {
                    "text": t.text,
                    "start": t.start,
                    "end": t.end,
                    "id": i,
                    "ws": t.end < len(document.text) and document.text[t.end].isspace(),
                }
                for i, t in enumerate(tokens)
            ]
            for entry, span in zip(spans_out, spans, strict=True):
                bounds = token_bounds(tokens, span.start, span.end)
                entry["token_start"] = bounds[0] if bounds else None
                entry["token_end"] = bounds[1] if bounds else None
        record["spans"] = spans_out
        record["links"] = _links_of(db, document, clusters)
        out.write(dumps(record) + "\n")
        stats.documents += 1
        stats.spans += len(spans)
        stats.links += len(record["links"])
    return stats
