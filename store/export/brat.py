"""brat standoff: a folder with ``NAME.txt`` and ``NAME.ann`` per document, and an
``annotation.conf`` declaring the labels, so the folder opens as a brat collection.

``.ann`` lines: ``T1<TAB>LABEL START END<TAB>TEXT`` per span, ``#1<TAB>AnnotatorNotes
T1<TAB>NOTE`` per span note, and ``*<TAB>SAME_FACT T1 T3`` when two claims of one
fact cluster (accepted links) lie in the same document; an accepted link's end that is
no span gets a ``LINKED`` text-bound annotation so it can take part. ``R`` lines would hold
links inside one document, which the store does not allow today.

Offsets: brat's server opens the ``.txt`` with Python's codecs reader (UTF-8,
universal newlines) and slices the resulting string, so offsets are code points,
the same as claimdesk's (on a UCS-4 Python, which every Linux build and Python 3
is; old "narrow" Python 2 builds counted non-BMP characters twice). Universal
newlines would turn ``\\r\\n`` into one character, so a text with ``\\r`` is refused.
The ``.ann`` file is read line by line, so a span's text may hold no line break:
such a span is written as fragments ``START END;START END`` around the breaks,
with the fragments' texts joined by a space, as brat expects.
"""

from __future__ import annotations

import re
from pathlib import Path

import sqlite_utils

from store.errors import ClaimdeskError, QuoteMismatch
from store.export.common import (
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    fact_clusters,
    iter_documents,
    iter_links,
)
from store.export.output import short_file_stem
from store.model import Document, Span

# Every character str.splitlines() breaks at: codecs' readline splits there too.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RUN = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
LINKED = "LINKED"
SAME_FACT = "SAME_FACT"
DISCONTINUOUS_SEPARATOR = " "


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at line breaks into the pieces brat can hold."""
    pieces: list[tuple[int, int]] = []
    position = start
    for match in _BREAK_RUN.finditer(text, start, end):
        if match.start() > position:
            pieces.append((position, match.start()))
        position = match.end()
    if position < end:
        pieces.append((position, end))
    return pieces


def textbound_line(ann_id: str, label: str, text: str, start: int, end: int) -> str | None:
    pieces = fragments(text, start, end)
    if not pieces:
        return None
    offsets = ";".join(f"{s} {e}" for s, e in pieces)
    quote = DISCONTINUOUS_SEPARATOR.join(text[s:e] for s, e in pieces)
    return f"{ann_id}\t{label} {offsets}\t{quote}"


def _one_line(note: str) -> str:
    return _BREAK_RUN.sub(" ", note).replace("\t", " ")


def file_base(document: Document, used: set[str]) -> str:
    """A safe, unique file name stem for the document, stable for a given database."""
    stem = (
        document.source_name.rsplit(".", 1)[0]
        if "." in document.source_name
        else (document.source_name)
    )
    base = short_file_stem(_UNSAFE_NAME.sub("_", stem).strip("._") or "document")
    if base.lower() in used or base.lower() == "annotation":
        base = f"{base}-{document.id}"
    used.add(base.lower())
    return base


def annotation_conf(db: sqlite_utils.Database) -> str:
    labels = [row[0] for row in db.conn.execute("SELECT name FROM labels ORDER BY position, name")]
    return (
        "[entities]\n"
        + "".join(f"{name}\n" for name in [*labels, LINKED])
        + "\n[relations]\n"
        + f"{SAME_FACT}\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive\n"
        + "\n[events]\n\n[attributes]\n"
    )


def check_against_text(txt_path: Path, lines: list[str]) -> None:
    """Re-read the ``.txt`` as brat does and confirm every text-bound line matches it."""
    with txt_path.open(encoding="utf-8", newline=None) as handle:
        text = handle.read()
    for line in lines:
        if not line.startswith("T"):
            continue
        ann_id, middle, quote = line.split("\t", 2)
        offsets = middle.split(" ", 1)[1]
        pieces = [tuple(int(n) for n in part.split(" ")) for part in offsets.split(";")]
        actual = DISCONTINUOUS_SEPARATOR.join(text[s:e] for s, e in pieces)
        if actual != quote:
            raise QuoteMismatch(
                f"{txt_path.name}: brat annotation {ann_id} does not match the text beside it"
            )


def document_lines(
    document: Document, spans: list[Span], link_ends: list[tuple[int, int, str | None]]
) -> tuple[list[str], int]:
    """The ``.ann`` lines of one document, and how many spans could not be written."""
    lines: list[str] = []
    notes: list[str] = []
    by_offsets: dict[tuple[int, int], str] = {}
    skipped = 0
    number = 0
    for span in spans:
        line = textbound_line(f"T{number + 1}", span.label, document.text, span.start, span.end)
        if line is None:
            skipped += 1
            continue
        number += 1
        lines.append(line)
        by_offsets.setdefault((span.start, span.end), f"T{number}")
        if span.note:
            notes.append(f"#{len(notes) + 1}\tAnnotatorNotes T{number}\t{_one_line(span.note)}")
    members: dict[str, list[str]] = {}
    for start, end, cluster in link_ends:
        ann_id = by_offsets.get((start, end))
        if ann_id is None:
            line = textbound_line(f"T{number + 1}", LINKED, document.text, start, end)
            if line is None:
                continue
            number += 1
            lines.append(line)
            ann_id = by_offsets[(start, end)] = f"T{number}"
        if cluster is not None and ann_id not in members.setdefault(cluster, []):
            members[cluster].append(ann_id)
    equivalences = [
        f"*\t{SAME_FACT} " + " ".join(ids) for _, ids in sorted(members.items()) if len(ids) > 1
    ]
    return lines + notes + equivalences, skipped


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, folder: Path, options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    clusters = fact_clusters(db)
    (folder / "annotation.conf").write_text(annotation_conf(db), encoding="utf-8", newline="\n")
    used: set[str] = set()
    skipped = 0
    for document, spans in iter_documents(db, flt):
        if "\r" in document.text:
            raise ClaimdeskError(
                f"{document.source_name}: text holds a carriage return, which brat's reader"
                " would merge with the next line break and so shift every offset"
            )
        ends: set[tuple[int, int, str | None]] = set()
        for checked in iter_links(db, statuses=("accepted",), doc_ids=(document.id,)):
            for end in (checked.a, checked.b):
                if end.doc_id == document.id:
                    ends.add((end.start, end.end, clusters.get(end.key)))
        lines, not_written = document_lines(
            document, spans, sorted(ends, key=lambda e: (e[0], e[1], e[2] or ""))
        )
        base = file_base(document, used)
        txt_path = folder / f"{base}.txt"
        txt_path.write_text(document.text, encoding="utf-8", newline="")
        (folder / f"{base}.ann").write_text(
            "".join(line + "\n" for line in lines), encoding="utf-8", newline="\n"
        )
        check_against_text(txt_path, lines)
        stats.documents += 1
        stats.spans += len(spans) - not_written
        skipped += not_written
    if skipped:
        stats.notes.append(f"{skipped} span(s) holding only line breaks could not be written")
    return stats
