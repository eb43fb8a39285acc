"""The storing phase of ``claimdesk link`` alone: wall, CPU and bytes written.

    python benchmarks/link_storing.py --articles 2000
    python benchmarks/link_storing.py --articles 10000 --repeat 1

Builds the synthetic corpus of ``benchmarks/link_speed.py`` in a file database,
computes its suggestions once, then stores them (``store_suggestions``) into
``--repeat`` fresh copies of the database: the first run of ``link`` on a corpus,
with nobody else writing. Then it stores the same suggestions again into the last
copy (a re-run: every row is already there). Prints per run: rows, wall seconds,
CPU seconds (user + system of this process: storing runs on one thread), MB the
process wrote to disk (log, checkpoints and database) and the load average.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.annotator_wait import store_link_corpus  # noqa: E402
from store.db import connect  # noqa: E402
from store.linking.features import build_corpus  # noqa: E402
from store.linking.storing import store_suggestions  # noqa: E402
from store.linking.suggest import (  # noqa: E402
    LinkReport,
    LinkSettings,
    compute_suggestions,
    load_documents,
)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _written_bytes() -> int:
    """Bytes this process caused to be written to storage (Linux; 0 elsewhere)."""
    try:
        lines = Path("/proc/self/io").read_text().splitlines()
    except OSError:
        return 0
    fields = dict(line.split(": ") for line in lines)
    return int(fields.get("write_bytes", 0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2, help="first-run stores to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "corpus.db"
        store_link_corpus(source, args.articles)
        db = connect(source)
        corpus = build_corpus(load_documents(db), workers=LinkSettings().workers)
        selected = compute_suggestions(corpus, LinkSettings())
        db.close()
        print(f"{args.articles:,} articles, {len(corpus):,} sentences, {len(selected):,} pairs")
        print("| run | rows | wall (s) | CPU (s) | written (MB) | load avg |")
        print("|---|---:|---:|---:|---:|---:|")
        target = Path(folder) / "run.db"
        runs = ["first"] * args.repeat + ["re-run"]
        for number, kind in enumerate(runs):
            if kind == "first":
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(source, target)
            db = connect(target)
            report = LinkReport()
            wall, cpu, written = time.perf_counter(), _cpu(), _written_bytes()
            store_suggestions(db, corpus, selected, scope=None, report=report)
            wall, cpu = time.perf_counter() - wall, _cpu() - cpu
            written = _written_bytes() - written
            db.close()
            rows = report.inserted + report.updated + report.unchanged
            print(
                f"| {kind} {number + 1} | {rows:,} | {wall:.1f} | {cpu:.1f} |"
                f" {written / 1e6:,.0f} | {os.getloadavg()[0]:.1f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
