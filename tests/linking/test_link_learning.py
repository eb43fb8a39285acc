"""Learning the fused score's mix from decisions."""

from __future__ import annotations

import numpy as np
import pytest
import sqlite_utils

from store.changelog import user_action
from store.linking.decisions import accept_link, reject_link
from store.linking.learning import (
    DEFAULT_REASON_WEIGHT,
    MIN_DECISIONS,
    PRIOR_STRENGTH,
    STRENGTHS,
    HeldOut,
    choose_ranking_strength,
    choose_strength,
    comparisons,
    decision_groups,
    decision_weights,
    fit_mix,
    fit_ranking_mix,
    held_out_check,
    reason_weight,
    why_not_learning,
)
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
    rows = db.conn.execute("SELECT id FROM suggested_links ORDER BY score DESC, id").fetchall()
    with user_action(db, "ann") as action:
        for (link_id,) in rows[:accepted]:
            accept_link(action, link_id)
        for (link_id,) in rows[len(rows) - rejected :]:
            reject_link(action, link_id)


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
    # The best-scored suggestions accepted and the worst rejected: the untrained mix
    # already orders every held-out pair right, so no fit can do better and it stays.
    check = report.learned.held_out
    assert check is not None
    assert check.untrained == check.pairs > 0
    assert report.learned.kept
    assert report.learned.after == report.learned.before
    told = report.learned.describe()
    assert told.startswith(f"learned from {len(decided)} decision(s)")
    assert "kept the untrained mix" in told
    assert f"orders {check.fitted:g} of {check.pairs} pair(s) right" in told
    # Learning never touches a decision.
    assert (
        decided
        == db.conn.execute(
            "SELECT id, status, score FROM links WHERE status != 'suggested' ORDER BY id"
        ).fetchall()
    )
    assert link_documents(db, settings=LinkSettings(workers=1, learn=False)).learned is None


def test_link_says_why_it_did_not_learn(db: sqlite_utils.Database) -> None:
    add_flood_corpus(db)
    link_documents(db, settings=LinkSettings(workers=1))
    _decide(db, MIN_DECISIONS + 2, 0)
    report = link_documents(db, settings=LinkSettings(workers=1))
    # Enough decisions, but nothing to tell an accepted pair from a rejected one.
    assert report.learned is None
    assert report.decided == report.aligned == MIN_DECISIONS + 2
    told = why_not_learning(report.decided, report.aligned)
    assert f"all {MIN_DECISIONS + 2} decided links" in told
    assert "rejected ones too" in told
    assert "accepted ones too" in why_not_learning(MIN_DECISIONS, 0)
    assert f"3 decided link(s) between sentences; it takes {MIN_DECISIONS}" in why_not_learning(
        3, 1
    )


def test_reason_weights_read_the_review_keys_and_free_text() -> None:
    assert reason_weight("near-miss") == reason_weight("Near miss") == 0.5
    assert reason_weight("different_figure") == 0.5
    assert reason_weight("different-event") == 1.0
    assert reason_weight(None) == reason_weight("") == DEFAULT_REASON_WEIGHT
    assert reason_weight("the annotator's own words") == DEFAULT_REASON_WEIGHT


def test_decision_weights_balance_the_classes_and_halve_near_misses() -> None:
    accepted = np.asarray([True, False, False, False, False])
    reasons = [None, "near-miss", "different-event", None, "different-figure"]
    weights = decision_weights(accepted, reasons)
    assert weights[accepted].sum() == pytest.approx(weights[~accepted].sum())
    assert weights.sum() == pytest.approx(len(accepted))
    assert weights[1] == pytest.approx(weights[2] / 2)
    assert weights[4] == pytest.approx(weights[3] / 2)


def test_near_miss_rejections_teach_less_distrust_of_word_overlap() -> None:
    rng = np.random.default_rng(5)
    count = 300
    kind = rng.integers(0, 3, count)  # 0 accepted, 1 near miss, 2 different event
    accepted = kind == 0
    parts = rng.random((count, 6)) * 0.2
    # Accepted pairs and near misses share words alike; the figures, noisily, tell them apart.
    parts[:, 0] = np.where(kind < 2, 0.7, 0.1) + rng.normal(0, 0.1, count)
    parts[:, 3] = np.where(accepted, 0.3, 0.0) + rng.normal(0, 0.3, count)
    reasons = [None if k == 0 else ("near-miss" if k == 1 else "different-event") for k in kind]
    plain = fit_mix(parts, np.ones(count), accepted, weights=decision_weights(accepted))
    weighed = fit_mix(parts, np.ones(count), accepted, weights=decision_weights(accepted, reasons))
    assert weighed[0] > plain[0]


def test_prior_strength_chosen_by_held_out_groups() -> None:
    rng = np.random.default_rng(7)
    count = 240
    groups = [i // 6 for i in range(count)]
    accepted = np.asarray([i % 6 == 0 for i in range(count)])
    signal = rng.random((count, 6)) * 0.3
    signal[:, 1] = np.where(accepted, 0.9, 0.1) + rng.normal(0, 0.05, count)
    assert choose_strength(signal, np.ones(count), accepted, groups) <= 1.0
    noise = rng.random((count, 6))
    assert choose_strength(noise, np.ones(count), accepted, groups) >= 10.0
    # One group holding every accepted decision: nothing to hold out.
    assert choose_strength(noise, np.ones(count), accepted, [0] * count) == PRIOR_STRENGTH


def test_decision_groups_follow_accepted_links() -> None:
    pairs = np.asarray([[0, 1], [1, 2], [0, 5], [3, 4], [3, 0]], dtype=np.int64)
    accepted = np.asarray([True, True, False, True, False])
    groups = decision_groups(pairs, accepted)
    assert groups[0] == groups[1] == groups[2]  # 0-1-2 joined; the rejection follows 0
    assert groups[3] == groups[4] != groups[0]  # 3-4 joined; rejecting 3-0 keeps them apart


def test_link_reads_the_rejection_reasons(db: sqlite_utils.Database) -> None:
    add_flood_corpus(db)
    link_documents(db, settings=LinkSettings(workers=1))
    _decide(db, 6, MIN_DECISIONS - 6)
    rejected = [
        row[0]
        for row in db.conn.execute("SELECT id FROM links WHERE status = 'rejected' ORDER BY id")
    ]
    for link_id in rejected[:5]:
        db.execute("UPDATE links SET reason = 'near-miss' WHERE id = ?", [link_id])
    db.conn.commit()
    report = link_documents(db, settings=LinkSettings(workers=1))
    assert report.learned is not None
    assert report.learned.with_reason == 5
    assert report.learned.strength in STRENGTHS
    assert "5 rejection(s) with a reason" in report.learned.describe()


def test_comparisons_pair_an_accepted_partner_with_rejected_rivals_of_its_document() -> None:
    # Sentences 0-1 in document 0, 2-4 in document 1, 5 in document 2.
    document = np.asarray([0, 0, 1, 1, 1, 2], dtype=np.int64)
    pairs = np.asarray([[0, 2], [0, 3], [4, 0], [0, 5], [1, 3]], dtype=np.int64)
    accepted = np.asarray([True, False, False, False, False])
    winners, losers = comparisons(pairs, accepted, document)
    # 0-2 beats 0-3 and 4-0 (rivals of 2 for sentence 0); not 0-5 (another document)
    # nor 1-3 (another sentence).
    assert sorted(zip(winners.tolist(), losers.tolist(), strict=True)) == [(0, 1), (0, 2)]


def test_ranking_fit_moves_weight_to_the_component_that_orders_partners() -> None:
    rng = np.random.default_rng(5)
    count = 300
    parts = rng.random((count, 7)) * 0.5
    winners = np.arange(0, count, 2, dtype=np.int64)
    losers = winners + 1
    # Only the fuzzy column puts each accepted partner above its rival.
    parts[winners, 2] += 0.4
    mix = fit_ranking_mix(parts, np.ones(count), winners, losers)
    assert mix[2] > DEFAULT_WEIGHTS.mix[2] + 0.1
    assert abs(sum(mix) - sum(DEFAULT_WEIGHTS.mix)) < 1e-9
    groups = list(range(count))
    strength = choose_ranking_strength(parts, np.ones(count), winners, losers, groups)
    assert strength in STRENGTHS
    # A strong pull keeps the untrained mix.
    unmoved = fit_ranking_mix(parts, np.ones(count), winners, losers, strength=1e7)
    assert np.allclose(unmoved, DEFAULT_WEIGHTS.mix, atol=0.02)


def _ranking_decisions(seed: int, separating: int | None) -> tuple[np.ndarray, ...]:
    """150 facts, each an accepted partner beside a rejected rival of its sentence.

    With ``separating`` only that column puts the partner above its rival, and the
    words column puts the rival above; otherwise every column does favour the partner.
    """
    rng = np.random.default_rng(seed)
    count = 300
    parts = rng.random((count, 7)) * 0.5
    winners = np.arange(0, count, 2, dtype=np.int64)
    losers = winners + 1
    if separating is None:
        parts[winners, :4] += 0.5
    else:
        parts[winners, separating] += 0.4
        parts[losers, 0] += 0.3
    accepted = np.zeros(count, dtype=bool)
    accepted[winners] = True
    groups = [i // 2 for i in range(count)]
    return parts, accepted, winners, losers, np.asarray(groups)


def _ranking_check(separating: int | None) -> HeldOut | None:
    parts, accepted, winners, losers, groups = _ranking_decisions(7, separating)
    return held_out_check(
        parts,
        np.ones(len(parts)),
        accepted,
        groups.tolist(),
        PRIOR_STRENGTH,
        winners=winners,
        losers=losers,
    )


def test_held_out_check_lets_a_fit_through_only_when_unseen_decisions_gain() -> None:
    check = _ranking_check(separating=2)
    assert check is not None
    assert check.pairs == 150
    assert check.better
    assert check.fitted > check.untrained
    # Decisions the untrained mix already orders right leave the fit nothing to gain.
    check = _ranking_check(separating=None)
    assert check is not None
    assert check.untrained == check.pairs
    assert not check.better
    # Without comparisons, accepted against rejected decisions of each held-out fold.
    parts, accepted, _w, _l, groups = _ranking_decisions(7, separating=1)
    check = held_out_check(parts, np.ones(len(parts)), accepted, groups.tolist(), 1.0)
    assert check is not None
    assert check.better
    assert check.pairs > 0
    # The gain must be clear of chance (a one-sided sign test on the pairs that differ).
    assert not HeldOut(10.0, 8.0, 20, gained=3, lost=1).better
    assert HeldOut(40.0, 15.0, 60, gained=30, lost=5).better
    assert not HeldOut(40.0, 40.0, 60, gained=0, lost=0).better
    # One group holds nothing out.
    assert held_out_check(parts, np.ones(len(parts)), accepted, [0] * len(parts), 1.0) is None
