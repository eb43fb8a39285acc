"""Pair stages on threads give the very same arrays as on one thread (store.linking.pair_threads).

Chunk sizes are shrunk so that a small corpus is cut into many chunks, ranges or
groups; the threaded result must equal the one-thread result bit for bit, also
for no pair, one pair and fewer pairs than threads.
"""

from __future__ import annotations

import itertools
import random
import threading
import time

import numpy as np
import numpy.typing as npt
import pytest

from store.linking import candidates, document_pairs, ranking, score
from store.linking.features import DocInput, LinkCorpus, build_corpus
from store.linking.pair_threads import MAX_PAIR_THREADS, in_order, pair_threads, threads
from store.linking.suggest import LinkSettings, compute_suggestions
from tests.linking.corpus import sentences_document

WORDS = ["".join(p) for p in itertools.product("bdfgklmnprst", "aeiou", "rstn")][:200]
FIGURES = ["11.000", "300", "600", "1,5", "12. Juni", "Juli", "Odenwald"]


def _documents(seed: int, count: int = 24) -> list[DocInput]:
    rng = random.Random(seed)
    documents = []
    for doc_id in range(1, count + 1):
        sentences = []
        for _ in range(rng.randint(1, 10)):
            words = rng.choices(WORDS[: 40 + doc_id * 5], k=rng.randint(1, 12))
            if rng.random() < 0.4:
                words.insert(rng.randint(0, len(words)), rng.choice(FIGURES))
            if rng.random() < 0.2:
                words.insert(rng.randint(0, len(words)), "; und")
            sentences.append(" ".join(["Satz", *words]))
        documents.append(sentences_document(doc_id, f"outlet{doc_id % 4}", sentences))
    return documents


@pytest.fixture(scope="module")
def corpus() -> LinkCorpus:
    return build_corpus(_documents(5))


@pytest.fixture
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every chunked stage cut into many small pieces."""
    monkeypatch.setattr(score, "_COSINE_CHUNK", 7)
    monkeypatch.setattr(score, "_MERGE_CHUNK", 50)
    monkeypatch.setattr(ranking, "_RANK_CHUNK", 9)
    monkeypatch.setattr(candidates, "_UNIQUE_CHUNK", 11)
    monkeypatch.setattr(document_pairs, "_OF_CHUNK", 5)


def _all_pairs(corpus: LinkCorpus) -> npt.NDArray[np.int64]:
    pairs = np.array(list(itertools.combinations(range(len(corpus)), 2)), dtype=np.int64)
    rng = np.random.default_rng(3)
    return pairs[rng.permutation(len(pairs))]


def _both(function: object, *args: object) -> tuple[object, object]:
    assert callable(function)
    with pair_threads(1):
        single = function(*args)
    with pair_threads(3):
        threaded = function(*args)
    return single, threaded


def _same(first: object, second: object) -> None:
    if isinstance(first, tuple | list):
        assert isinstance(second, tuple | list)
        assert len(first) == len(second)
        for a, b in zip(first, second, strict=True):
            _same(a, b)
        return
    a, b = np.asarray(first), np.asarray(second)
    assert a.dtype == b.dtype
    assert a.shape == b.shape
    # Bit for bit: the same floats, not merely close ones.
    assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("count", [0, 1, 2, 5, None])
def test_word_overlap_and_anchors_on_threads(
    corpus: LinkCorpus, tiny_chunks: None, count: int | None
) -> None:
    pairs = _all_pairs(corpus)[:count]
    _same(*_both(score.word_overlap, corpus, pairs))
    _same(*_both(score.shares_anchor, corpus, pairs[:, 0], pairs[:, 1]))
    _same(*_both(score.document_cosines, corpus, pairs))
    _same(*_both(score.components, corpus, pairs))


@pytest.mark.parametrize("count", [0, 1, 3, None])
def test_rankings_on_threads(corpus: LinkCorpus, tiny_chunks: None, count: int | None) -> None:
    pairs = _all_pairs(corpus)[:count]
    rng = np.random.default_rng(8)
    # Many ties: equal strengths must be ranked the same way on threads.
    strength = rng.integers(0, 4, len(pairs)).astype(np.float64) / 4
    _same(*_both(ranking.best_of_either, pairs, strength, 2))
    _same(*_both(ranking.ranks_within, pairs[:, 0], strength))
    chosen = rng.random(len(pairs)) < 0.7
    _same(*_both(ranking.best_per_sentence, pairs, strength, chosen, 3))
    positions = ranking.document_positions(corpus)
    _same(*_both(ranking.top_per_document, pairs, strength, positions, 1))


@pytest.mark.parametrize("count", [0, 1, 4, None])
def test_story_partners_looked_up_on_threads(
    corpus: LinkCorpus, tiny_chunks: None, count: int | None
) -> None:
    stories = document_pairs.document_pair_candidates(corpus)
    pairs = _all_pairs(corpus)[:count]
    single, threaded = _both(stories.of, pairs)
    _same(single, threaded)
    assert isinstance(single, np.ndarray)
    if count is None:
        assert single.any(), "some pairs are story partners"
        assert not single.all(), "not every pair is"


def test_candidates_on_threads(corpus: LinkCorpus, tiny_chunks: None) -> None:
    _same(*_both(candidates.candidate_pairs, corpus))


def test_summed_by_key_on_threads_keeps_the_order_of_each_keys_sum(tiny_chunks: None) -> None:
    rng = np.random.default_rng(2)
    # Weights of very different sizes: a different order of addition would show.
    keys = [rng.integers(0, 40, 25) for _ in range(4)]
    weights = [rng.random(25) * 10.0 ** rng.integers(-8, 8, 25) for _ in range(4)]
    single, threaded = _both(candidates._summed_by_key, keys, weights, 40)
    _same(single, threaded)
    with pair_threads(1):
        plain_keys, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    plain = np.bincount(inverse, weights=np.concatenate(weights), minlength=len(plain_keys))
    _same(single, (plain_keys, plain))


def test_suggestions_on_two_threads_are_those_of_one(tiny_chunks: None) -> None:
    documents = _documents(11, count=30)
    one = compute_suggestions(build_corpus(documents), LinkSettings(workers=1))
    two = compute_suggestions(build_corpus(documents), LinkSettings(workers=2))
    assert len(one) > 20, "the corpus should produce suggestions"
    assert one == two


def test_thread_count_is_set_for_a_block_and_capped() -> None:
    assert threads() == 1
    with pair_threads(2):
        assert threads() == 2
        with pair_threads(100):
            assert threads() == MAX_PAIR_THREADS
        assert threads() == 2
        # Pool threads start without the setting: work inside a chunk runs in its thread.
        assert in_order(lambda _item: threads(), [0, 1]) == [1, 1]
    with pair_threads(0):
        assert threads() == 1
    assert threads() == 1


@pytest.mark.parametrize("count", [1, 2, 3])
def test_in_order_keeps_the_order_for_any_number_of_items(count: int) -> None:
    assert in_order(lambda item: item * 2, []) == []
    with pair_threads(count):
        assert in_order(lambda item: item * 2, []) == []
        assert in_order(lambda item: item * 2, [5]) == [10]
        assert in_order(lambda item: -item, range(50)) == [-k for k in range(50)]


def test_in_order_stops_starting_chunks_after_an_error() -> None:
    started: list[int] = []
    lock = threading.Lock()

    def work(item: int) -> int:
        with lock:
            started.append(item)
        if item == 0:
            raise KeyboardInterrupt  # as Ctrl-C arriving in a chunk
        time.sleep(0.01)
        return item

    with pair_threads(2), pytest.raises(KeyboardInterrupt):
        in_order(work, range(200))
    # The chunks queued behind the failed one were cancelled, not run.
    assert len(started) < 50
