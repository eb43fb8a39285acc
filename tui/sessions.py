"""The one way the TUI opens the store: with damaged text shown, not fatal."""

from __future__ import annotations

from pathlib import Path

from textual.widget import Widget
from textual.worker import Worker, WorkerState

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


def report_failed_worker(node: Widget, event: Worker.StateChanged) -> None:
    """One notification for a store worker that failed (a damaged page, a lost file):
    the screen that started it stays usable, and the message is shown as text."""
    if event.state == WorkerState.ERROR and event.worker.error is not None:
        node.notify(str(event.worker.error), severity="error", markup=False)
