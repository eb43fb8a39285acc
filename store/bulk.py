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

import time
from collections.abc import Callable, Sequence

import sqlite_utils

from store.db import write

# An annotator's write waits for at most one of these (plus its own commit).
TARGET_TRANSACTION_S = 0.1
MIN_BATCH_ROWS = 50
MAX_BATCH_ROWS = 20_000
FIRST_BATCH_ROWS = 1_000
# A pause after each batch: annotators waiting for the lock poll every 0.5-15 ms, and a
# job that takes the lock again at once won it batch after batch (measured: single
# writes waited 1.3-1.7 s behind a run of 0.1-0.4 s batches).
YIELD_S = 0.02

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
        self.db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def write_in_batches(
    db: sqlite_utils.Database,
    sql: str,
    rows: Sequence[Row],
    *,
    done: Callable[[int], None] | None = None,
    target_seconds: float = TARGET_TRANSACTION_S,
) -> None:
    """``executemany(sql, rows)`` in committed transactions of about ``target_seconds`` each.

    The batch size follows the measured time of the previous batch, so a loaded
    machine or a slow disk gets smaller transactions rather than longer waits.
    ``done(rows)`` is called after each commit with the number of rows it wrote.
    """
    checkpoint = Checkpointer(db)
    size = FIRST_BATCH_ROWS
    begin = 0
    while begin < len(rows):
        batch = rows[begin : begin + size]
        with write(db):
            # Timed from inside the transaction: the lock is held from here to the commit.
            started = time.perf_counter()
            db.conn.executemany(sql, batch)
        held = time.perf_counter() - started
        begin += len(batch)
        checkpoint()
        if done is not None:
            done(len(batch))
        if begin < len(rows):
            time.sleep(YIELD_S)
        size = next_batch_size(size, held, target_seconds)


def next_batch_size(size: int, held: float, target_seconds: float) -> int:
    """The row count that should hold the lock about ``target_seconds``, changing by ≤ 2×."""
    if held <= 0:
        return min(MAX_BATCH_ROWS, size * 2)
    scaled = size * target_seconds / held
    return int(max(MIN_BATCH_ROWS, min(MAX_BATCH_ROWS, size * 2, max(size / 2, scaled))))
