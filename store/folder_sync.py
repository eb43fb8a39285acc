"""Making a rename durable: the folder that holds the renamed file is synced too."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def sync_folder(folder: Path) -> None:
    """Sync ``folder``'s entries, so a rename into it survives a power cut; best effort,
    since not every file system allows a folder to be opened or synced."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
