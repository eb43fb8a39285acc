"""``claimdesk check`` on a sound database that another process is writing: busy, not
damaged. It used to report "full-text index 1 problem(s): database is locked", exit 1
and advise restoring a backup over the sound file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import store.check
from claimdesk.cli import main
from claimdesk.commands.check_cmd import EXIT_BUSY
from store.check import DatabaseBusy, check_database
from tests.conftest import add_document_to_file


@contextmanager
def _writer_holding(path: Path) -> Iterator[None]:
    """A second connection, as a sqlite3 shell would hold it, inside BEGIN EXCLUSIVE."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("CREATE TABLE zz (a)")
        yield
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def _sound_database(path: Path, journal_mode: str) -> Path:
    add_document_to_file(path, "The mayor said 4,000 people were evacuated. Then more.")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    conn.close()
    return path


# WAL (claimdesk's own): readers go on, only the full-text check's write statement waits.
# DELETE (a backup copy, or a database another tool switched): every read waits.
@pytest.mark.parametrize("journal_mode", ["WAL", "DELETE"])
def test_a_locked_database_is_busy_not_damaged(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    journal_mode: str,
) -> None:
    path = _sound_database(tmp_path / "lock.db", journal_mode)
    monkeypatch.setattr(store.check, "LOCK_WAIT_S", 0.1)
    with _writer_holding(path):
        with pytest.raises(DatabaseBusy):
            check_database(path, timeout=0.1)
        assert main(["--db", str(path), "check"]) == EXIT_BUSY
        captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"claimdesk: {path}: the database is busy (another process is writing to it);"
        " run claimdesk check again when it is done\n"
    )
    assert main(["--db", str(path), "check"]) == 0
    assert capsys.readouterr().out.endswith(f"{path}: no problems found\n")
