"""An annotator writing spans while another process bulk-imports thousands of articles.

Shared by ``tests/concurrency/test_import_contention.py`` and
``benchmarks/concurrent_writes.py --during-import``. The importer commits every
``store.importer.BATCH_SIZE`` articles; the annotator's write latency during the
import shows how long one batch holds the write lock.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from store.db import connect
from store.session import Session
from tests.concurrency.load import prepare

WORDS = [
    "city",
    "river",
    "level",
    "officials",
    "residents",
    "evacuated",
    "bridge",
    "closed",
    "firefighters",
    "mayor",
    "said",
    "Wednesday",
    "rain",
    "levee",
    "damage",
    "million",
    "volunteers",
    "shelter",
    "council",
    "budget",
    "vote",
]


def write_corpus(path: Path, articles: int, seed: int = 7) -> None:
    """One JSON-lines file of ``articles`` distinct synthetic news texts (~1.5 kB each)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for index in range(articles):
            sentences = [
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 18))).capitalize()
                + f" {rng.randint(1, 99_999)}."
                for _ in range(rng.randint(8, 14))
            ]
            record = {
                "id": f"wire-{index:06d}",
                "outlet": "Wire",
                "title": f"Report {index}",
                "text": " ".join(sentences),
            }
            out.write(json.dumps(record) + "\n")


def _import(db_path: str, corpus: str, out: multiprocessing.Queue[tuple[int, int, float]]) -> None:
    from store.importer import import_paths

    db = connect(db_path)
    started = time.perf_counter()
    try:
        report = import_paths(db, [Path(corpus)])
    finally:
        db.close()
    out.put((report.added, len(report.refused), time.perf_counter() - started))


@dataclass(slots=True)
class ContentionResult:
    imported: int = 0
    refused: int = 0
    import_seconds: float = 0.0
    writes: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


def annotate_during_import(db_path: Path, corpus: Path, pause: float = 0.01) -> ContentionResult:
    """Write one span every ``pause`` seconds for as long as the import runs."""
    doc_id = prepare(db_path)
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    importer = context.Process(target=_import, args=(str(db_path), str(corpus), out))
    result = ContentionResult()
    with Session(db_path, "alice") as session:
        importer.start()
        while importer.is_alive() and out.empty():
            t0 = time.perf_counter()
            try:
                session.add_span(doc_id, 0, 8, "CLAIM", note=str(result.writes))
                result.writes += 1
            except Exception as error:  # the point is to see any error at all
                result.errors.append(f"{type(error).__name__}: {error}")
            result.latencies.append(time.perf_counter() - t0)
            time.sleep(pause)
        result.imported, result.refused, result.import_seconds = out.get(timeout=600)
        importer.join(timeout=60)
        stored = session.db.conn.execute(
            "SELECT count(*) FROM spans WHERE annotator = 'alice'"
        ).fetchone()[0]
    if stored != result.writes:
        result.errors.append(f"{result.writes} writes reported, {stored} stored")
    return result
