"""Opening a claimdesk database and running short write transactions on it.

Every connection is in autocommit mode at the driver level; writes go through
:func:`write`, which takes the write lock up front with ``BEGIN IMMEDIATE`` so that
a read-then-write transaction never fails half-way with "database is locked", and
retries a bounded number of times when another annotator holds the lock.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from store.connected import Connected
from store.errors import ClaimdeskError, StoreBusy, StoreReplaced, StoreUnwritable
from store.migrations import (
    CREATE_REVIEW_INDEX,
    SCHEMA_VERSION,
    check_identity,
    migrate,
    missing_review_index,
    schema_version,
)
from store.paths import refuse_non_database_file

if TYPE_CHECKING:
    import sqlite_utils

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5_000
# How long write() keeps trying to take the write lock before giving up with StoreBusy.
# Long enough to outlast an import batch or a backup checkpoint on a busy server.
WRITE_LOCK_WAIT_S = 30.0
# Polling interval while another connection holds the write lock: short and jittered,
# because SQLite's own busy handler backs off to 100 ms sleeps and then keeps losing
# the lock to writers that arrive fresh (measured: single writes starved for 5 s and
# hit the busy timeout with 8 processes writing).
_POLL_MIN_S = 0.0005
_POLL_MAX_S = 0.005


class OpenedConnection(sqlite3.Connection):
    """A connection that knows which file it opened and how long it waits to write.

    ``opened`` is the file's path and (device, inode) when it was opened: a database
    deleted or replaced while a reader has it open keeps taking writes into the unlinked
    inode, and the screen called them saved while the file on disk had none of them.
    """

    opened: tuple[str, int, int] | None = None
    lock_wait_s: float | None = None
    # The -wal's (device, inode) once seen: SQLite keeps writing committed changes into
    # a deleted log too, and whoever opens the file next starts a new one without them.
    log: tuple[int, int] | None = None


def connect(path: Path | str, *, create: bool = True) -> sqlite_utils.Database:
    """Open (and if needed create and migrate) the database at ``path``.

    ``":memory:"`` gives a private in-memory database, used by tests.
    """
    return as_database(open_connection(path, create=create))


def as_database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """``conn`` (from :func:`open_connection`) wrapped by sqlite-utils, which is imported here.

    Without plugins: finding them scans every installed package's entry points (tens of
    ms at start-up), and claimdesk's schema and queries rely on none.
    """
    import sqlite_utils

    return sqlite_utils.Database(conn, execute_plugins=False)


def load_database_library() -> None:
    """Import sqlite-utils ahead of its first use (the reader does so in a thread after
    its first frame, so that the first write does not wait for the import)."""
    import sqlite_utils  # noqa: F401


def open_connection(
    path: Path | str, *, create: bool = True, reading: bool = False
) -> sqlite3.Connection:
    """The connection :func:`connect` wraps, opened, checked and migrated the same way.

    Reads need nothing more (:mod:`store.connected`); sqlite-utils is imported only when
    the database needs migrating or seeding, so an up-to-date one opens without it.

    ``reading``: the command only reads. Where a -wal lies beside the file, it is then
    opened read-only: the last read-write connection to close copies the log into the
    file and deletes it, and a log that was not the file's own (left beside it when a
    backup was copied over the file) truncated 22.7 MB of articles to 446 KB under a
    plain ``stats``, with the log that moving aside would have undone it gone.
    """
    target = str(path)
    if target != ":memory:":
        file = Path(target)
        refuse_non_database_file(file, must_exist=not create)
        if not create and file.is_file() and file.stat().st_size == 0:
            # SQLite takes an empty file for an empty database, and migrating would write
            # claimdesk's schema into it: a command that only reads must not.
            raise ClaimdeskError(f"{file}: is an empty file, not a claimdesk database")
        if create:
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreUnwritable(
                    f"{file.parent}: cannot create folder: {error.strerror}"
                ) from error
            _create_following_umask(file)
        check_header_once(file)
    # A database where it cannot be written (a read-only mount, an archive) is still read:
    # export, stats and check refused it as "read-only; nothing was changed".
    read_only = not create and target != ":memory:" and read_only_place(target)
    guarded = reading and not create and not read_only and _holds_log(target)
    try:
        if read_only or guarded:
            conn = sqlite3.connect(
                read_only_uri(Path(target)),
                uri=True,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        else:
            conn = sqlite3.connect(
                target,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
                factory=OpenedConnection,
            )
    except sqlite3.Error as error:
        raise translate_error(error, target) from error
    try:
        # What sqlite_utils.Database sets on a connection it wraps, set here for reads
        # done before (or without) that wrapper.
        conn.execute("PRAGMA recursive_triggers = on")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if read_only or guarded:
            check_identity(conn)
            # Writes are refused by SQLite anyway; query_only makes is_writable say so.
            conn.execute("PRAGMA query_only = ON")
            version = schema_version(conn)
            if version < SCHEMA_VERSION:
                # Guarded, migrating is not tried either: the read-write connection it needs
                # copies the log into the file, and the version read through a stale log of
                # an older database sent stats down that path, and the 446 KB truncation.
                why = (
                    "which a command that only reads does not do while a -wal lies beside the"
                    " file; run claimdesk check, then open it with the reader or claimdesk"
                    " import, which upgrade it"
                    if guarded
                    else "which needs a place where it can be written; open it once there, or"
                    " read it with the claimdesk that wrote it"
                )
                raise StoreUnwritable(
                    f"{target}: database schema {version} must be upgraded to"
                    f" {SCHEMA_VERSION}, {why}"
                )
        elif target != ":memory:":
            check_identity(conn)
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal" and is_writable(conn):
                raise ClaimdeskError(f"{target}: cannot switch the database to WAL mode ({mode})")
            # FULL makes every committed annotation survive a power cut, not only a crash.
            conn.execute("PRAGMA synchronous = FULL")
            if isinstance(conn, OpenedConnection):
                where = os.path.abspath(target)
                found = os.stat(where)
                conn.opened = (where, found.st_dev, found.st_ino)
        version = schema_version(conn)
        add_index = missing_review_index(conn) and is_writable(conn)
        if version < SCHEMA_VERSION or add_index:
            _bring_up_to_date(as_database(conn), fresh=version == 0)
    except sqlite3.Error as error:
        conn.close()
        raise translate_error(error, target) from error
    except BaseException:
        conn.close()
        raise
    return conn


def _bring_up_to_date(db: sqlite_utils.Database, *, fresh: bool) -> None:
    """Migrate, add the review index a database may lack, and give a new one its labels."""
    migrate(db, write=lambda: write(db))
    if missing_review_index(db.conn) and is_writable(db.conn):
        with write(db):
            db.execute(CREATE_REVIEW_INDEX)
    if fresh:
        from store.labels import ensure_default_labels

        with write(db):
            ensure_default_labels(db)


def _holds_log(target: str) -> bool:
    """Whether a non-empty -wal lies beside the database file ``target``."""
    try:
        return os.path.getsize(target + "-wal") > 0
    except OSError:
        return False


def _create_following_umask(file: Path) -> None:
    """Create the empty database file with mode 0666 less the umask.

    SQLite would create it 0644 whatever the umask, and gives its -wal and -shm the
    database's mode, so a team's umask 002 would never make them group-writable.
    """
    # Any failure (an existing file, a read-only folder) is left to SQLite to report.
    with contextlib.suppress(OSError):
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))


# The database files (device, inode) this process has opened with SQLite. POSIX
# releases every lock a process holds on a file when it closes *any* descriptor of that
# file, so reading the header of a database SQLite has open in this process would drop
# the open connections' locks. Another process closing its own connection then finds
# the file unused, checkpoints and deletes the -wal and -shm under them, and every later
# write of theirs goes to a deleted file: lost. So a file is read raw only before this
# process first opens it with SQLite, under a lock so that no thread reads it while
# another has it open.
_OPENED: set[tuple[int, int, str]] = set()
_CHECKING = threading.Lock()


def _file_key(file: Path) -> tuple[int, int, str] | None:
    # The path as well as the inode: a deleted database's inode number can come back
    # for another file (often in one test run), which must then be checked again.
    try:
        status = file.stat()
        place = str(file.resolve())
    except (OSError, ValueError, RuntimeError):
        return None
    return status.st_dev, status.st_ino, place


def opened_here(file: Path) -> bool:
    """Whether this process has opened ``file`` with SQLite (it must not read it raw)."""
    key = _file_key(file)
    return key is not None and key in _OPENED


def check_header_once(file: Path) -> None:
    """Refuse a foreign file, reading its header only before SQLite first opens it here."""
    with _CHECKING:
        key = _file_key(file)
        if key is None or key in _OPENED:
            return
        _refuse_foreign_file(file)
        _OPENED.add(key)


def _refuse_foreign_file(file: Path) -> None:
    """A non-empty file that is not SQLite at all is refused before SQLite touches it."""
    try:
        with file.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError:
        return
    if head and head != SQLITE_HEADER:
        raise ClaimdeskError(f"{file}: not an SQLite database file; left unchanged")


def is_writable(conn: sqlite3.Connection) -> bool:
    try:
        return not conn.execute("PRAGMA query_only").fetchone()[0]
    except sqlite3.Error:
        return False


def translate_error(error: sqlite3.Error, where: str = "database") -> ClaimdeskError:
    """Turn SQLite's error into claimdesk's one-line message with the right class."""
    message = str(error)
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return StoreBusy(f"{where}: database is locked by another writer; try again")
    if "readonly" in lowered or "read-only" in lowered:
        return StoreUnwritable(f"{where}: database is read-only; nothing was changed")
    if "disk is full" in lowered or "disk i/o" in lowered:
        return StoreUnwritable(f"{where}: {message}; nothing was changed")
    if "not a database" in lowered or "malformed" in lowered:
        return ClaimdeskError(f"{where}: not a usable claimdesk database ({message})")
    if "unable to open" in lowered:
        if read_only_place(where):
            # A WAL database needs its -shm/-wal files beside it even to be read.
            return StoreUnwritable(
                f"{where}: database is read-only (its file or folder cannot be written);"
                " nothing was changed"
            )
        return StoreUnwritable(f"{where}: cannot open database file")
    return ClaimdeskError(f"{where}: {message}")


def read_only_uri(file: Path) -> str:
    """The URI that reads ``file`` without writing anything beside it.

    A WAL database needs its -shm to be read. Where this process cannot write the file
    or its folder (a read-only mount, a team database another user owns) and no -wal or
    -shm lies beside it, no writer has it open, and the file is read as immutable:
    SQLite could not make the -shm in a folder it cannot write ("attempt to write a
    readonly database", which check took for damage), and where it could, it left a
    -wal and -shm owned by the reader that then kept the owner from writing. A writer
    that starts during such a read can make the read fail; it never touches the file.
    """
    uri = f"{file.resolve().as_uri()}?mode=ro"
    companions = [file.with_name(file.name + suffix) for suffix in ("-wal", "-shm")]
    unwritable = _on_read_only_mount(file) or read_only_place(str(file))
    if unwritable and not any(c.exists() for c in companions):
        uri += "&immutable=1"
    return uri


def _on_read_only_mount(file: Path) -> bool:
    try:
        return bool(os.statvfs(file).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def read_only_place(where: str) -> bool:
    """Whether ``where`` is an existing file that cannot be written, or sits in such a folder."""
    file = Path(where)
    try:
        return file.is_file() and not (os.access(file, os.W_OK) and os.access(file.parent, os.W_OK))
    except (OSError, ValueError):
        return False


def _is_busy(error: sqlite3.OperationalError) -> bool:
    lowered = str(error).lower()
    return "locked" in lowered or "busy" in lowered


def db_label(db: sqlite_utils.Database) -> str:
    """The database's file name for messages (``:memory:`` for in-memory databases)."""
    row = db.conn.execute("PRAGMA database_list").fetchone()
    return str(row[2]) if row and row[2] else ":memory:"


def limit_write_lock_wait(db: Connected, seconds: float) -> None:
    """Give up on the write lock after ``seconds`` on ``db`` rather than
    :data:`WRITE_LOCK_WAIT_S`: for the reader, whose writes run on its UI thread, so that
    the wait freezes its screen for less long before it says why nothing changed.

    Takes anything with a ``conn`` (a Session too), so that the reader's start does not
    import sqlite-utils for it."""
    if isinstance(db.conn, OpenedConnection):
        db.conn.lock_wait_s = seconds


def file_replaced(conn: sqlite3.Connection) -> str | None:
    """Why ``conn``'s database file is no longer the file it opened, or None.

    SQLite keeps writing to a deleted file's inode (and a replaced path's old inode)
    without an error, so the reader asks before each change and once a second.
    """
    if not isinstance(conn, OpenedConnection) or conn.opened is None:
        return None
    opened = conn.opened
    where, device, inode = opened
    try:
        found = os.stat(where)
    except FileNotFoundError:
        return f"{where}: the database file was deleted while it was open"
    except OSError:
        return None  # unreadable for a moment (a network mount): not proof of a new file
    if (found.st_dev, found.st_ino) != (device, inode):
        return f"{where}: the database file was replaced by another while it was open"
    # SQLite keeps the log beside the file a symlink leads to, not beside the link.
    return _log_replaced(conn, os.path.realpath(where))


def _log_replaced(conn: OpenedConnection, where: str) -> str | None:
    """Why the -wal beside ``where`` is no longer the log ``conn`` writes, or None.

    While a connection is open its -wal stays (the last connection to close removes
    it), so one gone or replaced was deleted from outside: the changes since went into
    the unlinked log, and the next process to open the file starts a new one without
    them."""
    try:
        found = os.stat(where + "-wal")
    except FileNotFoundError:
        if conn.log is None:
            return None  # not made yet: no read since the open
        return f"{where}-wal: the database's log was deleted while it was open"
    except OSError:
        return None
    if conn.log is None:
        conn.log = (found.st_dev, found.st_ino)
        return None
    if (found.st_dev, found.st_ino) != conn.log:
        return f"{where}-wal: the database's log was replaced while it was open"
    return None


def _begin_immediate(db: sqlite_utils.Database) -> None:
    """Take the write lock, polling briefly and often until :data:`WRITE_LOCK_WAIT_S`
    (or the wait :func:`limit_write_lock_wait` set) is spent.

    The connection's busy timeout is switched off for the attempt so that the waiting
    happens here, at a fine grain, instead of in SQLite's coarse back-off.
    """
    conn = db.conn
    wait = getattr(conn, "lock_wait_s", None) or WRITE_LOCK_WAIT_S
    deadline = time.monotonic() + min(wait, WRITE_LOCK_WAIT_S)
    pause = _POLL_MIN_S
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() >= deadline:
                    raise translate_error(error, db_label(db)) from error
            else:
                gone = file_replaced(conn)
                if gone is None:
                    return
                conn.execute("ROLLBACK")
                raise StoreReplaced(f"{gone}; nothing was changed")
            time.sleep(pause * (0.5 + random.random()))
            pause = min(pause * 1.5, _POLL_MAX_S)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


@contextlib.contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block as one short write transaction, committed on exit.

    Nested calls become savepoints of the outer transaction. Lock contention is
    retried with short jittered polls for up to :data:`WRITE_LOCK_WAIT_S` before
    :class:`StoreBusy` is raised; SQLite's
    own errors come out as :class:`ClaimdeskError` subclasses with one-line messages.
    """
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    _begin_immediate(db)
    try:
        yield db
    except BaseException as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error):
            raise translate_error(error, db_label(db)) from error
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise translate_error(error, db_label(db)) from error


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def decode_leniently(db: Connected) -> None:
    """Read text that is not UTF-8 with U+FFFD in place of the bad bytes.

    For the reader, which should show a damaged document rather than stop; exports and
    ``check`` keep the strict default, so damaged text is never written out silently.
    A Python call per text cell costs little at the reader's few rows per screen.
    """
    db.conn.text_factory = _lenient_text


def data_version(db: Connected) -> int:
    """A number that changes whenever another connection commits (cheap to poll)."""
    return int(db.conn.execute("PRAGMA data_version").fetchone()[0])
