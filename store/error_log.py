"""The log of errors nobody anticipated: the user gets one line, the details go here.

Shared by the console command and the reader, so that a defect of ours reads the same
wherever it happens and its traceback is kept where a bug report can quote it.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TextIO

import platformdirs


def _version() -> str:
    try:
        return metadata.version("claimdesk")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return "(not installed)"


def log_path() -> Path:
    return platformdirs.user_log_path("claimdesk", appauthor=False) / "errors.log"


def append_to_log(write: Callable[[TextIO], None]) -> Path | None:
    """Append a report written by ``write`` under a header naming the command; the log's
    path, or None when it cannot be written (then the user's one line must do)."""
    log = log_path()
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        # argv may hold bytes that are not UTF-8 (a file name); they must not make the
        # report of one error fail with another.
        with log.open("a", encoding="utf-8", errors="backslashreplace") as stream:
            stream.write(f"--- claimdesk {_version()}: {' '.join(sys.argv)}\n")
            write(stream)
    except OSError:
        return None
    return log


def unexpected_error(error: BaseException) -> str:
    """One line for an error nobody anticipated; the traceback goes to the log."""
    detail = " ".join(str(error).split())  # one line, whatever the exception's text holds
    summary = f"unexpected error: {type(error).__name__}: {detail}"
    log = append_to_log(lambda stream: traceback.print_exception(error, file=stream))
    if log is None:
        return summary
    return f"{summary} (the details are in {log}; please report them)"
