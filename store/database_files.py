"""The files that make up a database on disk, and whether an open stream is one of them.

Kept apart from :mod:`store.export.output` (whose package imports sqlite-utils): the
command line checks its own stdout and stderr against the database before every
command, the reader's start included.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

DATABASE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def database_part(suffix: str) -> str:
    """How a message names the file with ``suffix``: the database or one of its companions."""
    return "the database" if not suffix else f"the database's {suffix} file"


def stream_in_database(descriptor: int, protected: Sequence[Path]) -> tuple[Path, str] | None:
    """The database, and the suffix of its file, that ``descriptor`` writes into, if any.

    ``claimdesk stats 1<> live.db`` or ``>> live.db`` opens the database without
    truncating it, and the report overwrote its header with exit status 0.
    """
    try:
        out = os.fstat(descriptor)
    except (OSError, ValueError):
        return None
    for database in protected:
        # SQLite names the companions after the file a symlink leads to: through --db
        # alias.db, `stats 1<> live.db-wal` overwrote the live log.
        places = {database, resolved_path(database)}
        for suffix in DATABASE_COMPANIONS:
            for place in places:
                try:
                    other = os.stat(place.with_name(place.name + suffix))
                except (OSError, ValueError):
                    continue
                if (out.st_dev, out.st_ino) == (other.st_dev, other.st_ino):
                    return database, suffix
    return None


def resolved_path(path: Path) -> Path:
    """``path`` with its symlinks followed, or as given when that fails (a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path
