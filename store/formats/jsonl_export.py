"""claimdesk's own ``jsonl`` and ``doccano`` exports read back as articles.

Both exports write a document's name and metadata under ``meta`` (``meta.source``,
``meta.outlet`` …) and its spans and links beside the text. The article reader read only
top-level keys, so moving a corpus to another database through an export renamed every
document ``FILE:LINE``, gave the whole corpus the folder's name as its one outlet, lost
titles, dates, URLs and languages, and then ``import-links`` of the original decisions
(which finds documents by name) refused every line.
"""

from __future__ import annotations

import shlex
from pathlib import Path

EXPORT_META_KEYS = ("source", "outlet", "title", "date", "url", "language")
"""The keys of ``meta`` that the exports write for the document itself (``sha256`` and
``story`` are derived again on import)."""

_SPAN_KEYS = ("spans", "label", "labels", "entities")
_LINK_KEYS = ("links", "relations")


def export_meta(record: dict[str, object]) -> dict[str, str]:
    """The export's document metadata in ``record["meta"]``, by key, non-blank strings only.

    Other shapes are ignored, not refused: ``meta`` is free-form in Prodigy and doccano
    files, which imported before this was read, and must still import.
    """
    meta = record.get("meta")
    if not isinstance(meta, dict):
        return {}
    found: dict[str, str] = {}
    for key in EXPORT_META_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            found[key] = value
    return found


def carries_annotations(record: dict[str, object]) -> bool:
    """Whether ``record`` holds spans or links (claimdesk, Prodigy or doccano shape).

    A ``label`` list of plain strings is a text-classification label, not spans: only a
    list holding lists or objects counts, and an empty list holds nothing to lose.
    """
    return any(_holds_items(record.get(key)) for key in _SPAN_KEYS + _LINK_KEYS)


def _holds_items(value: object) -> bool:
    return isinstance(value, list) and any(isinstance(item, list | dict) for item in value)


def annotations_note(path: Path) -> str:
    """The one note for a file whose records carry spans or links, which ``import`` leaves
    out: said once, so that they are neither imported nor dropped without a word."""
    return (
        "its records also carry spans or links, which import leaves out (it takes the"
        f" articles): claimdesk import-annotations {shlex.quote(str(path))} adds the spans,"
        " and claimdesk import-links the links of an export -f links-jsonl"
    )
