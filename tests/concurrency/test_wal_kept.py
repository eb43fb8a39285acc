"""Another process closing the database never takes the -wal away from an open session.

POSIX drops all of a process's locks on a file when the process closes any descriptor
of it. claimdesk used to read each database's header with a plain ``open()`` every
time it opened a connection, so the reader's second connection (a worker's) dropped the
first one's locks; the next ``claimdesk stats`` or ``sqlite3`` run by anyone then found the
file unused on closing, checkpointed and deleted the -wal and -shm, and every later
annotation of the open reader went to a deleted file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from store.db import connect, opened_here, write
from store.errors import ClaimdeskError
from store.export.output import is_sqlite_file

_OTHER_PROCESS = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1])\n"
    "conn.execute('SELECT count(*) FROM documents').fetchone()\n"
    "conn.close()\n"
)
_COUNT = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1])\n"
    "print(conn.execute('SELECT count(*) FROM probe').fetchone()[0])\n"
)


def _run(script: str, path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_session_keeps_its_wal_while_others_open_and_close_the_database(
    tmp_path: Path,
) -> None:
    path = tmp_path / "team.db"
    session = connect(path)
    try:
        with write(session):
            session.execute("CREATE TABLE probe (x INTEGER)")
        # A worker of the same process opens its own connection, and closes it.
        worker = connect(path)
        assert worker.conn.execute("SELECT count(*) FROM probe").fetchone()[0] == 0
        worker.close()
        # Another annotator's command opens and closes the database.
        _run(_OTHER_PROCESS, path)
        assert (tmp_path / "team.db-wal").exists()
        assert (tmp_path / "team.db-shm").exists()
        # What the session writes next is what every other process reads.
        with write(session):
            session.execute("INSERT INTO probe VALUES (1), (2)")
        assert _run(_COUNT, path) == "2"
    finally:
        session.close()


def test_an_open_database_is_known_as_sqlite_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a database", encoding="utf-8")
    assert not opened_here(path)
    db = connect(path)
    try:
        assert opened_here(path)
        assert is_sqlite_file(path)
        assert not opened_here(foreign)
        assert not is_sqlite_file(foreign)
        # Checking the live file as an export target leaves the -wal to this session.
        _run(_OTHER_PROCESS, path)
        assert (tmp_path / "live.db-wal").exists()
    finally:
        db.close()


def test_a_file_in_the_place_of_a_deleted_database_is_checked_again(tmp_path: Path) -> None:
    first = tmp_path / "old.db"
    connect(first).close()
    assert opened_here(first)
    first.unlink()
    first.write_bytes(b"plain text, maybe in the old file's inode")
    # Either claimdesk's check or, when the inode came back in the same place, SQLite's own
    # refuses it; neither writes to it.
    with pytest.raises(ClaimdeskError, match=r"not an SQLite database|not a usable claimdesk"):
        connect(first)
    assert first.read_bytes() == b"plain text, maybe in the old file's inode"


def test_a_foreign_file_in_another_place_is_checked_whatever_its_inode(tmp_path: Path) -> None:
    # Inode numbers of deleted files come back quickly: the place is part of the record.
    for round_ in range(5):
        live = tmp_path / f"live{round_}.db"
        connect(live).close()
        live.unlink()
        foreign = tmp_path / f"notes{round_}.db"
        foreign.write_bytes(b"plain text")
        with pytest.raises(ClaimdeskError, match="not an SQLite database file; left unchanged"):
            connect(foreign)
        assert foreign.read_bytes() == b"plain text"
