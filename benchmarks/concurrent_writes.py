"""Concurrent single-span annotations from many processes on one database file.

    python benchmarks/concurrent_writes.py                 # 8 processes x 2,000 spans
    python benchmarks/concurrent_writes.py --processes 4 --spans 500

Each process opens its own Session and calls ``Session.add_span`` as fast as it can
(one committed, logged transaction per span). Prints throughput and write latency,
then checks that every span landed exactly once, no process saw an error and
``PRAGMA integrity_check`` is ok; exits 1 if not.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.concurrency.load import run_load, verify


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--spans", type=int, default=2000, help="spans per process")
    parser.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    args = parser.parse_args()
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
