"""Online backup: consistent while others write, verified, atomic, never overwrites by accident."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest

import store.backup
from claimdesk.cli import main
from store.backup import backup
from store.errors import ClaimdeskError
from store.session import Session
from tests.concurrency.load import prepare, run_load


def _counts(path: Path) -> tuple[int, int, list[str]]:
    conn = sqlite3.connect(path)
    try:
        spans = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
        logged = conn.execute("SELECT count(*) FROM changes WHERE table_name = 'spans'").fetchone()[
            0
        ]
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        return spans, logged, integrity
    finally:
        conn.close()


@pytest.mark.slow
def test_backups_taken_during_heavy_writing_are_consistent_snapshots(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    runner = threading.Thread(target=run_load, args=(path, 3, 400))
    runner.start()
    copies: list[Path] = []
    refusals: list[str] = []
    try:
        while runner.is_alive() or not copies:
            if path.exists():
                target = tmp_path / f"copy-{len(copies)}.db"
                try:
                    backup(path, target)
                except ClaimdeskError as error:
                    # Only possible before the writers' first migration commits.
                    refusals.append(str(error))
                    continue
                copies.append(target)
    finally:
        runner.join()
    assert copies
    assert all("not a claimdesk database" in r for r in refusals)
    seen = []
    for copy in copies:
        spans, logged, integrity = _counts(copy)
        assert integrity == ["ok"]
        # A span and its change-log row commit together: a torn copy would differ.
        assert spans == logged
        seen.append(spans)
    assert seen == sorted(seen)
    assert not list(tmp_path.glob(".*partial"))
    # The copy is a standalone database: no WAL file needed beside it.
    assert sqlite3.connect(copies[-1]).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    doc = prepare(path)
    target = tmp_path / "backup.db"
    target.write_text("precious")
    with pytest.raises(ClaimdeskError, match="already exists; use --force"):
        backup(path, target)
    assert target.read_text() == "precious"
    with Session(path, "alice") as session:
        session.add_span(doc, 0, 8, "CLAIM")
    result = backup(path, target, force=True)
    assert result.path == target
    assert _counts(target) == (1, 1, ["ok"])


def test_a_backup_through_a_link_replaces_the_linked_file_not_the_link(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    prepare(path)
    real = tmp_path / "archive" / "backup.db"
    real.parent.mkdir()
    link = tmp_path / "latest.db"
    link.symlink_to(real)
    assert backup(path, link).path == real
    assert link.is_symlink()
    assert _counts(real)[2] == ["ok"]
    # A link to the live database is the live database.
    live_link = tmp_path / "live-link.db"
    live_link.symlink_to(path)
    with pytest.raises(ClaimdeskError, match="the database"):
        backup(path, live_link, force=True)
    assert live_link.is_symlink()


def test_a_full_disk_at_the_copy_names_the_backup_not_the_live_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite's "database or disk is full" of the copy was reported against the live
    # database: "live.db: database or disk is full; nothing was changed".
    path = tmp_path / "live.db"
    prepare(path)
    target = tmp_path / "backup.db"
    real_connect = sqlite3.connect

    def small_disk(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real_connect(database, *args, **kwargs)  # type: ignore[call-overload]
        if str(database).endswith(".partial"):
            conn.execute("PRAGMA max_page_count = 2")
        return conn  # type: ignore[no-any-return]

    monkeypatch.setattr(store.backup.sqlite3, "connect", small_disk)
    with pytest.raises(ClaimdeskError) as caught:
        backup(path, target)
    assert str(caught.value) == f"{target}: cannot write (the disk is full); nothing was written"
    assert not target.exists()
    assert not list(tmp_path.glob(".*partial"))


def test_a_copy_that_fails_verification_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "live.db"
    prepare(path)
    target = tmp_path / "backup.db"

    def corrupt(temp: Path, where: Path) -> None:
        raise ClaimdeskError(f"{where}: backup copy failed integrity_check (simulated); not kept")

    monkeypatch.setattr(store.backup, "_verify", corrupt)
    with pytest.raises(ClaimdeskError, match="not kept"):
        backup(path, target)
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_bad_targets_and_sources_get_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    prepare(path)
    with pytest.raises(ClaimdeskError, match="is a folder"):
        backup(path, tmp_path)
    with pytest.raises(ClaimdeskError, match="no such folder"):
        backup(path, tmp_path / "missing" / "b.db")
    with pytest.raises(ClaimdeskError, match="no such database"):
        backup(tmp_path / "nope.db", tmp_path / "b.db")
    # Said as every other command says it ("no such database" of a folder misled), and
    # before the target is looked at.
    (tmp_path / "taken.db").write_text("exists")
    with pytest.raises(ClaimdeskError, match="is a folder, not a database file"):
        backup(tmp_path, tmp_path / "taken.db")
    os.mkfifo(tmp_path / "fifo.db")
    with pytest.raises(ClaimdeskError, match="is a FIFO, device or socket, not a database"):
        backup(tmp_path / "fifo.db", tmp_path / "b.db")
    with pytest.raises(ClaimdeskError, match="is the database"):
        backup(path, path, force=True)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ClaimdeskError) as caught:
        backup(garbage, tmp_path / "g.db")
    assert "\n" not in str(caught.value)
    assert "garbage.db" in str(caught.value)
    assert not (tmp_path / "g.db").exists()


def test_cli_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "live.db"
    prepare(path)
    target = tmp_path / "out.db"
    assert main(["--db", str(path), "backup", str(target)]) == 0
    assert "integrity ok" in capsys.readouterr().out
    assert main(["--db", str(path), "backup", str(target)]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"claimdesk: {target}: already exists; use --force to replace it"
    assert main(["--db", str(path), "backup", "--force", str(target)]) == 0


def test_backup_never_lands_on_the_live_wal_or_shm(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    prepare(path)
    holder = sqlite3.connect(path)
    holder.execute("SELECT count(*) FROM documents").fetchone()
    for suffix in ("-wal", "-shm"):
        companion = tmp_path / f"live.db{suffix}"
        companion.touch()
        before = companion.read_bytes()
        with pytest.raises(ClaimdeskError, match=f"is the database's {suffix} file"):
            backup(path, companion, force=True)
        assert companion.read_bytes() == before
    holder.close()


@pytest.mark.parametrize("link_place", ["beside", "elsewhere"])
def test_backup_of_a_linked_database_never_lands_on_the_live_wal_or_shm(
    tmp_path: Path, link_place: str
) -> None:
    # With --db alias.db (a symlink to live.db), live.db-wal was not recognised: SQLite
    # names the log after the linked file, and the backup replaced the live log.
    path = tmp_path / "live.db"
    prepare(path)
    folder = tmp_path if link_place == "beside" else tmp_path / "sub"
    folder.mkdir(exist_ok=True)
    alias = folder / "alias.db"
    alias.symlink_to(path)
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("UPDATE documents SET title = 'held' WHERE id = 1")
    holder.commit()
    for suffix in ("-wal", "-shm"):
        companion = tmp_path / f"live.db{suffix}"
        before = companion.read_bytes()
        with pytest.raises(ClaimdeskError, match=f"is the database's {suffix} file"):
            backup(alias, companion, force=True)
        assert companion.read_bytes() == before
    holder.close()


def test_backup_follows_the_umask(tmp_path: Path) -> None:
    import os

    path = tmp_path / "live.db"
    prepare(path)
    old = os.umask(0o002)
    try:
        result = backup(path, tmp_path / "team.db")
    finally:
        os.umask(old)
    assert result.path.stat().st_mode & 0o777 == 0o664


def test_backup_never_replaces_a_database_in_use_even_with_force(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    prepare(path)
    other = tmp_path / "other.db"
    prepare(other)
    holder = sqlite3.connect(other)
    holder.execute("SELECT count(*) FROM documents").fetchone()
    before = other.read_bytes()
    with pytest.raises(ClaimdeskError, match="is a database in use"):
        backup(path, other, force=True)
    assert other.read_bytes() == before
    holder.close()
    old_backup = tmp_path / "old-backup.db"
    backup(path, old_backup)
    assert backup(path, old_backup, force=True).path == old_backup


@pytest.mark.parametrize("tail", ["/", "/.", "/.."])
def test_a_path_that_can_only_name_a_folder_is_refused_not_written_as_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tail: str
) -> None:
    # "backup DIR/" wrote a file called DIR; "backup old.db/ --force" replaced old.db.
    path = tmp_path / "live.db"
    prepare(path)
    old = tmp_path / "old.db"
    backup(path, old)
    before = old.read_bytes()
    for given in (f"{tmp_path / 'DIR'}{tail}", f"{old}{tail}"):
        assert main(["--db", str(path), "backup", "--force", given]) == 1
        err = capsys.readouterr().err
        assert err == f"claimdesk: {given}: names a folder; give a file name for the backup\n"
    assert not (tmp_path / "DIR").exists()
    assert old.read_bytes() == before


def test_an_existing_folder_is_refused_with_or_without_the_separator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "live.db"
    prepare(path)
    folder = tmp_path / "backups"
    folder.mkdir()
    assert main(["--db", str(path), "backup", str(folder)]) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {folder}: is a folder; give a file name for the backup\n"
    )
    assert main(["--db", str(path), "backup", f"{folder}/"]) == 1
    assert "names a folder" in capsys.readouterr().err
    assert list(folder.iterdir()) == []
