"""Exceptions that carry a one-line message fit for a user's terminal."""

from __future__ import annotations

from pathlib import Path


class ClaimdeskError(Exception):
    """Base class: ``str(error)`` is a complete one-line message."""


class ImportRefused(ClaimdeskError):
    """A file (or one record in it) could not be imported; the rest of a batch goes on."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class QuoteMismatch(ClaimdeskError):
    """A span or link whose quote is not the document text at its offsets."""


class NotFound(ClaimdeskError):
    """A document, span or label that the caller named does not exist."""


class StoreBusy(ClaimdeskError):
    """The database stayed locked by another writer past the retry budget."""


class StoreUnwritable(ClaimdeskError):
    """The database cannot be written: read-only file, full disk, or similar."""
