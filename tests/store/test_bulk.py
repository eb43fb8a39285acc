"""Long jobs write in transactions bounded by time, and step aside for waiting writers."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import pytest
import sqlite_utils

import store.db
from store import bulk
from store.db import connect, write

ROW_SECONDS = 0.002


def _slow_rows_table(db: sqlite_utils.Database) -> None:
    """A table whose every insert takes at least ``ROW_SECONDS`` (a sleeping SQL function)."""

    def slow(value: int) -> int:
        time.sleep(ROW_SECONDS)
        return value

    db.conn.create_function("slow", 1, slow)
    db.execute("CREATE TABLE t (n INTEGER)")


def test_chunks_grow_and_shrink_towards_a_tenth_of_the_target() -> None:
    assert bulk.next_chunk_rows(100, 0.010, 0.05) == 50
    assert bulk.next_chunk_rows(100, 0.0025, 0.05) == 200
    assert bulk.next_chunk_rows(100, 10.0, 0.05) == 50  # at most halved per chunk
    assert bulk.next_chunk_rows(100, 0.0, 0.05) == 200  # at most doubled
    assert bulk.next_chunk_rows(bulk.MAX_CHUNK_ROWS, 0.0, 0.05) == bulk.MAX_CHUNK_ROWS
    assert bulk.next_chunk_rows(1, 5.0, 0.05) == bulk.MIN_CHUNK_ROWS


def test_rows_land_in_several_commits_each_followed_by_a_passive_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("FIRST_CHUNK_ROWS", "MIN_CHUNK_ROWS", "MAX_CHUNK_ROWS"):
        monkeypatch.setattr(bulk, name, 100)
    monkeypatch.setattr(bulk, "YIELD_S", 0.0)
    db = connect(tmp_path / "bulk.db")
    try:
        db.execute("CREATE TABLE t (n INTEGER)")
        statements: list[str] = []
        written: list[int] = []
        db.conn.set_trace_callback(statements.append)
        bulk.write_in_batches(
            db,
            "INSERT INTO t VALUES (?)",
            [(n,) for n in range(1_050)],
            done=written.append,
            target_seconds=0.0,  # one chunk per transaction
        )
        db.conn.set_trace_callback(None)
        assert db.conn.execute("SELECT count(*), sum(n) FROM t").fetchone() == (1_050, 550_725)
        assert written == [100] * 10 + [50]
        assert statements.count("COMMIT") == len(written)
        checkpoints = [s for s in statements if "wal_checkpoint" in s]
        assert len(checkpoints) == len(written)
        assert all("PASSIVE" in s for s in checkpoints)
    finally:
        db.close()


def test_a_transaction_ends_at_its_deadline_however_slow_the_rows_become(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows that take >= 2 ms each against a 20 ms target: a transaction may overrun the
    # deadline by one chunk (chunks aim at a tenth of the target), never by a batch.
    # A slower machine only makes each transaction hold fewer rows.
    monkeypatch.setattr(bulk, "YIELD_S", 0.0)
    db = connect(tmp_path / "slow.db")
    try:
        _slow_rows_table(db)
        written: list[int] = []
        bulk.write_in_batches(
            db,
            "INSERT INTO t VALUES (slow(?))",
            [(n,) for n in range(150)],
            done=written.append,
            target_seconds=0.02,
        )
        assert sum(written) == 150
        assert db.conn.execute("SELECT count(*) FROM t").fetchone() == (150,)
        # 10 rows take >= 20 ms: at most 9 before the deadline, plus one chunk of
        # at most 2x the previous one (itself <= 10 rows after the first).
        assert max(written) <= 30
        assert len(written) >= 5
    finally:
        db.close()


def test_a_writer_waiting_for_the_lock_gets_it_between_two_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The job steps aside after each commit until nobody else commits for YIELD_S. Here
    # the waiting writer polls for the lock only every 50-150 ms (as a process the
    # scheduler keeps waiting would): a job that took the lock again after a short fixed
    # pause would win it for all of its batches.
    monkeypatch.setattr(store.db, "_POLL_MIN_S", 0.1)
    monkeypatch.setattr(store.db, "_POLL_MAX_S", 0.1)
    monkeypatch.setattr(bulk, "YIELD_S", 0.25)
    monkeypatch.setattr(bulk, "MAX_YIELD_SHARE", 100.0)
    path = tmp_path / "turns.db"
    job = connect(path)
    try:
        _slow_rows_table(job)
        job.execute("CREATE TABLE other (rows_of_the_job_seen INTEGER)")
        waiting = threading.Event()

        def annotate() -> None:
            annotator = connect(path, create=False)
            try:
                waiting.set()
                # Takes the lock once the job's first transaction commits.
                with write(annotator):
                    annotator.execute("INSERT INTO other SELECT count(*) FROM t")
            finally:
                annotator.close()

        competitor = threading.Thread(target=annotate)
        started = False

        def first_row_starts_the_competitor(value: int) -> int:
            nonlocal started
            if not started:
                started = True
                competitor.start()
                waiting.wait(5)
                time.sleep(0.05)  # the competitor is now polling for the lock the job holds
            return value

        job.conn.create_function("first", 1, first_row_starts_the_competitor)
        written: list[int] = []
        bulk.write_in_batches(
            job,
            "INSERT INTO t VALUES (slow(first(?)))",
            [(n,) for n in range(80)],
            done=written.append,
            target_seconds=0.02,
        )
        competitor.join(10)
        assert len(written) >= 2
        # The competitor wrote right after the job's first transaction, before its second.
        assert job.conn.execute("SELECT rows_of_the_job_seen FROM other").fetchall() == [
            (written[0],)
        ]
    finally:
        job.close()


def test_transactions_grow_while_nobody_writes_and_shrink_once_someone_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows of >= 2 ms: 20 ms transactions hold ~10 rows, 200 ms ones ~100. At row 200 an
    # annotator starts waiting for the lock; it commits while the job steps aside, and
    # the job's next transactions are short again (for at least QUIET_S).
    monkeypatch.setattr(bulk, "TARGET_TRANSACTION_S", 0.02)
    monkeypatch.setattr(bulk, "IDLE_TRANSACTION_S", 0.2)
    monkeypatch.setattr(bulk, "QUIET_S", 0.05)
    path = tmp_path / "grow.db"
    job = connect(path)
    try:
        _slow_rows_table(job)
        job.execute("CREATE TABLE other (rows_of_the_job_seen INTEGER)")

        def annotate() -> None:
            annotator = connect(path, create=False)
            try:
                with write(annotator):
                    annotator.execute("INSERT INTO other SELECT count(*) FROM t")
            finally:
                annotator.close()

        competitor = threading.Thread(target=annotate)

        def start_competitor_at_200(value: int) -> int:
            if value == 200:
                competitor.start()
            return value

        job.conn.create_function("at200", 1, start_competitor_at_200)
        written: list[int] = []
        bulk.write_in_batches(
            job,
            "INSERT INTO t VALUES (slow(at200(?)))",
            [(n,) for n in range(400)],
            done=written.append,
        )
        competitor.join(10)
        (seen,) = job.conn.execute("SELECT rows_of_the_job_seen FROM other").fetchone()
        ends = list(itertools.accumulate(written))
        # The annotator wrote right after the transaction holding row 200.
        assert seen in ends
        assert seen > 200
        after = ends.index(seen) + 1
        assert written[0] <= 30
        assert max(written[:after]) >= 40  # grew while nobody else wrote
        assert written[after] <= 30  # short again once someone did
        assert written[after + 1] <= 30  # and stays short for QUIET_S
    finally:
        job.close()
