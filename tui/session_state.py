"""Where each annotator left the reader, so ``claimdesk`` reopens it there.

One JSON file in the user state folder, ``{database path: {annotator: state}}``:
the open documents, the active pane, each pane's cursor and scroll row, and whether
the match panel was open. Written when the app quits or the reader closes; read when
``claimdesk`` starts without document names. A missing or unreadable file means
"nothing to restore", never an error: this is a convenience, not data.

| who                   | calls                                   |
|-----------------------|-----------------------------------------|
| ``tui.app`` (quit)     | :func:`save_state` with the reader's    |
| ``tui.app`` (start)    | :func:`load_state`                      |
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

STATE_FILE = "sessions.json"


@dataclass
class PanePlace:
    doc_id: int
    cursor: int = 0
    scroll: int = 0


@dataclass
class ReaderState:
    """The reader as an annotator left it; no panes means the library was showing."""

    panes: list[PanePlace] = field(default_factory=list)
    active: int = 0
    panel: bool = False

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
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def load_state(db_path: Path, annotator: str) -> ReaderState | None:
    """The saved state of ``annotator`` on ``db_path``, or None (also for a damaged file)."""
    raw = _read_all().get(_key(db_path), {}).get(annotator)
    if not isinstance(raw, dict):
        return None
    try:
        panes = [
            PanePlace(int(p["doc_id"]), int(p["cursor"]), int(p["scroll"])) for p in raw["panes"]
        ]
        return ReaderState(panes, int(raw.get("active", 0)), bool(raw.get("panel", False)))
    except (KeyError, TypeError, ValueError):
        return None


def save_state(db_path: Path, annotator: str, state: ReaderState) -> None:
    """Store ``state`` (atomically: a crash leaves the old file whole); errors are ignored."""
    everything = _read_all()
    everything.setdefault(_key(db_path), {})[annotator] = asdict(state)
    path = state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".sessions-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(everything, out, indent=1)
        os.replace(temporary, path)
    except OSError:
        return
