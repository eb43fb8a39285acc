"""Snapshots of the linking screens at 80×24 (clusters at 160×48 too): review queue,
clusters, match panel, merge check.

Deterministic like ``test_snapshots.py``: fixed annotator, frozen store clock, no
cursor blink, default theme and keymap; suggestions computed in the setup.
Update after an intended change with
``python -m pytest tests/tui/test_linking_snapshots.py --snapshot-update`` and look
at the SVGs in ``tests/tui/__snapshots__/test_linking_snapshots/`` before committing.
"""

from __future__ import annotations

from pathlib import Path

from tests.tui.test_linking_panel import link_sample, make_app, two_facts
from tests.tui.test_linking_screens import one_fact
from tests.tui.test_snapshots import SnapCompare, frozen_clock, settle

__all__ = ["frozen_clock"]

SIZE = (80, 24)


def test_review_queue(snap_compare: SnapCompare, sample_db_path: Path, frozen_clock: str) -> None:
    linked = link_sample(sample_db_path)
    app = make_app(sample_db_path, [linked.a, linked.b])
    assert snap_compare(app, terminal_size=SIZE, run_before=settle("r"))


def test_review_queue_after_accept_and_skip(
    snap_compare: SnapCompare, sample_db_path: Path, frozen_clock: str
) -> None:
    linked = link_sample(sample_db_path)
    app = make_app(sample_db_path, [linked.a, linked.b])
    assert snap_compare(app, terminal_size=SIZE, run_before=settle("r", "y", "k"))


def test_clusters(snap_compare: SnapCompare, sample_db_path: Path, frozen_clock: str) -> None:
    claims = one_fact(sample_db_path)
    app = make_app(sample_db_path, [claims["alpha.txt"][0], claims["beta.txt"][0]])
    assert snap_compare(app, terminal_size=SIZE, run_before=settle("c"))


def test_clusters_side_by_side_160x48(
    snap_compare: SnapCompare, sample_db_path: Path, frozen_clock: str
) -> None:
    claims = one_fact(sample_db_path)
    app = make_app(sample_db_path, [claims["alpha.txt"][0], claims["beta.txt"][0]])
    assert snap_compare(app, terminal_size=(160, 48), run_before=settle("c"))


def test_match_panel(snap_compare: SnapCompare, sample_db_path: Path, frozen_clock: str) -> None:
    linked = link_sample(sample_db_path)
    app = make_app(sample_db_path, [linked.a, linked.b])
    # The cursor goes to the claim's sentence: "." moves sentence by sentence.
    keys = ["full_stop"] * 3 + ["m"]
    assert snap_compare(app, terminal_size=SIZE, run_before=settle(*keys))


def test_merge_check(snap_compare: SnapCompare, sample_db_path: Path, frozen_clock: str) -> None:
    claims = two_facts(sample_db_path)
    app = make_app(sample_db_path, [claims["alpha.txt"][0], claims["beta.txt"][0]])
    assert snap_compare(app, terminal_size=SIZE, run_before=settle("m", "y"))
