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

from rapidfuzz import fuzz

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


DEFAULT_WEIGHTS = ScoreWeights()
# Below this nothing is stored: suggestions exist to be ranked, so the floor is low.
DEFAULT_FLOOR = 0.25
# The measured line between "same fact" and "not": best F1 on the gold set, rounded.
DEFAULT_THRESHOLD = 0.5


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


def combine(cosine: float, fuzzy: float, numbers: float, weights: ScoreWeights) -> float:
    value = weights.cosine * cosine + weights.fuzzy * fuzzy + weights.numbers * numbers
    return min(1.0, max(0.0, value))


def pair_score(
    corpus: LinkCorpus, i: int, j: int, weights: ScoreWeights = DEFAULT_WEIGHTS
) -> float:
    """The combined score of sentences ``i`` and ``j`` of ``corpus``."""
    cosine = weighted_cosine(corpus, i, j)
    fuzzy = SCORERS[weights.scorer](corpus.texts[i], corpus.texts[j]) / 100.0
    agreement = number_agreement(corpus.numbers[i], corpus.numbers[j])
    return combine(cosine, fuzzy, agreement, weights)


def round_score(value: float) -> float:
    """Scores are stored with 4 decimals so that re-runs compare equal."""
    return math.floor(value * 10_000 + 0.5) / 10_000
