"""CSV, one span a row: doc, outlet, start, end, label, annotator, text, note.

RFC 4180 via the csv module (quotes where needed, ``\\r\\n`` row ends as the RFC
says). Spreadsheet formula injection: a cell starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return runs as a formula when the file is opened in Excel or
LibreOffice, and article text can start that way (``-5 %``, ``@handle``). Cells
are written exactly by default, because the file is training data and a prefix
would break ``text == document[start:end]``; ``--csv-safe`` prefixes such cells
with ``'`` for files meant to be opened in a spreadsheet. ``--excel`` adds a UTF-8
byte-order mark (without it Excel reads the file as the system code page and
garbles umlauts) and implies ``--csv-safe``.
"""

from __future__ import annotations

import csv
from typing import IO

import sqlite_utils

from store.export.common import ExportOptions, ExportStats, ResolvedFilter, iter_documents

HEADER = ("doc", "outlet", "start", "end", "label", "annotator", "text", "note", "story")
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    """Make a spreadsheet show ``cell`` as text instead of evaluating it."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, out: IO[str], options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    if options.excel:
        out.write(BOM)
    safe = options.csv_safe or options.excel
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for document, spans in iter_documents(db, flt):
        for span in spans:
            cells = [
                document.source_name,
                document.outlet or "",
                str(span.start),
                str(span.end),
                span.label,
                span.annotator,
                span.quote,
                span.note or "",
                document.story or "",
            ]
            if safe:
                cells = [defuse(cell) for cell in cells]
            writer.writerow(cells)
            stats.spans += 1
        stats.documents += 1
    return stats
