"""Concurrent single-span annotations from many processes on one database file.

    python benchmarks/concurrent_writes.py                 # 8 processes x 2,000 spans
    python benchmarks/concurrent_writes.py --processes 4 --spans 500
    python benchmarks/concurrent_writes.py --during-import 10000

Each process opens its own Session and calls ``Session.add_span`` as fast as it can
(one committed, logged transaction per span). Prints throughput and write latency,
then checks that every span landed exactly once, no process saw an error and
``PRAGMA integrity_check`` is ok; exits 1 if not. With ``--during-import N`` it
instead has one annotator write a span every 10 ms while another process imports N
synthetic articles, and prints that annotator's write latency.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.concurrency.import_contention import annotate_during_import, write_corpus
from tests.concurrency.load import run_load, verify


def during_import(articles: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "wire.jsonl"
        write_corpus(corpus, articles)
        result = annotate_during_import(Path(folder) / "shared.db", corpus)
    latencies = sorted(result.latencies)
    print(
        f"import: {result.imported} added, {result.refused} refused"
        f" in {result.import_seconds:.1f} s"
    )
    print(f"annotator meanwhile: {result.writes} spans, {len(result.errors)} errors")
    print(f"latency p50  {latencies[len(latencies) // 2] * 1000:.1f} ms")
    print(f"latency p99  {latencies[int(len(latencies) * 0.99)] * 1000:.1f} ms")
    print(f"latency max  {latencies[-1] * 1000:.0f} ms")
    for error in result.errors[:5]:
        print(f"  {error}")
    return 1 if result.errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--spans", type=int, default=2000, help="spans per process")
    parser.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    parser.add_argument(
        "--during-import",
        type=int,
        metavar="N",
        help="measure one annotator's writes during an import of N articles",
    )
    args = parser.parse_args()
    if args.during_import:
        return during_import(args.during_import)
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "concurrent.db"
        result = run_load(path, args.processes, args.spans)
        total = args.processes * args.spans
        print(
            f"{args.processes} processes x {args.spans} spans = {total} writes"
            f" in {result.seconds:.2f} s"
        )
        print(f"throughput   {result.throughput:,.0f} spans/s")
        print(f"latency p50  {result.percentile(0.50) * 1000:.2f} ms")
        print(f"latency p99  {result.percentile(0.99) * 1000:.2f} ms")
        print(f"latency max  {max(result.latencies) * 1000:.2f} ms")
        print(f"errors       {len(result.errors)}")
        for error in result.errors[:5]:
            print(f"  {error}")
        problems = verify(path, result)
        print(
            "check        "
            + ("every span exactly once, integrity ok" if not problems else "; ".join(problems))
        )
        return 1 if problems or result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
