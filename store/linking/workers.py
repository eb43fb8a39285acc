"""Worker processes for linking that never outlive the process that started them.

A ``ProcessPoolExecutor`` worker waits on its task pipe. When the parent is killed
with ``kill -9`` nobody closes that pipe (forked siblings hold its write end too),
so the workers would wait forever, each holding the parent's memory and its open
database file. Two guards end a worker when its parent goes, whatever killed it:

| guard                         | where      | how fast                          |
|-------------------------------|------------|-----------------------------------|
| ``prctl(PR_SET_PDEATHSIG)``   | Linux      | at once: the kernel sends SIGKILL  |
| watchdog thread on getppid()  | everywhere | within :data:`WATCH_INTERVAL_S`    |

The parent's process id is passed in, so a parent that died between ``fork`` and
the initializer is noticed too (the worker has already been re-parented then).

Workers also run at a lower CPU priority: normalising is a batch job, and on a
shared server the annotators' processes should get the CPU first (measured: with
the workers at normal priority on two cores, annotators' single writes waited up
to 0.9 s while link was normalising and held no lock at all).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

# <linux/prctl.h>
_PR_SET_PDEATHSIG = 1
WATCH_INTERVAL_S = 0.2
WORKER_NICENESS = 10


def parent_death_pool(max_workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers end as soon as this process ends."""
    return ProcessPoolExecutor(
        max_workers=max_workers, initializer=_start_worker, initargs=(os.getpid(),)
    )


def _start_worker(parent_pid: int) -> None:
    # A forked worker inherits the command's SIGTERM handler (end like ctrl+c, saying what
    # was stored); a worker has nothing to say, and the pool ends a broken worker with
    # SIGTERM, which must end it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent_pid)
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)


def die_with_parent(parent_pid: int) -> None:
    """Worker initializer: arrange to end when ``parent_pid`` is no longer our parent."""
    _ask_kernel_for_death_signal()
    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(
        target=_watch_parent, args=(parent_pid,), name="claimdesk-parent-watch", daemon=True
    ).start()


def _ask_kernel_for_death_signal() -> bool:
    """Linux only: have the kernel SIGKILL this process when its parent exits."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    """Exit the worker once it has been re-parented (its parent died)."""
    while os.getppid() == parent_pid:
        time.sleep(WATCH_INTERVAL_S)
    os._exit(1)
