"""Importing spans from claimdesk ``jsonl`` and doccano JSONL files into the store.

For model pre-annotations (``--annotator model:NAME``) and for merging annotators
who worked on separate databases. Documents are matched by source name, then by
the SHA-256 of their text. A span is imported only if its text is the stored
document's text at its offsets; spans of unknown documents, spans with unknown
labels (unless ``create_labels``; new labels get :data:`NEW_LABEL_COLOUR`) and
malformed spans are refused with one line each. Importing the same file twice
adds nothing: claimdesk spans keep their ids, and doccano spans get an id derived
from the document's text hash, offsets, label and annotator. A span deleted in the
database since an earlier import stays deleted, and is counted apart. A span present
with another note takes the file's note, unless someone edited the stored note here
(:mod:`store.annotation_notes`); both are counted.

A file is checked whole before anything is stored: the whole file is read first
(every line UTF-8 and JSON, every span valid, no span id used twice, no span given two
different notes), and a single refusal means nothing is stored. A span the file repeats
is counted once; its note is the one note its lines give, if any. Each span keeps the
annotator the file gives it; ``annotator`` (the global ``--annotator``) only fills in
spans without one.

Writes then go through :func:`store.changelog.user_action` in batches of
:data:`BATCH_SIZE` spans, so each batch is one undoable action and the write lock
is never held for long. Should a write fail or be interrupted part-way (a full disk,
ctrl+c), the message says how many spans were stored; importing the file again adds
the rest.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeGuard

import sqlite_utils

from store.annotation_notes import import_summary, notes_edited_here
from store.changelog import user_action
from store.documents import text_sha256
from store.errors import ClaimdeskError, clipped, partly_imported, quoted, stopped_part_way
from store.formats.files import open_binary
from store.formats.json_line import (
    NO_RECORDS,
    SPREAD_DOCUMENT,
    BadJsonLine,
    loads_line,
    opens_spread_document,
)
from store.formats.metadata import clean_name
from store.labels import list_labels, save_label, validate_label
from store.model import MAX_NAME_CHARS, MAX_NOTE_CHARS, Label
from store.normalised_records import normalised_forms, normalised_reason, stored_after_normalising
from store.spans import clean_note, create_span, set_span_note
from store.utf16 import Utf16Offsets

BATCH_SIZE = 500
PRODIGY_ANSWERS = ("accept", "reject", "ignore")
NEW_LABEL_COLOUR = "#9a9a9a"
AnnotationFormat = Literal["jsonl", "doccano"]


@dataclass(slots=True)
class AnnotationImportReport:
    records: int = 0
    present: int = 0
    labels_created: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    valid: int = 0
    first_refused_line: int | None = None
    # Prodigy tasks answered "reject" or "ignore": not annotations, so skipped.
    not_accepted: int = 0
    # Names in doccano records' ``meta.annotators`` (claimdesk's doccano export writes
    # them). doccano keeps ``meta`` as it was while its users edit the labels, so the list
    # may no longer run parallel to ``label``: it is reported, never used to place spans.
    meta_annotators: set[str] = field(default_factory=set)
    # Spans the file repeats in one document (in doccano, those of two annotators who
    # marked the same words alike become one span of the importing annotator).
    repeated: int = 0
    # Spans of the file an annotator deleted after an earlier import: left deleted, since
    # importing an old file again must not undo that decision. They were counted as
    # "already present", which they are not.
    left_deleted: int = 0
    # Present spans whose note the file changes: replaced, or kept where it was edited
    # in this database (store.annotation_notes). Both were "already present".
    notes_updated: int = 0
    notes_kept: int = 0
    # (action id, spans added) of each batch stored, and of the one under way, noted
    # before its COMMIT: a signal just after the COMMIT lost the batch from the count
    # ("20500 span(s) ... were imported" while 21000 were). See _count_committed.
    batches: list[tuple[str, int]] = field(default_factory=list)
    in_flight: tuple[str, int] | None = None

    @property
    def added(self) -> int:
        return sum(added for _action, added in self.batches)

    @property
    def ok(self) -> bool:
        return not self.refused


@dataclass(frozen=True, slots=True)
class IncomingSpan:
    where: str
    span_id: str
    doc_id: int
    doc_sha256: str
    start: int
    end: int
    label: str
    annotator: str
    quote: str | None
    note: str | None
    # For a stored span whose note the file replaces: the note it had when checked.
    replaces: str | None = None
    updates_note: bool = False


@dataclass(slots=True)
class _FirstSeen:
    """A span's first occurrence in the file, which its repeats are checked against."""

    key: tuple[int, int, int, str, str]
    line: int
    note: str | None
    # Its index in ``pending`` when new; "present" also keeps the stored note, so that a
    # repeat bringing a note can still turn it into a note update.
    outcome: Literal["new", "present", "other"] = "other"
    pending_at: int = -1
    stored_note: str | None = None


def doccano_span_id(doc_sha256: str, start: int, end: int, label: str, annotator: str) -> str:
    """The id a doccano span gets, so that importing it again finds it present."""
    key = f"{doc_sha256}\x00{start}\x00{end}\x00{label}\x00{annotator}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def detect_format(record: dict[str, Any]) -> AnnotationFormat:
    if "spans" in record:
        return "jsonl"
    if any(key in record for key in ("label", "labels", "entities")):
        return "doccano"
    raise ClaimdeskError("neither claimdesk jsonl (no 'spans') nor doccano (no 'label')")


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, record or the reason it is unreadable), blank lines skipped.

    Lines are read as bytes and decoded one by one, so a bad byte is reported at its
    own line (a text-mode reader decodes ahead and fails lines early).
    """
    # Refuses a FIFO or device by name (reading one would wait forever) and says why a
    # file cannot be opened in one line.
    with open_binary(path) as handle:
        first = True
        for number, raw in enumerate(handle, start=1):
            if b"\0" in raw:
                # A database, an image, UTF-16 without its mark: every "line" of it would
                # be refused on its own, thousands of lines that all say one thing.
                raise ClaimdeskError(
                    f"{path}: cannot read annotations: a binary file (NUL byte on line"
                    f" {number}), not UTF-8 JSON lines"
                )
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                # Written by Windows tools; article import accepts the mark too.
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                yield number, f"not UTF-8 text ({error.reason} at byte {error.start})"
                first = False
                continue
            if not line.strip():
                continue
            if first and (opening := opens_spread_document(line)) is not None:
                yield number, SPREAD_DOCUMENT.format(opening=opening)
                return
            first = False
            try:
                value = loads_line(line)
            except BadJsonLine as error:
                yield number, f"not valid JSON: {error}"
                continue
            yield number, value if isinstance(value, dict) else "not a JSON object"


_FORMAT_KEYS: dict[str, tuple[str, ...]] = {
    "jsonl": ("spans",),
    "doccano": ("label", "labels", "entities"),
}


def _format_mismatch(record: dict[str, Any], fmt: AnnotationFormat) -> str | None:
    """Why ``record`` is not in the format asked for, or None when it is."""
    if any(key in record for key in _FORMAT_KEYS[fmt]):
        return None
    wanted = " or ".join(f"'{key}'" for key in _FORMAT_KEYS[fmt])
    try:
        found = detect_format(record)
    except ClaimdeskError:
        found = None
    seen = {
        "jsonl": "claimdesk/Prodigy jsonl ('spans')",
        "doccano": "doccano ('label')",
        None: "neither format",
    }[found]
    return f"--format {fmt} expects {wanted} in each record; this record is {seen}"


def _meta(record: dict[str, Any]) -> dict[str, Any]:
    meta = record.get("meta")
    merged = dict(meta) if isinstance(meta, dict) else {}
    # doccano exports put metadata at the top level of the record.
    for key in ("source", "sha256"):
        if key not in merged and isinstance(record.get(key), str):
            merged[key] = record[key]
    return merged


class _Documents:
    """Finds a record's document by source name, then text hash (the hash first when the
    named document holds another text); caches nothing big."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def find(self, record: dict[str, Any]) -> tuple[int, str, str] | None:
        meta = _meta(record)
        hashes = [meta["sha256"]] if isinstance(meta.get("sha256"), str) else []
        if isinstance(record.get("text"), str):
            hashes.append(text_sha256(record["text"]))
        source = meta.get("source")
        named = None
        if isinstance(source, str):
            named = self.db.conn.execute(
                "SELECT id, sha256, text FROM documents WHERE source_name = ?", [source]
            ).fetchone()
            if named and (not hashes or named[1] in hashes):
                return int(named[0]), str(named[1]), str(named[2])
        # The name can hold another text than the record's: an article updated and
        # imported again under its name, the older version stored under a longer one.
        # The record's own text then picks its document, where one holds it.
        for digest in hashes:
            row = self.db.conn.execute(
                "SELECT id, sha256, text FROM documents WHERE sha256 = ?", [digest]
            ).fetchone()
            if row:
                return int(row[0]), str(row[1]), str(row[2])
        if named:
            return int(named[0]), str(named[1]), str(named[2])
        return None


def _raw_spans(record: dict[str, Any], fmt: AnnotationFormat) -> list[dict[str, Any] | str]:
    """The record's spans as dicts with start/end/label (and more for jsonl)."""
    if fmt == "jsonl":
        spans = record.get("spans")
        if not isinstance(spans, list):
            return ["'spans' is not a list"]
        return [s if isinstance(s, dict) else "span is not an object" for s in spans]
    found: list[dict[str, Any] | str] = []
    # A value that is not a list (a text-classification export's "label": "POSITIVE",
    # null, an object) is refused: it was skipped, and a file of such records said
    # "imported 0 span(s) ... 0 refused" with exit status 0.
    for key in ("label", "labels"):
        if key not in record:
            continue
        value = record[key]
        if not isinstance(value, list):
            found.append(f"'{key}' is {_shown(value)}, not a list of [start, end, label]")
            break
        for item in value:
            if not (isinstance(item, list) and len(item) == 3):
                found.append(f"{key} item {_shown(item)} is not [start, end, label]")
            elif isinstance(item[0], str) and not isinstance(item[2], str):
                # ["CLAIM", 0, 9] was read as a span 9 at CLAIM:0.
                found.append(
                    f"{key} item {_shown(item)} is not [start, end, label]: the label comes last"
                )
            else:
                found.append({"start": item[0], "end": item[1], "label": item[2]})
        break
    entities = record.get("entities")
    if "entities" in record and not isinstance(entities, list):
        found.append(f"'entities' is {_shown(entities)}, not a list of entities")
    if isinstance(entities, list):
        for item in entities:
            if isinstance(item, dict) and "start_offset" in item and "end_offset" in item:
                found.append(
                    {
                        "start": item["start_offset"],
                        "end": item["end_offset"],
                        "label": item.get("label"),
                    }
                )
            else:
                found.append(f"entity {_shown(item)} has no start_offset and end_offset")
    return found


def counts_utf16(record: dict[str, Any]) -> bool:
    """Whether a doccano record's offsets are UTF-16 code units, as doccano counts them.

    They are, except in a file of an older claimdesk export, which wrote code points: its
    ``meta`` has claimdesk's ``span_ids`` but no ``offsets``. Read in UTF-16, its spans
    after an emoji would land one character early and still match the text they were
    read from."""
    meta = record.get("meta")
    return not (isinstance(meta, dict) and "span_ids" in meta and "offsets" not in meta)


def _utf16_problem(raw: dict[str, Any], units: Utf16Offsets) -> str:
    if max(raw["start"], raw["end"]) > units.length:
        # In the file's count: the code-point length put an offset inside it "outside".
        return f"offsets outside the document (0-{units.length} in UTF-16 code units)"
    return (
        "an offset falls between the two halves of a character beyond U+FFFF (doccano"
        " counts UTF-16 code units: was 'Count grapheme clusters as one character' on?)"
    )


def _normalised_reason(
    db: sqlite_utils.Database, found: tuple[int, str, str] | None, text: str | None
) -> str | None:
    """The refusal for spans on ``text`` when it is a stored document's text before import
    normalised it (:mod:`store.normalised_records`), or None."""
    if text is None:
        return None
    if found is None:
        document = stored_after_normalising(db, text)
        return None if document is None else normalised_reason(*document)
    doc_id, _sha, stored = found
    if stored == text or stored not in normalised_forms(text):
        return None
    name = db.conn.execute("SELECT source_name FROM documents WHERE id = ?", [doc_id]).fetchone()
    return normalised_reason(doc_id, str(name[0]))


def _shown(value: object) -> str:
    """A JSON value for a message, cut to a length that keeps the message one short line."""
    text = json.dumps(value, ensure_ascii=False)
    return clipped(text)


def _is_name(value: object) -> TypeGuard[str]:
    return (
        isinstance(value, str)
        and bool(value.strip())
        and len(value) <= MAX_NAME_CHARS
        and value.isprintable()
    )


def _is_offset(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _describe(raw: dict[str, Any]) -> str:
    return f"{_echoed(raw.get('label'))} at {_echoed(raw.get('start'))}:{_echoed(raw.get('end'))}"


def _echoed(value: object) -> str:
    """A value of the file as a refusal quotes it, clipped: a 4,000-digit offset or a
    10,000-character label made the "one line" a screenful (a label twice over)."""
    if isinstance(value, str):
        return quoted(value)
    if _is_offset(value):
        return clipped(str(value))
    return _shown(value)


def import_annotations(
    db: sqlite_utils.Database,
    path: Path,
    *,
    importer: str,
    annotator: str | None = None,
    fmt: AnnotationFormat | None = None,
    create_labels: bool = False,
    batch_size: int = BATCH_SIZE,
) -> AnnotationImportReport:
    """Add the file's spans, all or none.

    Each span keeps its annotator from the file; ``annotator`` fills in spans without
    one, and ``importer`` (who runs the import) fills in the rest.
    """
    report = AnnotationImportReport()
    documents = _Documents(db)
    labels = {label.name for label in list_labels(db)}
    pending: list[IncomingSpan] = []
    other_notes: list[IncomingSpan] = []
    seen: dict[str, _FirstSeen] = {}

    number = 0

    def refuse(where: str, reason: str) -> None:
        report.refused.append(f"{where}: {reason}")
        if report.first_refused_line is None:
            report.first_refused_line = number

    for number, record in _records(path):
        where = f"{path}:{number}"
        if isinstance(record, str):
            refuse(where, record)
            continue
        report.records += 1
        if fmt is not None and (mismatch := _format_mismatch(record, fmt)):
            refuse(where, mismatch)
            continue
        try:
            kind = fmt or detect_format(record)
        except ClaimdeskError as error:
            refuse(where, str(error))
            continue
        answer = record.get("answer", "accept")
        if answer not in PRODIGY_ANSWERS:
            # Anything else would count as accepted: a typo must not import a rejection.
            refuse(where, f"answer {_shown(answer)} is not one of {', '.join(PRODIGY_ANSWERS)}")
            continue
        if answer != "accept":
            report.not_accepted += 1
            continue
        found = documents.find(record)
        file_text = record.get("text") if isinstance(record.get("text"), str) else None
        units: Utf16Offsets | None = None
        # Why the record's spans do not fit, when its text is a stored one before import
        # normalised it: worked out at its first refusal, once per record.
        normalised = functools.cache(functools.partial(_normalised_reason, db, found, file_text))
        if kind == "doccano":
            named = _meta(record).get("annotators")
            if isinstance(named, list):
                report.meta_annotators.update(name for name in named if _is_name(name))
            # The offsets count the file's text, which may differ from the stored one
            # (matched by name); the quote check below catches that.
            counted = file_text if file_text is not None else found[2] if found else None
            if counted is not None and counts_utf16(record):
                units = Utf16Offsets(counted)
        for raw in _raw_spans(record, kind):
            if isinstance(raw, str):
                refuse(where, raw)
                continue
            start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
            # JSON true and false are ints to Python, but no offset.
            if not (_is_offset(start) and _is_offset(end) and isinstance(label, str)):
                refuse(where, f"span {_describe(raw)} needs integer start/end and a label")
                continue
            if start >= end:
                # Said as "offsets outside the document", though both were inside it.
                refuse(
                    where,
                    f"span {_describe(raw)}: start {_echoed(start)} is not before end"
                    f" {_echoed(end)}",
                )
                continue
            if found is None:
                source = _meta(record).get("source")
                named = clipped(source) if isinstance(source, str) else _echoed(source)
                named = named if source else "(no source)"
                reason = normalised() or f"document {named} is not in the database"
                refuse(where, f"span {_describe(raw)}: {reason}")
                continue
            doc_id, doc_sha, stored = found
            if units is not None:
                start, end = units.from_utf16(start), units.from_utf16(end)
                if start is None or end is None:
                    refuse(where, f"span {_describe(raw)}: {_utf16_problem(raw, units)}")
                    continue
            if not 0 <= start < end <= len(stored):
                outside = f"offsets outside the document (0-{len(stored)})"
                refuse(where, f"span {_describe(raw)}: {normalised() or outside}")
                continue
            quote = raw.get("text") if isinstance(raw.get("text"), str) else None
            if quote is None and file_text is not None:
                quote = file_text[start:end]
            if quote is not None and stored[start:end] != quote:
                mismatch = (
                    f"text {quote[:40]!r} does not match the document ({stored[start:end][:40]!r})"
                )
                refuse(where, f"span {_describe(raw)}: {normalised() or mismatch}")
                continue
            if label not in labels:
                if not create_labels:
                    refuse(
                        where,
                        f"span {_describe(raw)}: unknown label {clipped(label)}"
                        " (see --create-labels)",
                    )
                    continue
                try:
                    validate_label(Label(label, NEW_LABEL_COLOUR, None, "", 0))
                except ClaimdeskError as error:
                    refuse(where, f"span {_describe(raw)}: {error}")
                    continue
            from_file = raw.get("annotator") if kind == "jsonl" else None
            who = from_file or annotator or importer
            if not _is_name(who):
                refuse(
                    where,
                    f"span {_describe(raw)}: annotator {_shown(who)} is not a printable name"
                    f" of at most {MAX_NAME_CHARS} characters",
                )
                continue
            # The name as create_span stores it, before it goes into an id (a new span on
            # every import otherwise). A name that is clean already keeps the id it had.
            who = clean_name(who)
            if kind == "jsonl":
                span_id = raw.get("id")
                if span_id is None:
                    # Prodigy's output has no span ids: one derived from the span, so a
                    # second import finds it present.
                    span_id = doccano_span_id(doc_sha, start, end, label, who)
                if not _is_name(span_id):
                    refuse(
                        where,
                        f"span {_describe(raw)}: needs an id of printable text, at most"
                        f" {MAX_NAME_CHARS} characters",
                    )
                    continue
            else:
                span_id = doccano_span_id(doc_sha, start, end, label, who)
            note = raw.get("note")
            if note is not None and not (isinstance(note, str) and len(note) <= MAX_NOTE_CHARS):
                refuse(
                    where,
                    f"span {_describe(raw)}: a note is text of at most {MAX_NOTE_CHARS} characters",
                )
                continue
            key = (doc_id, start, end, label, who)
            incoming = IncomingSpan(
                where, span_id, doc_id, doc_sha, start, end, label, who, quote, note
            )
            # A file without a note says nothing about the stored one.
            new_note = clean_note(note)
            if (first_seen := seen.get(span_id)) is not None:
                # The same span twice in one file is present; one id for two spans would
                # keep whichever came first without a word.
                # (Two annotators' spans under one id: the second was dropped as a repeat.)
                if first_seen.key != key:
                    refuse(
                        where, f"span id {clipped(span_id)} is used by another span in this file"
                    )
                    continue
                if new_note is None or new_note == first_seen.note:
                    report.repeated += 1
                    continue
                if first_seen.note is not None:
                    # Either note kept would drop the other annotator's without a word, and
                    # nothing in the file says which one is meant.
                    refuse(
                        where,
                        f"span {_describe(raw)} is on line {first_seen.line} too, with another"
                        f" note ({quoted(first_seen.note)} there, {quoted(new_note)} here):"
                        " keep one of the notes, or join them in one",
                    )
                    continue
                # The occurrence without a note said nothing of it, so this note is the
                # span's, as it would be had the two come the other way round.
                report.repeated += 1
                first_seen.note = new_note
                if first_seen.outcome == "new":
                    pending[first_seen.pending_at] = replace(
                        pending[first_seen.pending_at], note=note
                    )
                elif first_seen.outcome == "present" and new_note != first_seen.stored_note:
                    report.present -= 1
                    other_notes.append(
                        replace(
                            incoming,
                            note=new_note,
                            replaces=first_seen.stored_note,
                            updates_note=True,
                        )
                    )
                continue
            first_seen = seen[span_id] = _FirstSeen(key, number, new_note)
            stored_as = db.conn.execute(
                'SELECT doc_id, start, "end", label, annotator, deleted_at, note FROM spans'
                " WHERE id = ?",
                [span_id],
            ).fetchone()
            if stored_as is not None:
                if tuple(stored_as[:5]) != key:
                    refuse(
                        where,
                        f"span id {clipped(span_id)} already exists with other offsets, label or"
                        " annotator",
                    )
                elif stored_as[5] is not None:
                    report.left_deleted += 1
                elif new_note is None or new_note == stored_as[6]:
                    report.present += 1
                    first_seen.outcome, first_seen.stored_note = "present", stored_as[6]
                else:
                    other_notes.append(
                        replace(incoming, note=new_note, replaces=stored_as[6], updates_note=True)
                    )
                continue
            report.valid += 1
            first_seen.outcome, first_seen.pending_at = "new", len(pending)
            pending.append(incoming)
    if report.records == 0 and not report.refused:
        refuse(str(path), NO_RECORDS)
    if report.refused:
        return report
    edited = notes_edited_here(db, (span.span_id for span in other_notes))
    report.notes_kept += sum(span.span_id in edited for span in other_notes)
    pending += [span for span in other_notes if span.span_id not in edited]

    def so_far() -> str:
        return partly_imported(f"{report.added} span(s) of {path}", "importing the file again")

    for first in range(0, len(pending), batch_size):
        try:
            _store(db, importer, pending[first : first + batch_size], labels, report)
        except ClaimdeskError as error:
            raise ClaimdeskError(stopped_part_way(error, so_far())) from error
        except KeyboardInterrupt:
            # The batch under way is rolled back, the ones before it stay: the annotator
            # must know that something was stored and how to complete it.
            _count_committed(db, report)
            raise KeyboardInterrupt(so_far()) from None
    return report


def _count_committed(db: sqlite_utils.Database, report: AnnotationImportReport) -> None:
    """Count the batch in flight if its transaction committed before the signal."""
    in_flight, report.in_flight = report.in_flight, None
    if in_flight is None or report.batches[-1:] == [in_flight]:
        return  # none, or counted already
    if db.conn.in_transaction:
        # Stopped between the block and its COMMIT: nothing of it is stored.
        db.conn.execute("ROLLBACK")
        return
    # The action's id is new to the log and written in its transaction.
    logged = "SELECT 1 FROM changes WHERE action_id = ? LIMIT 1"
    if db.conn.execute(logged, [in_flight[0]]).fetchone() is not None:
        report.batches.append(in_flight)


def _store(
    db: sqlite_utils.Database,
    importer: str,
    batch: list[IncomingSpan],
    labels: set[str],
    report: AnnotationImportReport,
) -> None:
    """Write one batch as one undoable action; the report counts it once committed."""
    added = present = left_deleted = notes_updated = notes_kept = 0
    created: list[str] = []
    with user_action(db, importer, import_summary(len(batch))) as action:
        for span in batch:
            row = db.conn.execute(
                "SELECT deleted_at, note FROM spans WHERE id = ?", [span.span_id]
            ).fetchone()
            if row is not None:
                # Stored by someone else since the file was checked (and maybe deleted),
                # or its note changed since: an edit made meanwhile is kept too.
                if row[0] is not None:
                    left_deleted += 1
                elif not span.updates_note or row[1] == span.note:
                    present += 1
                elif row[1] != span.replaces:
                    notes_kept += 1
                else:
                    set_span_note(action, span.span_id, span.note)
                    notes_updated += 1
                continue
            if span.label not in labels:
                position = len(labels) + 1
                save_label(action, Label(span.label, NEW_LABEL_COLOUR, None, "", position))
                created.append(span.label)
                labels.add(span.label)
            create_span(
                action,
                span.doc_id,
                span.start,
                span.end,
                span.label,
                quote=span.quote,
                note=span.note,
                span_id=span.span_id,
                annotator=span.annotator,
            )
            added += 1
        stored = report.in_flight = (action.id, added)
    # One call, so a signal lands before it (the batch is in flight) or after it.
    report.batches.append(stored)
    report.in_flight = None
    report.present += present
    report.left_deleted += left_deleted
    report.notes_updated += notes_updated
    report.notes_kept += notes_kept
    report.labels_created += created
