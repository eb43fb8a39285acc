"""The one way the TUI opens the store: with damaged text shown, not fatal."""

from __future__ import annotations

from pathlib import Path

from store.db import decode_leniently
from store.session import Session


def reader_session(db_path: Path, annotator: str) -> Session:
    """A session whose text cells that are not UTF-8 read with U+FFFD for the bad bytes.

    Every session of the TUI, the app's own and each worker's (library rows, search,
    match panel), opens through here: one strict worker was enough to stop the reader
    on a damaged title.
    """
    session = Session(db_path, annotator)
    decode_leniently(session)
    return session
