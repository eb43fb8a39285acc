"""stdout for a command's report: a write it refuses is remembered, not raised.

A command's work is stored before its summary is printed. When stdout cannot take the
summary (redirected to a full disk, or opened read-only as with ``1<file``), raising
from that print said "cannot write (the disk is full)" or "unexpected error: OSError"
and exit 1, so a user could not tell that the import or backup had happened. The
stream keeps the first failure and drops the rest of the report; the command runs to
its end and then says that it did, and that its report was lost.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO


class ReportStream:
    """Wraps ``stream``; everything but ``write`` and ``flush`` goes to it unchanged
    (exports write their data through ``buffer`` and handle their own failures)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.failure: OSError | None = None

    def write(self, text: str) -> int:
        if self.failure is None:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                raise  # a reader that stopped (`| head`) is no failure: see cli._run
            except OSError as error:
                self.failure = error
        return len(text)

    def flush(self) -> None:
        if self.failure is None:
            try:
                self._stream.flush()
            except BrokenPipeError:
                raise
            except OSError as error:
                self.failure = error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def reason(error: OSError) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    return error.strerror or type(error).__name__


@contextlib.contextmanager
def report_stream() -> Iterator[ReportStream]:
    """``sys.stdout`` as a :class:`ReportStream` while the block runs, flushed at its end."""
    original = sys.stdout
    stream = ReportStream(original)
    sys.stdout = stream
    try:
        yield stream
        stream.flush()
    finally:
        sys.stdout = original
        if stream.failure is not None:
            # What the failed writes left in the buffer would fail again in Python's own
            # flush at exit, with a message of its own.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), original.fileno())
