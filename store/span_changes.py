"""Which spans changed since a point in the change log, so a view can update only those.

Every write to ``spans`` goes through :class:`store.changelog.Action` and leaves a
row in ``changes`` (undo and redo too), whose id only grows. A reader that
remembers the last change id it has seen can ask for the spans changed since,
instead of re-reading every span of a document: with 100,000 spans a full
re-read took a second and more per keypress. Renaming a label rewrites spans
through a foreign-key cascade that the log does not see, so the reader re-reads
everything after a label edit.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from store.model import Span
from store.spans import SPAN_COLUMNS

if TYPE_CHECKING:
    from store.connected import Connected


def latest_change(db: Connected) -> int:
    """The id of the newest change-log row (0 for an empty log)."""
    return int(db.conn.execute("SELECT coalesce(max(id), 0) FROM changes").fetchone()[0])


def spans_changed_since(
    db: Connected, doc_id: int, change_id: int
) -> tuple[list[Span], set[str], int]:
    """Spans of ``doc_id`` touched by changes after ``change_id``.

    Returns the live ones (current values), the ids of touched spans that are no
    longer live in this document (deleted, or never here), and the newest change id.
    """
    touched: set[str] = set()
    newest = change_id
    for row_id, change in db.conn.execute(
        "SELECT row_id, id FROM changes WHERE id > ? AND table_name = 'spans'", [change_id]
    ):
        touched.add(str(json.loads(row_id)["id"]))
        newest = max(newest, int(change))
    newest = max(newest, latest_change(db))
    if not touched:
        return [], set(), newest
    # CROSS JOIN keeps SQLite looking the ids up by primary key; left to itself it
    # walked all of the document's spans by the (doc_id, start) index.
    columns = ", ".join(f's."{c}"' for c in SPAN_COLUMNS)
    live = [
        Span(*values)
        for values in db.conn.execute(
            f"SELECT {columns} FROM json_each(?) AS j CROSS JOIN spans AS s ON s.id = j.value"
            " WHERE s.doc_id = ? AND s.deleted_at IS NULL",
            [json.dumps(sorted(touched)), doc_id],
        )
    ]
    return live, touched - {span.id for span in live}, newest
