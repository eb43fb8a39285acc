"""Undo and redo after a long working history: do they stay flat as the log grows?

    python benchmarks/undo_history.py
    python benchmarks/undo_history.py --actions 1000,5000,20000 --repeat 20

For each size, one annotator adds N spans on the sample corpus's longest article
(every third addition undone again, so the log holds do, undo and redo rows), then
undo and redo are timed through ``Session`` (wall and CPU milliseconds, median and
max over ``--repeat`` pairs). Two figures per step: a Session that has already
undone in this process (the usual case: the reader's own connection), and a fresh
Session's first undo, which reads the annotator's whole log once. Target (issue 14):
≤ 20 ms of the app's own work per undo. The history is written with
``synchronous = OFF`` to keep the setup short; the timed steps use the normal
settings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store.seed import ensure_seeded
from store.session import Session


def _timed(step: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _history(path: Path, actions: int) -> int:
    session = Session(path, "bench")
    session.db.conn.execute("PRAGMA synchronous = OFF")
    doc, length = session.db.conn.execute(
        "SELECT id, length(text) FROM documents ORDER BY length(text) DESC LIMIT 1"
    ).fetchone()
    for index in range(actions):
        start = (index * 7) % (length - 5)
        session.add_span(doc, start, start + 3, "CLAIM")
        if index % 3 == 0:
            session.undo()
    session.close()
    return int(doc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="1000,5000", help="comma-separated history sizes")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    print("| actions in the log | step | wall median (ms) | wall max | CPU median (ms) | CPU max |")
    print("|---:|---|---:|---:|---:|---:|")
    for size in (int(part) for part in args.actions.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "undo.db"
            ensure_seeded(path)
            _history(path, size)
            fresh = Session(path, "bench")
            first = _timed(fresh.undo)
            fresh.redo()
            rows: dict[str, list[tuple[float, float]]] = {"undo": [], "redo": []}
            for _ in range(args.repeat):
                rows["undo"].append(_timed(fresh.undo))
                rows["redo"].append(_timed(fresh.redo))
            fresh.close()
            print(
                f"| {size:,} | first undo of a new session | {first[0]:.1f} | –"
                f" | {first[1]:.1f} | – |"
            )
            for step, times in rows.items():
                walls = [w for w, _ in times]
                cpus = [c for _, c in times]
                print(
                    f"| {size:,} | {step} | {statistics.median(walls):.1f} | {max(walls):.1f}"
                    f" | {statistics.median(cpus):.1f} | {max(cpus):.1f} |"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
