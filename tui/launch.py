"""Start the TUI from the console command: resolve the keymap, run the app, exit code."""

from __future__ import annotations

import signal
from pathlib import Path

from tui import terminal_input
from tui.app import create_app
from tui.keymap import load_keymap


def resolve_keymap(name_or_path: str | None) -> dict[str, str]:
    """The id -> keys mapping for ``--keymap`` (or the config file's choice)."""
    return load_keymap(name_or_path)


def run_tui(db_path: Path, annotator: str, *, doc_ids: list[int], keymap: str | None) -> int:
    """Run the reader (on ``doc_ids``) or the library until the user quits."""
    mapping = resolve_keymap(keymap)
    app = create_app(db_path, annotator, doc_ids=doc_ids or None, keymap=mapping)
    terminal_input.install()
    app.end_on_signals(signal.SIGTERM, signal.SIGHUP)
    app.run()
    return app.return_code or 0
