"""Where each annotator left the reader, so ``claimdesk`` reopens it there.

One JSON file in the user state folder, ``{database path: {annotator: state}}``:
the open documents, the active pane, each pane's cursor and scroll row, whether
the match panel was open and which linking screen (clusters, review) was on top.
A missing or unreadable file means "nothing to restore", never an error: this is
a convenience, not data.

The state is written as the annotator works, not only on quit, so a reader that is
killed (an SSH drop, ``kill -9``) reopens where it was: the app hands every changed
state to a :class:`StateWriter`, whose thread writes the newest one (a temporary file
renamed over the old one), so no key ever waits on the disk.

| who                                   | calls                                      |
|---------------------------------------|--------------------------------------------|
| ``tui.app`` (screen change, panel)    | :meth:`StateWriter.submit` at once          |
| ``tui.app`` (every second)            | :meth:`StateWriter.submit` (cursor, scroll) |
| ``tui.app`` (quit)                    | :meth:`StateWriter.submit`, ``close``       |
| ``tui.app`` (start)                   | :func:`load_state`                          |
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import platformdirs

from store.file_lock import exclusive_lock

STATE_FILE = "sessions.json"
LOCK_FILE = ".sessions.lock"
# The screens restored above the reader; anything else reopens the reader itself.
TopScreen = Literal["reader", "clusters", "review"]
TOP_SCREENS: tuple[TopScreen, ...] = ("reader", "clusters", "review")


@dataclass
class PanePlace:
    doc_id: int
    cursor: int = 0
    scroll: int = 0
    # The document's source name: a database replaced under the same path can hold
    # another document under the id, and a missing one is named by it, not its number.
    name: str = ""


@dataclass
class ReaderState:
    """The reader as an annotator left it; no panes means the library was showing."""

    panes: list[PanePlace] = field(default_factory=list)
    active: int = 0
    panel: bool = False
    screen: TopScreen = "reader"

    @property
    def doc_ids(self) -> list[int]:
        return [pane.doc_id for pane in self.panes]


def state_path() -> Path:
    return platformdirs.user_state_path("claimdesk", appauthor=False) / STATE_FILE


def _key(db_path: Path) -> str:
    return str(Path(db_path).expanduser().resolve())


def _read_all() -> dict[str, Any]:
    try:
        found = json.loads(state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        # RecursionError: nesting deeper than Python parses, which escaped and stopped
        # every start of the app (and every save) until the file was deleted by hand.
        return {}
    return found if isinstance(found, dict) else {}


def _name(value: object) -> str:
    """A saved document name; anything but a string (null in a hand-edited file) is none:
    read as "None", it skipped an existing document under that name."""
    return value if isinstance(value, str) else ""


def load_state(db_path: Path, annotator: str) -> ReaderState | None:
    """The saved state of ``annotator`` on ``db_path``, or None (also for a damaged file)."""
    raw = _read_all().get(_key(db_path), {})
    raw = raw.get(annotator) if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        return None
    try:
        panes = [
            PanePlace(int(p["doc_id"]), int(p["cursor"]), int(p["scroll"]), _name(p.get("name")))
            for p in raw["panes"]
        ]
        screen = raw.get("screen", "reader")
        return ReaderState(
            panes,
            int(raw.get("active", 0)),
            bool(raw.get("panel", False)),
            screen if screen in TOP_SCREENS else "reader",
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        # OverflowError: a cursor of Infinity or 1e400 (JSON that Python reads as an
        # infinite float), which int() refuses; it stopped the app at every start.
        return None


def save_state(db_path: Path, annotator: str, state: ReaderState) -> None:
    """Store ``state`` (atomically: a crash leaves the old file whole); errors are ignored."""
    path = state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Two claimdesk processes (two annotators of one Unix user) each rewrite the whole
        # file, and neither may drop the other's entry.
        with exclusive_lock(path.parent / LOCK_FILE):
            everything = _read_all()
            databases = everything.get(_key(db_path))
            if not isinstance(databases, dict):
                databases = everything[_key(db_path)] = {}
            databases[annotator] = asdict(state)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".sessions-")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(everything, out, indent=1)
                    out.flush()
                    # On disk before the rename, so a power cut leaves old or new, not empty.
                    os.fsync(out.fileno())
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
    except OSError:
        return


class StateWriter:
    """Writes states of one annotator on one database from its own thread.

    :meth:`submit` only hands the state over (an unchanged state is dropped), so the
    UI thread never waits on the disk; when states arrive faster than they are written,
    only the newest is written. :meth:`close` writes what is pending and stops.
    """

    def __init__(self, db_path: Path, annotator: str) -> None:
        self.db_path = db_path
        self.annotator = annotator
        self.written = 0
        self._condition = threading.Condition()
        self._pending: ReaderState | None = None
        self._last: ReaderState | None = None
        self._busy = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(self, state: ReaderState) -> bool:
        """Queue ``state`` for writing; False when it equals the last one submitted."""
        with self._condition:
            if self._closed or state == self._last:
                return False
            self._last = state
            self._pending = state
            if self._thread is None:
                # A daemon: a state not yet written when the process ends is only a
                # convenience lost, and must never hold the app open.
                self._thread = threading.Thread(
                    target=self._run, name="claimdesk-session-state", daemon=True
                )
                self._thread.start()
            self._condition.notify_all()
        return True

    def flush(self, timeout: float = 2.0) -> bool:
        """Wait until every submitted state is written; False on timeout."""
        with self._condition:
            return self._condition.wait_for(
                lambda: self._pending is None and not self._busy, timeout=timeout
            )

    def close(self, timeout: float = 2.0) -> None:
        """Write what is pending, then stop the thread."""
        self.flush(timeout)
        with self._condition:
            self._closed = True
            self._condition.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._pending is not None or self._closed)
                state = self._pending
                if state is None:
                    return
                self._pending = None
                self._busy = True
            # One failed write must not stop the later ones (nor leave flush waiting).
            with contextlib.suppress(Exception):
                save_state(self.db_path, self.annotator, state)
            with self._condition:
                self._busy = False
                self.written += 1
                self._condition.notify_all()
