"""Learning the fused score's mix from decisions."""

from __future__ import annotations

import numpy as np
import sqlite_utils

from store.linking.learning import MIN_DECISIONS, fit_mix
from store.linking.score import DEFAULT_WEIGHTS
from store.linking.suggest import LinkSettings, link_documents
from tests.linking.corpus import add_flood_corpus


def test_fit_moves_weight_to_the_component_that_separates_decisions() -> None:
    rng = np.random.default_rng(3)
    count = 200
    accepted = rng.random(count) < 0.3
    parts = rng.random((count, 6)) * 0.5
    # Only the character n-gram column tells accepted from rejected.
    parts[:, 1] = np.where(accepted, 0.8, 0.2) + rng.normal(0, 0.05, count)
    mix = fit_mix(parts, np.ones(count), accepted)
    assert mix[1] > DEFAULT_WEIGHTS.mix[1] + 0.1
    assert abs(sum(mix) - sum(DEFAULT_WEIGHTS.mix)) < 1e-9
    # With the prior alone (no signal in any column) the mix barely moves.
    flat = rng.random((count, 6))
    unmoved = fit_mix(flat, np.ones(count), accepted, strength=1e6)
    assert np.allclose(unmoved, DEFAULT_WEIGHTS.mix, atol=0.02)


def _decide(db: sqlite_utils.Database, accepted: int, rejected: int) -> None:
    rows = db.conn.execute(
        "SELECT id FROM links WHERE status = 'suggested' ORDER BY score DESC"
    ).fetchall()
    for (link_id,) in rows[:accepted]:
        db.execute("UPDATE links SET status = 'accepted' WHERE id = ?", [link_id])
    for (link_id,) in rows[len(rows) - rejected :]:
        db.execute("UPDATE links SET status = 'rejected' WHERE id = ?", [link_id])
    db.conn.commit()


def test_link_learns_from_enough_decisions_and_keeps_them(db: sqlite_utils.Database) -> None:
    add_flood_corpus(db)
    first = link_documents(db, settings=LinkSettings(workers=1))
    assert first.learned is None
    _decide(db, 3, MIN_DECISIONS - 4)
    assert link_documents(db, settings=LinkSettings(workers=1)).learned is None
    _decide(db, 4, MIN_DECISIONS)
    decided = db.conn.execute(
        "SELECT id, status, score FROM links WHERE status != 'suggested' ORDER BY id"
    ).fetchall()
    report = link_documents(db, settings=LinkSettings(workers=1))
    assert report.learned is not None
    assert report.learned.decisions == len(decided)
    assert report.learned.after != report.learned.before
    assert "learned from" in report.learned.describe()
    # Learning never touches a decision.
    assert (
        decided
        == db.conn.execute(
            "SELECT id, status, score FROM links WHERE status != 'suggested' ORDER BY id"
        ).fetchall()
    )
    assert link_documents(db, settings=LinkSettings(workers=1, learn=False)).learned is None
