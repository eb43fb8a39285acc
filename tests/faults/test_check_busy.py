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


@pytest.mark.parametrize("journal_mode", ["WAL", "DELETE"])
def test_a_writer_that_finishes_within_the_wait_is_waited_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], journal_mode: str
) -> None:
    # The full-text step gave up at once (exit 75 after 0.1 s) while a writer held the
    # lock for a moment, though every step is meant to wait up to LOCK_WAIT_S.
    import threading
    import time

    path = _sound_database(tmp_path / "brief.db", journal_mode)
    holding = threading.Event()

    def hold_briefly() -> None:
        with _writer_holding(path):
            holding.set()
            time.sleep(1.0)

    writer = threading.Thread(target=hold_briefly)
    writer.start()
    holding.wait()
    started = time.monotonic()
    try:
        assert main(["--db", str(path), "check"]) == 0
    finally:
        writer.join()
    assert time.monotonic() - started >= 0.5  # it waited for the writer
    assert capsys.readouterr().out.endswith(f"{path}: no problems found\n")
