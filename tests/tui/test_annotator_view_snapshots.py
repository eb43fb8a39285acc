"""Snapshot of the reader in mine-vs-theirs mode at 80×24, cursor on a label difference.

Deterministic like ``test_snapshots.py``: fixed annotators, a frozen store clock, the
default theme and keymap, no blinking cursor. Update with
``python -m pytest tests/tui/test_annotator_view_snapshots.py --snapshot-update`` and
look at the SVG before committing it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.tui.annotator_corpus import annotate_two
from tests.tui.test_snapshots import frozen_clock, settle
from tui.app import create_app
from tui.keymap import load_keymap

SnapCompare = Callable[..., bool]
__all__ = ["frozen_clock"]  # a fixture: imported so pytest finds it here


def test_mine_vs_theirs(snap_compare: SnapCompare, sample_db_path: Path, frozen_clock: str) -> None:
    two = annotate_two(sample_db_path)
    keymap = load_keymap("default")
    filter_key = keymap["reader.annotator_filter"].split(",")[0]
    next_key = keymap["reader.next_difference"].split(",")[0]
    app = create_app(sample_db_path, "tester", doc_ids=[two.doc_id], keymap=keymap)
    keys = [filter_key] * 3 + [next_key] * 3
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle(*keys))
