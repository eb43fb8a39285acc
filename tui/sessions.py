"""The one way the TUI opens the store: with damaged text shown, not fatal."""

from __future__ import annotations

from pathlib import Path

from store.db import decode_leniently, limit_write_lock_wait
from store.session import Session

LOCK_WAIT_S = 10.0
"""How long a change made in the reader waits for another process's write lock. Writes
run on the UI thread, so the screen is frozen while it waits: claimdesk's own jobs hold
the lock for well under a second at a time, and past this a lock is someone's ``sqlite3``
shell or a stuck process, better said at once than waited out for the default 30 s."""


def reader_session(db_path: Path, annotator: str) -> Session:
    """A session whose text cells that are not UTF-8 read with U+FFFD for the bad bytes,
    and whose changes wait :data:`LOCK_WAIT_S` at most for the write lock.

    Every session of the TUI, the app's own and each worker's (library rows, search,
    match panel), opens through here: one strict worker was enough to stop the reader
    on a damaged title.
    """
    session = Session(db_path, annotator)
    decode_leniently(session)
    limit_write_lock_wait(session, LOCK_WAIT_S)
    return session
