"""Concurrent annotators on one database file: nothing fails, nothing is lost or doubled."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.concurrency.load import run_load, verify


@pytest.mark.slow
def test_four_processes_writing_at_once_all_land_exactly_once(tmp_path: Path) -> None:
    path = tmp_path / "load.db"
    result = run_load(path, processes=4, per_process=300)
    assert result.errors == []
    assert [w.written for w in result.workers] == [300] * 4
    assert verify(path, result) == []


def test_verify_notices_a_lost_and_a_doubled_span(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "load.db"
    result = run_load(path, processes=2, per_process=5)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DELETE FROM spans WHERE note = '1:3'")
        conn.execute(
            "INSERT INTO spans SELECT id || 'x', doc_id, start, \"end\", quote, label, annotator,"
            " note, created_at, updated_at, deleted_at FROM spans WHERE note = '0:0'"
        )
    conn.close()
    problems = verify(path, result)
    assert any("more than once" in p for p in problems)
    assert any("1 spans missing" in p and "1:3" in p for p in problems)
