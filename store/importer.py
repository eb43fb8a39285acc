"""Importing article files and folders into the store in bounded batches.

| caller              | calls                                                  |
|---------------------|--------------------------------------------------------|
| CLI ``import``      | :func:`import_paths`                                   |
| first-run seeding   | :func:`import_paths` on the bundled sample corpus      |
| ``import_paths``    | ``collect_files`` → ``read_articles`` → ``_store_batch`` |

A batch commits every :data:`BATCH_SIZE` articles so that a large import never
holds the write lock for long and annotators on the same database keep working.
A refused file or record never stops the rest of the batch.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlite_utils

from store.boilerplate import mark_repeated, shape_flags
from store.bulk import TARGET_TRANSACTION_S, Checkpointer, step_aside
from store.db import write
from store.documents import (
    insert_document,
    stored_scripts_read_before_as,
    stored_without_html_as,
    text_sha256,
)
from store.errors import ImportRefused, StoreUnwritable, partly_imported, stopped_part_way
from store.formats import ParsedArticle
from store.formats.dispatch import SUPPORTED_SUFFIXES, read_articles
from store.formats.files import cannot_read
from store.formats.limits import MAX_ARTICLE_CHARS
from store.formats.titles import fallback_outlet
from store.labels import ensure_default_labels
from store.segment import split_sentences

# An annotator's write waits for at most one batch. Measured on 2,000 wire articles
# (tests/concurrency/import_contention.py): a batch of 50 holds the write lock 16 ms
# (max 31 ms), one of 200 46 ms (max 107 ms); the whole import is no slower.
BATCH_SIZE = 50
# A corpus folder's own documentation is not an article; named explicitly, it still imports.
FOLDER_DOCS = frozenset({"README", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"})
# How many linked folders not followed the note names before it says "and N more".
_SHOWN_LINKS = 5
Progress = Callable[[int, int, Path], None]


@dataclass(slots=True)
class ImportReport:
    """What one import did; ``refused`` holds one-line reasons naming each file."""

    files: int = 0
    duplicates: int = 0
    refused: list[ImportRefused] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """One line per repair made while reading a file that was imported, and per Markdown
    file found stored without the text of its HTML blocks, naming the file; one for the
    linked folders the walk did not follow."""
    added_ids: list[int] = field(default_factory=list)
    in_flight: tuple[list[int], str] = field(default_factory=lambda: ([], ""))
    """The ids of the documents the transaction under way adds and its last one's
    SHA-256, noted before its COMMIT: a signal landing just after the COMMIT lost them
    from the count ("0 document(s) were imported" while 50 were), so
    :func:`_count_committed` looks them up."""
    linked_folders: list[Path] = field(default_factory=list)
    """Links to folders met while walking a folder, which the walk does not follow."""
    outlets: set[str | None] = field(default_factory=set)
    """Outlets of the articles stored or found already stored: their repeated lines are
    counted again, so importing again after an interrupted import flags what it missed."""

    @property
    def added(self) -> int:
        return len(self.added_ids)

    @property
    def ok(self) -> bool:
        return not self.refused


def collect_files(paths: Iterable[Path], report: ImportReport) -> list[Path]:
    """Expand folders recursively into supported files, in a stable order.

    Hidden files and folders are skipped; unreadable folders and missing paths go to
    ``report.refused`` instead of stopping the walk. Linked folders are not followed
    (a link can lead anywhere, or back up the tree); those leading out of every folder
    named get one note.
    """
    files: list[Path] = []
    paths = list(paths)
    for path in paths:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            report.refused.append(ImportRefused(path, "no such file or folder"))
            continue
        except OSError as error:
            # A name too long or a folder without permission: exists() raised on these
            # and one bad path stopped the whole batch. Each is refused on its own.
            report.refused.append(cannot_read(path, error))
            continue
        if stat.S_ISDIR(mode):
            files.extend(_walk(path, report))
        elif path.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(path)
        else:
            supported = " ".join(sorted(SUPPORTED_SUFFIXES))
            report.refused.append(
                ImportRefused(
                    path,
                    f"unsupported file type {path.suffix or '(none)'!r} (supported: {supported})",
                )
            )
    _note_linked_folders(paths, report)
    return files


def _walk(folder: Path, report: ImportReport) -> Iterator[Path]:
    def refuse(error: OSError) -> None:
        where = error.filename or folder
        report.refused.append(
            ImportRefused(where, f"cannot read folder: {(error.strerror or str(error)).lower()}")
        )

    inside = os.path.realpath(folder)
    for root, dirs, names in os.walk(folder, onerror=refuse):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # os.walk lists a linked folder but does not enter it: its files were left out
        # without a word while the same folder named itself imported.
        report.linked_folders.extend(
            linked for d in dirs if (linked := Path(root) / d).is_symlink()
        )
        for name in sorted(names):
            if name.startswith(".") or Path(name).stem.upper() in FOLDER_DOCS:
                continue
            path = Path(root) / name
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                report.skipped.append(path)
                continue
            # A link to nothing goes on, to be refused as unreadable.
            target = os.path.realpath(path) if path.is_symlink() and path.exists() else None
            if target is not None and not _within(target, inside):
                # A corpus unpacked from someone's archive keeps its links: `notes.txt ->
                # ~/.ssh/id_ed25519` went into the shared database and every export.
                report.refused.append(
                    ImportRefused(
                        path,
                        f"a symbolic link to a file outside {folder}; name the file itself"
                        " to import it",
                    )
                )
            elif target is not None and _reached(target, inside):
                # The walk imports the file itself, under its own name and folder: first in
                # walk order, the link had taken them (`alias.txt` of outlet `c10` for
                # `reuters/rates.txt`).
                continue
            else:
                yield path


def _reached(target: str, folder: str) -> bool:
    """Whether the walk of ``folder`` reaches the file ``target``, inside it, under its
    own name."""
    if not os.path.isfile(target):
        return False
    parts = Path(os.path.relpath(target, folder)).parts
    file = Path(target)
    return (
        not any(part.startswith(".") for part in parts)
        and file.suffix.lower() in SUPPORTED_SUFFIXES
        and file.stem.upper() not in FOLDER_DOCS
    )


def _within(target: str, folder: str) -> bool:
    return os.path.commonpath([target, folder]) == folder


def _note_linked_folders(paths: list[Path], report: ImportReport) -> None:
    """One note naming the linked folders not followed whose files no named path holds.

    A link to a folder inside a named one loses nothing (its files are walked where
    they are), so only links leading elsewhere are named.
    """
    named = [os.path.realpath(path) for path in paths]
    missed = [
        link
        for link in report.linked_folders
        if not any(_within(os.path.realpath(link), place) for place in named)
    ]
    if not missed:
        return
    shown = ", ".join(str(link) for link in missed[:_SHOWN_LINKS])
    more = len(missed) - _SHOWN_LINKS
    tail = f" and {more} more" if more > 0 else ""
    them = "it" if len(missed) == 1 else "one"
    report.notes.append(
        f"{len(missed)} linked folder(s) not followed: {shown}{tail} (name {them} to import it)"
    )


def import_paths(
    db: sqlite_utils.Database,
    paths: Iterable[Path],
    *,
    progress: Progress | None = None,
    max_chars: int = MAX_ARTICLE_CHARS,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import every supported file under ``paths``; never raises for bad input."""
    report = ImportReport()
    files = collect_files(paths, report)
    report.files = len(files)
    with write(db):
        ensure_default_labels(db)
    try:
        _import_files(
            db, files, report, progress=progress, max_chars=max_chars, batch_size=batch_size
        )
        mark_repeated(db, report.outlets)
    except KeyboardInterrupt:
        # Batches already committed stay (each is whole): the user must know that some
        # documents are in and how to complete the import.
        _count_committed(db, report)
        raise KeyboardInterrupt(
            partly_imported(f"{report.added} document(s)", "importing again")
        ) from None
    return report


def _import_files(
    db: sqlite_utils.Database,
    files: list[Path],
    report: ImportReport,
    *,
    progress: Progress | None,
    max_chars: int,
    batch_size: int,
) -> None:
    batch: list[tuple[ParsedArticle, Path]] = []
    # After each batch the import copies the log into the database itself, so that an
    # annotator's commit does not pay for copying the import's pages (store.bulk).
    checkpoint = Checkpointer(db)
    for done, path in enumerate(files, start=1):
        try:
            for item in read_articles(path, max_chars=max_chars):
                if isinstance(item, ImportRefused):
                    report.refused.append(item)
                    continue
                if item.note is not None:
                    report.notes.append(f"{path}: {item.note}")
                if item.outlet is None:
                    # The folder as it is, not as typed: "import a.txt" run inside
                    # many/ gave no outlet, and "import ../many/a.txt" gave "many".
                    folder = Path(os.path.abspath(path)).parent.name
                    item = replace(item, outlet=fallback_outlet(folder, item.url))
                batch.append((item, path))
                if len(batch) >= batch_size:
                    _store_batch(db, batch, report, checkpoint)
        except ImportRefused as refused:
            report.refused.append(refused)
        except (OSError, ValueError, RecursionError, MemoryError) as error:
            report.refused.append(ImportRefused(path, f"cannot read: {error}".splitlines()[0]))
        if progress is not None:
            progress(done, len(files), path)
    _store_batch(db, batch, report, checkpoint)


def _store_batch(
    db: sqlite_utils.Database,
    batch: list[tuple[ParsedArticle, Path]],
    report: ImportReport,
    checkpoint: Checkpointer,
) -> None:
    """Store the batch's articles in transactions that hold the lock ~``TARGET_TRANSACTION_S``.

    After each, the log is checkpointed and waiting annotators go first (store.bulk).
    """
    while batch:
        try:
            held = _store_some(db, batch, report)
            # The checkpoint writes too: a full disk can be met here as well as in the
            # transaction, and either way the batches before are in.
            checkpoint()
        except StoreUnwritable as error:
            done = partly_imported(f"{report.added} document(s)", "importing again")
            raise StoreUnwritable(stopped_part_way(error, done)) from error
        step_aside(db, held)


def _count_committed(db: sqlite_utils.Database, report: ImportReport) -> None:
    """Count the documents in flight if their transaction committed before the signal."""
    (ids, sha), report.in_flight = report.in_flight, ([], "")
    if not ids or report.added_ids[-1:] == ids[-1:]:
        return  # none, or counted already
    if db.conn.in_transaction:
        # Stopped between the block and its COMMIT: nothing of it is stored.
        db.conn.execute("ROLLBACK")
        return
    # The SHA-256 too: a rolled-back id can be given to another writer's document.
    stored = "SELECT 1 FROM documents WHERE id = ? AND sha256 = ?"
    if db.conn.execute(stored, [ids[-1], sha]).fetchone() is not None:
        report.added_ids.extend(ids)


def _store_some(
    db: sqlite_utils.Database, batch: list[tuple[ParsedArticle, Path]], report: ImportReport
) -> float:
    """Store articles from the front of ``batch`` until the lock was held long enough.

    Stored articles leave ``batch``; returns the seconds the write lock was held.
    """
    # Counted only once the transaction is committed, so a failed commit (a full disk)
    # is reported with the number of documents that really are stored.
    added: list[int] = []
    last_text = ""
    duplicates = 0
    notes: list[str] = []
    stored = 0
    with write(db):
        started = time.perf_counter()
        for article, path in batch:
            stored += 1
            doc_id = insert_document(db, article, source_path=str(path))
            if doc_id is None:
                duplicates += 1
                notes.extend(_partial_copy_note(db, article, path))
                continue
            sentences = split_sentences(article.text)
            db.conn.executemany(
                'INSERT INTO sentences (doc_id, start, "end", boilerplate) VALUES (?, ?, ?, ?)',
                [
                    (doc_id, start, end, flag)
                    for (start, end), flag in zip(
                        sentences, shape_flags(article.text, sentences), strict=True
                    )
                ],
            )
            added.append(doc_id)
            last_text = article.text
            if time.perf_counter() - started >= TARGET_TRANSACTION_S:
                break
        report.in_flight = (added, text_sha256(last_text))
    # One call, so a signal lands before it (the batch is in flight) or after it.
    report.added_ids.extend(added)
    report.in_flight = ([], "")
    report.duplicates += duplicates
    report.notes.extend(notes)
    report.outlets.update(article.outlet for article, _path in batch[:stored])
    del batch[:stored]
    return time.perf_counter() - started


def _partial_copy_note(db: sqlite_utils.Database, article: ParsedArticle, path: Path) -> list[str]:
    """The note for a Markdown file found stored as an earlier claimdesk read it: with the
    content of its inline scripts and styles as text, or without the text of its HTML blocks.

    That copy stays, since spans point into its text; a second document of the same
    article would be grouped and linked with it. The note keeps the difference from being
    silent.
    """
    name = stored_scripts_read_before_as(db, article)
    if name is not None:
        return [
            f"{path}: its text is already stored as {name}, as an earlier claimdesk read its"
            " inline script or style elements (their content kept as text, or left out of"
            " image alt text); that copy is kept as it is"
        ]
    name = stored_without_html_as(db, article)
    if name is None:
        return []
    return [
        f"{path}: its text without its HTML blocks is already stored as {name}, as an"
        " earlier claimdesk stored such a file; that copy is kept as it is (if the HTML"
        " blocks are new text, import the file under another name)"
    ]
