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
        # The reader of a pipe stopped (`| head`): no failure, the rest goes nowhere.
        self.reader_gone = False

    def write(self, text: str) -> int:
        if self.failure is None and not self.reader_gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._reader_left()
                raise  # ends the command quietly (see cli._run), as before
            except OSError as error:
                self.failure = error
        return len(text)

    def flush(self) -> None:
        if self.failure is None and not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                # At the final flush the command's work is done: nothing to say.
                self._reader_left()
            except OSError as error:
                self.failure = error

    def _reader_left(self) -> None:
        self.reader_gone = True
        drop_the_rest(self._stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def drop_the_rest(stream: TextIO) -> None:
    """Point ``stream``'s descriptor at /dev/null: what its buffer still holds would fail
    again in Python's own flush at exit, with a traceback-like message of its own."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)


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
            drop_the_rest(original)
