"""How alike two sentences are: weighted token overlap, rapidfuzz, and number agreement.

``score = COSINE·cosine + FUZZY·token_sort_ratio/100 + NUMBERS·agreement``, clipped
to [0, 1]. The weighted cosine carries the informative-token weighting (a shared
rare name or number counts for much, a shared common word for little); rapidfuzz
over the normalised text rewards the same words in a similar order and catches
near-identical spellings the tokens miss; the number term rewards shared values
and gently penalises sentences that both state numbers but share none. The
weights and the default threshold were chosen by measurement (see
``benchmarks/link_quality.py`` and the README).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from store.linking.features import LinkCorpus

METHOD = "linker-v1"

Scorer = Callable[..., float]
SCORERS: dict[str, Scorer] = {
    "token_sort_ratio": fuzz.token_sort_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "ratio": fuzz.ratio,
    "WRatio": fuzz.WRatio,
}


@dataclass(frozen=True, slots=True)
class ScoreWeights:
    """The combination; the defaults are the measured choice."""

    cosine: float = 0.6
    fuzzy: float = 0.4
    numbers: float = 0.1
    scorer: str = "token_sort_ratio"
    # Similarity below this counts as chance and the rest is rescaled to 0..1.
    # Measured: 0.4 (rapidfuzz's typical score for unrelated sentences) cut noise
    # but pushed cross-language duplicates under any useful floor, so it stays 0.
    fuzzy_baseline: float = 0.0


DEFAULT_WEIGHTS = ScoreWeights()
# Below this nothing is stored: suggestions exist to be ranked, so the floor is low.
DEFAULT_FLOOR = 0.15
# The measured line between "same fact" and "not": best F1 on the gold set, rounded.
DEFAULT_THRESHOLD = 0.35


def weighted_cosine(corpus: LinkCorpus, i: int, j: int) -> float:
    """Cosine of the two sentences' weighted token sets."""
    denominator = corpus.norms[i] * corpus.norms[j]
    if denominator <= 0:
        return 0.0
    weights = corpus.weights
    shared = set(corpus.token_ids[i]).intersection(corpus.token_ids[j])
    return sum(weights[t] * weights[t] for t in shared) / denominator


def number_agreement(first: frozenset[str], second: frozenset[str]) -> float:
    """+share of numbers in common; -0.5 when both state numbers and share none; 0 otherwise."""
    if not first or not second:
        return 0.0
    common = len(first & second)
    if common == 0:
        return -0.5
    return common / len(first | second)


def _above_chance(fuzzy: float, weights: ScoreWeights) -> float:
    baseline = weights.fuzzy_baseline
    return min(1.0, max(0.0, (fuzzy - baseline) / (1.0 - baseline)))


def combine(cosine: float, fuzzy: float, numbers: float, weights: ScoreWeights) -> float:
    value = weights.cosine * cosine + weights.fuzzy * fuzzy + weights.numbers * numbers
    return min(1.0, max(0.0, value))


def pair_score(
    corpus: LinkCorpus, i: int, j: int, weights: ScoreWeights = DEFAULT_WEIGHTS
) -> float:
    """The combined score of sentences ``i`` and ``j`` of ``corpus``."""
    cosine = weighted_cosine(corpus, i, j)
    fuzzy = _above_chance(
        SCORERS[weights.scorer](corpus.texts[i], corpus.texts[j]) / 100.0, weights
    )
    agreement = number_agreement(corpus.numbers[i], corpus.numbers[j])
    return combine(cosine, fuzzy, agreement, weights)


def score_pairs(
    corpus: LinkCorpus, pairs: npt.NDArray[np.int64], weights: ScoreWeights = DEFAULT_WEIGHTS
) -> npt.NDArray[np.float64]:
    """:func:`pair_score` for many pairs at once (rapidfuzz's ``cpdist`` on all cores)."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float64)
    firsts, seconds = pairs[:, 0], pairs[:, 1]
    cosine = _cosines(corpus, firsts, seconds)
    scorer = SCORERS[weights.scorer]
    if weights.scorer == "token_sort_ratio":
        # token_sort_ratio is ratio() of the sorted tokens: sorting each sentence once
        # instead of once per pair is the same score for a fraction of the work.
        texts = np.asarray([" ".join(sorted(t.split())) for t in corpus.texts], dtype=object)
        scorer = fuzz.ratio
    else:
        texts = np.asarray(corpus.texts, dtype=object)
    fuzzy = (
        process.cpdist(texts[firsts], texts[seconds], scorer=scorer, workers=-1, dtype=np.float64)
        / 100.0
    )
    fuzzy = np.clip((fuzzy - weights.fuzzy_baseline) / (1.0 - weights.fuzzy_baseline), 0.0, 1.0)
    numbers = corpus.numbers
    has_numbers = np.fromiter((bool(n) for n in numbers), dtype=bool, count=len(numbers))
    agreement = np.zeros(len(pairs), dtype=np.float64)
    both = np.flatnonzero(has_numbers[firsts] & has_numbers[seconds])
    agreement[both] = [
        number_agreement(numbers[i], numbers[j])
        for i, j in zip(firsts[both].tolist(), seconds[both].tolist(), strict=True)
    ]
    combined = weights.cosine * cosine + weights.fuzzy * fuzzy + weights.numbers * agreement
    return np.clip(combined, 0.0, 1.0)


# Pairs whose shared tokens are looked up at a time: bounds the temporary arrays.
_COSINE_CHUNK = 1_000_000


def _cosines(
    corpus: LinkCorpus, firsts: npt.NDArray[np.int64], seconds: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """:func:`weighted_cosine` of every pair."""
    squared = np.asarray(corpus.weights, dtype=np.float64) ** 2
    dot = shared_weight(corpus, firsts, seconds, squared)
    norms = np.asarray(corpus.norms, dtype=np.float64)
    denominator = norms[firsts] * norms[seconds]
    return np.divide(dot, denominator, out=np.zeros_like(dot), where=denominator > 0)


def shares_anchor(
    corpus: LinkCorpus, firsts: npt.NDArray[np.int64], seconds: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Whether each pair has a number, month or name in common, or two other words."""
    # Weighing an anchor as 2 and any other word as 1 makes both cases one test.
    value = np.where(np.asarray(corpus.anchors, dtype=bool), 2.0, 1.0)
    return shared_weight(corpus, firsts, seconds, value) >= 2


def shared_weight(
    corpus: LinkCorpus,
    firsts: npt.NDArray[np.int64],
    seconds: npt.NDArray[np.int64],
    token_values: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """For every pair, the sum of ``token_values`` over the tokens both sentences have.

    Sorted-array lookups instead of Python sets: a pair's shared tokens are the
    shorter sentence's tokens found in the index under the other sentence.
    """
    index = corpus.token_index()
    lengths, indptr, indices, keys = index.lengths, index.indptr, index.indices, index.keys
    result = np.zeros(len(firsts), dtype=np.float64)
    if len(keys) == 0:
        return result
    for begin in range(0, len(firsts), _COSINE_CHUNK):
        a = firsts[begin : begin + _COSINE_CHUNK]
        b = seconds[begin : begin + _COSINE_CHUNK]
        shorter = lengths[a] <= lengths[b]
        walk, probe = np.where(shorter, a, b), np.where(shorter, b, a)
        count = lengths[walk]
        total = int(count.sum())
        pair_of = np.repeat(np.arange(len(walk), dtype=np.int64), count)
        first_position = np.repeat(indptr[walk] - (np.cumsum(count) - count), count)
        tokens = indices[first_position + np.arange(total, dtype=np.int64)]
        wanted = probe[pair_of] * index.vocabulary + tokens
        found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        shared = np.where(keys[found] == wanted, token_values[tokens], 0.0)
        result[begin : begin + len(a)] = np.bincount(pair_of, weights=shared, minlength=len(walk))
    return result


def round_score(value: float) -> float:
    """Scores are stored with 4 decimals so that re-runs compare equal."""
    return math.floor(value * 10_000 + 0.5) / 10_000
