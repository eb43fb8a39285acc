"""Which documents could share a story, and how strongly: text, sentence links, dates.

Cosine similarity is computed only through terms that at most ``max_df`` documents
share: a term in hundreds of articles ("Regierung", "Polizei") names a topic, not a
story, and its posting list would cost the square of its length. The pair
score is

    score = cosine + LINK_WEIGHT * link_share,   halved when the dates lie too far apart

where ``link_share`` is the share of the shorter document's sentences that have a
likely or accepted link into the other one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from store.stories.vectors import DocumentVectors

DEFAULT_MAX_DF = 60
DEFAULT_NEIGHBOURS = 12
# Pairs below this score cannot help an average reach the threshold; dropping them
# keeps the graph sparse.
DEFAULT_FLOOR = 0.08
LINK_WEIGHT = 0.5
# Gap in days beyond which two dated reports are unlikely to follow one event (measured
# on the sample gold: see benchmarks/stories_quality.py), and the factor applied then.
DATE_WINDOW_DAYS = 7
DATE_DECAY = 0.5

Edges = dict[tuple[int, int], float]


@dataclass(frozen=True, slots=True)
class PairSettings:
    max_df: int = DEFAULT_MAX_DF
    neighbours: int = DEFAULT_NEIGHBOURS
    floor: float = DEFAULT_FLOOR
    link_weight: float = LINK_WEIGHT
    date_window_days: int | None = DATE_WINDOW_DAYS
    date_decay: float = DATE_DECAY


def cosine_pairs(
    vectors: DocumentVectors, *, max_df: int = DEFAULT_MAX_DF
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """(i, j, cosine) with i < j for every pair sharing a term of document frequency ≤ max_df."""
    n = len(vectors)
    postings_docs: dict[int, list[int]] = {}
    postings_weights: dict[int, list[float]] = {}
    frequency = vectors.document_frequency
    for doc, (terms, weights) in enumerate(zip(vectors.terms, vectors.weights, strict=True)):
        for term, weight in zip(terms.tolist(), weights.tolist(), strict=True):
            if 2 <= frequency[term] <= max_df:
                postings_docs.setdefault(term, []).append(doc)
                postings_weights.setdefault(term, []).append(weight)
    keys: list[npt.NDArray[np.int64]] = []
    values: list[npt.NDArray[np.float64]] = []
    # Posting lists of one length are paired together in one numpy operation.
    by_length: dict[int, list[int]] = {}
    for term, docs in postings_docs.items():
        by_length.setdefault(len(docs), []).append(term)
    for length, same_length in by_length.items():
        members = np.asarray([postings_docs[t] for t in same_length], dtype=np.int64)
        shares = np.asarray([postings_weights[t] for t in same_length], dtype=np.float64)
        first, second = np.triu_indices(length, k=1)
        a = members[:, first].ravel()
        b = members[:, second].ravel()
        keys.append(np.minimum(a, b) * n + np.maximum(a, b))
        values.append((shares[:, first] * shares[:, second]).ravel())
    if not keys:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float64)
    all_keys = np.concatenate(keys)
    unique, inverse = np.unique(all_keys, return_inverse=True)
    sums = np.bincount(inverse, weights=np.concatenate(values)).astype(np.float64)
    return unique // n, unique % n, sums


def _ordinals(dates: Sequence[str | None]) -> npt.NDArray[np.float64]:
    """Each date as a day number; NaN where unknown or unreadable."""
    days = np.full(len(dates), np.nan)
    for index, value in enumerate(dates):
        if value:
            with contextlib.suppress(ValueError):
                days[index] = date.fromisoformat(value[:10]).toordinal()
    return days


def story_edges(
    vectors: DocumentVectors,
    dates: Sequence[str | None],
    link_share: Mapping[tuple[int, int], float],
    settings: PairSettings,
) -> Edges:
    """Combined scores of the pairs worth clustering: each document's best neighbours."""
    first, second, scores = cosine_pairs(vectors, max_df=settings.max_df)
    if link_share:
        n = max(len(vectors), 1)
        linked = np.asarray([min(p) * n + max(p) for p in link_share], dtype=np.int64)
        bonus = settings.link_weight * np.minimum(
            np.asarray(list(link_share.values()), dtype=np.float64), 1.0
        )
        keys = np.concatenate([first * n + second, linked])
        unique, inverse = np.unique(keys, return_inverse=True)
        scores = np.bincount(inverse, weights=np.concatenate([scores, bonus])).astype(np.float64)
        first, second = unique // n, unique % n
    if settings.date_window_days is not None and len(first):
        days = _ordinals(dates)
        gap = np.abs(days[first] - days[second])
        # NaN (an undated side) compares False: no decay without two dates.
        scores = np.where(gap > settings.date_window_days, scores * settings.date_decay, scores)
    keep = scores >= settings.floor
    first, second, scores = first[keep], second[keep], scores[keep]
    # A pair stays when it is among the best ``neighbours`` of either of its documents.
    ends = np.concatenate([first, second])
    values = np.concatenate([scores, scores])
    pair_index = np.concatenate([np.arange(len(scores)), np.arange(len(scores))])
    order = np.lexsort((-values, ends))
    sorted_ends = ends[order]
    starts = np.searchsorted(sorted_ends, sorted_ends, side="left")
    rank = np.arange(len(order)) - starts
    chosen = np.unique(pair_index[order[rank < settings.neighbours]])
    return {
        (int(i), int(j)): float(v)
        for i, j, v in zip(
            first[chosen].tolist(), second[chosen].tolist(), scores[chosen].tolist(), strict=True
        )
    }
