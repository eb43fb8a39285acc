"""Whether import-annotations may replace a stored span's note with the file's.

A note someone edited in this database after its span was stored is their decision, as
a deletion is: importing an old file, or a colleague's copy of it, must not undo it
behind their back. A note as a file gave it (when the span was imported, or by a later
import) carries no such decision, so a file with another note for the span replaces
it, within the import's own undoable action: a colleague's export in which notes were
added or corrected used to be counted "already present" and its notes dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

# The summary of import-annotations' actions, which is how the log tells an import's
# change apart from an annotator's (an undo or redo keeps the summary of its action).
IMPORT_SUMMARY = "import {count} annotation(s)"
_IMPORT_SUMMARY_PATTERN = "import % annotation(s)"


def import_summary(count: int) -> str:
    return IMPORT_SUMMARY.format(count=count)


def notes_edited_here(db: sqlite_utils.Database, span_ids: Iterable[str]) -> set[str]:
    """Those of ``span_ids`` whose note was last set by something other than an import.

    The log is read once for all of them: it has no index by row, and a file can hold
    thousands of spans whose notes differ.
    """
    keys = {json.dumps({"id": span_id}, sort_keys=True): span_id for span_id in span_ids}
    if not keys:
        return set()
    by_import: dict[str, bool] = {}
    # A row with no "before" is the span's creation, whose note came with the span; the
    # rows after it that carry a note are edits, undos and redos of edits, and imports.
    for row_id, imported in db.conn.execute(
        "SELECT row_id, summary LIKE ? FROM changes WHERE table_name = 'spans'"
        " AND before IS NOT NULL AND json_type(after, '$.note') IS NOT NULL"
        " AND row_id IN (SELECT value FROM json_each(?)) ORDER BY id",
        [_IMPORT_SUMMARY_PATTERN, json.dumps(list(keys))],
    ):
        by_import[row_id] = bool(imported)
    return {keys[row_id] for row_id, imported in by_import.items() if not imported}
