"""Quit, or be killed, and start again: the reader reopens with its documents and cursor."""

from __future__ import annotations

import os
import signal
import subprocess
import time
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


def _claimdesk_pid(terminal: TmuxTerminal) -> int:
    """The claimdesk process: the only child of the pane's ``sh``."""
    shell = terminal.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}").stdout.strip()
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", shell], capture_output=True, text=True, check=True
    ).stdout.split()
    assert len(children) == 1, f"expected one child of the pane's shell, found {children}"
    return int(children[0])


def test_killed_reader_reopens_with_its_documents_and_cursor(
    claimdesk_exe: Path, sample_db: Path, tmp_path: Path, e2e_env: dict[str, str]
) -> None:
    (name_a, title_a), (name_b, title_b) = sqlite(
        sample_db,
        "SELECT source_name, coalesce(title, source_name) FROM documents ORDER BY id LIMIT 2",
    )
    state_file = Path(e2e_env["XDG_STATE_HOME"]) / "claimdesk" / "sessions.json"
    (tmp_path / "one").mkdir()
    first = TmuxTerminal(tmp_path / "one", e2e_env, width=160, height=40)
    try:
        first.start([str(claimdesk_exe), "--db", str(sample_db), "read", name_a, name_b])
        first.wait_for("sentence 1/")
        first.press("Tab", ".", ".", ".", ".")
        moved = first.wait_for("sentence 5/")
        status = next(line for line in moved.splitlines() if "sentence 5/" in line)
        offset = status.split("sentence 5/", 1)[1].split("·")[1].strip()  # "offset N/M"
        cursor = int(offset.split()[1].split("/")[0])
        # No quit: the state reaches the disk by itself within about a second.
        deadline = time.monotonic() + 20
        while f'"cursor": {cursor},' not in _read(state_file):
            assert time.monotonic() < deadline, f"never saved; the file: {_read(state_file)}"
            time.sleep(0.05)
        os.kill(_claimdesk_pid(first), signal.SIGKILL)
        assert first.wait_for_exit() == 128 + signal.SIGKILL
    finally:
        first.kill()

    (tmp_path / "two").mkdir()
    second = TmuxTerminal(tmp_path / "two", e2e_env, width=160, height=40)
    try:
        second.start([str(claimdesk_exe), "--db", str(sample_db)])
        screen = second.wait_for(offset)
        assert "sentence 5/" in screen
        assert title_a[:20] in screen
        assert title_b[:20] in screen
        second.press("C-q")
        assert second.wait_for_exit() == 0
    finally:
        second.kill()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
