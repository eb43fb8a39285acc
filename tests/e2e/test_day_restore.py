"""Quit and start again: the reader reopens with the same documents and cursor."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.tmux import TmuxTerminal
from tests.e2e.tools import sqlite

pytestmark = pytest.mark.e2e


def test_plain_claimdesk_reopens_where_the_annotator_left(
    claimdesk_exe: Path, sample_db: Path, tmp_path: Path, e2e_env: dict[str, str]
) -> None:
    (name_a, title_a), (name_b, title_b) = sqlite(
        sample_db,
        "SELECT source_name, coalesce(title, source_name) FROM documents ORDER BY id LIMIT 2",
    )
    (tmp_path / "one").mkdir()
    first = TmuxTerminal(tmp_path / "one", e2e_env, width=160, height=40)
    try:
        first.start([str(claimdesk_exe), "--db", str(sample_db), "read", name_a, name_b])
        first.wait_for("sentence 1/")
        first.press("Tab", ".", ".", ".")
        moved = first.wait_for("sentence 4/")
        first.press("C-q")
        assert first.wait_for_exit() == 0
    finally:
        first.kill()
    status = next(line for line in moved.splitlines() if "sentence 4/" in line)
    offset = status.split("sentence 4/", 1)[1].split("·")[1].strip()  # "offset N/M"

    (tmp_path / "two").mkdir()
    second = TmuxTerminal(tmp_path / "two", e2e_env, width=160, height=40)
    try:
        second.start([str(claimdesk_exe), "--db", str(sample_db)])
        screen = second.wait_for(offset)
        assert title_a[:20] in screen
        assert title_b[:20] in screen
        second.press("C-q")
        assert second.wait_for_exit() == 0
    finally:
        second.kill()
