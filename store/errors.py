"""Exceptions that carry a one-line message fit for a user's terminal."""

from __future__ import annotations

import errno
from pathlib import Path

from store.visible import visible

# The OS's reasons in the words of claimdesk's other messages; the rest keep its own text.
_OS_REASONS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "no such file",
    errno.EISDIR: "is a directory",
    errno.ENOTDIR: "a folder in the path is a file",
    errno.ELOOP: "too many symbolic links",
    errno.ENAMETOOLONG: "file name too long",
    errno.EIO: "input/output error",
}


def os_reason(error: OSError) -> str:
    """The reason of ``error`` without its file name, for a message that names the file."""
    if error.errno in _OS_REASONS:
        return _OS_REASONS[error.errno]
    if error.strerror:
        return error.strerror.lower()
    return str(error) or type(error).__name__


# How much of a value a message quotes: a 100,000-character label name made its refusal
# a 100 KB "one line".
QUOTED_CHARS = 40


def clipped(text: str) -> str:
    """``text`` cut to :data:`QUOTED_CHARS`, its end shown as "…" when cut."""
    return text if len(text) <= QUOTED_CHARS else text[: QUOTED_CHARS - 1] + "…"


def quoted(value: str) -> str:
    """``value`` as a message quotes it: its repr, cut to :data:`QUOTED_CHARS` with its
    closing quote kept, so a cut value still reads as one quoted value."""
    shown = repr(value)
    if len(shown) <= QUOTED_CHARS:
        return shown
    return shown[: QUOTED_CHARS - 2] + "…" + shown[-1]


def stopped_part_way(error: Exception, done: str) -> str:
    """The message of a write failure in a job whose earlier batches are committed: the
    error's reason without "nothing was changed", false by then, and ``done``, what is in."""
    return f"{str(error).replace('; nothing was changed', '')}; {done}"


def partly_imported(stored: str, again: str) -> str:
    """The tail of an interrupted import's message: what is stored and how to complete it.

    ``stored`` says what (``"3 document(s)"``), ``again`` what to run again
    (``"importing again"``). Every import's interruption, by ctrl+c or a failed
    write, ends with the same words.
    """
    return f"{stored} were imported before it; {again} adds the rest"


class ClaimdeskError(Exception):
    """Base class: ``str(error)`` is a complete one-line message."""


class ImportRefused(ClaimdeskError):
    """A file (or one record in it) could not be imported; the rest of a batch goes on."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnusablePath(ClaimdeskError):
    """A path the OS will not even look at: a name too long, a loop of links, a parent
    that is a file, a folder without permission. Refused before anything is written."""

    def __init__(self, path: Path | str, error: OSError, what: str) -> None:
        self.path = str(path)
        # The path comes from the command line or the file system: shown, never sent.
        super().__init__(f"{visible(self.path)}: cannot be used for {what} ({os_reason(error)})")


class QuoteMismatch(ClaimdeskError):
    """A span or link whose quote is not the document text at its offsets."""


class NoteTooLong(ClaimdeskError):
    """A note longer than :data:`store.model.MAX_NOTE_CHARS`; nothing was written."""


class NotFound(ClaimdeskError):
    """A document, span or label that the caller named does not exist."""


class StoreBusy(ClaimdeskError):
    """The database stayed locked by another writer past the retry budget."""


class StoreUnwritable(ClaimdeskError):
    """The database cannot be written: read-only file, full disk, or similar."""


class StoreReplaced(StoreUnwritable):
    """The database file was deleted or replaced while a connection had it open: writes
    would go to the old, unlinked file."""
