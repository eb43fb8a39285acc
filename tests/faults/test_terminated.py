"""A headless job sent SIGTERM (``timeout``, a job scheduler) ends as ctrl+c does: one line
saying what it had stored, exit 143, and a sound database that a re-run completes."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _documents(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


def test_sigterm_during_an_import_says_how_many_documents_are_stored(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(3000):
        (corpus / f"a{number:04d}.txt").write_text(
            f"Artikel {number}. " + "Die Stadt meldet am Montag viele Besucher. " * 20,
            encoding="utf-8",
        )
    db = tmp_path / "t.db"
    command = [sys.executable, "-m", "claimdesk", "--db", str(db), "import", str(corpus)]
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    job = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while _documents(db) == 0 and job.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.poll() is None, "the import ended before it could be terminated"
    job.send_signal(signal.SIGTERM)
    _out, err = job.communicate(timeout=120)
    stored = _documents(db)
    assert job.returncode == 143, err
    assert 0 < stored < 3000
    assert re.fullmatch(
        rf"claimdesk: terminated; {stored} document\(s\) were imported before it;"
        r" importing again adds the rest\n",
        err,
    ), err
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"imported {3000 - stored} new document(s)" in again.stdout
    assert _documents(db) == 3000
