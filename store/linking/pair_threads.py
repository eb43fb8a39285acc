"""Chunks of pair-level work on several threads of this process, where numpy releases the GIL.

| caller                                             | calls                      |
|----------------------------------------------------|----------------------------|
| :func:`store.linking.suggest.compute_suggestions`  | :func:`pair_threads`       |
| ``ranking.best_of_either``, ``ranking.ranks_within`` | :func:`in_order` (ranges) |
| ``candidates._summed_by_key``                      | :func:`in_order` (ranges)  |
| ``score.shared_sums``, ``score._shared_across``    | :func:`in_order` (chunks)  |
| ``score._shared_by_probe`` (document cosines)      | :func:`in_order` (groups)  |

After normalising, linking ran on one core of two: sorts, binary searches and
gathers over millions of pairs, already cut into chunks to bound their
temporaries. Each chunk's result depends on that chunk alone (a pair's sum never
spans two chunks, a group's ranking never spans two ranges), so running the same
chunks side by side gives the same floats as running them one after another.
Threads rather than processes: the corpus is shared without a copy, and the
memory stays in this process, where its peak is counted honestly.

The thread count is set for a block of code (``with pair_threads(n):``); outside
one, and with ``n == 1``, every chunk runs in the calling thread as before. Pool
threads do not inherit the setting, so work started inside a chunk runs in that
chunk's thread. On an exception in the caller (Ctrl-C), chunks not yet started
are cancelled and the running ones (each well under a second) are waited for.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Each running chunk holds its own temporaries (a few hundred MB for the largest):
# more threads than this would raise linking's memory peak for little time.
MAX_PAIR_THREADS = 4

_THREADS: ContextVar[int] = ContextVar("claimdesk_pair_threads", default=1)


def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc (musl has no malloc_trim)
    return trim


_TRIM = _malloc_trim()


@contextlib.contextmanager
def pair_threads(count: int) -> Iterator[None]:
    """Run the chunked pair stages called in this block on ``count`` threads (capped)."""
    token = _THREADS.set(max(1, min(count, MAX_PAIR_THREADS)))
    try:
        yield
    finally:
        _THREADS.reset(token)


def threads() -> int:
    """The thread count in effect for the calling code (1 outside :func:`pair_threads`)."""
    return _THREADS.get()


def in_order(work: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """``[work(item) for item in items]``, the items spread over the threads in effect.

    ``work`` must not depend on the order in which items run (each writes its own
    rows, or returns its result).
    """
    count = min(threads(), len(items))
    if count <= 1:
        return [work(item) for item in items]
    pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="claimdesk-pairs")
    try:
        futures = [pool.submit(work, item) for item in items]
        return [future.result() for future in futures]
    finally:
        # Normally all are done; after an error or Ctrl-C, start no further chunk.
        pool.shutdown(wait=True, cancel_futures=True)
        _return_freed_memory()


def _return_freed_memory() -> None:
    """Hand the memory the pool's threads freed back to the system (glibc only).

    Each thread allocates from its own malloc arena; what a chunk frees there
    stays in this process's RSS after its thread has ended (measured: +70 MB after
    the n-gram index's blocks at 2,000 articles), where it would add to the peak.
    """
    if _TRIM is not None:
        _TRIM(0)
