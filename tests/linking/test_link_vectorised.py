"""The fast paths of linking give the same answers as the plain definitions."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.linking import features
from store.linking.features import DocInput, build_corpus
from store.linking.ranking import ranks_within, top_per_document
from store.linking.score import (
    CHAR_SUPPORT,
    components,
    pair_score,
    round_score,
    score_pairs,
    shared_weight,
)
from store.linking.storing import _changes, _new_rows
from store.linking.suggest import (
    LinkReport,
    LinkSettings,
    compute_suggestions,
)
from tests.linking.corpus import sentences_document

WORDS = ["".join(p) for p in itertools.product("bdfgklmnprst", "aeiou", "rstn")][:160]
NUMBERS = ["11.000", "300", "600", "1,5", "elftausend", "12. Juni", "Juli"]


def _documents(seed: int, count: int = 10, sparse: bool = False) -> list[DocInput]:
    rng = random.Random(seed)
    documents = []
    for doc_id in range(1, count + 1):
        sentences = []
        for _ in range(12):
            if sparse:  # few words from a wide vocabulary: most overlaps are one word
                words = rng.choices(WORDS, k=rng.randint(2, 5))
            else:
                words = rng.choices(WORDS[: 30 + doc_id * 10], k=rng.randint(0, 9))
            if rng.random() < 0.4:
                words.insert(rng.randint(0, len(words)), rng.choice(NUMBERS))
            sentences.append(" ".join(words if sparse else ["Satz", *words]))
        documents.append(sentences_document(doc_id, f"outlet{doc_id % 3}", sentences))
    return documents


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_score_pairs_equals_pair_score_for_every_pair(seed: int) -> None:
    corpus = build_corpus(_documents(seed))
    pairs = np.array(list(itertools.combinations(range(len(corpus)), 2)), dtype=np.int64)
    fast = score_pairs(corpus, pairs)
    plain = [pair_score(corpus, i, j) for i, j in pairs.tolist()]
    assert fast == pytest.approx(plain, abs=1e-9)
    assert len({round(s, 3) for s in plain}) > 20, "the corpus should produce varied scores"


def test_parallel_normalising_builds_the_same_corpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features, "PARALLEL_MIN_DOCUMENTS", 2)
    documents = _documents(4, count=30)
    done: list[int] = []
    serial = build_corpus(documents, workers=1)
    parallel = build_corpus(documents, workers=2, progress=lambda d, _total: done.append(d))
    assert parallel.token_ids == serial.token_ids
    assert parallel.texts == serial.texts
    assert parallel.weights == serial.weights
    assert parallel.vocabulary == serial.vocabulary
    assert done == list(range(1, 31))


def test_normalising_goes_on_in_process_when_no_worker_can_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Refused:
        def __init__(self, *_args: object, **_kwargs: object) -> None:
            raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(features, "PARALLEL_MIN_DOCUMENTS", 2)
    documents = _documents(7, count=6)
    serial = build_corpus(documents, workers=1)
    monkeypatch.setattr(features, "parent_death_pool", Refused)
    assert build_corpus(documents, workers=2).token_ids == serial.token_ids


@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.floats(0, 50, allow_nan=False, allow_subnormal=False)),
        max_size=60,
    )
)
def test_ranks_within_counts_the_stronger_entries_of_the_group(
    entries: list[tuple[int, float]],
) -> None:
    groups = np.array([g for g, _ in entries], dtype=np.int64)
    strength = np.array([s for _, s in entries], dtype=np.float64)
    rank = ranks_within(groups, strength).tolist()
    for index, (group, value) in enumerate(entries):
        stronger = sum(1 for g, s in entries if g == group and np.float32(s) > np.float32(value))
        ties = sum(1 for g, s in entries if g == group and np.float32(s) == np.float32(value))
        assert stronger <= rank[index] < stronger + ties
    for group in set(groups.tolist()):
        assert sorted(r for r, g in zip(rank, groups.tolist(), strict=True) if g == group) == list(
            range(int((groups == group).sum()))
        )


def test_chance_pairs_are_bounded_per_sentence_and_nothing_else_is_dropped() -> None:
    corpus = build_corpus(_documents(5, count=12, sparse=True))
    # Story partners are exempt from the bound; without them it is seen alone.
    loose = compute_suggestions(corpus, LinkSettings(chance_per_sentence=None, document_partners=0))
    strict = compute_suggestions(corpus, LinkSettings(chance_per_sentence=1, document_partners=0))
    threshold = LinkSettings().threshold

    def chance(i: int, j: int, score: float) -> bool:
        shared = set(corpus.token_ids[i]) & set(corpus.token_ids[j])
        anchored = any(corpus.anchors[t] for t in shared)
        chars = components(corpus, np.asarray([[i, j]], dtype=np.int64))[0, 1]
        return score < threshold and not anchored and len(shared) < 2 and chars < CHAR_SUPPORT

    kept = {(i, j) for i, j, _ in strict}
    assert kept <= {(i, j) for i, j, _ in loose}
    dropped = [(i, j, s) for i, j, s in loose if (i, j) not in kept]
    assert dropped, "the random corpus should have chance pairs to drop"
    assert all(chance(i, j, s) for i, j, s in dropped)
    chance_scores: dict[int, list[float]] = {}
    for i, j, s in loose:
        if chance(i, j, s):
            chance_scores.setdefault(i, []).append(s)
            chance_scores.setdefault(j, []).append(s)
    for i, j, s in strict:
        if chance(i, j, s):
            assert s >= max(chance_scores[i]) or s >= max(chance_scores[j])


@given(
    st.lists(
        st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(0, 20)),
        max_size=80,
    ),
    st.integers(1, 3),
)
def test_top_per_document_matches_a_plain_count(
    raw: list[tuple[int, int, int]], top_k: int
) -> None:
    # Twelve sentences in four documents of three; scores are small integers, so ties occur.
    document = np.repeat(np.arange(4, dtype=np.int64), 3)
    unique = {(min(a, b), max(a, b)): s / 20 for a, b, s in raw if document[a] != document[b]}
    pairs = np.array(sorted(unique), dtype=np.int64).reshape(-1, 2)
    scores = np.array([unique[tuple(p)] for p in pairs.tolist()], dtype=np.float64)
    chosen = top_per_document(pairs, scores, document, top_k)

    def better(own: int, other: int, score: float) -> int:
        return sum(
            1
            for (a, b), s in unique.items()
            if own in (a, b) and document[b if a == own else a] == document[other] and s > score
        )

    for (a, b), selected in zip(pairs.tolist(), chosen.tolist(), strict=True):
        score = unique[(a, b)]
        if better(a, b, score) >= top_k and better(b, a, score) >= top_k:
            assert not selected  # outranked on both sides
        ties_a = sum(
            1
            for (x, y), s in unique.items()
            if a in (x, y) and document[y if x == a else x] == document[b] and s == score
        )
        if better(a, b, score) + ties_a <= top_k:
            assert selected  # within the top k of its sentence even if every tie ranks first


def test_first_run_rows_equal_a_plain_loop_over_the_pairs() -> None:
    corpus = build_corpus(_documents(6, count=8))
    selected = compute_suggestions(corpus, LinkSettings(floor=0.0))
    # Both orientations and a duplicate: the stored side a is always the smaller end.
    selected = selected + [(j, i, s) for i, j, s in selected[:5]]
    fast = _new_rows(corpus, selected, "m")
    by_key: dict[tuple[int, ...], float] = {}
    for i, j, score in selected:
        a, b = corpus.refs[i], corpus.refs[j]
        ta, tb = sorted([(a.doc_id, a.start, a.end), (b.doc_id, b.start, b.end)])
        by_key.setdefault((*ta, *tb), round_score(score))
    assert [tuple(row) for row in fast] == [(*k, v, "m") for k, v in sorted(by_key.items())]
    unrelated = {(999, 0, 1, 1000, 0, 1): (0.5, "m")}
    inserts, updates, stale = _changes(corpus, selected, unrelated, set(), LinkReport(), "m")
    assert inserts == fast
    assert (updates, stale) == ([], [(999, 0, 1, 1000, 0, 1)])
    # A decided pair gets no suggestion row, and a stored one of it goes.
    decided = tuple(fast[0][:6])
    stored = {decided: (0.1, "m")}
    report = LinkReport()
    inserts, updates, stale = _changes(corpus, selected, stored, {decided}, report, "m")  # type: ignore[arg-type]
    assert inserts == fast[1:]
    assert (updates, stale, report.kept_decisions) == ([], [decided], 1)


@pytest.mark.parametrize("seed", [3, 8])
def test_grouped_lookup_sums_exactly_what_the_index_search_sums(seed: int) -> None:
    corpus = build_corpus(_documents(seed, count=12))
    rng = np.random.default_rng(seed)
    pairs = rng.integers(0, len(corpus), size=(400, 2))
    values = rng.random(len(corpus.weights))
    firsts, seconds = pairs[:, 0], pairs[:, 1]
    searched = shared_weight(corpus, firsts, seconds, values)
    grouped = shared_weight(corpus, firsts, seconds, values, by_probe=True)
    plain = [
        sum(values[t] for t in corpus.token_ids[i] if t in set(corpus.token_ids[j]))
        if len(corpus.token_ids[i]) <= len(corpus.token_ids[j])
        else sum(values[t] for t in corpus.token_ids[j] if t in set(corpus.token_ids[i]))
        for i, j in pairs.tolist()
    ]
    assert np.count_nonzero(searched) > 50
    assert np.array_equal(grouped, searched)
    assert np.allclose(searched, plain)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("min_cosine", [0.01, 0.2, 0.5])
def test_prefix_entries_are_each_sentences_prefix_tokens(seed: int, min_cosine: float) -> None:
    from store.linking.candidates import prefix_entries, prefix_tokens

    corpus = build_corpus(_documents(seed, count=12, sparse=seed == 2))
    for view in (corpus, corpus.documents_view()):
        sentences, tokens = prefix_entries(view, min_cosine)
        expected = [(i, t) for i in range(len(view)) for t in prefix_tokens(view, i, min_cosine)]
        assert list(zip(sentences.tolist(), tokens.tolist(), strict=True)) == expected
        assert expected
        if min_cosine == 0.5:  # a real prefix: some tokens are left out
            assert len(expected) < sum(len(ids) for ids in view.token_ids)


@pytest.mark.parametrize("seed", [1, 2])
def test_documents_view_is_each_documents_word_set(seed: int) -> None:
    import math

    corpus = build_corpus(_documents(seed, count=12, sparse=seed == 2))
    view = corpus.documents_view()
    grouped: dict[int, set[int]] = {}
    for ref, ids in zip(corpus.refs, corpus.token_ids, strict=True):
        grouped.setdefault(ref.doc_id, set()).update(ids)
    words = [sorted(ids) for ids in grouped.values()]
    frequency = [sum(t in ids for ids in grouped.values()) for t in range(len(corpus.weights))]
    weights = [math.log((len(words) + 1) / (df + 1)) for df in frequency]
    assert view.token_ids == words
    assert view.document_frequency == frequency
    assert view.weights == weights
    # The same floats, not nearly: document cosines and story partners use them.
    assert view.norms == [math.sqrt(sum(weights[t] ** 2 for t in ids)) for ids in words]
    assert len(view) == len(words) == 12
    # The index the view comes with is the one its word lists would build.
    rebuilt = features.LinkCorpus(
        refs=view.refs, token_ids=view.token_ids, weights=view.weights
    ).token_index()
    given_index = view.token_index()
    for name in ("lengths", "indptr", "indices", "keys"):
        assert np.array_equal(getattr(given_index, name), getattr(rebuilt, name)), name
    assert (given_index.vocabulary, given_index.sentences) == (
        rebuilt.vocabulary,
        rebuilt.sentences,
    )


def test_documents_view_of_an_empty_corpus() -> None:
    view = build_corpus([]).documents_view()
    assert len(view) == 0
    assert view.token_ids == []
    assert view.norms == []
