"""brat standoff: a folder per annotator, each a brat collection of the exported
documents (``ANNOTATOR/NAME.txt`` + ``ANNOTATOR/NAME.ann``), with one
``annotation.conf`` above them (brat looks for it in parent folders),
``links.tsv`` for the links between documents, and ``documents.tsv`` and
``annotators.tsv`` mapping file and folder names back to documents and annotators.

| file                    | lines                                                        |
|-------------------------|--------------------------------------------------------------|
| ``ANNOTATOR/NAME.ann``  | ``T1<TAB>LABEL START END<TAB>TEXT`` per span of that annotator;|
|                         | ``#1<TAB>AnnotatorNotes T1<TAB>NOTE`` per note;              |
|                         | ``R1<TAB>SAME_FACT Arg1:T1 Arg2:T3`` for two of its claims of |
|                         | one fact cluster in the document                             |
| ``documents.tsv``       | a row per document: file name, source, outlet, date, language |
|                         | and story id                                                  |
| ``annotators.tsv``      | a row per annotator folder: folder name, annotator            |
| ``links.tsv``           | every link: id, status, fact, and per end the document's      |
|                         | source name, brat file name, offsets and span id              |

A folder per annotator because brat has no annotator field and because brat
readers such as pybrat refuse two text-bound annotations on the same offsets, which
two annotators marking the same words would give. A folder's name depends on its
annotator alone (:func:`folder_name`: ``alice`` stays ``alice``, ``model:ner``
becomes ``model_ner-`` plus a short hash of the name), and ``annotators.tsv`` maps
each folder back to its annotator. One annotator's two labels on the same words
are both written (brat shows both) but pybrat refuses that annotator's folder; brat
has no native place for a second label on one text-bound annotation that pybrat
reads, so the note names the first few such pairs instead. There are no ``*``
equivalence lines: pybrat accepts only ``Equiv`` there and INCEpTION rejects the
file, and brat cannot point into another document.

Offsets: brat's server opens the ``.txt`` with Python's codecs reader (UTF-8,
universal newlines) and slices the resulting string, so offsets are code points,
the same as claimdesk's. Universal newlines would turn ``\\r\\n`` into one
character, so a text with ``\\r`` is refused. The ``.ann`` file is read line by
line, so a span's text may hold no line break: such a span is written as fragments
``START END;START END`` around the breaks, with the fragments' texts joined by a
space, as brat expects. Readers also split a line at every tab (bratly keeps only
what lies between the second and third) and strip its end (pybrat), so a span is
written without the whitespace at its ends, a span holding a tab as fragments around
it, and a span of whitespace alone not at all; the export's notes count each.
INCEpTION counts offsets in UTF-16 units, so for it use the ``xmi`` format, which
converts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from store.errors import ClaimdeskError, QuoteMismatch
from store.export.common import (
    ClaimKey,
    ExportOptions,
    ExportStats,
    ResolvedFilter,
    fact_clusters,
    iter_documents,
    iter_links,
    same_fact_pairs,
)
from store.export.output import short_file_stem
from store.model import Document, Span

# Every character str.splitlines() breaks at: codecs' readline splits there too.
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RUN = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
SAME_FACT = "SAME_FACT"
DISCONTINUOUS_SEPARATOR = " "


# The whitespace around a cut goes with it, so that no fragment starts or ends blank.
_CUT = re.compile(rf"\s*[{re.escape(LINE_BREAKS)}\t]\s*")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` without the whitespace at its ends, cut at line breaks and tabs
    into the pieces brat's readers can hold; none if it is whitespace alone."""
    # str.isspace() is what pybrat's rstrip() removes from the end of a line.
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    pieces: list[tuple[int, int]] = []
    position = start
    for match in _CUT.finditer(text, start, end):
        pieces.append((position, match.start()))
        position = match.end()
    if position < end:
        pieces.append((position, end))
    return pieces


def textbound_line(ann_id: str, label: str, text: str, pieces: list[tuple[int, int]]) -> str:
    offsets = ";".join(f"{s} {e}" for s, e in pieces)
    quote = DISCONTINUOUS_SEPARATOR.join(text[s:e] for s, e in pieces)
    return f"{ann_id}\t{label} {offsets}\t{quote}"


def read_textbound(line: str) -> tuple[str, list[tuple[int, int]], str] | None:
    """A ``T`` line as the readers take it: pybrat strips the line's end, bratly
    splits it at every tab and keeps the third field; None if they would disagree."""
    fields = line.rstrip().split("\t")
    if len(fields) != 3 or fields[2] != line.split("\t")[-1] or not fields[2]:
        return None
    ann_id, middle, quote = fields
    offsets = middle.split(" ", 1)[1]
    pieces = [(int(s), int(e)) for s, e in (part.split(" ") for part in offsets.split(";"))]
    return ann_id, pieces, quote


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
        # The suffixed name can itself be another document's own (``a.txt`` as ``a-1``
        # beside ``a-1.txt``), and a taken name would overwrite that document's files.
        suffixed = f"{base}-{document.id}"
        repeat = 1
        while suffixed.lower() in used:
            repeat += 1
            suffixed = f"{base}-{document.id}-{repeat}"
        base = suffixed
    used.add(base.lower())
    return base


def annotation_conf(db: sqlite_utils.Database) -> str:
    labels = [row[0] for row in db.conn.execute("SELECT name FROM labels ORDER BY position, name")]
    return (
        "[entities]\n"
        + "".join(f"{name}\n" for name in labels)
        + "\n[relations]\n"
        + f"{SAME_FACT}\tArg1:<ENTITY>, Arg2:<ENTITY>\n"
        + "\n[events]\n\n[attributes]\n"
    )


def check_against_text(txt_path: Path, lines: list[str]) -> None:
    """Re-read the ``.txt`` as brat does and confirm every text-bound line matches it."""
    with txt_path.open(encoding="utf-8", newline=None) as handle:
        text = handle.read()
    for line in lines:
        if not line.startswith("T"):
            continue
        read = read_textbound(line)
        if read is None:
            ann_id = line.split("\t", 1)[0]
            raise QuoteMismatch(f"{txt_path.name}: brat readers would cut {ann_id}'s text")
        ann_id, pieces, quote = read
        actual = DISCONTINUOUS_SEPARATOR.join(text[s:e] for s, e in pieces)
        if actual != quote:
            raise QuoteMismatch(
                f"{txt_path.name}: brat annotation {ann_id} does not match the text beside it"
            )


@dataclass(slots=True)
class AnnFile:
    """One annotator's ``.ann`` lines for one document, and what could not be written."""

    lines: list[str]
    skipped: int = 0
    # (span id written first, span id) for each span on offsets already written.
    same_offsets: list[tuple[str, str]] = field(default_factory=list)
    # Spans written as the T line of an earlier one: same label on the same fragments
    # (two spans differing only in whitespace at an end become one once trimmed).
    merged: int = 0
    trimmed: int = 0
    split_at_tab: int = 0


def document_lines(document: Document, spans: list[Span], clusters: dict[ClaimKey, str]) -> AnnFile:
    """The ``.ann`` lines of one annotator's spans on one document."""
    lines: list[str] = []
    notes: list[str] = []
    written: list[tuple[str, Span]] = []
    seen_offsets: dict[tuple[int, ...], str] = {}
    # (label, fragments) → the T id written for them.
    seen_lines: dict[tuple[str, tuple[int, ...]], str] = {}
    result = AnnFile(lines)
    number = 0
    for span in spans:
        pieces = fragments(document.text, span.start, span.end)
        if not pieces:
            result.skipped += 1
            continue
        if (pieces[0][0], pieces[-1][1]) != (span.start, span.end):
            result.trimmed += 1
        if "\t" in document.text[pieces[0][0] : pieces[-1][1]]:
            result.split_at_tab += 1
        offsets = tuple(n for piece in pieces for n in piece)
        ann_id = seen_lines.get((span.label, offsets), "")
        if ann_id:
            # A second identical T line is a duplicate entity to pybrat, which refused
            # the annotator's whole folder for it; one line stands for both spans.
            result.merged += 1
        else:
            number += 1
            ann_id = seen_lines[(span.label, offsets)] = f"T{number}"
            lines.append(textbound_line(ann_id, span.label, document.text, pieces))
            first = seen_offsets.setdefault(offsets, span.id)
            if first != span.id:
                result.same_offsets.append((first, span.id))
        if span.note:
            notes.append(f"#{len(notes) + 1}\tAnnotatorNotes {ann_id}\t{_one_line(span.note)}")
        written.append((ann_id, span))
    claims = [
        (clusters.get((document.source_name, span.start, span.end)), span.start, span.end)
        for _, span in written
    ]
    joined = dict.fromkeys(
        (written[first][0], written[other][0])
        for first, other in same_fact_pairs(claims)
        if written[first][0] != written[other][0]
    )
    relations = [
        f"R{number}\t{SAME_FACT} Arg1:{one} Arg2:{two}"
        for number, (one, two) in enumerate(joined, 1)
    ]
    lines += notes + relations
    return result


ANNOTATORS_FILE = "annotators.tsv"
_TOP_FILES = frozenset({"annotation.conf", "links.tsv", "documents.tsv", ANNOTATORS_FILE})
# What a hashed folder name ends with; a name of this form is never kept as it is.
_HASH_DIGITS = 8
_HASHED_NAME = re.compile(rf".*-[0-9a-f]{{{_HASH_DIGITS}}}")


SHOWN_SAME_OFFSETS = 3


def same_offsets_note(found: list[tuple[str, str, str, str]]) -> str:
    """The note naming spans on one annotator's written offsets, the first few of them.

    pybrat refuses an annotator's whole folder for one such pair; a count alone left the
    user searching every document for it. Names are shown as Python literals, so an
    imported id or name holding quotes, separators or controls stays one unambiguous item.
    """
    shown = "; ".join(
        f"{source!r} ({annotator!r}): {first!r} and {other!r}"
        for source, annotator, first, other in found[:SHOWN_SAME_OFFSETS]
    )
    more = len(found) - SHOWN_SAME_OFFSETS
    tail = f"; and {more} more" if more > 0 else ""
    return (
        f"{len(found)} span(s) share their offsets with another span of the same annotator"
        " (another label); brat shows both, pybrat refuses that annotator's folder:"
        f" {shown}{tail}"
    )


def folder_name(annotator: str) -> str:
    """The folder of ``annotator``'s collection, from that name alone.

    A name that is already a safe, lower-case folder name is its own folder (``alice``);
    any other is its safe form plus the first hex digits of the SHA-256 of the whole
    name (``model:ner`` → ``model_ner-5e0a…``). Suffixes handed out in sort order made
    a folder depend on who else was exported: ``model/ner`` took ``model_ner`` and
    pushed ``model:ner`` to ``model_ner-2``, but only when both were in the export.
    Lower case only, so two names differing in case never share a folder on a
    case-insensitive file system; a kept name never has the hashed form, so it cannot
    meet another annotator's hashed folder.
    """
    safe = short_file_stem(_UNSAFE_NAME.sub("_", annotator).strip("._") or "annotator")
    if (
        safe == annotator
        and annotator == annotator.lower()
        and annotator not in _TOP_FILES
        and not _HASHED_NAME.fullmatch(annotator)
    ):
        return annotator
    digest = hashlib.sha256(annotator.encode("utf-8")).hexdigest()[:_HASH_DIGITS]
    return f"{safe}-{digest}"


def folder_names(annotators: list[str]) -> dict[str, str]:
    """Each annotator's folder (:func:`folder_name`); refused if two would coincide."""
    names = {annotator: folder_name(annotator) for annotator in annotators}
    owners: dict[str, str] = {}
    for annotator, name in names.items():
        other = owners.setdefault(name.lower(), annotator)
        if other != annotator:
            # Two SHA-256 prefixes alike: never seen, but never written over either.
            raise ClaimdeskError(
                f"brat: annotators {other!r} and {annotator!r} would share the folder {name!r}"
            )
    return names


DOCUMENTS_HEADER = ("file", "source", "outlet", "date", "language", "story")
"""``documents.tsv``: what brat's own files have no place for, a row per document."""

ANNOTATORS_HEADER = ("folder", "annotator")
"""``annotators.tsv``: which annotator each folder holds, a row per folder."""

LINKS_HEADER = (
    "link",
    "status",
    "fact",
    "a_source",
    "a_file",
    "a_start",
    "a_end",
    "a_span",
    "b_source",
    "b_file",
    "b_start",
    "b_end",
    "b_span",
)


def _cell(value: object) -> str:
    return "" if value is None else _one_line(str(value))


def _tsv_row(values: Iterable[object]) -> str:
    return "\t".join(_cell(value) for value in values)


def _write_tsv(path: Path, header: tuple[str, ...], rows: list[str]) -> None:
    """A tab-separated file: ``header``, then ``rows`` made by :func:`_tsv_row`."""
    lines = ["\t".join(header), *rows]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="\n")


def documents_row(base: str, document: Document) -> str:
    """The ``documents.tsv`` row of a document written as ``base`` plus an extension;
    the xmi export writes the same file."""
    return _tsv_row(
        (
            base,
            document.source_name,
            document.outlet,
            document.published,
            document.language,
            document.story,
        )
    )


def write_documents_tsv(folder: Path, rows: list[str]) -> None:
    """``documents.tsv`` in ``folder``: the header, then ``rows`` from :func:`documents_row`."""
    _write_tsv(folder / "documents.tsv", DOCUMENTS_HEADER, rows)


def write(
    db: sqlite_utils.Database, flt: ResolvedFilter, folder: Path, options: ExportOptions
) -> ExportStats:
    stats = ExportStats()
    clusters = fact_clusters(db)
    (folder / "annotation.conf").write_text(annotation_conf(db), encoding="utf-8", newline="\n")
    # First pass: who annotated, so that each annotator's folder holds every document.
    annotators = sorted({span.annotator for _, spans in iter_documents(db, flt) for span in spans})
    folders = folder_names(annotators)
    for name in folders.values():
        (folder / name).mkdir()
    used: set[str] = set()
    files: dict[int, str] = {}
    documents: list[str] = []
    skipped = unwritten = trimmed = split_at_tab = merged = 0
    # (document, annotator, span id written first, span id on the same offsets)
    same_offsets: list[tuple[str, str, str, str]] = []
    for document, spans in iter_documents(db, flt):
        if "\r" in document.text:
            raise ClaimdeskError(
                f"{document.source_name}: text holds a carriage return, which brat's reader"
                " would merge with the next line break and so shift every offset"
            )
        base = files[document.id] = file_base(document, used)
        documents.append(documents_row(base, document))
        for annotator, name in folders.items():
            mine = [span for span in spans if span.annotator == annotator]
            ann = document_lines(document, mine, clusters)
            txt_path = folder / name / f"{base}.txt"
            txt_path.write_text(document.text, encoding="utf-8", newline="")
            (folder / name / f"{base}.ann").write_text(
                "".join(line + "\n" for line in ann.lines), encoding="utf-8", newline="\n"
            )
            check_against_text(txt_path, ann.lines)
            stats.spans += len(mine) - ann.skipped
            skipped += ann.skipped
            same_offsets += [
                (document.source_name, annotator, first, other) for first, other in ann.same_offsets
            ]
            trimmed += ann.trimmed
            split_at_tab += ann.split_at_tab
            merged += ann.merged
        if folders:
            stats.documents += 1
        else:
            unwritten += 1
    rows: list[str] = []
    for checked in iter_links(db, doc_ids=flt.doc_ids):
        link = checked.link
        fact = clusters.get(checked.a.key) if link.status == "accepted" else None
        cells: list[object] = [link.id, link.status, fact]
        for end in (checked.a, checked.b):
            cells += [end.doc, files.get(end.doc_id), end.start, end.end, end.span_id]
        rows.append(_tsv_row(cells))
        stats.links += 1
    _write_tsv(folder / "links.tsv", LINKS_HEADER, rows)
    write_documents_tsv(folder, documents)
    _write_tsv(
        folder / ANNOTATORS_FILE,
        ANNOTATORS_HEADER,
        [_tsv_row((name, annotator)) for annotator, name in folders.items()],
    )
    if unwritten:
        stats.notes.append(
            f"no spans selected, so no annotator folder: {unwritten} document(s) not written"
        )
    if skipped:
        stats.notes.append(
            f"{skipped} span(s) holding only whitespace or line breaks could not be written"
        )
    if trimmed:
        stats.notes.append(
            f"{trimmed} span(s) written without the whitespace at their ends,"
            " which brat readers strip or cut at"
        )
    if split_at_tab:
        stats.notes.append(
            f"{split_at_tab} span(s) holding a tab written as fragments around it,"
            " as brat readers split a line at every tab"
        )
    if merged:
        stats.notes.append(
            f"{merged} span(s) written as the T line of another span of the same annotator"
            " with the same label on the same words (once trimmed of whitespace at their"
            " ends): brat readers refuse two identical entities"
        )
    if same_offsets:
        stats.notes.append(same_offsets_note(same_offsets))
    return stats
