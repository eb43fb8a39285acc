"""Scoring a pair of sentences through their other views: context and clauses.

:func:`store.linking.score.components` scores each candidate pair of whole
sentences, then calls :func:`refine`, which changes only the pairs where it can
matter:

| view    | pairs refined                        | what changes                          |
|---------|--------------------------------------|---------------------------------------|
| context | a side opens with an anaphor         | word and n-gram cosines, evidence     |
| clauses | a side divides into clauses          | all components, from the best unit    |

Context (:mod:`store.linking.context`): the anaphoric sentence's vector is its
own weighted tokens ``O`` plus ``α`` times the borrowed ones ``B`` (disjoint from
``O``), so ``u·v = O·O' + α(B·O' + O·B') + α²B·B'`` and ``|u|² = |O|² + α²|B|²``.
``O·O'`` is the whole-sentence row already computed; the other overlaps are
looked up for the few borrowed tokens only.

Clauses (:mod:`store.linking.clauses`): each side is the whole sentence or one of
its clauses; every combination except whole-with-whole is scored like a
sentence pair, and the pair keeps the components of the combination whose
likeness (the fused score without the document factor) is highest; it keeps its
own when no clause does better. The clause and borrowed rows live in one small
index built with the corpus (:class:`~store.linking.features.UnitIndex`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from store.linking.context import CONTEXT_WEIGHT
from store.linking.features import LinkCorpus, TokenIndex, UnitIndex

Pairs = npt.NDArray[np.int64]
Parts = npt.NDArray[np.float64]
Floats = npt.NDArray[np.float64]
# Looked-up tokens at a time: bounds the temporary arrays.
_CHUNK = 2_000_000


def refine(corpus: LinkCorpus, pairs: Pairs, parts: Parts) -> None:
    """Rewrite the rows of ``parts`` (see :func:`~store.linking.score.components`) in place."""
    units = corpus.units
    if units is None or len(pairs) == 0:
        return
    if corpus.borrowed:
        _with_context(corpus, units, pairs, parts)
    if corpus.clauses:
        _best_clauses(corpus, units, pairs, parts)


def cross_sums(
    walk: TokenIndex,
    walk_rows: Pairs,
    probe: TokenIndex,
    probe_rows: Pairs,
    values: list[Floats],
) -> list[Floats]:
    """For each row pair, the sum of ``values`` over the tokens both rows have.

    Row ``walk_rows[k]`` of ``walk`` against row ``probe_rows[k]`` of ``probe`` (two
    indexes over one vocabulary): the walked row's tokens are looked up in the
    probed index. Walk the shorter side (a clause, a borrowed row).
    """
    results = [np.zeros(len(walk_rows), dtype=np.float64) for _ in values]
    if len(walk_rows) == 0 or len(probe.keys) == 0:
        return results
    lengths = walk.lengths[walk_rows]
    walked = np.cumsum(lengths)
    bounds = np.searchsorted(walked, np.arange(1, int(walked[-1]) // _CHUNK + 1) * _CHUNK)
    for begin, stop in zip(np.r_[0, bounds], np.r_[bounds, len(walk_rows)], strict=True):
        if stop <= begin:
            continue
        rows, others, count = walk_rows[begin:stop], probe_rows[begin:stop], lengths[begin:stop]
        total = int(count.sum())
        pair_of = np.repeat(np.arange(len(rows), dtype=np.int64), count)
        first = np.repeat(walk.indptr[rows] - (np.cumsum(count) - count), count)
        tokens = walk.indices[first + np.arange(total, dtype=np.int64)]
        wanted = others[pair_of] * probe.vocabulary + tokens
        found = np.minimum(np.searchsorted(probe.keys, wanted), len(probe.keys) - 1)
        hit = probe.keys[found] == wanted
        for result, value in zip(results, values, strict=True):
            shared = np.where(hit, value[tokens], 0.0)
            result[begin:stop] = np.bincount(pair_of, weights=shared, minlength=len(rows))
    return results


def _with_context(corpus: LinkCorpus, units: UnitIndex, pairs: Pairs, parts: Parts) -> None:
    """Word and n-gram cosines and evidence with anaphoric sentences' borrowed tokens."""
    borrowed = units.borrowed_row
    rows = np.flatnonzero((borrowed[pairs[:, 0]] >= 0) | (borrowed[pairs[:, 1]] >= 0))
    if len(rows) == 0:
        return
    first, second = pairs[rows, 0], pairs[rows, 1]
    alpha = CONTEXT_WEIGHT
    grams = corpus.grams
    weights = np.asarray(corpus.weights, dtype=np.float64)
    norms = np.asarray(corpus.norms, dtype=np.float64)
    words_index = corpus.token_index()
    # (index of whole sentences, its norms, values, the unit index's rows and norms)
    layers: list[tuple[int, TokenIndex, Floats, list[Floats], TokenIndex, Floats]] = [
        (0, words_index, norms, [weights**2, weights], units.words, units.word_norms)
    ]
    if grams is not None:
        gram_weights = np.asarray(grams.weights, dtype=np.float64)
        layers.append(
            (
                1,
                grams.token_index(),
                np.asarray(grams.norms, dtype=np.float64),
                [gram_weights**2],
                units.grams,
                units.gram_norms,
            )
        )
    for column, whole, whole_norms, values, extra, extra_norms in layers:
        norm_a, norm_b = whole_norms[first], whole_norms[second]
        sums = [parts[rows, column] * norm_a * norm_b]
        if column == 0:
            sums.append(parts[rows, 4].copy())
        for own, other in ((first, second), (second, first)):
            row = borrowed[own]
            has = np.flatnonzero(row >= 0)
            found = cross_sums(extra, row[has], whole, other[has], values)
            for total, part in zip(sums, found, strict=True):
                total[has] += alpha * part
        both = np.flatnonzero((borrowed[first] >= 0) & (borrowed[second] >= 0))
        found = cross_sums(extra, borrowed[first][both], extra, borrowed[second][both], values)
        for total, part in zip(sums, found, strict=True):
            total[both] += alpha**2 * part
        extra_a = np.where(borrowed[first] >= 0, extra_norms[np.maximum(borrowed[first], 0)], 0.0)
        extra_b = np.where(borrowed[second] >= 0, extra_norms[np.maximum(borrowed[second], 0)], 0.0)
        denominator = np.sqrt(norm_a**2 + alpha**2 * extra_a**2) * np.sqrt(
            norm_b**2 + alpha**2 * extra_b**2
        )
        parts[rows, column] = np.divide(
            sums[0], denominator, out=np.zeros_like(sums[0]), where=denominator > 0
        )
        if column == 0:
            parts[rows, 4] = sums[1]


def _best_clauses(corpus: LinkCorpus, units: UnitIndex, pairs: Pairs, parts: Parts) -> None:
    """Each pair with a dividing side takes the components of its best unit pair."""
    from store.linking.score import evidence_scale, fused_scores, soft_numbers

    counts = units.clause_count
    rows = np.flatnonzero((counts[pairs[:, 0]] > 0) | (counts[pairs[:, 1]] > 0))
    if len(rows) == 0:
        return
    first, second = pairs[rows, 0], pairs[rows, 1]
    # Unit k of a sentence: 0 the whole sentence, k >= 1 its clause k - 1.
    units_a, units_b = counts[first] + 1, counts[second] + 1
    combinations = units_a * units_b
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), combinations)
    local = np.arange(int(combinations.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(combinations) - combinations, combinations
    )
    keep = local > 0  # whole with whole is the pair's own row already
    owner, local = owner[keep], local[keep]
    unit_a = local // units_b[owner]
    unit_b = local % units_b[owner]
    # Clause rows in the unit index, -1 for a whole sentence.
    clause_a = np.where(unit_a > 0, units.first_clause[first[owner]] + unit_a - 1, -1)
    clause_b = np.where(unit_b > 0, units.first_clause[second[owner]] + unit_b - 1, -1)
    sentence_a, sentence_b = first[owner], second[owner]
    unit_parts = np.zeros((len(owner), 5), dtype=np.float64)
    weights = np.asarray(corpus.weights, dtype=np.float64)
    grams = corpus.grams
    layers: list[tuple[int, TokenIndex, Floats, list[Floats], TokenIndex, Floats]] = [
        (
            0,
            corpus.token_index(),
            np.asarray(corpus.norms, dtype=np.float64),
            [weights**2, weights],
            units.words,
            units.word_norms,
        )
    ]
    if grams is not None:
        gram_weights = np.asarray(grams.weights, dtype=np.float64)
        layers.append(
            (
                1,
                grams.token_index(),
                np.asarray(grams.norms, dtype=np.float64),
                [gram_weights**2],
                units.grams,
                units.gram_norms,
            )
        )
    a_clause, b_clause = clause_a >= 0, clause_b >= 0
    cases = (
        (np.flatnonzero(a_clause & ~b_clause), clause_a, "whole", sentence_b),
        (np.flatnonzero(~a_clause & b_clause), clause_b, "whole", sentence_a),
        (np.flatnonzero(a_clause & b_clause), clause_a, "clause", clause_b),
    )
    for column, whole, whole_norms, values, extra, extra_norms in layers:
        norm_a = np.where(a_clause, extra_norms[np.maximum(clause_a, 0)], whole_norms[sentence_a])
        norm_b = np.where(b_clause, extra_norms[np.maximum(clause_b, 0)], whole_norms[sentence_b])
        dot = np.zeros(len(owner), dtype=np.float64)
        evidence = np.zeros(len(owner), dtype=np.float64)
        for selected, walk_rows, kind, probe_rows in cases:
            probe = whole if kind == "whole" else extra
            found = cross_sums(extra, walk_rows[selected], probe, probe_rows[selected], values)
            dot[selected] = found[0]
            if column == 0:
                evidence[selected] = found[1]
        denominator = norm_a * norm_b
        unit_parts[:, column] = np.divide(
            dot, denominator, out=np.zeros_like(dot), where=denominator > 0
        )
        if column == 0:
            unit_parts[:, 4] = evidence
    sorted_texts = corpus.sorted_texts()
    text_a = np.where(a_clause, units.texts[np.maximum(clause_a, 0)], sorted_texts[sentence_a])
    text_b = np.where(b_clause, units.texts[np.maximum(clause_b, 0)], sorted_texts[sentence_b])
    unit_parts[:, 2] = (
        process.cpdist(text_a, text_b, scorer=fuzz.ratio, workers=-1, dtype=np.float64) / 100.0
    )
    has_whole = np.fromiter((bool(v) for v in corpus.values), dtype=bool, count=len(corpus))
    has_clause = np.fromiter((bool(v) for v in units.values), dtype=bool, count=len(units.values))
    has_a = np.where(a_clause, has_clause[np.maximum(clause_a, 0)], has_whole[sentence_a])
    has_b = np.where(b_clause, has_clause[np.maximum(clause_b, 0)], has_whole[sentence_b])
    for k in np.flatnonzero(has_a & has_b).tolist():
        va, ra = _figures(corpus, units, int(sentence_a[k]), int(clause_a[k]))
        vb, rb = _figures(corpus, units, int(sentence_b[k]), int(clause_b[k]))
        unit_parts[k, 3] = soft_numbers(va, vb, ra, rb)
    scale = evidence_scale(corpus)
    likeness = fused_scores(unit_parts, scale, story=False)
    # The best unit pair of each refined pair: sorted by owner, best first.
    order = np.lexsort((-likeness, owner))
    heads = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    best_rows = rows[owner[heads]]
    current = fused_scores(parts[best_rows], scale, story=False)
    better = likeness[heads] > current
    parts[best_rows[better], :5] = unit_parts[heads[better], :5]


def _figures(
    corpus: LinkCorpus, units: UnitIndex, sentence: int, clause: int
) -> tuple[tuple[float, ...], tuple[tuple[float, float], ...]]:
    if clause >= 0:
        return units.values[clause], units.ranges[clause]
    return corpus.values[sentence], corpus.ranges[sentence]
