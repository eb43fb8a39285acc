"""A read-only file, a full disk, a lock held past the timeout: one clear message, nothing lost.

Each test stores some spans, provokes the fault on a write, and checks that the
error is a one-line :class:`ClaimdeskError`, no transaction is left open, the spans
already stored are intact, and the same Session writes again once the fault is gone.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import store.db
from store.errors import ClaimdeskError, StoreBusy, StoreUnwritable
from store.session import Session
from tests.concurrency.load import TEXT, prepare


def _stored(path: Path) -> list[tuple[int, int, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            'SELECT start, "end", label FROM spans WHERE deleted_at IS NULL ORDER BY start'
        ).fetchall()
    finally:
        conn.close()


def _integrity(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def _assert_one_clear_line(error: ClaimdeskError, *words: str) -> None:
    message = str(error)
    assert "\n" not in message
    assert message.strip() == message
    assert message
    assert "Traceback" not in message
    for word in words:
        assert word in message


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "faults.db"
    doc_id = prepare(path)
    with Session(path, "alice") as session:
        session.add_span(doc_id, 0, 8, "CLAIM")
        session.add_span(doc_id, 9, 10, "FIGURE")
    return path, doc_id


BEFORE = [(0, 8, "CLAIM"), (9, 10, "FIGURE")]


def test_query_only_database_refuses_clearly_and_recovers(seeded: tuple[Path, int]) -> None:
    path, doc_id = seeded
    with Session(path, "alice") as session:
        session.db.conn.execute("PRAGMA query_only = ON")
        with pytest.raises(StoreUnwritable) as caught:
            session.add_span(doc_id, 20, 30, "CLAIM")
        _assert_one_clear_line(caught.value, "faults.db", "read-only", "nothing was changed")
        assert not session.db.conn.in_transaction
        assert len(session.spans(doc_id)) == 2  # reading still works
        session.db.conn.execute("PRAGMA query_only = OFF")
        session.add_span(doc_id, 20, 30, "CLAIM")
    assert _stored(path) == [*BEFORE, (20, 30, "CLAIM")]


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root writes through chmod; query_only test covers it"
)
def test_read_only_file_refuses_clearly(seeded: tuple[Path, int]) -> None:
    path, doc_id = seeded
    mode = path.stat().st_mode
    # A connection opened before the chmod keeps its writable descriptor: open one after.
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    try:
        with Session(path, "alice") as session:
            assert len(session.spans(doc_id)) == 2
            with pytest.raises(StoreUnwritable) as caught:
                session.add_span(doc_id, 20, 30, "CLAIM")
            _assert_one_clear_line(caught.value, "read-only")
            assert not session.db.conn.in_transaction
    finally:
        path.chmod(mode)
    with Session(path, "alice") as session:
        session.add_span(doc_id, 20, 30, "CLAIM")
    assert _stored(path) == [*BEFORE, (20, 30, "CLAIM")]


def _fill_until_full(session: Session, doc_id: int) -> ClaimdeskError:
    note = "x" * 3000
    for index in range(10_000):
        try:
            session.add_span(doc_id, index % 500, index % 500 + 5, "CLAIM", note=note)
        except ClaimdeskError as error:
            return error
    raise AssertionError("the database never filled up")


def test_size_limited_database_gives_a_real_sqlite_full(seeded: tuple[Path, int]) -> None:
    path, doc_id = seeded
    with Session(path, "alice") as session:
        pages = session.db.conn.execute("PRAGMA page_count").fetchone()[0]
        session.db.conn.execute(f"PRAGMA max_page_count = {pages + 20}")
        error = _fill_until_full(session, doc_id)
        assert isinstance(error, StoreUnwritable)
        _assert_one_clear_line(error, "full", "nothing was changed")
        assert not session.db.conn.in_transaction
        stored_when_full = len(session.spans(doc_id))
        session.db.conn.execute("PRAGMA max_page_count = 1073741823")
        session.add_span(doc_id, 40, 50, "CLAIM")
    rows = _stored(path)
    assert rows[:1] == [(0, 8, "CLAIM")]
    assert (9, 10, "FIGURE") in rows
    assert len(rows) == stored_when_full + 1
    assert _integrity(path) == ["ok"]


@contextlib.contextmanager
def _small_tmpfs(folder: Path) -> Iterator[Path]:
    folder.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1200k", "tmpfs", str(folder)],
            capture_output=True,
            check=False,
        )
    except OSError:
        pytest.skip("no mount command: the size-limited database test covers SQLITE_FULL")
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: the size-limited database test covers it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_full_file_system_gives_one_message_and_keeps_what_was_stored(tmp_path: Path) -> None:
    with _small_tmpfs(tmp_path / "small") as folder:
        ballast = folder / "ballast"
        ballast.write_bytes(b"\0" * 200_000)
        path = folder / "full.db"
        doc_id = prepare(path)
        with Session(path, "alice") as session:
            session.add_span(doc_id, 0, 8, "CLAIM")
            error = _fill_until_full(session, doc_id)
            assert isinstance(error, StoreUnwritable)
            _assert_one_clear_line(error, "full.db", "full", "nothing was changed")
            assert not session.db.conn.in_transaction
            kept = len(session.spans(doc_id))
            assert kept >= 1
            # Space is freed elsewhere on the disk: the same session writes again.
            ballast.unlink()
            session.add_span(doc_id, 40, 50, "FIGURE")
            assert len(session.spans(doc_id)) == kept + 1
            session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert _integrity(path) == ["ok"]
        rows = _stored(path)
        assert (0, 8, "CLAIM") in rows
        assert (40, 50, "FIGURE") in rows
        assert len(rows) == kept + 1
        conn = sqlite3.connect(path)
        assert conn.execute("SELECT text FROM documents").fetchone()[0] == TEXT
        conn.close()


def test_read_only_file_system_says_read_only_and_nothing_is_lost(tmp_path: Path) -> None:
    with _small_tmpfs(tmp_path / "media") as folder:
        path = folder / "shared.db"
        doc_id = prepare(path)
        with Session(path, "alice") as session:
            session.add_span(doc_id, 0, 8, "CLAIM")
        remount = subprocess.run(
            ["mount", "-o", "remount,ro", str(folder)], capture_output=True, check=False
        )
        if remount.returncode != 0:
            pytest.skip("cannot remount read-only here")
        with pytest.raises(StoreUnwritable) as caught:
            Session(path, "alice")
        _assert_one_clear_line(caught.value, "shared.db", "read-only", "nothing was changed")
        subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
        with Session(path, "alice") as session:
            assert [(s.start, s.end) for s in session.spans(doc_id)] == [(0, 8)]
            session.add_span(doc_id, 9, 10, "FIGURE")
        assert _integrity(path) == ["ok"]


def test_lock_held_past_the_timeout_says_so_and_recovers(
    seeded: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, doc_id = seeded
    monkeypatch.setattr(store.db, "WRITE_LOCK_WAIT_S", 0.3)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Session(path, "alice") as session:
            with pytest.raises(StoreBusy) as caught:
                session.add_span(doc_id, 20, 30, "CLAIM")
            _assert_one_clear_line(caught.value, "faults.db", "locked", "try again")
            assert not session.db.conn.in_transaction
            assert len(session.spans(doc_id)) == 2  # WAL readers are not blocked
            holder.execute("ROLLBACK")
            session.add_span(doc_id, 20, 30, "CLAIM")
    finally:
        holder.close()
    assert _stored(path) == [*BEFORE, (20, 30, "CLAIM")]


def test_a_short_lock_is_waited_out_not_reported(
    seeded: tuple[Path, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    path, doc_id = seeded
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        with Session(path, "alice") as session:
            session.add_span(doc_id, 20, 30, "CLAIM")
    finally:
        release.join()
        holder.close()
    assert _stored(path) == [*BEFORE, (20, 30, "CLAIM")]


def test_a_database_file_deleted_while_open_refuses_every_change(
    seeded: tuple[Path, int],
) -> None:
    """SQLite writes on into the unlinked inode without an error: the reader showed such
    spans as saved, and they were gone when it quit."""
    path, doc_id = seeded
    with Session(path, "alice") as session:
        assert session.file_replaced() is None
        for companion in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            companion.unlink(missing_ok=True)
        with pytest.raises(StoreUnwritable) as caught:
            session.add_span(doc_id, 20, 30, "CLAIM")
        _assert_one_clear_line(caught.value, str(path), "deleted", "nothing was changed")
        assert not session.db.conn.in_transaction
        assert session.file_replaced() == f"{path}: the database file was deleted while it was open"


def test_a_log_deleted_while_the_database_is_open_refuses_every_change(
    seeded: tuple[Path, int],
) -> None:
    # Someone deleting -wal and -shm under a running reader (as a recovery recipe says to
    # do with every claimdesk closed): SQLite wrote on into the unlinked log, the screen
    # called the spans saved, and the next process opened the file without them.
    path, doc_id = seeded
    # Through a symlinked database file too: SQLite keeps the log beside the linked file,
    # where the check did not look, and the changes went on into the deleted log.
    alias = path.with_name("alias.db")
    alias.symlink_to(path)
    for opened in (path, alias):
        with Session(opened, "alice") as session:
            session.add_span(doc_id, 0, 5, "CLAIM")
            assert session.file_replaced() is None
            for suffix in ("-wal", "-shm"):
                path.with_name(path.name + suffix).unlink()
            assert session.file_replaced() == (
                f"{path}-wal: the database's log was deleted while it was open"
            )
            with pytest.raises(StoreUnwritable) as caught:
                session.add_span(doc_id, 20, 30, "CLAIM")
            _assert_one_clear_line(caught.value, "log was deleted", "nothing was changed")
    # Another connection, opened and closed while this one stayed open, keeps the log.
    with Session(path, "alice") as session:
        assert session.file_replaced() is None
        with Session(path, "bob") as bob:
            bob.add_span(doc_id, 31, 40, "CLAIM")
        session.add_span(doc_id, 40, 45, "CLAIM")
        assert session.file_replaced() is None


def test_a_database_file_replaced_while_open_refuses_every_change(
    seeded: tuple[Path, int], tmp_path: Path
) -> None:
    path, doc_id = seeded
    other = tmp_path / "other.db"
    prepare(other)
    with Session(path, "alice") as session:
        os.replace(other, path)
        with pytest.raises(StoreUnwritable) as caught:
            session.add_span(doc_id, 20, 30, "CLAIM")
        _assert_one_clear_line(caught.value, "replaced", "nothing was changed")
    # The file now at the path was not written to either.
    assert _stored(path) == []


def test_an_import_that_fills_the_disk_says_so_and_counts_what_it_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The checkpoint between batches met the full disk untranslated, and the command
    # said "database is damaged ... restore a backup" of a sound file.
    from claimdesk.cli import main

    corpus = tmp_path / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for number in range(300):
            words = " ".join(f"Wort{number}x{n} steht hier." for n in range(120))
            out.write(f'{{"id": "d{number}", "text": "Artikel {number}. {words}"}}\n')
    with _small_tmpfs(tmp_path / "small") as folder:
        path = folder / "full.db"
        assert main(["--db", str(path), "import", "-q", str(corpus)]) == 1
        err = capsys.readouterr().err
        assert "damaged" not in err
        assert err.count("\n") == 1
        stored = sqlite3.connect(path).execute("SELECT count(*) FROM documents").fetchone()[0]
        assert 0 < stored < 300
        assert err == (
            f"claimdesk: {path}: database or disk is full; {stored} document(s) were imported"
            " before it; importing again adds the rest\n"
        )
        assert _integrity(path) == ["ok"]


def test_a_link_that_fills_the_disk_says_the_suggestions_were_partly_updated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # "nothing was changed" or "damaged": both false, with batches of suggestions stored.
    from claimdesk.cli import main
    from store import bulk
    from tests.linking.corpus import add_flood_corpus

    path = tmp_path / "l.db"
    database = store.db.connect(path)
    add_flood_corpus(database)
    database.close()

    def full(self: bulk.Checkpointer) -> None:
        raise store.db.translate_error(
            sqlite3.OperationalError("database or disk is full"), str(path)
        )

    monkeypatch.setattr(bulk.Checkpointer, "__call__", full)
    assert main(["--db", str(path), "link", "-q"]) == 1
    assert capsys.readouterr().err == (
        f"claimdesk: {path}: database or disk is full; the suggestions were partly updated"
        " (decisions untouched); claimdesk link again completes them\n"
    )
