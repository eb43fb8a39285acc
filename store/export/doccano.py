"""doccano's sequence-labelling JSONL: ``{"text", "label": [[start, end, "LABEL"], ...]}``.

doccano imports this shape as a "JSONL" dataset of a Sequence Labeling project
(its column names default to ``text`` and ``label``); any other key becomes the
example's metadata, so ``meta.source`` travels to doccano and back, which lets
``import-annotations`` match the document again; ``meta.outlet``, ``title``, ``date``,
``url`` and ``language`` let ``import`` store the article as it was. ``meta.annotators``,
``meta.span_ids`` and ``meta.notes`` run parallel to ``label`` (doccano has no
place for them on a span, so they travel as metadata).

Offsets are UTF-16 code units, as doccano counts them, not code points: its
annotation screen (the v-annotator component) takes a span's offsets from the
browser's selection in a JavaScript string, and the backend stores and exports them
as they come. A character beyond U+FFFF (most emoji, each regional indicator of a
flag) is two units there, so code-point offsets put every span after an emoji one
unit early per emoji in doccano (doccano/doccano#2290; v-annotator's ``Text`` counts
👶🏻👦🏻👧🏻👨🏻 as 16). The message counts the spans whose offsets the conversion changed.
doccano's project option "Count grapheme clusters as one character" makes the screen
count grapheme clusters instead; a project for these files must leave it off.
``meta.offsets`` says ``utf-16``, which ``import-annotations`` reads back (a file of
an older claimdesk, without it, holds code points).

``--relations`` writes doccano's relation-extraction shape instead, for a project of
that type: ``{"text", "entities": [{"id", "label", "start_offset", "end_offset"}],
"relations": [{"id", "from_id", "to_id", "type"}]}``, with a ``SAME_FACT`` relation
between two claims of one fact cluster in the document (links between documents
cannot be held by a record of one document; see ``links-jsonl``).

Overlaps: a doccano project drops overlapping spans on import, without a word,
unless "Allow overlapping spans" is switched on in its settings. The export counts
the spans that overlap another one and says so; ``--no-overlap`` keeps, in each
document, the longest span of every overlapping set (ties: a person's span over a
model's, then the earlier start, then the label listed first in the label set, then
the smaller span id) and counts what it left out. What it keeps is one reading of
the text, so a model's pre-annotations (``model:NAME``) are left out of it and
counted, unless ``--annotator model:NAME`` selects that model.
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
    is_model,
    iter_documents,
    models_left_out_note,
    same_fact_pairs,
    without_unselected_models,
)
from store.export.jsonl import document_meta
from store.model import Span
from store.utf16 import MovedSpans, Utf16Offsets


def overlapping(spans: list[Span]) -> int:
    """How many spans share at least one character with another span."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    hit = [False] * len(ordered)
    reach, owner = -1, -1
    for index, span in enumerate(ordered):
        if span.start < reach:
            hit[index] = hit[owner] = True
        if span.end > reach:
            reach, owner = span.end, index
    return sum(hit)


def without_overlaps(spans: list[Span], label_rank: dict[str, int]) -> list[Span]:
    """The spans kept by the ``--no-overlap`` rule, in offset order."""
    ranked = sorted(
        spans,
        key=lambda s: (
            -(s.end - s.start),
            # A tie never goes to a model against a person.
            is_model(s.annotator),
            s.start,
            label_rank.get(s.label, len(label_rank)),
            s.id,
        ),
    )
    kept: list[Span] = []
    for span in ranked:
        if all(span.end <= other.start or other.end <= span.start for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.end, s.label, s.id))


SAME_FACT = "SAME_FACT"


OFFSETS = "utf-16"


def relation_record(
    source: str, spans: list[Span], clusters: dict[ClaimKey, str], units: Utf16Offsets
) -> dict[str, Any]:
    """``entities`` numbered from 1 in the record, and a relation from each fact's first claim."""
    entities = [
        {
            "id": number,
            "label": span.label,
            "start_offset": units.to_utf16(span.start),
            "end_offset": units.to_utf16(span.end),
        }
        for number, span in enumerate(spans, 1)
    ]
    claims = [(clusters.get((source, s.start, s.end)), s.start, s.end) for s in spans]
    relations = [
        {"id": number, "from_id": first + 1, "to_id": other + 1, "type": SAME_FACT}
        for number, (first, other) in enumerate(same_fact_pairs(claims), 1)
    ]
    return {"entities": entities, "relations": relations}


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    ordered = db.conn.execute("SELECT name FROM labels ORDER BY position, name")
    label_rank = {str(name): rank for rank, (name,) in enumerate(ordered)}
    overlaps = left_out = models_left_out = 0
    moved = MovedSpans()
    clusters = fact_clusters(db) if options.relations else {}
    for document, spans in iter_documents(db, flt):
        overlaps += overlapping(spans)
        if options.no_overlap:
            spans, models = without_unselected_models(spans, flt)
            models_left_out += models
            kept = without_overlaps(spans, label_rank)
            left_out += len(spans) - len(kept)
            spans = kept
        units = Utf16Offsets(document.text)
        moved.count(units, (span.end for span in spans))
        shape: dict[str, Any] = (
            relation_record(document.source_name, spans, clusters, units)
            if options.relations
            else {
                "label": [
                    [units.to_utf16(span.start), units.to_utf16(span.end), span.label]
                    for span in spans
                ]
            }
        )
        record = {
            "text": document.text,
            **shape,
            "meta": {
                # The document's metadata too, so that `claimdesk import` of the file
                # gives another database the same names, outlets, titles and dates.
                **document_meta(document),
                "annotators": [span.annotator for span in spans],
                "span_ids": [span.id for span in spans],
                "notes": [span.note for span in spans],
                "offsets": OFFSETS,
            },
        }
        out.write(dumps(record) + "\n")
        stats.documents += 1
        stats.spans += len(spans)
    moved_note = moved.note(
        "doccano's count",
        "leave 'Count grapheme clusters as one character' off in the doccano project",
    )
    if moved_note:
        stats.notes.append(moved_note)
    if models_left_out:
        stats.notes.append("--no-overlap: " + models_left_out_note(models_left_out))
    if options.no_overlap and left_out:
        stats.notes.append(
            f"--no-overlap: {left_out} overlapping span(s) left out (longest span kept)"
        )
    elif overlaps:
        stats.notes.append(
            f"{overlaps} span(s) overlap another; doccano drops them on import unless"
            " 'Allow overlapping spans' is on in the project settings (or export with"
            " --no-overlap to choose the longest yourself)"
        )
    return stats
