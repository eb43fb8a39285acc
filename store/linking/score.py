"""How alike two sentences are: words, character n-grams, rapidfuzz, figures, and evidence.

The fused score (the default, ``linker-v2``)::

    similarity = mean(word cosine, char 3-5-gram cosine, token_sort_ratio) + 0.1·soft numbers
    score      = clip(similarity, 0, 1) · (1 - exp(-information / E)) · sqrt(document cosine)

``information`` is what the less informative of the two sentences carries (its
summed word IDF, :func:`information`) and ``E`` a quarter of the corpus's median
(:func:`evidence_scale`): a pair of two short generic sentences ("Das ist
absurd.") is alike but rests on little evidence, so it no longer outranks two
informative reports of one fact. How much of that information the two share is
the similarity's business: a factor of the *shared* words' weight counted the
overlap twice, preferred long partners to short exact ones, and set every pair
without a common word to 0 (44% of the German-English gold pairs, whatever
their character n-grams, figures or clauses said). The document cosine (IDF
over documents) says whether the two articles tell the same story: alike
sentences in unrelated articles (the same politician in a domestic and a foreign
story) fall behind. It is one factor per document pair, so it never changes which
sentence of a document ranks first for a claim, only the order across documents
(the review queue) and what passes the threshold. The three similarities
are averaged with equal weights, not weights fitted to our own sample; the
scale ``E`` is a property of each corpus. The rest of this docstring describes
the linear v1 combination, still available with ``ScoreWeights(fused=False)``.

v1: weighted token overlap, rapidfuzz, and number agreement.

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

import functools
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from store.linking.features import LinkCorpus, TokenIndex
from store.linking.fuzzy import RATIO_CHUNK, pair_ratios
from store.linking.pair_threads import in_order, threads
from store.linking.ranking import document_positions
from store.linking.units import refine

METHOD = "linker-v2"

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
    # True: the fused score (see ``fused_scores``); False: the linear v1 combination
    # of ``cosine``, ``fuzzy`` and ``numbers`` above, kept for comparison.
    fused: bool = True
    # The fused similarity's weights for (words, chars, fuzzy, numbers): equal thirds
    # and a tenth untrained; ``claimdesk link`` may learn them from decisions.
    mix: tuple[float, float, float, float] = (1 / 3, 1 / 3, 1 / 3, 0.1)


DEFAULT_WEIGHTS = ScoreWeights()
# Below this nothing is stored: suggestions exist to be ranked, so the floor is low.
# The fused score applies it to the sentences' likeness before the document factor.
DEFAULT_FLOOR = 0.05
# The line between "same fact" and "not": the best-F1 threshold chosen on each of
# five folds of the gold facts (benchmarks/link_quality.py; every fold chose 0.12).
DEFAULT_THRESHOLD = 0.12


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
    if weights.fused:
        return float(score_pairs(corpus, np.asarray([[i, j]], dtype=np.int64), weights)[0])
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
    if weights.fused:
        return fused_scores(components(corpus, pairs), evidence_scale(corpus), mix=weights.mix)
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


# Tokens looked up at a time: bounds the temporary arrays (about 50 MB; twice as
# many cost the same time and added their share to the peak of a 10,000-article run).
_COSINE_CHUNK = 1_000_000


def _cosines(
    corpus: LinkCorpus,
    firsts: npt.NDArray[np.int64],
    seconds: npt.NDArray[np.int64],
    *,
    by_probe: bool = False,
    by_merge: bool = False,
) -> npt.NDArray[np.float64]:
    """:func:`weighted_cosine` of every pair."""
    squared = np.asarray(corpus.weights, dtype=np.float64) ** 2
    if by_merge:
        dot = shared_by_merge(corpus.token_index(), firsts, seconds, squared)
    else:
        dot = shared_weight(corpus, firsts, seconds, squared, by_probe=by_probe)
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


# Character n-gram cosine from which a pair is never treated as chance.
CHAR_SUPPORT = 0.3


def looks_like_chance(
    corpus: LinkCorpus,
    pairs: npt.NDArray[np.int64],
    scores: npt.NDArray[np.float64],
    char_cosine: npt.NDArray[np.float64],
    threshold: float = DEFAULT_THRESHOLD,
) -> npt.NDArray[np.bool_]:
    """Pairs under ``threshold`` that share no number, date or name and at most one word.

    Any two sentences of one language have some rapidfuzz likeness, so a pair with
    nothing in common still scores a little; such a score ranks noise. A pair the
    character n-grams support (a shared compound part) is not chance, whatever its words.
    """
    weak = np.flatnonzero((scores < threshold) & (char_cosine < CHAR_SUPPORT))
    chance = np.zeros(len(pairs), dtype=bool)
    if len(weak):
        chance[weak] = ~shares_anchor(corpus, pairs[weak, 0], pairs[weak, 1])
    return chance


def shared_weight(
    corpus: LinkCorpus,
    firsts: npt.NDArray[np.int64],
    seconds: npt.NDArray[np.int64],
    token_values: npt.NDArray[np.float64],
    *,
    by_probe: bool = False,
) -> npt.NDArray[np.float64]:
    """For every pair, the sum of ``token_values`` over the tokens both sentences have.

    Sorted-array lookups instead of Python sets: a pair's shared tokens are the
    shorter sentence's tokens found in the index under the other sentence.
    """
    return shared_sums(corpus, firsts, seconds, [token_values], by_probe=by_probe)[0]


def shared_sums(
    corpus: LinkCorpus,
    firsts: npt.NDArray[np.int64],
    seconds: npt.NDArray[np.int64],
    token_values: Sequence[npt.NDArray[np.float64]],
    *,
    by_probe: bool = False,
) -> list[npt.NDArray[np.float64]]:
    """:func:`shared_weight` for several token values at once: one lookup, several sums."""
    index = corpus.token_index()
    lengths, indptr, indices, keys = index.lengths, index.indptr, index.indices, index.keys
    results = [np.zeros(len(firsts), dtype=np.float64) for _ in token_values]
    if len(firsts) == 0 or len(indices) == 0:
        return results
    if len(keys) == 0:
        # An index kept without its keys (the character n-grams'): the same sums by merging.
        return [shared_by_merge(index, firsts, seconds, values) for values in token_values]
    if by_probe:
        return [_shared_by_probe(index, firsts, seconds, values) for values in token_values]
    # Chunks hold about _COSINE_CHUNK looked-up tokens, not pairs: a character n-gram
    # set is a hundred entries where a word set is ten.
    walked = np.cumsum(np.minimum(lengths[firsts], lengths[seconds]))
    bounds = np.searchsorted(
        walked, np.arange(1, int(walked[-1]) // _COSINE_CHUNK + 1) * _COSINE_CHUNK
    )

    def sum_chunk(chunk: tuple[int, int]) -> None:
        begin, stop = chunk
        a = firsts[begin:stop]
        b = seconds[begin:stop]
        shorter = lengths[a] <= lengths[b]
        walk, probe = np.where(shorter, a, b), np.where(shorter, b, a)
        # Looked up in the order of the probed sentence, the wanted keys come nearly
        # sorted: searchsorted then walks the index in memory order instead of
        # jumping across it for every token (fewer cache misses, the same sums).
        order = np.argsort(probe, kind="stable")
        walk, probe = walk[order], probe[order]
        count = lengths[walk]
        total = int(count.sum())
        pair_of = np.repeat(np.arange(len(walk), dtype=np.int64), count)
        first_position = np.repeat(indptr[walk] - (np.cumsum(count) - count), count)
        tokens = indices[first_position + np.arange(total, dtype=np.int64)]
        wanted = probe[pair_of] * index.vocabulary + tokens
        found = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        hit = keys[found] == wanted
        # Only the shared tokens are summed (in the same order; the others added 0.0).
        pair_hit, token_hit = pair_of[hit], tokens[hit]
        for result, values in zip(results, token_values, strict=True):
            result[begin + order] = np.bincount(
                pair_hit, weights=values[token_hit], minlength=len(walk)
            )

    # A pair's sum lies within one chunk, and chunks write their own rows: the same
    # floats whether the chunks run one after another or side by side.
    chunks = [
        (int(begin), int(stop))
        for begin, stop in zip(np.r_[0, bounds], np.r_[bounds, len(firsts)], strict=True)
        if stop > begin
    ]
    in_order(sum_chunk, chunks)
    return results


def _shared_by_probe(
    index: TokenIndex,
    firsts: npt.NDArray[np.int64],
    seconds: npt.NDArray[np.int64],
    token_values: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """:func:`shared_weight` grouped by the probed side: one dense token mark per group.

    For document pairs (hundreds of partners per document, hundreds of words each)
    marking a document's words once beats a binary search in the whole index per word.

    The same sums in the same order as the binary-search path, so the same floats.
    """
    lengths, indptr, indices = index.lengths, index.indptr, index.indices
    result = np.zeros(len(firsts), dtype=np.float64)
    shorter = lengths[firsts] <= lengths[seconds]
    walk, probe = np.where(shorter, firsts, seconds), np.where(shorter, seconds, firsts)
    order = np.argsort(probe, kind="stable")
    ordered = probe[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    group_bounds = list(zip(starts.tolist(), np.r_[starts[1:], len(order)].tolist(), strict=True))

    def sum_groups(groups: Sequence[tuple[int, int]]) -> None:
        # Each run of groups marks with its own array: runs may go side by side.
        mark = np.zeros(index.vocabulary, dtype=bool)
        for begin, stop in groups:
            own = int(ordered[begin])
            own_tokens = indices[indptr[own] : indptr[own + 1]]
            mark[own_tokens] = True
            rows = order[begin:stop]
            group = walk[rows]
            count = lengths[group]
            total = int(count.sum())
            pair_of = np.repeat(np.arange(len(group), dtype=np.int64), count)
            first_position = np.repeat(indptr[group] - (np.cumsum(count) - count), count)
            tokens = indices[first_position + np.arange(total, dtype=np.int64)]
            # Only the shared tokens are summed (in the same order; the others added 0.0).
            hit = mark[tokens]
            result[rows] = np.bincount(
                pair_of[hit], weights=token_values[tokens[hit]], minlength=len(group)
            )
            mark[own_tokens] = False

    # Each group's sums are its own whatever runs beside it: the same floats on threads.
    step = max(1, -(-len(group_bounds) // (4 * threads())))
    in_order(sum_groups, [group_bounds[k : k + step] for k in range(0, len(group_bounds), step)])
    return result


# Looked-up (pair, token) keys per chunk of the merge path (about 32 bytes of
# temporaries each, per thread); with 32-bit keys, a chunk also stays below
# 2**31 / vocabulary pairs. A million: the same time as larger chunks, less peak.
_MERGE_CHUNK = 1_000_000
# Threads for the merge path: two cores' worth; more only adds temporaries.
_MERGE_THREADS = 2


def shared_by_merge(
    index: TokenIndex,
    firsts: npt.NDArray[np.int64],
    seconds: npt.NDArray[np.int64],
    token_values: npt.NDArray[np.float64],
    second_index: TokenIndex | None = None,
) -> npt.NDArray[np.float64]:
    """:func:`shared_weight` by sorting both sides' tokens per pair: no ``keys`` index needed.

    Each pair's two token lists (sorted) are laid side by side as ``pair · vocabulary
    + token``; after one stable sort a shared token is a key seen twice in a row.
    The concatenation is already sorted but for one seam per pair, which timsort
    merges in near-linear time: for character n-gram sets (a hundred entries per
    sentence) this beats a binary search in the whole corpus's index per entry.
    The sums run in token order, as the binary-search path's do over sorted sets.

    With ``second_index``, ``seconds`` are rows of that index (over the same
    vocabulary, rows sorted too): a clause or borrowed row against whole sentences.
    """
    if second_index is not None:
        return _shared_across(index, firsts, second_index, seconds, token_values)
    lengths, indptr, indices = index.lengths, index.indptr, index.indices
    result = np.zeros(len(firsts), dtype=np.float64)
    if len(firsts) == 0 or len(indices) == 0:
        return result
    vocabulary = max(index.vocabulary, 1)
    per_pair = lengths[firsts] + lengths[seconds]
    limit = max(1, (2**31 - 1) // vocabulary - 1)
    walked = np.cumsum(per_pair)
    chunks: list[tuple[int, int]] = []
    begin = 0
    while begin < len(firsts):
        # Up to _MERGE_CHUNK entries, and few enough pairs that the keys fit 32 bits.
        done = int(walked[begin - 1]) if begin else 0
        stop = int(np.searchsorted(walked, done + _MERGE_CHUNK, side="right"))
        stop = min(max(stop, begin + 1), begin + limit, len(firsts))
        chunks.append((begin, stop))
        begin = stop

    def merge(chunk: tuple[int, int]) -> None:
        begin, stop = chunk
        sides = np.empty(2 * (stop - begin), dtype=np.int64)
        sides[0::2], sides[1::2] = firsts[begin:stop], seconds[begin:stop]
        count = lengths[sides]
        total = int(count.sum())
        position = np.repeat(indptr[sides] - (np.cumsum(count) - count), count)
        position += np.arange(total, dtype=np.int64)
        keys = indices[position].astype(np.int32, copy=False)
        del position
        pair_base = np.arange(stop - begin, dtype=np.int32) * np.int32(vocabulary)
        keys += np.repeat(pair_base, per_pair[begin:stop])
        keys.sort(kind="stable")
        shared = keys[np.flatnonzero(keys[1:] == keys[:-1])]
        del keys
        result[begin:stop] = np.bincount(
            shared // vocabulary,
            weights=token_values[shared % vocabulary],
            minlength=stop - begin,
        )

    # numpy releases the GIL in these array operations: chunks run side by side on
    # threads (each writes its own rows), as rapidfuzz's cpdist does on all cores.
    with ThreadPoolExecutor(max_workers=_merge_threads(len(chunks))) as pool:
        for _ in pool.map(merge, chunks):
            pass
    return result


def _shared_across(
    first_index: TokenIndex,
    firsts: npt.NDArray[np.int64],
    second_index: TokenIndex,
    seconds: npt.NDArray[np.int64],
    token_values: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """:func:`shared_by_merge` with each side's rows in its own index.

    The first sides' keys, then the second sides', each block sorted: one stable
    sort merges the two runs, and a shared token is again a key seen twice.
    """
    result = np.zeros(len(firsts), dtype=np.float64)
    if len(firsts) == 0 or len(first_index.indices) == 0 or len(second_index.indices) == 0:
        return result
    vocabulary = max(first_index.vocabulary, second_index.vocabulary, 1)
    per_pair = first_index.lengths[firsts] + second_index.lengths[seconds]
    limit = max(1, (2**31 - 1) // vocabulary - 1)
    walked = np.cumsum(per_pair)
    chunks: list[tuple[int, int]] = []
    begin = 0
    while begin < len(firsts):
        done = int(walked[begin - 1]) if begin else 0
        stop = int(np.searchsorted(walked, done + _MERGE_CHUNK, side="right"))
        stop = min(max(stop, begin + 1), begin + limit, len(firsts))
        chunks.append((begin, stop))
        begin = stop

    def merge(chunk: tuple[int, int]) -> None:
        begin, stop = chunk
        blocks = []
        for index, rows in ((first_index, firsts[begin:stop]), (second_index, seconds[begin:stop])):
            count = index.lengths[rows]
            total = int(count.sum())
            position = np.repeat(index.indptr[rows] - (np.cumsum(count) - count), count)
            position += np.arange(total, dtype=np.int64)
            keys = index.indices[position].astype(np.int32)
            keys += np.repeat(np.arange(len(rows), dtype=np.int32) * np.int32(vocabulary), count)
            blocks.append(keys)
        keys = np.concatenate(blocks)
        del blocks
        keys.sort(kind="stable")
        shared = keys[np.flatnonzero(keys[1:] == keys[:-1])]
        result[begin:stop] = np.bincount(
            shared // vocabulary,
            weights=token_values[shared % vocabulary],
            minlength=stop - begin,
        )

    # Each chunk writes its own rows: the same sums on the threads of pair_threads.
    in_order(merge, chunks)
    return result


def _merge_threads(chunks: int) -> int:
    return max(1, min(chunks, os.cpu_count() or 1, _MERGE_THREADS))


def round_score(value: float) -> float:
    """Scores are stored with 4 decimals so that re-runs compare equal."""
    return math.floor(value * 10_000 + 0.5) / 10_000


# --- components for the fused score ----------------------------------------------------

COMPONENTS = ("words", "chars", "fuzzy", "numbers")
# The column of components() holding the pair's information (see factors()).
INFORMATION = 6
# Two figures this close (relative) are the same quantity reported approximately.
APPROXIMATE = 0.25
# Figures further apart than this factor clearly disagree.
CLEARLY_DIFFERENT = 1.5


def _supported(
    value: float, values: tuple[float, ...], ranges: tuple[tuple[float, float], ...]
) -> bool:
    for other in values:
        if abs(value - other) <= APPROXIMATE * max(abs(value), abs(other)):
            return True
    return any(low * (1 - APPROXIMATE) <= value <= high * (1 + APPROXIMATE) for low, high in ranges)


def _clearly_apart(value: float, values: tuple[float, ...]) -> bool:
    return all(
        max(abs(value), abs(other)) > CLEARLY_DIFFERENT * max(min(abs(value), abs(other)), 1e-9)
        for other in values
    )


def soft_numbers(
    first: tuple[float, ...],
    second: tuple[float, ...],
    first_ranges: tuple[tuple[float, float], ...] = (),
    second_ranges: tuple[tuple[float, float], ...] = (),
) -> float:
    """Share of figures the other side reports too, approximately; negative only when all differ.

    ``etwa 4.000`` and ``rund 4.500`` and ``4.000 bis 5.000`` support each other.
    When both state figures and none is within reach of the other's, and every
    pair differs by more than :data:`CLEARLY_DIFFERENT`, the value is -0.5.
    """
    if not first or not second:
        return 0.0
    supported = sum(_supported(v, second, second_ranges) for v in first) + sum(
        _supported(v, first, first_ranges) for v in second
    )
    if supported:
        return supported / (len(first) + len(second))
    if all(_clearly_apart(v, second) for v in first):
        return -0.5
    return 0.0


def word_overlap(
    corpus: LinkCorpus, pairs: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Each pair's word cosine and summed IDF of shared words (columns 0 and 4), in one lookup.

    The cheapest components: a caller can rank candidates by them and compute the
    rest (:func:`components` with ``words=``) only for the pairs worth it.
    """
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float64), np.zeros(0, dtype=np.float64)
    firsts, seconds = pairs[:, 0], pairs[:, 1]
    weights = np.asarray(corpus.weights, dtype=np.float64)
    dot, shared = shared_sums(corpus, firsts, seconds, [weights**2, weights])
    norms = np.asarray(corpus.norms, dtype=np.float64)
    denominator = norms[firsts] * norms[seconds]
    cosine = np.divide(dot, denominator, out=np.zeros_like(dot), where=denominator > 0)
    return cosine, shared


def components(
    corpus: LinkCorpus,
    pairs: npt.NDArray[np.int64],
    *,
    documents: bool = True,
    words: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None = None,
) -> npt.NDArray[np.float64]:
    """One row per pair, one column per :data:`COMPONENTS` entry, then three more.

    Column 4 is the summed IDF weight of the words both sentences have. Column 5
    is the cosine of the two whole documents (:func:`document_cosines`): whether
    the articles tell one story (left 0 with ``documents=False``, for a caller
    that fills it in later). Column 6 (:data:`INFORMATION`) is the information of
    the less informative sentence: how much evidence the similarity can rest on.
    ``words`` is :func:`word_overlap` of these pairs when the caller has it already.
    """
    result = np.zeros((len(pairs), len(COMPONENTS) + 3), dtype=np.float64)
    if len(pairs) == 0:
        return result
    firsts, seconds = pairs[:, 0], pairs[:, 1]
    carried = information(corpus)
    result[:, INFORMATION] = np.minimum(carried[firsts], carried[seconds])
    result[:, 0], result[:, 4] = word_overlap(corpus, pairs) if words is None else words
    grams = corpus.grams
    if grams is not None:
        # Sorting both n-gram sets per pair beats a binary search per gram (see
        # shared_by_merge) and needs no (sentence, gram) key index.
        result[:, 1] = _cosines(grams, firsts, seconds, by_merge=True)
    texts = corpus.sorted_texts()
    # Pair by pair in chunks: the texts are gathered and converted a chunk at a time.
    for begin in range(0, len(pairs), RATIO_CHUNK):
        stop = begin + RATIO_CHUNK
        result[begin:stop, 2] = pair_ratios(texts[firsts[begin:stop]], texts[seconds[begin:stop]])
    values, ranges = corpus.values, corpus.ranges
    has = np.fromiter((bool(v) for v in values), dtype=bool, count=len(values))
    both = np.flatnonzero(has[firsts] & has[seconds])
    # The same figures recur across the reports of a story: each combination once.
    agreement = functools.lru_cache(maxsize=1 << 16)(soft_numbers)
    result[both, 3] = [
        agreement(values[i], values[j], ranges[i], ranges[j])
        for i, j in zip(firsts[both].tolist(), seconds[both].tolist(), strict=True)
    ]
    # Anaphoric sentences with their context, dividing ones by their best clause.
    refine(corpus, pairs, result)
    if documents:
        result[:, 5] = document_cosines(corpus, pairs)
    return result


# Below this many documents the document factor is left out (it is 1).
STORY_MIN_DOCUMENTS = 5
# The numbers term's share of the fused similarity: figures corroborate, they do not decide.
NUMBERS_SHARE = 0.1
# Sharing this fraction of a median sentence's information gives 63% confidence.
EVIDENCE_SHARE = 0.25


def evidence_scale(corpus: LinkCorpus) -> float:
    """A quarter of the corpus's median sentence information (summed IDF of its words)."""
    if corpus.evidence is None:
        weights = np.asarray(corpus.weights, dtype=np.float64)
        totals = [float(weights[ids].sum()) if ids else 0.0 for ids in corpus.token_ids]
        corpus.evidence = max(1.0, EVIDENCE_SHARE * float(np.median(totals))) if totals else 1.0
    return corpus.evidence


def information(corpus: LinkCorpus) -> npt.NDArray[np.float64]:
    """Per sentence, the summed IDF of its words; borrowed context counts at its weight."""
    if corpus.information is None or len(corpus.information) != len(corpus):
        from store.linking.context import CONTEXT_WEIGHT

        weights = np.asarray(corpus.weights, dtype=np.float64)
        index = corpus.token_index()
        owners = np.repeat(np.arange(len(corpus), dtype=np.int64), index.lengths)
        totals: npt.NDArray[np.float64] = np.bincount(
            owners, weights=weights[index.indices], minlength=len(corpus)
        ).astype(np.float64)
        for sentence, tokens in corpus.borrowed.items():
            totals[sentence] += CONTEXT_WEIGHT * float(weights[tokens].sum())
        corpus.information = totals
        return totals
    return corpus.information


def factors(
    parts: npt.NDArray[np.float64], scale: float, *, story: bool = True
) -> npt.NDArray[np.float64]:
    """The multiplier of each pair's similarity: evidence, and the document factor."""
    result: npt.NDArray[np.float64] = 1.0 - np.exp(-parts[:, INFORMATION] / scale)
    if story:
        result = result * np.sqrt(np.clip(parts[:, 5], 0.0, 1.0))
    return result


def fused_scores(
    parts: npt.NDArray[np.float64],
    scale: float,
    *,
    story: bool = True,
    mix: tuple[float, float, float, float] = DEFAULT_WEIGHTS.mix,
) -> npt.NDArray[np.float64]:
    """The fused score of each row of :func:`components` (see the module docstring).

    With ``story=False``, without the document factor: the sentences' own
    likeness, which the storing floor is applied to.
    """
    return np.clip(mixed_scores(parts, factors(parts, scale, story=story), mix), 0.0, 1.0)


def mixed_scores(
    parts: npt.NDArray[np.float64],
    multiplier: npt.NDArray[np.float64],
    mix: tuple[float, float, float, float],
) -> npt.NDArray[np.float64]:
    """The similarity under ``mix``, clipped to [0, 1], times each pair's multiplier
    (:func:`factors`): the fused score for a multiplier already worked out."""
    similarity = parts[:, 0:4] @ np.asarray(mix, dtype=np.float64)
    result: npt.NDArray[np.float64] = np.clip(similarity, 0.0, 1.0) * multiplier
    return result


def shared_likeness(
    parts: npt.NDArray[np.float64], scale: float, mix: tuple[float, float, float, float]
) -> npt.NDArray[np.float64]:
    """The similarity times the evidence of the words the two sentences share.

    What the storing floor is applied to (before the document factor, the costly
    part): a pair sharing no word at all (0 here) is kept only as a pair of two
    related documents (:mod:`store.linking.document_pairs`), as before the score's
    evidence became the sentences' own information. That bounds the work at scale
    (almost any pair of sentences has a rapidfuzz likeness over the floor) without
    changing the score of a pair that is kept.
    """
    similarity = np.clip(parts[:, 0:4] @ np.asarray(mix, dtype=np.float64), 0.0, 1.0)
    return similarity * (1.0 - np.exp(-parts[:, 4] / scale))


def document_cosines(corpus: LinkCorpus, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """For each sentence pair, the IDF-weighted cosine of the two whole documents' word sets.

    Two reports of one event share much of their vocabulary; two unrelated articles
    that happen to hold alike sentences ("Das ist absurd.") do not.
    """
    result = np.zeros(len(pairs), dtype=np.float64)
    if len(pairs) == 0:
        return result
    documents = corpus.documents_view()
    if len(documents) < STORY_MIN_DOCUMENTS:
        # Document frequencies over a handful of articles say nothing: no factor.
        result[:] = 1.0
        return result
    positions = document_positions(corpus)
    # Each pair's (document, document) key, built in place; its distinct keys sorted and
    # each pair's place among them: np.unique's result with a third of its temporaries
    # (at 10,000 articles its return_inverse path was the memory peak of linking).
    pair_keys = positions[pairs[:, 0]]
    pair_keys *= len(documents)
    pair_keys += positions[pairs[:, 1]]
    keys = np.sort(pair_keys)
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    inverse = np.searchsorted(keys, pair_keys)
    del pair_keys
    unique_cosines = _cosines(
        documents, keys // len(documents), keys % len(documents), by_probe=True
    )
    # Cross-language cosines on the same-language scale (store.linking.languages).
    from store.linking.languages import cross_language_factors

    scaled = unique_cosines * cross_language_factors(
        corpus, keys // len(documents), keys % len(documents)
    )
    result[:] = np.minimum(scaled, 1.0)[inverse]
    return result
