"""The links-jsonl export contract: every link suggestion and decision, one JSON object a line.

``{"id", "a": {"doc", "start", "end", "text", "span"}, "b": {...}, "score", "status",
"method", "annotator", "reason", "cluster"}``
where ``doc`` is the document's source name as imported and
``text == document_text[start:end]``, checked for every line while writing (a
mismatch stops the export with the offending link id). Lines come in a fixed
order (document names, then offsets) and are streamed, so memory does not grow
with the number of links. ``cluster`` is the fact cluster of an accepted link
(the id every export uses) and null for suggestions and rejections; ``method`` is how
the link was made (``fuzzy``, ``manual``, ...), ``annotator`` who decided or made it
and ``reason`` why it was rejected (``near-miss``, ...), each null when not recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import sqlite_utils

from store.export.common import LinkEnd, document_names, dumps, fact_clusters, iter_links

STATUSES = ("suggested", "accepted", "rejected")


def _end(end: LinkEnd) -> dict[str, Any]:
    return {
        "doc": end.doc,
        "start": end.start,
        "end": end.end,
        "text": end.text,
        "span": end.span_id,
    }


def write_links_jsonl(
    db: sqlite_utils.Database,
    out: IO[str],
    *,
    doc_ids: Sequence[int] | None = None,
    statuses: Sequence[str] = STATUSES,
    min_score: float | None = None,
) -> int:
    """Write the links (touching ``doc_ids`` when given) to ``out``; the number of lines."""
    names = document_names(db)
    clusters = fact_clusters(db)
    written = 0
    for checked in iter_links(
        db,
        statuses=tuple(statuses),
        doc_ids=None if doc_ids is None else tuple(doc_ids),
        names=names,
    ):
        link = checked.link
        if min_score is not None and link.status == "suggested" and (link.score or 0) < min_score:
            continue
        record = {
            "id": link.id,
            "a": _end(checked.a),
            "b": _end(checked.b),
            "score": link.score,
            "status": link.status,
            "method": link.method,
            "annotator": link.annotator,
            "reason": link.reason,
            "cluster": clusters.get(checked.a.key) if link.status == "accepted" else None,
        }
        out.write(dumps(record) + "\n")
        written += 1
    return written
