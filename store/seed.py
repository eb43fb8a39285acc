"""First-run seeding of the default database from the bundled sample corpus."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from store.db import connect
from store.file_lock import exclusive_lock
from store.importer import ImportReport, import_paths
from store.linking.suggest import link_documents
from store.paths import sample_corpus_path
from store.stories.storage import refresh_stories


def ensure_seeded(path: Path) -> ImportReport | None:
    """Create ``path`` filled with the sample corpus unless it exists already.

    The corpus is imported and linked (as ``claimdesk link`` would) into a side
    file that is renamed into place, so an interrupted first run never leaves a
    half-seeded database behind, and a newcomer's review queue, match panel and
    clusters have something to show from the first screen.
    """
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(path.with_name(f".{path.name}.seeding.lock")):
        # Two first runs at once (the reader, and stats in another terminal): the second
        # deleted the first's side file and seeded its own, and the first met it as "the
        # database file was replaced". The second now waits, and finds the database.
        if path.exists():
            return None
        return _seed(path)


def _seed(path: Path) -> ImportReport:
    staging = path.with_name(path.name + ".seeding")
    for leftover in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    db = connect(staging)
    try:
        report = import_paths(db, [sample_corpus_path()])
        link_documents(db)
        refresh_stories(db)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    os.replace(staging, path)
    return report
