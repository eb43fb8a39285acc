"""doccano's sequence-labelling JSONL: ``{"text", "label": [[start, end, "LABEL"], ...]}``.

doccano imports this shape as a "JSONL" dataset of a Sequence Labeling project
(its column names default to ``text`` and ``label``); any other key becomes the
example's metadata, so ``meta.source`` travels to doccano and back, which lets
``import-annotations`` match the document again. Offsets are code points, as
doccano's Python backend slices the text.
"""

from __future__ import annotations

from typing import IO

import sqlite_utils

from store.export.common import (
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    dumps,
    iter_documents,
)


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    for document, spans in iter_documents(db, flt):
        record = {
            "text": document.text,
            "label": [[span.start, span.end, span.label] for span in spans],
            "meta": {"source": document.source_name, "sha256": document.sha256},
        }
        out.write(dumps(record) + "\n")
        stats.documents += 1
        stats.spans += len(spans)
    return stats
