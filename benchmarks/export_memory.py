"""Peak memory of exports as the database grows: it should stay flat.

Builds databases of 100,000 and 1,000,000 spans (fast raw inserts in one
transaction; the change log is bypassed for this fixture only, the quote triggers
still check every span), then runs each export in a fresh process and prints its
peak RSS, its tracemalloc peak and its time.

    python benchmarks/export_memory.py                     # 100k and 1M spans
    python benchmarks/export_memory.py --spans 20000 200000 --formats jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SPANS_PER_DOCUMENT = 50
WORDS = [
    "Die",
    "Stadt",
    "meldet",
    "Besucher",
    "am",
    "Juni",
    "Bürgermeister",
    "sagte",
    "zufrieden",
    "The",
    "city",
    "reported",
    "visitors",
    "in",
    "July",
    "mayor",
    "said",
    "pleased",
    "11.000",
    "12,000",
    "Polizei",
    "Feuerwehr",
    "Regierung",
    "Café",
    "😀",
    "€",
]
LABELS = ("CLAIM", "FIGURE", "SOURCE", "QUOTE", "EVENT")


def build(path: Path, spans: int, seed: int = 7) -> None:
    from store.db import connect
    from store.labels import ensure_default_labels
    from store.segment import split_sentences

    rng = random.Random(seed)
    db = connect(path)
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    ensure_default_labels(db)
    documents = spans // SPANS_PER_DOCUMENT
    span_rows: list[tuple[object, ...]] = []
    for doc_id in range(1, documents + 1):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))) + "." for _ in range(12)
        ]
        text = "\n".join(sentences)
        conn.execute(
            "INSERT INTO documents (id, source_name, outlet, text, sha256, imported_at)"
            " VALUES (?,?,?,?,?,?)",
            [
                doc_id,
                f"doc-{doc_id:07}.txt",
                f"outlet-{doc_id % 7}",
                text,
                hashlib.sha256(text.encode()).hexdigest(),
                "2026-01-01T00:00:00.000Z",
            ],
        )
        conn.executemany(
            'INSERT INTO sentences (doc_id, start, "end") VALUES (?,?,?)',
            [(doc_id, s, e) for s, e in split_sentences(text)],
        )
        for n in range(SPANS_PER_DOCUMENT):
            start = rng.randrange(0, len(text) - 1)
            end = min(len(text), start + rng.randint(1, 60))
            span_rows.append(
                (
                    f"{doc_id:07}-{n:03}",
                    doc_id,
                    start,
                    end,
                    text[start:end],
                    LABELS[n % len(LABELS)],
                    "bench",
                    "2026-01-01T00:00:00.000Z",
                    "2026-01-01T00:00:00.000Z",
                )
            )
        if len(span_rows) >= 50_000:
            _insert_spans(conn, span_rows)
            span_rows = []
    _insert_spans(conn, span_rows)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def _insert_spans(conn: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    conn.executemany(
        'INSERT INTO spans (id, doc_id, start, "end", quote, label, annotator, created_at,'
        " updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
        rows,
    )


def high_water_kib() -> int:
    """This process's peak RSS (VmHWM). Unlike ``ru_maxrss``, which Linux carries over
    ``exec`` from the forking parent, VmHWM starts afresh in the new program."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(db_path: str, name: str, out: str, trace: bool) -> None:
    """Run in a child process: one export, then print its figures as JSON."""
    import tracemalloc

    from store.db import connect
    from store.export import export

    db = connect(db_path, create=False)
    baseline = high_water_kib()
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    stats = export(db, name, out)
    seconds = time.perf_counter() - began
    traced = tracemalloc.get_traced_memory()[1] if trace else 0
    peak = high_water_kib()
    print(
        json.dumps(
            {
                "baseline_kib": baseline,
                "peak_kib": peak,
                "traced_peak": traced,
                "seconds": seconds,
                "spans": stats.spans,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--formats", nargs="+", default=["jsonl", "conll", "csv"])
    parser.add_argument("--measure", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        db_path, name, out, trace = args.measure
        measure(db_path, name, out, trace == "1")
        return
    print(
        f"{'spans':>9} {'format':<7} {'RSS peak MiB':>12} {'RSS growth MiB':>14}"
        f" {'tracemalloc peak MiB':>20} {'seconds':>8}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for count in args.spans:
            path = Path(folder) / f"bench-{count}.db"
            began = time.perf_counter()
            build(path, count)
            print(f"# built {count:,} spans in {time.perf_counter() - began:.0f} s", flush=True)
            for name in args.formats:
                figures = {}
                for trace in ("0", "1"):
                    result = subprocess.run(
                        [
                            sys.executable,
                            __file__,
                            "--measure",
                            str(path),
                            name,
                            str(Path(folder) / f"out-{name}"),
                            trace,
                        ],
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    figures[trace] = json.loads(result.stdout)
                plain, traced = figures["0"], figures["1"]
                print(
                    f"{count:>9,} {name:<7} {plain['peak_kib'] / 1024:>12.1f}"
                    f" {(plain['peak_kib'] - plain['baseline_kib']) / 1024:>14.1f}"
                    f" {traced['traced_peak'] / 2**20:>20.1f} {plain['seconds']:>8.1f}",
                    flush=True,
                )
            path.unlink()


if __name__ == "__main__":
    main()
