"""Where an export's bytes land: the checks before writing, and atomic replacement.

| caller                     | calls                                                  |
|----------------------------|--------------------------------------------------------|
| :func:`store.export.export` | :func:`atomic_binary`, :func:`atomic_text`, :func:`atomic_folder` |
| :mod:`store.backup`        | :func:`guard_destination`, :func:`names_folder`, :func:`file_mode` |
| ``--label-config`` check   | :func:`check_file_target`, :func:`same_file`             |
| per-document file writers  | :func:`short_file_stem`                                  |

Rules, in the order they are checked:

- an output never lands on a database in use (``protected``: the file itself, its
  ``-wal``, ``-shm`` and ``-journal``, by resolved path and by ``samefile``), nor on
  any SQLite file (recognised by its header), with or without ``--force``;
- nor on a device, FIFO or socket (the rename would replace the node itself);
- an existing file, or a non-empty folder, is replaced only with ``force``;
- a folder is replaced only when a marker file shows that an earlier export made it
  and every file in it is one that export listed; a folder with anything else is
  refused even with ``force``, so files claimdesk did not write are never deleted;
- output is written to a hidden temporary sibling, synced and renamed into place,
  and the temporary is removed when anything fails; files and folders get the modes
  the umask allows (0664/0775 under umask 002), as ``open()`` would give them.

A full disk or any other write failure becomes one line naming the target.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from store.database_files import (
    DATABASE_COMPANIONS,
    database_part,
    resolved_path,
    stream_in_database,
)
from store.db import SQLITE_HEADER, opened_here
from store.errors import ClaimdeskError
from store.folder_sync import sync_folder
from store.paths import refuse_unusable
from store.visible import visible

STDOUT = "-"
MARKER = ".claimdesk-export"
_MARKER_HEAD = "claimdesk export folder: every file below was written by it\n"
# SQLite's companions of a database file: all of them hold committed data.
# Bytes left for a suffix (".ann"), a de-duplicating "-12345" and a temporary prefix.
MAX_STEM_BYTES = 200


def current_umask() -> int:
    """The process umask (read by setting and restoring it: there is no getter)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    return 0o666 & ~current_umask()


def folder_mode() -> int:
    return 0o777 & ~current_umask()


def is_sqlite_file(path: Path) -> bool:
    # A database open in this process is SQLite, and reading it raw would drop its locks.
    if opened_here(path):
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file: by resolved path (neither need exist), or
    by ``samefile`` (a hard link)."""
    try:
        if a.resolve() == b.resolve():
            return True
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except (OSError, RuntimeError):
        return False


def followed(path: Path) -> Path:
    """Where a write to ``path`` lands: a symbolic link's final target, else ``path``.

    Output is written beside its destination and renamed onto it. Renamed onto a link,
    it replaced the link and left the linked file as it was: ``--out /dev/stdout
    --force`` as root replaced the machine's /dev/stdout with a regular file.
    """
    if not path.is_symlink():
        return path
    return Path(os.path.realpath(path))


def guard_stdout(protected: Sequence[Path]) -> None:
    """Refuse to write to stdout when it is the database or one of its companion files
    (:func:`store.database_files.stream_in_database`)."""
    try:
        descriptor = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return  # no real stdout (a test's capture): nothing on disk to hit
    found = stream_in_database(descriptor, protected)
    if found is not None:
        database, suffix = found
        raise ClaimdeskError(
            f"stdout: is {database_part(suffix)} ({database}); redirect the export to another file"
        )


def guard_target(
    target: Path,
    *,
    protected: Sequence[Path] = (),
    force: bool = False,
    allow_sqlite: bool = False,
    what: str = "--out",
) -> None:
    """Refuse ``target`` if writing it could destroy a database or an existing file."""
    refuse_unusable(target, what)
    for database in protected:
        # SQLite names the companions after the file a symlink leads to: through
        # --db alias.db, live.db-wal was not caught, and a backup replaced the live log.
        places = {database, resolved_path(database)}
        for suffix in DATABASE_COMPANIONS:
            companions = [place.with_name(place.name + suffix) for place in places]
            if any(same_file(target, companion) for companion in companions):
                raise ClaimdeskError(
                    f"{target}: is {database_part(suffix)} ({database}); {what} must name"
                    " another file"
                )
    if target.exists() and not target.is_file() and not target.is_dir():
        # Renaming the finished file onto /dev/null (as root), a FIFO or a socket would
        # replace the node itself: with --force that broke /dev/null for the machine.
        raise ClaimdeskError(
            f"{target}: is a device, FIFO or socket, not a file; it is never replaced,"
            f" name another file for {what}" + (" (- writes to stdout)" if what == "--out" else "")
        )
    if target.is_file() and is_sqlite_file(target):
        if not allow_sqlite:
            raise ClaimdeskError(
                f"{target}: is an SQLite database; an export never replaces one,"
                f" name another file for {what}"
            )
        live = [s for s in ("-wal", "-shm") if target.with_name(target.name + s).exists()]
        if live:
            # Backups are written in rollback-journal mode, so an old backup has no -wal:
            # one that does is a database someone has open.
            raise ClaimdeskError(
                f"{target}: is a database in use (it has a {live[0]} file); never replaced"
            )
    if target.exists() and not target.is_dir() and not force:
        raise ClaimdeskError(f"{target}: already exists; use --force to replace it")


def guard_destination(
    target: Path,
    *,
    protected: Sequence[Path] = (),
    force: bool = False,
    allow_sqlite: bool = False,
    what: str = "--out",
) -> Path:
    """:func:`guard_target` for ``target`` and, if it is a link, for the file it leads to;
    that file, where the output will be renamed (see :func:`followed`).

    The link first (what it leads to: a pipe, a device), then its target.
    """
    guard_target(target, protected=protected, force=force, allow_sqlite=allow_sqlite, what=what)
    destination = followed(target)
    if destination != target:
        guard_target(
            destination, protected=protected, force=force, allow_sqlite=allow_sqlite, what=what
        )
    return destination


def write_failure(target: Path | str, error: OSError) -> ClaimdeskError:
    """One line for a write that failed; the previous output is untouched."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = "the disk is full"
    elif error.errno == errno.ENAMETOOLONG:
        reason = "a file name is too long for the file system"
    else:
        reason = error.strerror or str(error)
    return ClaimdeskError(f"{target}: cannot write ({reason}); nothing was written")


def _folder_of(path: Path, what: str = "--out") -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ClaimdeskError(f"{folder}: no such folder for {what}")
    return folder


class _VisibleText(io.TextIOWrapper):
    """Text for a terminal: controls in the data are shown as escapes, not sent."""

    def write(self, s: str) -> int:
        super().write(visible(s, keep_lines=True))
        return len(s)


def write_all(out: IO[bytes], data: bytes) -> None:
    """Write every byte of ``data``, or raise.

    A buffered write to a pipe whose reader has gone returns the bytes that fitted and
    says nothing: a 4 MB DocBin piped into ``head -c 10`` was reported as exported, exit
    status 0. The next write after such a short one raises BrokenPipeError.
    """
    view = memoryview(data)
    while view:
        written = out.write(view)
        if not written:
            raise BrokenPipeError(errno.EPIPE, "the reader of the output has gone")
        view = view[written:]


@contextlib.contextmanager
def _stdout_binary() -> Iterator[IO[bytes]]:
    stream = sys.stdout.buffer
    try:
        yield stream
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise write_failure("stdout", error) from error


def names_folder(target: str | Path) -> bool:
    """Whether ``target`` as typed can only name a folder: it ends in a separator, or in
    ``.`` or ``..``.

    ``Path`` drops a trailing separator, so this is asked of the string as given:
    ``--out notes/`` wrote a file called ``notes``, and ``--out f.csv/ --force``
    replaced the file ``f.csv``.
    """
    text = os.fspath(target)
    if text.endswith(os.sep) or (os.altsep is not None and text.endswith(os.altsep)):
        return True
    return os.path.basename(text) in (".", "..")


def check_file_target(
    path: str | Path,
    *,
    protected: Sequence[Path] = (),
    force: bool = False,
    what: str = "--out",
) -> Path:
    """Everything :func:`atomic_binary` refuses before it writes; the folder to write in.

    A command writing two files checks the second with this before writing the first.
    ``path`` is best passed as typed (a string): see :func:`names_folder`.
    """
    if names_folder(path):
        raise ClaimdeskError(f"{path}: names a folder; give a file name for {what}")
    path = Path(path)
    # Guarded first: it refuses a path the OS will not look at, on which is_dir() raises.
    destination = guard_destination(path, protected=protected, force=force, what=what)
    if destination.is_dir():
        raise ClaimdeskError(f"{path}: is a folder; give a file name for {what}")
    return _folder_of(destination, what)


@contextlib.contextmanager
def atomic_binary(
    target: str | Path,
    *,
    protected: Sequence[Path] = (),
    force: bool = False,
    binary: bool = True,
    what: str = "--out",
) -> Iterator[IO[bytes]]:
    """A binary file that appears at ``target`` only if the block succeeds (``-``: stdout)."""
    if str(target) == STDOUT:
        if binary and sys.stdout.isatty():
            raise ClaimdeskError("this format is binary: give --out FILE or redirect stdout")
        guard_stdout(protected)
        with _stdout_binary() as stream:
            yield stream
        return
    folder = check_file_target(target, protected=protected, force=force, what=what)
    path = followed(Path(target))
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name[:50]}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise write_failure(path, error) from error
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), file_mode())
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # Checked again just before the rename: the database may have been moved here
        # while the export ran.
        guard_target(path, protected=protected, force=True, what=what)
        os.replace(temp, path)
        sync_folder(folder)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
            raise write_failure(path, error) from error
        raise


@contextlib.contextmanager
def atomic_text(
    target: str | Path,
    *,
    protected: Sequence[Path] = (),
    force: bool = False,
    what: str = "--out",
) -> Iterator[IO[str]]:
    """UTF-8 text with ``\\n`` line ends, written atomically (``-``: stdout)."""
    # Output into a pipe or file is data and stays exact; on a terminal nobody parses
    # it, and a note holding ESC[2J or an OSC 52 clipboard write must not act.
    wrapper = _VisibleText if str(target) == STDOUT and sys.stdout.isatty() else io.TextIOWrapper
    with atomic_binary(target, protected=protected, force=force, binary=False, what=what) as raw:
        text = wrapper(raw, encoding="utf-8", newline="\n", write_through=False)
        try:
            yield text
            text.flush()
        finally:
            # Detach so closing the wrapper never closes stdout or the temp file early.
            text.detach()


def _marker_names(folder: Path) -> set[str] | None:
    """The files an earlier export listed in its marker, or None without a marker."""
    marker = folder / MARKER
    if not marker.is_file():
        return None
    try:
        lines = marker.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if not lines or lines[0] + "\n" != _MARKER_HEAD:
        return None
    return set(lines[1:])


def _files_below(folder: Path) -> list[str]:
    """Every entry below ``folder`` that is not a real folder, as a relative POSIX path."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        # A link to a folder is listed as an entry of its own, never walked into.
        found.extend((base / name).relative_to(folder).as_posix() for name in files)
        found.extend(
            (base / name).relative_to(folder).as_posix()
            for name in dirs
            if (base / name).is_symlink()
        )
    return sorted(found)


def check_replaceable_folder(path: Path, *, force: bool) -> None:
    """Refuse to replace a folder unless it is empty or an earlier export's own."""
    if path.exists() and not path.is_dir():
        raise ClaimdeskError(f"{path}: exists and is not a folder")
    if not path.is_dir():
        return
    present = _files_below(path)
    if not present and not any(path.iterdir()):
        return
    listed = _marker_names(path)
    foreign = [
        name
        for name in present
        if name != MARKER and (listed is None or name not in listed or (path / name).is_symlink())
    ]
    if listed is None and not foreign:
        # Only empty folders, and no marker: still nothing an export of ours made.
        foreign = sorted(f"{entry.name}/" for entry in path.iterdir())
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise ClaimdeskError(
            f"{path}: folder holds files claimdesk did not write ({shown}); they are never"
            " deleted, choose a new or empty folder"
        )
    if not force:
        raise ClaimdeskError(f"{path}: holds an earlier export; use --force to replace it")


def _refuse_working_folder(path: Path) -> None:
    """A folder export replaces its folder; replacing the one the user stands in (or one
    holding it) left their shell in a deleted folder, where ``ls`` showed nothing."""
    try:
        here = os.path.realpath(os.getcwd())
    except OSError:
        return
    if not path.is_dir():
        return
    target = os.path.realpath(path)
    if here == target or here.startswith(target.rstrip(os.sep) + os.sep):
        raise ClaimdeskError(
            f"{path}: is the working folder or holds it; an export replaces its folder,"
            " so give a new folder name for --out"
        )


@contextlib.contextmanager
def atomic_folder(
    target: str | Path, *, protected: Sequence[Path] = (), force: bool = False
) -> Iterator[Path]:
    """A folder filled inside a temporary sibling, renamed into place on success.

    The folder gets a marker file listing what was written, so a later export with
    ``force`` can tell its own folder from someone's corpus.
    """
    if str(target) == STDOUT:
        raise ClaimdeskError("this format writes a folder; give --out FOLDER")
    refuse_unusable(Path(target), "--out")
    # A link to a folder: the folder is replaced, not the link (see followed).
    path = followed(Path(target))
    if path.name in ("", ".."):
        # "." and ".." have no parent of their own to hold the temporary sibling: it was
        # made inside the target and then counted as files claimdesk did not write.
        path = Path(os.path.abspath(path))
    refuse_unusable(path, "--out")
    _refuse_working_folder(path)
    for database in protected:
        if path.exists() and same_file(path, database):
            raise ClaimdeskError(f"{path}: is the database; --out must name another folder")
    check_replaceable_folder(path, force=force)
    parent = _folder_of(path)
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{path.name[:50]}.", suffix=".tmp", dir=parent))
    except OSError as error:
        raise write_failure(path, error) from error
    try:
        os.chmod(temp, folder_mode())
        yield temp
        names = _files_below(temp)
        (temp / MARKER).write_text(
            _MARKER_HEAD + "".join(f"{name}\n" for name in names), encoding="utf-8"
        )
        for name in [*names, MARKER]:
            with (temp / name).open("rb") as handle:
                os.fsync(handle.fileno())
        for folder in {(temp / name).parent for name in names}:
            sync_folder(folder)
        sync_folder(temp)
        if path.exists():
            # The folder may have gained files while the export ran.
            check_replaceable_folder(path, force=True)
            # A folder cannot be replaced by rename while non-empty: move the old one
            # aside first; both renames are atomic, so a crash leaves one of the two.
            old = Path(tempfile.mkdtemp(prefix=f".{path.name[:50]}.", suffix=".old", dir=parent))
            os.replace(path, old / "export")
            os.replace(temp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temp, path)
        sync_folder(parent)
    except BaseException as error:
        shutil.rmtree(temp, ignore_errors=True)
        if isinstance(error, OSError):
            raise write_failure(path, error) from error
        raise


def short_file_stem(stem: str, limit: int = MAX_STEM_BYTES) -> str:
    """``stem`` if it fits in ``limit`` UTF-8 bytes, else a prefix plus a hash of the whole.

    Deterministic, so the same document gets the same file name in every export, and
    two long names that share a prefix still differ.
    """
    encoded = stem.encode("utf-8")
    if len(encoded) <= limit:
        return stem
    digest = hashlib.sha256(encoded).hexdigest()[:16]
    prefix = encoded[: limit - len(digest) - 1].decode("utf-8", errors="ignore")
    return f"{prefix}-{digest}"
