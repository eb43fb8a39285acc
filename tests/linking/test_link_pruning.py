"""Scoring only each sentence's best candidates by word overlap, and the merge lookup."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from store.linking import candidates, ranking, score
from store.linking.candidates import candidate_pairs
from store.linking.features import DocInput, build_corpus
from store.linking.score import evidence_scale, shared_by_merge, shared_weight, word_overlap
from store.linking.suggest import LinkReport, LinkSettings, compute_suggestions
from tests.linking.corpus import sentences_document

WORDS = ["".join(p) for p in itertools.product("bdfgklmnprst", "aeiou", "rstn")][:120]
FIGURES = ["11.000", "300", "1,5", "12. Juni"]


def _documents(seed: int, count: int) -> list[DocInput]:
    """Documents of a few shared words each: every sentence has many candidates."""
    rng = random.Random(seed)
    documents = []
    for doc_id in range(1, count + 1):
        sentences = []
        for _ in range(10):
            words = rng.choices(WORDS[:40], k=rng.randint(3, 8))
            if rng.random() < 0.3:
                words.append(rng.choice(FIGURES))
            sentences.append(" ".join(["Satz", *words]))
        documents.append(sentences_document(doc_id, f"outlet{doc_id % 3}", sentences))
    return documents


def _top_by_overlap(
    pairs: np.ndarray, strength: np.ndarray, limit: int
) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """Pairs surely, and possibly (ties), among the ``limit`` strongest of either sentence.

    Counted plainly, comparing in float32 as the ranking does.
    """
    values = strength.astype(np.float32).tolist()
    listed = [tuple(p) for p in pairs.tolist()]
    surely, possibly = set(), set()
    for index, key in enumerate(listed):
        for own in key:
            rivals = [v for k, v in zip(listed, values, strict=True) if own in k]
            stronger = sum(v > values[index] for v in rivals)
            tied = sum(v == values[index] for v in rivals) - 1
            if stronger + tied < limit:
                surely.add(key)
            if stronger < limit:
                possibly.add(key)
    return surely, possibly


def test_pruning_keeps_the_pairs_in_a_sentences_top_m_by_word_overlap() -> None:
    corpus = build_corpus(_documents(1, count=8))
    limit = 4
    pairs = candidate_pairs(corpus)
    cosine, shared = word_overlap(corpus, pairs)
    strength = cosine * (1.0 - np.exp(-shared / evidence_scale(corpus)))
    surely, possibly = _top_by_overlap(pairs, strength, limit)
    assert 0 < len(surely) <= len(possibly) < len(pairs), "there should be pairs to prune"

    report = LinkReport()
    pruned = compute_suggestions(
        corpus,
        LinkSettings(floor=0.0, scored_per_sentence=limit, document_partners=0),
        report=report,
    )
    exact = compute_suggestions(
        corpus, LinkSettings(floor=0.0, scored_per_sentence=None, document_partners=0)
    )
    assert len(surely) <= report.scored <= len(possibly)
    pruned_scores = {(i, j): s for i, j, s in pruned}
    exact_scores = {(i, j): s for i, j, s in exact}
    # Only pairs in some sentence's top M are scored, and so stored.
    assert set(pruned_scores) <= possibly
    # A pair in the top M that exact scoring stores is stored, with the same score:
    # pruning only removes rivals, so it ranks at least as high as before.
    kept = surely & set(exact_scores)
    assert kept
    for key in kept:
        assert pruned_scores[key] == exact_scores[key]
    assert set(exact_scores) - possibly, "the pruning should have dropped some stored pair"


@pytest.mark.parametrize("seed", [2, 3])
def test_pruning_changes_nothing_when_m_exceeds_every_sentences_candidates(seed: int) -> None:
    corpus = build_corpus(_documents(seed, count=6))
    pairs = candidate_pairs(corpus)
    most = int(np.bincount(pairs.ravel()).max())
    exact = compute_suggestions(corpus, LinkSettings(scored_per_sentence=None, document_partners=0))
    pruned = compute_suggestions(
        corpus, LinkSettings(scored_per_sentence=most, document_partners=0)
    )
    assert len(exact) > 20
    assert pruned == exact
    fewer = compute_suggestions(
        corpus, LinkSettings(scored_per_sentence=max(1, most // 4), document_partners=0)
    )
    assert fewer != exact


@pytest.mark.parametrize(("seed", "chunk"), [(4, 8_000_000), (5, 300)])
def test_merge_lookup_sums_exactly_what_the_index_search_sums(
    seed: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small chunk runs the merge over many chunks, as a large corpus does.
    monkeypatch.setattr(score, "_MERGE_CHUNK", chunk)
    corpus = build_corpus(_documents(seed, count=10))
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, len(corpus), size=(500, 2))
    firsts, seconds = pairs[:, 0], pairs[:, 1]
    for view in (corpus, corpus.grams):
        assert view is not None
        index = view.token_index()
        values = rng.random(len(view.weights))

        sets = [
            set(index.indices[index.indptr[k] : index.indptr[k + 1]].tolist())
            for k in range(len(corpus))
        ]
        plain = [sum(values[t] for t in sets[i] & sets[j]) for i, j in pairs.tolist()]
        merged = shared_by_merge(index, firsts, seconds, values)
        assert np.count_nonzero(merged) > 50
        assert merged == pytest.approx(plain, rel=1e-12)
        assert merged == pytest.approx(shared_weight(view, firsts, seconds, values), rel=1e-12)


def test_ranking_by_ranges_of_groups_is_the_same_ranking(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    groups = rng.integers(0, 300, size=5_000)
    # Few distinct strengths: ties inside a group must still get distinct ranks.
    strength = rng.integers(0, 50, size=5_000) / 50
    monkeypatch.setattr(ranking, "_RANK_CHUNK", 700)
    by_ranges = ranking.ranks_within(groups, strength)
    values = strength.astype(np.float32)
    for group in range(300):
        members = np.flatnonzero(groups == group)
        assert sorted(by_ranges[members].tolist()) == list(range(len(members)))
        for member in members.tolist():
            stronger = int(np.count_nonzero(values[members] > values[member]))
            tied = int(np.count_nonzero(values[members] == values[member]))
            assert stronger <= by_ranges[member] < stronger + tied


def test_best_of_either_by_ranges_keeps_the_pairs_of_the_whole_ranking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(11)
    pairs = np.sort(rng.integers(0, 400, size=(6_000, 2)), axis=1).astype(np.int64)
    # Few distinct strengths: which of a tied group is kept must not change either.
    strength = rng.integers(0, 40, size=6_000) / 40
    monkeypatch.setattr(ranking, "_RANK_CHUNK", 900)
    rank = ranking.ranks_within(
        np.concatenate([pairs[:, 0], pairs[:, 1]]), np.concatenate([strength, strength])
    )
    whole = (rank[:6_000] < 3) | (rank[6_000:] < 3)
    by_ranges = ranking.best_of_either(pairs, strength, 3)
    assert 500 < np.count_nonzero(by_ranges) < 6_000
    assert np.array_equal(by_ranges, whole)


def test_candidates_summed_by_key_ranges_equal_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = build_corpus(_documents(6, count=12))
    monkeypatch.setattr(candidates, "_UNIQUE_CHUNK", 10**9)
    whole = candidate_pairs(corpus, per_sentence=None)
    # The summed overlaps decide which candidates a sentence keeps.
    whole_best = candidate_pairs(corpus, per_sentence=3)
    monkeypatch.setattr(candidates, "_UNIQUE_CHUNK", 50)
    assert len(whole) > 200
    assert len(whole_best) < len(whole)
    assert np.array_equal(candidate_pairs(corpus, per_sentence=None), whole)
    assert np.array_equal(candidate_pairs(corpus, per_sentence=3), whole_best)
