"""Long jobs write in transactions sized by time, with checkpoints between them."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import bulk
from store.db import connect


def test_the_batch_size_follows_the_time_the_lock_was_held() -> None:
    assert bulk.next_batch_size(1_000, 0.2, 0.1) == 500
    assert bulk.next_batch_size(1_000, 0.05, 0.1) == 2_000
    assert bulk.next_batch_size(1_000, 10.0, 0.1) == 500  # at most halved per batch
    assert bulk.next_batch_size(bulk.MAX_BATCH_ROWS, 0.0, 0.1) == bulk.MAX_BATCH_ROWS
    assert bulk.next_batch_size(bulk.MIN_BATCH_ROWS, 5.0, 0.1) == bulk.MIN_BATCH_ROWS


def test_rows_land_in_several_commits_each_followed_by_a_passive_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "FIRST_BATCH_ROWS", 100)
    monkeypatch.setattr(bulk, "MAX_BATCH_ROWS", 100)
    db = connect(tmp_path / "bulk.db")
    try:
        db.execute("CREATE TABLE t (n INTEGER)")
        statements: list[str] = []
        written: list[int] = []
        db.conn.set_trace_callback(statements.append)
        bulk.write_in_batches(
            db, "INSERT INTO t VALUES (?)", [(n,) for n in range(1_050)], done=written.append
        )
        db.conn.set_trace_callback(None)
        assert db.conn.execute("SELECT count(*), sum(n) FROM t").fetchone() == (1_050, 550_725)
        assert sum(written) == 1_050
        assert len(written) >= 11
        assert statements.count("COMMIT") == len(written)
        checkpoints = [s for s in statements if "wal_checkpoint" in s]
        assert len(checkpoints) == len(written)
        assert all("PASSIVE" in s for s in checkpoints)
    finally:
        db.close()
