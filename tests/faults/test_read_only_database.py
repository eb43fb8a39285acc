"""A database where it cannot be written (a read-only mount, an archive) is still read.

export, stats and check refused it as "database is read-only; nothing was changed":
SQLite needs a -shm beside a WAL database even to read it, and could not make one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import store.check
import store.db
from claimdesk.cli import main
from store.db import connect
from store.errors import StoreUnwritable
from store.migrations import SCHEMA_VERSION
from store.session import Session
from tests.conftest import add_document_to_file

TEXT = "Die Stadt meldet 300 Evakuierte. Der Pegel sinkt."


def _database(path: Path) -> Path:
    doc = add_document_to_file(path, TEXT, "stadt.txt")
    with Session(path, "ana") as ana:
        ana.add_span(doc, 17, 31, "CLAIM")
    return path


@pytest.fixture
def pretend_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database's place reads as unwritable, as on a read-only mount."""
    monkeypatch.setattr(store.db, "read_only_place", lambda _where: True)
    monkeypatch.setattr(store.db, "_on_read_only_mount", lambda _file: True)


def test_reading_commands_read_it_and_a_write_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pretend_read_only: None
) -> None:
    path = _database(tmp_path / "archive.db")
    before = path.read_bytes()
    assert main(["--db", str(path), "stats"]) == 0
    assert main(["--db", str(path), "export", "--format", "csv"]) == 0
    assert "Evakuierte" in capsys.readouterr().out
    with Session(path, "ana", create=False) as ana, pytest.raises(StoreUnwritable):
        ana.add_span(1, 0, 3, "CLAIM")
    assert path.read_bytes() == before
    assert not path.with_name("archive.db-wal").exists()


def test_a_database_this_user_cannot_write_is_read_without_leaving_files_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A team database another user owns, on a disk that can be written. SQLite made a
    # -wal and -shm beside it for the reader, owned by the reader, and the owner's every
    # write failed after that ("database is read-only"); in a folder the reader could not
    # write, check called the file damaged and the reading commands refused it.
    path = _database(tmp_path / "team.db")
    monkeypatch.setattr(store.db, "read_only_place", lambda _where: True)
    monkeypatch.setattr(store.check, "read_only_place", lambda _where: True)
    for command in (["stats"], ["check"], ["agree"], ["export", "--format", "csv"]):
        assert main(["--db", str(path), *command]) in (0, 1), command
        err = capsys.readouterr().err
        assert "damaged" not in err, command
        assert "read-only" not in err, command
        left = sorted(p.name for p in tmp_path.iterdir())
        assert left == ["team.db"], (command, left)
    assert main(["--db", str(path), "stats"]) == 0
    assert "documents  1" in capsys.readouterr().out


def test_the_reader_refuses_it_at_start_not_at_the_first_change(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pretend_read_only: None,
) -> None:
    import tui.launch

    path = _database(tmp_path / "archive.db")

    def never(*_args: object, **_kwargs: object) -> int:
        raise AssertionError("the reader opened on a database it cannot write")

    monkeypatch.setattr(tui.launch, "run_tui", never)
    assert main(["--db", str(path), "read"]) == 1
    assert main(["--db", str(path), "read", "stadt.txt"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert (
        err
        == [
            f"claimdesk: {path}: database is read-only (its file or folder cannot be written);"
            " the reader stores each change as it is made, so it needs one it can write"
            " (export, stats and check read this one)"
        ]
        * 2
    )


def test_an_older_schema_there_is_refused_with_what_to_do(
    tmp_path: Path, pretend_read_only: None
) -> None:
    path = _database(tmp_path / "old.db")
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreUnwritable, match=r"must be upgraded to .*needs a place where"):
        connect(path, create=False)


def test_on_a_real_read_only_mount_export_stats_check_and_backup_work(
    tmp_path: Path, tmpfs_mount: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmpfs_mount / "archive.db"
    shutil.copy(_database(tmp_path / "made.db"), path)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs_mount)], check=True)
    assert main(["--db", str(path), "stats"]) == 0
    assert main(["--db", str(path), "check"]) == 0
    # backup refused it as "read-only ... nothing was changed": it could not make the -shm.
    assert main(["--db", str(path), "backup", str(tmp_path / "copy.db")]) == 0
    assert (tmp_path / "copy.db").stat().st_size > 0
    assert main(["--db", str(path), "export", "--format", "jsonl"]) == 0
    assert "Evakuierte" in capsys.readouterr().out
    article = tmp_path / "new.txt"
    article.write_text("Ein neuer Bericht. Er hat zwei Sätze.", encoding="utf-8")
    assert main(["--db", str(path), "import", str(article)]) == 1
    assert "database is read-only" in capsys.readouterr().err


def test_a_log_without_its_index_on_a_read_only_mount_is_not_called_damaged(
    tmp_path: Path, tmpfs_mount: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # check said "1 problem(s) found; restore a backup (deleting DB-wal and DB-shm ...
    # first)", which threw away the commits that live only in the log.
    path = tmpfs_mount / "archive.db"
    shutil.copy(_database(tmp_path / "made.db"), path)
    writer = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_autocheckpoint = 0')\n"
            "c.execute(\"UPDATE documents SET title = 'only in the log'\"); c.commit()\n"
            "os.kill(os.getpid(), signal.SIGKILL)",
            str(path),
        ],
        check=False,
    )
    assert writer.returncode == -9
    Path(f"{path}-shm").unlink()
    assert Path(f"{path}-wal").stat().st_size > 0
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs_mount)], check=True)
    assert main(["--db", str(path), "check"]) == 1
    err = capsys.readouterr().err
    assert "needs a -shm beside it" in err, err
    assert "restore" not in err
    assert "damaged" not in err


@pytest.mark.parametrize(
    "command",
    [["link"], ["import-links", "LINKS"], ["import-annotations", "SPANS"]],
    ids=lambda command: command[0],
)
def test_bulk_writers_say_nothing_was_changed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pretend_read_only: None,
    command: list[str],
) -> None:
    # link said "the suggestions were partly updated (decisions untouched); claimdesk
    # link again completes them" about a file it had not changed and could not change.
    path = _database(tmp_path / "archive.db")
    add_document_to_file(path, "Die Stadt meldet 300 Evakuierte. Neu.", "zwei.txt")
    (tmp_path / "LINKS").write_text(
        '{"a": {"doc": "stadt.txt", "start": 0, "end": 5, "text": "Die S"},'
        ' "b": {"doc": "zwei.txt", "start": 0, "end": 5, "text": "Die S"},'
        ' "status": "accepted"}\n'
    )
    (tmp_path / "SPANS").write_text(
        '{"meta": {"source": "stadt.txt"}, "spans": [{"start": 0, "end": 3, "label": "CLAIM"}]}\n'
    )
    before = path.read_bytes()
    argv = [str(tmp_path / part) if part.isupper() else part for part in command]
    assert main(["--db", str(path), *argv]) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {path}: database is read-only (its file or folder cannot be written);"
        " nothing was changed\n"
    )
    assert path.read_bytes() == before
