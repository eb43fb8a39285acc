"""Time and peak memory of the pairs export when one wire sentence stands in many documents.

Each of N documents opens with the same wire sentence and adds a sentence of its own.
The wire copies are accepted as one fact, and each outlet's own sentence is accepted
beside the next outlet's copy. That makes one fact cluster of 2N claims, whose implied
pairs grow with N squared but hold few distinct pairs of texts.

    python benchmarks/pairs_wire_copy.py            # 600 and 1,200 documents
    python benchmarks/pairs_wire_copy.py --documents 300
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from store.db import connect, write  # noqa: E402
from store.documents import insert_document  # noqa: E402
from store.export import export  # noqa: E402
from store.formats import ParsedArticle  # noqa: E402
from store.labels import ensure_default_labels  # noqa: E402

WIRE = "The river rose two metres overnight, officials said."


def _own(number: int) -> str:
    return f"Outlet {number} says the river rose."


def run(documents: int) -> None:
    db = connect(":memory:")
    after_wire = len(WIRE) + 1
    with write(db):
        ensure_default_labels(db)
        for number in range(documents):
            insert_document(db, ParsedArticle(f"w{number:05}.txt", f"{WIRE} {_own(number)}"))
        rows = []
        for number in range(documents):
            own = _own(number)
            if number:
                rows.append((f"w{number}", 1, 0, len(WIRE), WIRE, number + 1, 0, len(WIRE), WIRE))
            rows.append(
                (
                    f"o{number}",
                    (number + 1) % documents + 1,
                    0,
                    len(WIRE),
                    WIRE,
                    number + 1,
                    after_wire,
                    after_wire + len(own),
                    own,
                )
            )
        db.conn.executemany(
            "INSERT INTO links (id, a_doc, a_start, a_end, a_quote, b_doc, b_start, b_end,"
            " b_quote, status, method, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,'accepted','manual','t','t')",
            rows,
        )
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        stats = export(db, "pairs", Path(folder) / "pairs")
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{documents:>6} documents: {stats.records:>8,} pairs written in {seconds:5.1f} s,"
        f" peak RSS {peak:,.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[600, 1200])
    args = parser.parse_args()
    for documents in args.documents:
        run(documents)  # peak RSS is the process's: the larger run comes last


if __name__ == "__main__":
    main()
