"""Label Studio's JSON task list, with each annotator's spans as one annotation.

``[{"data": {"text", ...}, "annotations": [{"result": [{"id", "from_name": "label",
"to_name": "text", "type": "labels", "value": {"start", "end", "text",
"labels"}}]}], "predictions": [...]}]``. Spans by ``model:NAME`` annotators go to
``predictions`` (Label Studio's pre-annotations, ``model_version`` = NAME), the
rest to ``annotations``. The project's labeling config must name the tags
``label`` and ``text`` (see :data:`LABELING_CONFIG_TEMPLATE`). Label Studio counts
``start``/``end`` in code points since its fix for emoji offsets (label-studio
issue 1008, frontend PR 308), as claimdesk does.
"""

from __future__ import annotations

from itertools import groupby
from typing import IO, Any

import sqlite_utils

from store.export.common import ExportOptions, ExportStats, ResolvedFilter, dumps, iter_documents
from store.model import Span

MODEL_PREFIX = "model:"
LABELING_CONFIG_TEMPLATE = (
    '<View>\n  <Labels name="label" toName="text">\n{labels}  </Labels>\n'
    '  <Text name="text" value="$text"/>\n</View>\n'
)


def labeling_config(db: sqlite_utils.Database) -> str:
    """A labeling config for Label Studio that matches the exported tag names."""
    rows = db.conn.execute("SELECT name, colour FROM labels ORDER BY position, name")
    labels = "".join(
        f'    <Label value="{name}" background="{colour}"/>\n' for name, colour in rows
    )
    return LABELING_CONFIG_TEMPLATE.format(labels=labels)


def region(span: Span) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": span.id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": span.start, "end": span.end, "text": span.quote, "labels": [span.label]},
    }
    if span.note:
        item["meta"] = {"text": [span.note]}
    return item


def task(document_text: str, source: str, outlet: str | None, spans: list[Span]) -> dict[str, Any]:
    by_annotator = sorted(spans, key=lambda s: (s.annotator, s.start, s.end, s.label, s.id))
    annotations: list[dict[str, Any]] = []
    predictions: list[dict[str, Any]] = []
    for annotator, group in groupby(by_annotator, key=lambda s: s.annotator):
        result = [region(span) for span in group]
        if annotator.startswith(MODEL_PREFIX):
            predictions.append({"model_version": annotator[len(MODEL_PREFIX) :], "result": result})
        else:
            annotations.append({"completed_by": annotator, "result": result})
    record: dict[str, Any] = {
        "data": {"text": document_text, "source": source, "outlet": outlet},
        "annotations": annotations,
    }
    if predictions:
        record["predictions"] = predictions
    return record


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    out.write("[")
    for document, spans in iter_documents(db, flt):
        out.write("\n" if stats.documents == 0 else ",\n")
        out.write(dumps(task(document.text, document.source_name, document.outlet, spans)))
        stats.documents += 1
        stats.spans += len(spans)
    out.write("\n]\n")
    return stats
