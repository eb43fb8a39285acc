"""What saving the session as you go costs: the UI thread's share and the writer's.

    python benchmarks/session_state_cost.py [--calls 2000] [--writes 200]

The app asks the reader for its state every second and on every screen change or
panel toggle (``tui.app.ClaimdeskApp.save_reader_state``); that call runs on the UI
thread, so it must stay far below a frame (16 ms). The write itself (temporary file,
fsync, rename) runs on the writer thread and is timed separately. Prints the load
average and this process's CPU time beside the wall-clock figures, since the
machine may be shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SAMPLE = Path(__file__).resolve().parent.parent / "sample_corpus"


async def ui_thread_cost(db_path: Path, calls: int) -> list[float]:
    from store.session import Session
    from tui.app import create_app

    with Session(db_path, "bench") as session:
        doc_ids = [document.id for document in session.documents()[:2]]
    app = create_app(db_path, "bench", doc_ids=doc_ids)
    timings: list[float] = []
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(1.0)
        for _ in range(calls):
            started = time.perf_counter()
            app.save_reader_state()
            timings.append(time.perf_counter() - started)
    return timings


def write_cost(db_path: Path, writes: int) -> list[float]:
    from tui.session_state import PanePlace, ReaderState, StateWriter

    writer = StateWriter(db_path, "bench-writer")
    timings = []
    for number in range(writes):
        started = time.perf_counter()
        writer.submit(ReaderState([PanePlace(1, number)]))
        writer.flush(10)
        timings.append(time.perf_counter() - started)
    writer.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--writes", type=int, default=200)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="claimdesk-bench-")
    os.environ["HOME"] = home
    os.environ["XDG_STATE_HOME"] = str(Path(home) / "state")
    from store.db import connect
    from store.importer import import_paths

    db_path = Path(home) / "bench.db"
    db = connect(str(db_path))
    import_paths(db, [SAMPLE])
    db.close()
    cpu = time.process_time()
    ui = asyncio.run(ui_thread_cost(db_path, args.calls))
    disk = write_cost(db_path, args.writes)
    cpu = time.process_time() - cpu

    def row(name: str, values: list[float], unit: float, label: str) -> None:
        ordered = sorted(values)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        print(
            f"{name:44s} median {statistics.median(values) * unit:8.3f} {label}"
            f"   p95 {p95 * unit:8.3f} {label}   n={len(values)}"
        )

    row("save_reader_state on the UI thread", ui, 1e3, "ms")
    row("one state written (writer thread, fsync)", disk, 1e3, "ms")
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average {load}; CPU time (user+sys) of this process {cpu:.2f} s")


if __name__ == "__main__":
    main()
