"""Many processes writing single-span annotations to one database as fast as they can.

Shared by ``tests/concurrency/test_load.py`` (small counts) and
``benchmarks/concurrent_writes.py`` (8 × 2,000). Every worker is a separate process
(spawn start method, so nothing is inherited from the parent's connection) with its
own :class:`store.session.Session`; each span carries a unique note ``worker:index`` so
the check can prove every write landed exactly once.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.db import connect, write
from store.documents import insert_document
from store.formats import ParsedArticle
from store.labels import ensure_default_labels
from store.session import Session

TEXT = " ".join(f"Sentence {n} says the river rose {n} cm on Monday." for n in range(200))


@dataclass(slots=True)
class WorkerResult:
    worker: int
    written: int
    errors: list[str]
    latencies: list[float]


@dataclass(slots=True)
class LoadResult:
    processes: int
    per_process: int
    seconds: float
    workers: list[WorkerResult] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [e for w in self.workers for e in w.errors]

    @property
    def latencies(self) -> list[float]:
        return sorted(x for w in self.workers for x in w.latencies)

    @property
    def throughput(self) -> float:
        return sum(w.written for w in self.workers) / self.seconds

    def percentile(self, fraction: float) -> float:
        values = self.latencies
        if not values:
            return float("nan")
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=1000, method="inclusive")[
            min(998, max(0, round(fraction * 1000) - 1))
        ]


def prepare(path: Path) -> int:
    """A fresh database with the default labels and one document; the document id."""
    db = connect(path)
    try:
        with write(db):
            ensure_default_labels(db)
            doc_id = insert_document(db, ParsedArticle("load.txt", TEXT, outlet="bench"))
        assert doc_id is not None
        return doc_id
    finally:
        db.close()


def _worker(path: str, doc_id: int, worker: int, count: int, start: Any, out: Any) -> None:
    errors: list[str] = []
    latencies: list[float] = []
    written = 0
    try:
        session = Session(path, f"annotator{worker}", create=False)
    except Exception as error:
        out.put(WorkerResult(worker, 0, [f"open: {error!r}"], []))
        return
    length = len(TEXT)
    start.wait()
    for index in range(count):
        begin = (worker * 7919 + index * 31) % (length - 20)
        t0 = time.perf_counter()
        try:
            session.add_span(doc_id, begin, begin + 12, "CLAIM", note=f"{worker}:{index}")
            written += 1
        except Exception as error:
            errors.append("".join(traceback.format_exception_only(error)).strip())
        latencies.append(time.perf_counter() - t0)
    session.close()
    out.put(WorkerResult(worker, written, errors, latencies))


def run_load(path: Path, processes: int, per_process: int) -> LoadResult:
    """Start ``processes`` writers together; wait for all; their results."""
    doc_id = prepare(path)
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(processes + 1)
    out = context.Queue()
    workers = [
        context.Process(target=_worker, args=(str(path), doc_id, n, per_process, start, out))
        for n in range(processes)
    ]
    for process in workers:
        process.start()
    start.wait(timeout=120)
    t0 = time.perf_counter()
    results = [out.get(timeout=600) for _ in workers]
    seconds = time.perf_counter() - t0
    for process in workers:
        process.join(timeout=60)
    return LoadResult(processes, per_process, seconds, sorted(results, key=lambda r: r.worker))


def verify(path: Path, result: LoadResult) -> list[str]:
    """What is wrong with the database after a load run (empty: every span exactly once)."""
    problems: list[str] = []
    db = connect(path, create=False)
    try:
        integrity = [row[0] for row in db.conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:3]}")
        notes = [row[0] for row in db.conn.execute("SELECT note FROM spans")]
        expected = {f"{w}:{i}" for w in range(result.processes) for i in range(result.per_process)}
        if len(notes) != len(set(notes)):
            problems.append(f"{len(notes) - len(set(notes))} spans stored more than once")
        missing = expected - set(notes)
        if missing:
            problems.append(f"{len(missing)} spans missing, e.g. {sorted(missing)[:3]}")
        extra = set(notes) - expected
        if extra:
            problems.append(f"{len(extra)} unexpected spans")
        logged = db.conn.execute(
            "SELECT count(*) FROM changes WHERE table_name = 'spans'"
        ).fetchone()[0]
        if logged != len(expected):
            problems.append(f"change log has {logged} span rows, expected {len(expected)}")
    finally:
        db.close()
    return problems
