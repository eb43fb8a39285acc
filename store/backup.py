"""Consistent copies of a live database through SQLite's online backup API.

The backup API copies pages under SQLite's own locking, so annotators keep writing
while it runs and the copy is one committed state. The copy is written to a hidden
temporary file beside the target, checked with ``PRAGMA integrity_check`` and only
then renamed into place, so an interrupted or failed backup never leaves a partial
file under the target name.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from store.db import read_only_uri, translate_error
from store.errors import ClaimdeskError, StoreUnwritable
from store.export.output import file_mode, guard_destination, names_folder, write_failure
from store.folder_sync import sync_folder
from store.paths import refuse_non_database_file

# All pages in one step: in WAL mode that is one read transaction, which never blocks
# writers. Smaller steps would let another connection's commit restart the copy from
# the beginning, over and over on a busy server.
PAGES_PER_STEP = -1


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    bytes: int
    pages: int


def backup(source: Path | str, target: Path | str, *, force: bool = False) -> BackupResult:
    """Copy the database at ``source`` to ``target`` atomically and verify the copy.

    ``target`` is best passed as typed (a string): see :func:`names_folder`.
    """
    source_path = Path(source)
    refuse_non_database_file(source_path)
    # Before Path() drops the trailing "/": "backup DIR/" wrote a file called DIR. A
    # folder is refused, with or without the "/", rather than filled with a name
    # chosen here: the PATH a user gives is the file they will restore from.
    if names_folder(target):
        raise ClaimdeskError(f"{target}: names a folder; give a file name for the backup")
    target_path = Path(target)
    # An older backup (an SQLite file) may be replaced with --force; the live database
    # and its -wal/-shm never. Guarded first: it refuses a path the OS will not look at.
    # Onto a link's target, never onto the link (see followed).
    target_path = guard_destination(
        target_path, protected=[source_path], force=force, allow_sqlite=True, what="the backup"
    )
    if target_path.is_dir():
        raise ClaimdeskError(f"{target_path}: is a folder; give a file name for the backup")
    folder = target_path.parent
    if not folder.is_dir():
        raise ClaimdeskError(f"{folder}: no such folder")
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{target_path.name}.", suffix=".partial", dir=folder
        )
    except OSError as error:
        raise StoreUnwritable(f"{folder}: cannot write the backup: {error.strerror}") from error
    # mkstemp makes the file 0600; a backup follows the umask like any other file.
    os.fchmod(handle, file_mode())
    os.close(handle)
    temp = Path(temp_name)
    try:
        pages = _copy(source_path, temp, target_path)
        _verify(temp, target_path)
        os.replace(temp, target_path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    sync_folder(folder)
    return BackupResult(target_path, target_path.stat().st_size, pages)


def _copy(source: Path, temp: Path, target: Path) -> int:
    try:
        # Read-only URI: a backup must never create, migrate or write the source. On a
        # read-only mount it is read as immutable where that is safe, as the reading
        # commands read it: SQLite could not make the -shm there, and an archive on a
        # read-only disk could not be backed up at all.
        src = sqlite3.connect(read_only_uri(source), uri=True, timeout=5)
    except sqlite3.Error as error:
        raise translate_error(error, str(source)) from error
    try:
        tables = {row[0] for row in src.execute("SELECT name FROM sqlite_master")}
    except sqlite3.Error as error:
        src.close()
        raise translate_error(error, str(source)) from error
    if "documents" not in tables:
        src.close()
        raise ClaimdeskError(f"{source}: not a claimdesk database; nothing copied")
    try:
        dst = sqlite3.connect(temp)
        try:
            src.backup(dst, pages=PAGES_PER_STEP)
            # The copy is a standalone file: no -wal beside it, readable on its own.
            dst.execute("PRAGMA journal_mode = DELETE")
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
            dst.commit()
        finally:
            dst.close()
    except sqlite3.Error as error:
        if getattr(error, "sqlite_errorname", "").startswith(_COPY_SIDE):
            # The copy's side failed: a full disk blamed the live database, which was fine.
            raise write_failure(target, OSError(_errno_of(error), str(error))) from error
        raise translate_error(error, str(source)) from error
    finally:
        src.close()
    try:
        with open(temp, "rb") as file:
            os.fsync(file.fileno())
    except OSError as error:
        raise write_failure(target, error) from error
    return pages


# SQLite's errors from writing the copy, not from reading the live database.
_COPY_SIDE = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY")


def _errno_of(error: sqlite3.Error) -> int:
    return errno.ENOSPC if getattr(error, "sqlite_errorname", "") == "SQLITE_FULL" else errno.EIO


def _verify(temp: Path, target: Path) -> None:
    conn = sqlite3.connect(f"{temp.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.Error as error:
        raise ClaimdeskError(f"{target}: backup copy is unreadable ({error}); not kept") from error
    finally:
        conn.close()
    if result != ["ok"]:
        raise ClaimdeskError(
            f"{target}: backup copy failed integrity_check ({result[0]}); not kept"
        )
