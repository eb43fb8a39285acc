"""How long annotators' single writes wait while a long job runs on the same database.

    python benchmarks/annotator_wait.py                         # link and import, 10,000 articles
    python benchmarks/annotator_wait.py --jobs link --articles 2000
    python benchmarks/annotator_wait.py --annotators 8 --pause 0.02

``link``: the synthetic corpus of ``benchmarks/link_speed.py`` (N articles of 30
sentences, stories told by five outlets) is stored, then ``claimdesk link`` runs on
it. ``import``: ``claimdesk import`` of N synthetic wire articles (one JSON-lines
file) into a database that holds only the annotators' document. Meanwhile each of
``--annotators`` processes (spawned, each with its own Session) adds one span, waits
``--pause`` seconds and again, until the job ends. A write's wait is the time
``Session.add_span`` takes: taking the write lock, writing, logging, committing.

Prints one table row per job: the job's own time (wall, and CPU: user + system of
the job and its worker processes), the load average before and after it, writes, p50,
p99 and max wait, when in the job the longest wait happened, and errors. Wall-clock
figures on a shared machine grow with its load; CPU time does not. Exits 1 on any
error or a failed job.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.link_speed import generate  # noqa: E402
from store.db import connect, write  # noqa: E402
from store.documents import insert_document  # noqa: E402
from store.formats import ParsedArticle  # noqa: E402
from store.segment import split_sentences  # noqa: E402
from tests.concurrency.import_contention import write_corpus  # noqa: E402
from tests.concurrency.load import TEXT, prepare  # noqa: E402


@dataclass(slots=True)
class Waits:
    # (seconds since the job started, wait in seconds) per write
    writes: list[tuple[float, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _annotate(
    path: str, doc_id: int, worker: int, pause: float, go: Any, stop: Any, out: Any
) -> None:
    from store.session import Session

    waits = Waits()
    session = Session(path, f"annotator{worker}", create=False)
    length = len(TEXT) - 20
    go.wait()
    started = time.perf_counter()
    index = 0
    while not stop.is_set():
        begin = (worker * 7919 + index * 31) % length
        t0 = time.perf_counter()
        try:
            session.add_span(doc_id, begin, begin + 12, "CLAIM", note=f"{worker}:{index}")
        except Exception as error:  # the benchmark reports every failure
            waits.errors.append(f"{type(error).__name__}: {error}")
        t1 = time.perf_counter()
        waits.writes.append((t0 - started, t1 - t0))
        index += 1
        time.sleep(pause)
    session.close()
    out.put(waits)


def store_link_corpus(path: Path, articles: int) -> None:
    generated, _planted, _facts = generate(articles, seed=1)
    db = connect(path)
    try:
        with write(db):
            for name, outlet, text in generated:
                doc_id = insert_document(
                    db, ParsedArticle(name, text, outlet=outlet, language="de")
                )
                db.conn.executemany(
                    'INSERT INTO sentences (doc_id, start, "end") VALUES (?, ?, ?)',
                    [(doc_id, s, e) for s, e in split_sentences(text)],
                )
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


class StoringWatch(threading.Thread):
    """When in the job suggestions were stored: their count, polled twice a second."""

    def __init__(self, database: Path, started: float) -> None:
        super().__init__(daemon=True)
        self.database, self.started = database, started
        self.first: float | None = None
        self.last: float | None = None
        self.done = threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=5)
        seen = None
        try:
            while not self.done.wait(0.5):
                try:
                    (top,) = conn.execute("SELECT nullif(count(*), 0) FROM suggestions").fetchone()
                except sqlite3.Error:
                    continue
                if top is not None and top != seen:
                    at = time.perf_counter() - self.started
                    self.first = at if self.first is None else self.first
                    self.last, seen = at, top
        finally:
            conn.close()


@dataclass(slots=True)
class JobResult:
    job: str
    seconds: float
    cpu_seconds: float
    load_before: float
    load_after: float
    storing: tuple[float, float] | None
    returncode: int
    stderr: str
    waits: Waits


def run_job(
    job: str, articles: int, annotators: int, pause: float, idle: float = 30.0
) -> JobResult:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "shared.db"
        doc_id = prepare(database)
        if job == "link":
            store_link_corpus(database, articles)
            command = ["link", "-q"]
        elif job == "none":
            # The floor: the same annotators with no job, for as long as a short job.
            command = ["stats"]
        else:
            corpus = Path(folder) / "wire.jsonl"
            write_corpus(corpus, articles)
            command = ["import", "-q", str(corpus)]
        context = multiprocessing.get_context("spawn")
        go, stop, out = context.Barrier(annotators + 1), context.Event(), context.Queue()
        writers = [
            context.Process(target=_annotate, args=(str(database), doc_id, n, pause, go, stop, out))
            for n in range(annotators)
        ]
        for writer in writers:
            writer.start()
        go.wait(timeout=120)
        load_before = os.getloadavg()[0]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        watch = StoringWatch(database, started)
        if job == "link":
            watch.start()
        if job == "none":
            time.sleep(idle)
        finished = subprocess.run(
            [sys.executable, "-m", "claimdesk", "--db", str(database), *command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        # The annotators are still running: only the finished job (and its workers) count.
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = used.ru_utime + used.ru_stime - children.ru_utime - children.ru_stime
        load_after = os.getloadavg()[0]
        watch.done.set()
        storing = None
        if watch.first is not None and watch.last is not None:
            storing = (watch.first, watch.last)
        stop.set()
        waits = Waits()
        for _ in writers:
            part = out.get(timeout=120)
            waits.writes += part.writes
            waits.errors += part.errors
        for writer in writers:
            writer.join(timeout=60)
    return JobResult(
        job,
        seconds,
        cpu,
        load_before,
        load_after,
        storing,
        finished.returncode,
        finished.stderr.strip(),
        waits,
    )


def _percentile(values: list[float], fraction: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[round(fraction * 1000) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs",
        default="link,import",
        help="comma-separated: link, import, none (the annotators alone for 30 s)",
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument(
        "--pause", type=float, default=0.02, help="seconds each annotator waits between writes"
    )
    parser.add_argument("--slowest", type=int, default=0, help="list the N longest waits")
    args = parser.parse_args()
    print(
        f"{args.annotators} annotators, one span each every {args.pause * 1000:.0f} ms"
        f" + its wait; {args.articles:,} articles"
    )
    print(
        "| job | job time (s) | job CPU (s) | load avg before, after | writes | p50 wait (ms)"
        " | p99 wait (ms) | max wait (ms) | max at (s into job) | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    failed = False
    for job in [j.strip() for j in args.jobs.split(",") if j.strip()]:
        result = run_job(job, args.articles, args.annotators, args.pause)
        waits = sorted(wait for _at, wait in result.waits.writes)
        at, longest = max(result.waits.writes, key=lambda w: w[1])
        print(
            f"| {job} | {result.seconds:.1f} | {result.cpu_seconds:.1f} |"
            f" {result.load_before:.1f}, {result.load_after:.1f} | {len(waits):,} |"
            f" {_percentile(waits, 0.50) * 1000:.1f} | {_percentile(waits, 0.99) * 1000:.1f} |"
            f" {longest * 1000:.0f} | {at:.1f} | {len(result.waits.errors)} |",
            flush=True,
        )
        if result.storing is not None:
            first, last = result.storing
            print(f"  rows appeared in suggestions from {first:.1f} s to {last:.1f} s into the job")
            during = sorted(wait for at, wait in result.waits.writes if first <= at <= last)
            if during:
                print(
                    f"  writes while storing: {len(during):,}, p50"
                    f" {_percentile(during, 0.50) * 1000:.1f} ms, p99"
                    f" {_percentile(during, 0.99) * 1000:.1f} ms, max {during[-1] * 1000:.0f} ms"
                )
        if args.slowest:
            slowest = sorted(result.waits.writes, key=lambda w: -w[1])[: args.slowest]
            print(
                "  slowest (s into job: ms): "
                + ", ".join(f"{at:.1f}: {wait * 1000:.0f}" for at, wait in sorted(slowest))
            )
        for error in result.waits.errors[:3]:
            print(f"  {error}")
        if result.returncode != 0:
            print(f"  {job} failed ({result.returncode}): {result.stderr[-500:]}")
        failed |= bool(result.waits.errors) or result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
