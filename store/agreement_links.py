"""Each annotator's accept/reject decisions on cross-document links, read from the change log.

A ``links`` row holds one status and one ``annotator``: when a second annotator
decides the same link, the row shows only the newest decision. The append-only
``changes`` log keeps every decision with who made it, so agreement replays it:
per annotator and link, the status their newest change left behind counts
(undo is a change too, so an undone decision disappears; a deleted link or one
set back to ``suggested`` counts as undecided). This needs no schema change and
works on databases written before agreement existed.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

LinkKey = tuple[int, int, int, int, int, int]
DECISIONS = ("accepted", "rejected")
_PAIR_COLUMNS = ("a_doc", "a_start", "a_end", "b_doc", "b_start", "b_end")


def _pair_of(row: dict[str, Any]) -> LinkKey | None:
    if not all(isinstance(row.get(name), int) for name in _PAIR_COLUMNS):
        return None
    a = (row["a_doc"], row["a_start"], row["a_end"])
    b = (row["b_doc"], row["b_start"], row["b_end"])
    # A link is undirected: the same two passages are one link whichever side is "a".
    first, second = sorted((a, b))
    return (*first, *second)


def link_decisions(
    db: sqlite_utils.Database, annotators: list[str] | None = None
) -> dict[str, dict[LinkKey, str]]:
    """``{annotator: {link: "accepted" | "rejected"}}`` for links each has decided."""
    pairs: dict[str, LinkKey] = {}
    for row in db.query("SELECT id, " + ", ".join(_PAIR_COLUMNS) + " FROM links"):
        pair = _pair_of(row)
        if pair is not None:
            pairs[str(row["id"])] = pair
    decisions: dict[str, dict[LinkKey, str]] = {}
    rows = db.conn.execute(
        "SELECT annotator, row_id, after FROM changes WHERE table_name = 'links' ORDER BY id"
    )
    for annotator, row_id, after_json in rows:
        if annotators is not None and annotator not in annotators:
            continue
        try:
            link_id = str(json.loads(row_id).get("id"))
            after = None if after_json is None else json.loads(after_json)
        except (ValueError, AttributeError):
            continue
        if isinstance(after, dict) and link_id not in pairs:
            # A link deleted since: its pair is in the change that created it.
            pair = _pair_of(after)
            if pair is not None:
                pairs[link_id] = pair
        pair = pairs.get(link_id)
        if pair is None:
            continue
        mine = decisions.setdefault(annotator, {})
        if after is None:
            mine.pop(pair, None)
        elif "status" in after:
            if after["status"] in DECISIONS:
                mine[pair] = after["status"]
            else:
                mine.pop(pair, None)
    return {name: found for name, found in decisions.items() if found}
