"""Where spans are written and read. Every write checks ``text[start:end] == quote``."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from store.changelog import Action, last_changed_by, named
from store.clock import now
from store.documents import mark_started
from store.errors import ClaimdeskError, NoteTooLong, NotFound, QuoteMismatch
from store.formats.metadata import clean_value
from store.formats.normalize import clean_controls
from store.model import MAX_NOTE_CHARS, Span

if TYPE_CHECKING:
    import sqlite_utils

    from store.connected import Connected

SPAN_COLUMNS = (
    "id",
    "doc_id",
    "start",
    "end",
    "quote",
    "label",
    "annotator",
    "note",
    "created_at",
    "updated_at",
    "deleted_at",
)
_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in SPAN_COLUMNS) + " FROM spans"


def _row(values: tuple[Any, ...]) -> Span:
    return Span(*values)


def document_slice(db: sqlite_utils.Database, doc_id: int, start: int, end: int) -> str:
    """The document text at ``start:end``; raises when the document or offsets are wrong."""
    row = db.conn.execute(
        "SELECT length(text), substr(text, ?, ?) FROM documents WHERE id = ?",
        [start + 1, end - start, doc_id],
    ).fetchone()
    if row is None:
        raise NotFound(f"document {doc_id} does not exist")
    length, quote = row
    if not 0 <= start < end <= length:
        raise QuoteMismatch(f"offsets {start}:{end} outside document {doc_id} (length {length})")
    return str(quote)


def _require_label(db: sqlite_utils.Database, label: str) -> None:
    if not db.conn.execute("SELECT 1 FROM labels WHERE name = ?", [label]).fetchone():
        raise NotFound(f"label {label!r} does not exist")


def create_span(
    action: Action,
    doc_id: int,
    start: int,
    end: int,
    label: str,
    *,
    quote: str | None = None,
    note: str | None = None,
    span_id: str | None = None,
    annotator: str | None = None,
) -> Span:
    """Add a span; ``quote``, when given, must equal the document text at the offsets."""
    db = action.db
    actual = document_slice(db, doc_id, start, end)
    if quote is not None and quote != actual:
        raise QuoteMismatch(
            f"quote {quote[:40]!r} is not the text of document {doc_id} at {start}:{end}"
        )
    _require_label(db, label)
    stamp = now()
    span = Span(
        id=span_id or uuid.uuid4().hex,
        doc_id=doc_id,
        start=start,
        end=end,
        quote=actual,
        label=label,
        annotator=clean_value(annotator) or action.annotator,
        note=clean_note(note),
        created_at=stamp,
        updated_at=stamp,
    )
    values = [getattr(span, c) for c in SPAN_COLUMNS]
    db.execute(
        "INSERT INTO spans ("
        + ", ".join(f'"{c}"' for c in SPAN_COLUMNS)
        + ") VALUES ("
        + ", ".join("?" for _ in SPAN_COLUMNS)
        + ")",
        values,
    )
    action.record(
        "spans", {"id": span.id}, None, dict(zip(SPAN_COLUMNS[1:], values[1:], strict=True))
    )
    if span.annotator == action.annotator:
        # Another annotator's span (curation's gold, an import for someone else) says
        # nothing about how far the acting annotator has got.
        mark_started(action, doc_id)
    return span


def get_span(db: sqlite_utils.Database, span_id: str) -> Span:
    row = db.conn.execute(_SELECT + " WHERE id = ?", [span_id]).fetchone()
    if row is None:
        raise NotFound(f"span {span_id} does not exist")
    return _row(row)


def _update(action: Action, span_id: str, changes: dict[str, Any]) -> Span:
    current = get_span(action.db, span_id)
    if current.deleted_at is not None and "deleted_at" not in changes:
        # Named as the annotator knows it, and by whom: its id meant nothing on screen.
        who = last_changed_by(action.db, "spans", {"id": span_id})
        by = "you" if who is None or who == action.annotator else who
        raise ClaimdeskError(
            f"{by} deleted {named('spans', {'label': current.label, 'quote': current.quote})}"
            " since; nothing was changed"
        )
    if not action.update("spans", span_id, current, changes):
        return current
    return get_span(action.db, span_id)


def relabel_span(action: Action, span_id: str, label: str) -> Span:
    _require_label(action.db, label)
    return _update(action, span_id, {"label": label})


def set_span_note(action: Action, span_id: str, note: str | None) -> Span:
    return _update(action, span_id, {"note": clean_note(note)})


def clean_note(note: str | None) -> str | None:
    """A note as stored: line breaks kept, escape sequences and other controls removed.

    Raises when it is longer than import-annotations accepts: a note stored in full
    made the export of its database refused whole by every other database."""
    cleaned = clean_controls(note or "").strip() or None
    if cleaned is not None and len(cleaned) > MAX_NOTE_CHARS:
        raise NoteTooLong(
            f"note not saved: a note is text of at most {MAX_NOTE_CHARS:,} characters"
            f" (this one has {len(cleaned):,})"
        )
    return cleaned


def delete_span(action: Action, span_id: str) -> Span:
    """Soft-delete: the row stays for audit, undo and agreement history."""
    return _update(action, span_id, {"deleted_at": now()})


def spans_for_document(
    db: Connected,
    doc_id: int,
    *,
    annotators: list[str] | None = None,
    include_deleted: bool = False,
) -> list[Span]:
    """The document's spans in reading order (start, then longest first)."""
    sql = _SELECT + " WHERE doc_id = ?"
    params: list[Any] = [doc_id]
    if not include_deleted:
        sql += " AND deleted_at IS NULL"
    if annotators:
        sql += " AND annotator IN (" + ", ".join("?" for _ in annotators) + ")"
        params += annotators
    sql += ' ORDER BY start, "end" DESC, id'
    return [_row(row) for row in db.conn.execute(sql, params)]


def spans_at(
    db: Connected, doc_id: int, offset: int, annotators: list[str] | None = None
) -> list[Span]:
    """Live spans covering ``offset``, innermost (shortest) first."""
    sql = _SELECT + ' WHERE doc_id = ? AND deleted_at IS NULL AND start <= ? AND "end" > ?'
    params: list[Any] = [doc_id, offset, offset]
    if annotators:
        sql += " AND annotator IN (" + ", ".join("?" for _ in annotators) + ")"
        params += annotators
    sql += ' ORDER BY ("end" - start), id'
    return [_row(row) for row in db.conn.execute(sql, params)]


def annotators(db: Connected) -> list[str]:
    return [
        r[0]
        for r in db.conn.execute(
            "SELECT DISTINCT annotator FROM spans WHERE deleted_at IS NULL ORDER BY annotator"
        )
    ]
