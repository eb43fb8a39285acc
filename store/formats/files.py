"""Reading article files from disk, with OS errors turned into one-line refusals."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from store.errors import ImportRefused, os_reason
from store.formats.limits import MAX_FILE_BYTES


def cannot_read(path: Path, error: OSError) -> ImportRefused:
    """The refusal for an ``OSError`` met while opening or reading ``path``."""
    return ImportRefused(path, f"cannot read: {os_reason(error)}")


def open_binary(path: Path) -> BinaryIO:
    """Open the regular file ``path`` for reading bytes, refusing it if the OS will not."""
    try:
        mode = path.stat().st_mode
        # A FIFO or device named like an article would block or never end.
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise ImportRefused(path, "cannot read: not a regular file")
        return path.open("rb")
    except OSError as error:
        raise cannot_read(path, error) from None


def read_bytes(path: Path) -> bytes:
    """All bytes of ``path``; refused when unreadable or over :data:`MAX_FILE_BYTES`."""
    with open_binary(path) as stream:
        try:
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise ImportRefused(
                    path, f"file has {size} bytes, over the limit of {MAX_FILE_BYTES}"
                )
            # Unsized reads let Python allocate by the file's size, not by the limit.
            return stream.read()
        except OSError as error:
            raise cannot_read(path, error) from None
