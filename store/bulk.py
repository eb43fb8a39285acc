"""Long jobs' writes in short transactions, so that annotators' single writes never wait long.

| caller                  | uses                                            |
|-------------------------|-------------------------------------------------|
| ``store.linking.storing`` | :func:`write_in_batches` for suggestion rows   |
| ``store.importer``        | :class:`Checkpointer` between article batches  |

Two things make an annotator's write wait while a long job runs on the same
database: the job holding the write lock (a long transaction, building an index)
and checkpoints (copying the write-ahead log into the database). A checkpoint
runs inside whichever connection's commit crosses ``wal_autocheckpoint`` pages,
so when a job fills the log, an annotator's one-span commit may pay for copying
all of it. Here a job's transactions are sized by time, not rows, and the job
runs PASSIVE checkpoints itself between them, so the log stays short and an
annotator's automatic checkpoint finds little to copy. PASSIVE never waits for
or blocks other connections; TRUNCATE and RESTART would, so they are not used.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence

import sqlite_utils

from store.db import data_version, db_label, translate_error, write

# An annotator's write waits for at most one of these (plus its own commit). A
# transaction ends as soon as it has held the lock this long; its rows go in chunks
# that each take about a tenth of it, so a machine that suddenly gets slower (a
# loaded CPU, a busy disk) overruns the deadline by one short chunk, never by a batch.
TARGET_TRANSACTION_S = 0.05
# Once nobody else has committed for QUIET_S, transactions grow (doubling) up to
# IDLE_TRANSACTION_S: each commit rewrites every index page its rows touched, and
# 50 ms transactions of suggestions wrote each page of the two unordered link indexes
# again for nearly every row (7x the log of one transaction). An annotator who starts
# writing after a quiet spell waits for at most one such transaction; once anyone
# else has committed, transactions are short again. A single quiet step aside is not
# enough: annotators writing every 100 ms leave one now and then. 0.3 s made two
# annotators writing every 2 s wait up to 0.67 s (their commit behind a long
# transaction and its checkpoint's disk writes); 0.15 s, 76 ms.
QUIET_S = 1.0
IDLE_TRANSACTION_S = 0.15
CHUNKS_PER_TRANSACTION = 10
MIN_CHUNK_ROWS = 1
MAX_CHUNK_ROWS = 2_000
FIRST_CHUNK_ROWS = 10
# After each batch the job steps aside until the annotators who queued behind it are
# through: it sleeps in steps of YIELD_S (longer than a waiting annotator's longest
# poll, store.db._POLL_MAX_S x 1.5) until a step passes with no commit by anyone else.
# A fixed 20 ms pause let one or two waiting annotators in per batch; the rest lost the
# lock to the job again, batch after batch (measured: waits of 0.8-1.2 s made of five
# to eight 0.1 s batches).
YIELD_S = 0.02
# The pause lasts at most this many times as long as the job held the lock, so that the
# job keeps a share of the lock however busy the annotators are.
MAX_YIELD_SHARE = 3.0

Row = Sequence[object]


class Checkpointer:
    """PASSIVE checkpoints of a bulk-writing connection, at most every ``interval`` seconds."""

    def __init__(self, db: sqlite_utils.Database, interval: float = 0.0) -> None:
        self.db = db
        self.interval = interval
        self._last = time.monotonic()

    def __call__(self) -> None:
        """Copy what the log holds into the database, if the interval has passed."""
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        # Returns (busy, log frames, checkpointed frames); busy only means another
        # connection is checkpointing right now, which is just as good.
        try:
            self.db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as error:
            # A full disk met here, between batches, was the one SQLite error not
            # translated, and the command called the database damaged.
            raise translate_error(error, db_label(self.db)) from error


def write_in_batches(
    db: sqlite_utils.Database,
    sql: str,
    rows: Sequence[Row],
    *,
    done: Callable[[int], None] | None = None,
    target_seconds: float | None = None,
) -> None:
    """``executemany(sql, rows)`` in committed transactions that hold the lock ~``target_seconds``.

    Each transaction runs chunks of rows until it has held the write lock for
    ``target_seconds`` (default: ``TARGET_TRANSACTION_S``, growing to
    ``IDLE_TRANSACTION_S`` once nobody else has written for ``QUIET_S``), commits,
    checkpoints (PASSIVE) and steps aside for waiting writers (:func:`yield_to_writers`).
    ``done(rows)`` is called after each commit with the number of rows it wrote.
    """
    base = TARGET_TRANSACTION_S if target_seconds is None else target_seconds
    idle = max(base, IDLE_TRANSACTION_S if target_seconds is None else target_seconds)
    target = base
    last_other_commit = time.monotonic()
    checkpoint = Checkpointer(db)
    chunk = FIRST_CHUNK_ROWS
    begin = 0
    while begin < len(rows):
        end = begin
        with write(db):
            # Timed from inside the transaction: the lock is held from here to the commit.
            started = time.perf_counter()
            while end < len(rows):
                part = rows[end : end + chunk]
                before = time.perf_counter()
                db.conn.executemany(sql, part)
                after = time.perf_counter()
                end += len(part)
                chunk = next_chunk_rows(len(part), after - before, target)
                held = after - started
                if held >= target:
                    break
            # Nobody else can commit while this connection holds the lock, so commits
            # counted from here on are other writers' (some land before step_aside).
            version = data_version(db)
        written = end - begin
        begin = end
        checkpoint()
        if done is not None:
            done(written)
        if begin < len(rows):
            # Anyone waiting for the lock commits while the job steps aside.
            if step_aside(db, held, since=version):
                last_other_commit = time.monotonic()
                target = base
            elif time.monotonic() - last_other_commit >= QUIET_S:
                target = min(idle, target * 2)


def step_aside(db: sqlite_utils.Database, held: float, *, since: int | None = None) -> bool:
    """After a transaction that held the lock ``held`` seconds, let waiting writers go first.

    True when another connection committed since ``data_version`` was ``since``
    (default: since this call).
    """
    return yield_to_writers(db, most=YIELD_S + MAX_YIELD_SHARE * held, since=since)


def yield_to_writers(
    db: sqlite_utils.Database,
    *,
    most: float,
    step: float | None = None,
    since: int | None = None,
) -> bool:
    """Sleep until ``step`` seconds pass with no commit from another connection (≤ ``most``).

    True when another connection committed since ``data_version`` was ``since``
    (default: since this call).
    """
    step = YIELD_S if step is None else step
    deadline = time.monotonic() + most
    seen = data_version(db)
    first = seen if since is None else since
    while True:
        time.sleep(step)
        current = data_version(db)
        if current == seen or time.monotonic() >= deadline:
            return current != first
        seen = current


def next_chunk_rows(rows: int, seconds: float, target_seconds: float) -> int:
    """The row count that should take about a tenth of ``target_seconds``, changing by ≤ 2×."""
    wanted = target_seconds / CHUNKS_PER_TRANSACTION
    scaled = rows * 2 if seconds <= 0 else rows * wanted / seconds
    return int(max(MIN_CHUNK_ROWS, min(MAX_CHUNK_ROWS, rows * 2, max(rows / 2, scaled))))
