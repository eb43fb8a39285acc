"""Linking's worker processes end when their parent dies, however it dies.

The real ``claimdesk link`` is killed with SIGKILL while its workers normalise;
within 5 s no process may hold the database file open any more. ``/proc`` is read
directly, so these tests run on Linux only.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from store.db import connect, write
from tests.conftest import add_document

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="reads /proc to find processes"
)

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = 450  # above PARALLEL_MIN_DOCUMENTS, so linking starts workers
GONE_WITHIN_S = 5.0


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper holds no files and counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _holders(files: set[str]) -> list[int]:
    """Processes with one of ``files`` open."""
    holders = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            descriptors = list((entry / "fd").iterdir())
        except OSError:
            continue
        for descriptor in descriptors:
            try:
                target = os.readlink(descriptor)
            except OSError:
                continue
            if target in files:
                holders.append(int(entry.name))
                break
    return holders


def _wait_until(condition: object, seconds: float) -> bool:
    assert callable(condition)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def _corpus_db(path: Path) -> None:
    rng = random.Random(4)
    words = [f"wort{n}" for n in range(3_000)]
    db = connect(path)
    try:
        with write(db):
            for number in range(DOCUMENTS):
                sentences = [
                    " ".join(rng.choices(words, k=12)).capitalize() + "." for _ in range(30)
                ]
                add_document(db, " ".join(sentences), f"doc{number}.txt", f"outlet{number % 5}")
    finally:
        db.close()


def test_kill_9_of_link_leaves_no_process_holding_the_database(tmp_path: Path) -> None:
    database = tmp_path / "link.db"
    _corpus_db(database)
    files = {str(database), f"{database}-wal", f"{database}-shm"}
    link = subprocess.Popen(
        [sys.executable, "-m", "claimdesk", "--db", str(database), "link", "--workers", "2", "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert _wait_until(lambda: len(_children(link.pid)) >= 2, 60), (
            "link did not start its workers"
        )
        workers = _children(link.pid)
        assert link.poll() is None, "link finished before it could be killed"
    finally:
        link.kill()
        link.wait()
    assert _wait_until(lambda: not _holders(files), GONE_WITHIN_S), (
        f"processes still hold the database: {_holders(files)}"
    )
    assert not [pid for pid in workers if _alive(pid)]


def test_workers_end_without_the_kernel_signal_too(tmp_path: Path) -> None:
    """The portable guard alone (a watchdog on the parent's pid) ends an orphaned worker."""
    script = textwrap.dedent(
        """
        import os, signal
        from store.linking import workers
        workers._ask_kernel_for_death_signal = lambda: False
        pool = workers.parent_death_pool(1)
        print(pool.submit(os.getpid).result(), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    parent = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert parent.returncode == -signal.SIGKILL
    worker = int(parent.stdout.split()[0])
    assert _wait_until(lambda: not _alive(worker), GONE_WITHIN_S), f"worker {worker} outlived"
