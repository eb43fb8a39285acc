"""Loading link decisions from a links-jsonl file: ``claimdesk import-links FILE``.

One JSON object a line, the shape ``claimdesk export --format links-jsonl``
writes: ``a`` and ``b`` with ``doc`` (source name), ``start``, ``end``, ``text``;
``status`` accepted or rejected; other fields are ignored, and a line whose status
is ``suggested`` (the export writes the undecided suggestions too) is skipped and
counted. A side is placed at
its offsets when the document's text there is ``text``, else at the text's only
occurrence in that document; a side that cannot be placed (unknown document,
text blank, absent or ambiguous) is named and its line skipped. A pair the file both
accepts and rejects is refused at each contradicting line and not imported; a
repeated line counts once. A pair already decided the same way is left alone, so
importing twice changes nothing. The whole file
is one user action: one ``undo`` takes it back.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import sqlite_utils

from store.changelog import user_action
from store.errors import ClaimdeskError, clipped, quoted
from store.formats.files import cannot_read, open_binary
from store.formats.json_line import (
    NO_RECORDS,
    SPREAD_DOCUMENT,
    BadJsonLine,
    loads_line,
    opens_spread_document,
)
from store.formats.jsonl import skip_rest_of_line
from store.formats.limits import MAX_FILE_BYTES
from store.formats.normalize import shows_text
from store.linking.decisions import Claim, claim_scores, find_link, link_spans, stored_order
from store.model import LinkStatus

DECISIONS = ("accepted", "rejected")


@dataclass(slots=True)
class LinksImportReport:
    """What one import did; ``refused`` holds one line per skipped record."""

    records: int = 0
    added: int = 0
    changed: int = 0
    present: int = 0
    # Undecided suggestions, as the links-jsonl export writes them beside the decisions:
    # nothing to import, and no reason to fail the import.
    suggestions: int = 0
    refused: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


def _documents(db: sqlite_utils.Database) -> dict[str, tuple[int, str]]:
    return {
        name: (doc_id, text)
        for doc_id, name, text in db.conn.execute("SELECT id, source_name, text FROM documents")
    }


def place(
    documents: dict[str, tuple[int, str]], side: Any, label: str
) -> tuple[Claim | None, str | None]:
    """The (doc, start, end) of one side, or None and the reason it cannot be placed."""
    if not isinstance(side, dict):
        return None, f"side {label} is not an object"
    name, text = side.get("doc"), side.get("text")
    if not isinstance(name, str) or not isinstance(text, str) or not text:
        return None, f"side {label} needs a document name and a text"
    if not shows_text(text):
        # A blank stretch is no claim (zero-width characters included); link_spans would
        # refuse it too.
        return None, f"side {label}: text shows nothing (whitespace or invisible characters only)"
    found = documents.get(name)
    if found is None:
        return None, f"side {label}: no document named {quoted(name)}"
    doc_id, document = found
    start, end = side.get("start"), side.get("end")
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start < end <= len(document)
        and document[start:end] == text
    ):
        return (doc_id, start, end), None
    first = document.find(text)
    if first < 0:
        return None, f"side {label}: text not found in {quoted(name)}"
    if document.find(text, first + 1) >= 0:
        return None, (
            f"side {label}: text occurs more than once in {quoted(name)} and not at its offsets"
        )
    return (doc_id, first, first + len(text)), None


def named_span(db: sqlite_utils.Database, side: Any, claim: Claim) -> str | None:
    """The side's ``span`` id when this database holds that live span exactly at the
    placed claim, else None.

    The export names the span each side is tied to; without it a side was tied to the
    earliest live span at its offsets, which with two annotators' spans there could be
    the other one's."""
    span_id = side.get("span") if isinstance(side, dict) else None
    if not isinstance(span_id, str):
        return None
    row = db.conn.execute(
        'SELECT 1 FROM spans WHERE id = ? AND doc_id = ? AND start = ? AND "end" = ?'
        " AND deleted_at IS NULL",
        [span_id, *claim],
    ).fetchone()
    return span_id if row is not None else None


def import_links(db: sqlite_utils.Database, path: Path, *, annotator: str) -> LinksImportReport:
    """Store the decisions of ``path`` as one undoable action; never raises for bad records."""
    # open_binary refuses a FIFO or device (reading one would wait forever).
    with open_binary(path) as stream:
        return _import_lines(db, path, _lines(stream, path), annotator=annotator)


def _lines(stream: BinaryIO, path: Path) -> Iterator[tuple[int, str | None]]:
    """The numbered lines of ``stream``, decoded one at a time.

    A file of decisions can hold millions of lines: reading it whole kept its bytes, its
    text and the list of its lines in memory at once (222 MB for a 60 MB file). Lines
    end at ``\\n`` only, as binary iteration splits them: ``str.splitlines()`` also
    breaks at U+2028, U+2029 and U+0085, which JSON allows raw inside strings, and so
    would cut a record in two.
    """
    number = 0
    while True:
        try:
            raw = stream.readline(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise cannot_read(path, error) from None
        if not raw:
            return
        number += 1
        if len(raw) > MAX_FILE_BYTES and not raw.endswith(b"\n"):
            # None: the line is refused, as an article line that long is.
            skip_rest_of_line(stream, path)
            yield number, None
            continue
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ClaimdeskError(
                f"{path}: cannot read links: not UTF-8 (line {number}, {error.reason})"
            ) from None


def _import_lines(
    db: sqlite_utils.Database,
    path: Path,
    lines: Iterable[tuple[int, str | None]],
    *,
    annotator: str,
) -> LinksImportReport:
    report = LinksImportReport()
    documents = _documents(db)
    # One decision per pair (its two claims in order), and the first line deciding each
    # pair each way, to name the line a contradiction comes from.
    wanted: dict[
        tuple[Claim, Claim],
        tuple[Claim, Claim, LinkStatus, str | None, tuple[str | None, str | None]],
    ] = {}
    first_line: dict[tuple[Claim, Claim], dict[LinkStatus, int]] = {}
    # Lines repeating a pair's first line, counted as already decided once the file is
    # read: a pair a later line contradicts leaves, and none of its lines counts.
    repeats: dict[tuple[Claim, Claim], int] = {}
    for number, line in lines:
        if line is not None and not line.strip():
            continue
        report.records += 1
        where = f"{path}:{number}"
        if line is None:
            report.refused.append(f"{where}: line is over the limit of {MAX_FILE_BYTES} bytes")
            continue
        if report.records == 1 and (opening := opens_spread_document(line)) is not None:
            report.refused.append(f"{where}: {SPREAD_DOCUMENT.format(opening=opening)}")
            break
        try:
            record = loads_line(line)
        except BadJsonLine as error:
            report.refused.append(f"{where}: not JSON: {error}")
            continue
        if not isinstance(record, dict):
            report.refused.append(f"{where}: expected a JSON object")
            continue
        status = record.get("status")
        if status == "accepted" or status == "rejected":
            decision: LinkStatus = status
        elif status == "suggested":
            report.suggestions += 1
            continue
        else:
            # Any JSON value: a 10,000-element list was echoed whole.
            shown = clipped(repr(status))
            report.refused.append(f"{where}: status must be accepted or rejected, not {shown}")
            continue
        a, reason_a = place(documents, record.get("a"), "a")
        b, reason_b = place(documents, record.get("b"), "b")
        if a is None or b is None:
            report.refused.append(f"{where}: {reason_a or reason_b}")
            continue
        if a[0] == b[0]:
            report.refused.append(f"{where}: both sides are in the same document")
            continue
        # A rejection's reason (an export's ``reason``) comes along: learning reads it.
        why = record.get("reason") if decision == "rejected" else None
        pair = stored_order(a, b)
        lines_of_pair = first_line.setdefault(pair, {})
        lines_of_pair.setdefault(decision, number)
        if len(lines_of_pair) == 2:
            # A file that both accepts and rejects a pair says nothing about it: keeping
            # the last line flipped the link on every import of the file, so importing
            # it again was never a no-op.
            other: LinkStatus = "rejected" if decision == "accepted" else "accepted"
            report.refused.append(
                f"{where}: {decision} here but {other} on line {lines_of_pair[other]};"
                " the pair is not imported"
            )
            wanted.pop(pair, None)
            repeats.pop(pair, None)
            continue
        if pair in wanted:
            repeats[pair] = repeats.get(pair, 0) + 1  # already decided so by the first
            continue
        spans = (named_span(db, record.get("a"), a), named_span(db, record.get("b"), b))
        wanted[pair] = (a, b, decision, why if isinstance(why, str) else None, spans)
    report.present += sum(repeats.values())
    if report.records == 0:
        report.refused.append(f"{path}: {NO_RECORDS}")
        return report
    # Scored before the write transaction: scoring thousands of new pairs inside it held
    # the database's write lock for minutes, and every annotator's save waited on it.
    new_pairs = [(a, b) for a, b, *_rest in wanted.values() if find_link(db, a, b) is None]
    scores = claim_scores(db, new_pairs)
    with user_action(db, annotator, "import links") as action:
        for a, b, status, why, spans in wanted.values():
            existing = find_link(db, a, b)
            if existing is not None and existing.status == status:
                report.present += 1
                continue
            link_spans(
                action, a, b, status=status, reason=why, score=scores.get((a, b)), span_ids=spans
            )
            if existing is None:
                report.added += 1
            else:
                report.changed += 1
    return report
