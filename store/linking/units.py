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

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from store.linking.context import CONTEXT_WEIGHT
from store.linking.features import LinkCorpus, TokenIndex, UnitIndex
from store.linking.fuzzy import pair_ratios

Pairs = npt.NDArray[np.int64]
Parts = npt.NDArray[np.float64]
Floats = npt.NDArray[np.float64]
# Looked-up tokens at a time: bounds the temporary arrays (ten 8-byte arrays as long
# as a chunk; a million costs the same time as two and halves them).
_CHUNK = 1_000_000
# Pairs with a dividing side refined at a time.
_CLAUSE_BLOCK = 100_000


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
    if len(walk_rows) == 0 or len(probe.indices) == 0:
        return results
    if len(probe.keys) == 0:
        # An index kept without its keys (the sentences' n-grams, whose keys would
        # take as much memory again): merge each pair's two sorted rows instead.
        # The sums run in token order, as the lookup's do over sorted rows.
        from store.linking.score import shared_by_merge

        return [
            shared_by_merge(walk, walk_rows, probe_rows, value, second_index=probe)
            for value in values
        ]
    lengths = walk.lengths[walk_rows]
    walked = np.cumsum(lengths)
    bounds = np.searchsorted(walked, np.arange(1, int(walked[-1]) // _CHUNK + 1) * _CHUNK)
    for begin, stop in zip(np.r_[0, bounds], np.r_[bounds, len(walk_rows)], strict=True):
        if stop <= begin:
            continue
        # In the probed rows' order the wanted keys come nearly sorted, and the binary
        # searches walk the probed index in memory order (as score.shared_sums does).
        order = begin + np.argsort(probe_rows[begin:stop], kind="stable")
        rows, others, count = walk_rows[order], probe_rows[order], lengths[order]
        total = int(count.sum())
        pair_of = np.repeat(np.arange(len(rows), dtype=np.int64), count)
        first = np.repeat(walk.indptr[rows] - (np.cumsum(count) - count), count)
        tokens = walk.indices[first + np.arange(total, dtype=np.int64)]
        wanted = others[pair_of] * probe.vocabulary + tokens
        found = np.minimum(np.searchsorted(probe.keys, wanted), len(probe.keys) - 1)
        hit = probe.keys[found] == wanted
        # Only the shared tokens are summed (in the same order; the others added 0.0).
        pair_hit, token_hit = pair_of[hit], tokens[hit]
        for result, value in zip(results, values, strict=True):
            result[order] = np.bincount(pair_hit, weights=value[token_hit], minlength=len(rows))
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
    """Each pair with a dividing side takes the components of its best unit pair.

    The n-gram cosine and the figures, the costly parts, are computed only for unit
    pairs that could beat the whole pair: a clause's grams are a subset of its
    sentence's, so the whole pair's gram overlap bounds every clause pair's
    (:func:`_gram_bounds`), and the figures' term is at most 1.
    """
    counts = units.clause_count
    dividing = np.flatnonzero((counts[pairs[:, 0]] > 0) | (counts[pairs[:, 1]] > 0))
    # A block of pairs at a time bounds the unit-pair arrays (a few per pair).
    for begin in range(0, len(dividing), _CLAUSE_BLOCK):
        _best_clauses_of(corpus, units, pairs, parts, dividing[begin : begin + _CLAUSE_BLOCK])


def _best_clauses_of(
    corpus: LinkCorpus, units: UnitIndex, pairs: Pairs, parts: Parts, rows: Pairs
) -> None:
    """:func:`_best_clauses` for the pairs ``rows``."""
    from store.linking.score import INFORMATION, evidence_scale, fused_scores

    counts = units.clause_count
    scale = evidence_scale(corpus)
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
    del local, keep
    # Clause rows in the unit index, -1 for a whole sentence.
    sides = _Sides(
        units.first_clause[first[owner]] + unit_a - 1,
        units.first_clause[second[owner]] + unit_b - 1,
        first[owner],
        second[owner],
        unit_a > 0,
        unit_b > 0,
    )
    del unit_a, unit_b
    unit_parts = np.zeros((len(owner), parts.shape[1]), dtype=np.float64)
    # The evidence (INFORMATION column): what the less informative unit carries; a
    # clause carries less than its sentence.
    unit_parts[:, INFORMATION] = _unit_information(corpus, units, sides)
    weights = np.asarray(corpus.weights, dtype=np.float64)
    unit_parts[:, 0], unit_parts[:, 4] = _unit_cosine(
        sides,
        corpus.token_index(),
        np.asarray(corpus.norms, dtype=np.float64),
        units.words,
        units.word_norms,
        [weights**2, weights],
    )
    unit_parts[:, 2] = _unit_fuzzy(corpus, units, sides)
    current = fused_scores(parts[rows], scale, story=False)
    # Upper bounds of the costly parts first (n-grams, figures); computed exactly only
    # for the unit pairs whose bound beats their whole pair.
    grams = corpus.grams
    gram_norms = np.asarray(grams.norms if grams is not None else [], dtype=np.float64)
    bound = unit_parts.copy()
    if grams is not None:
        bound[:, 1] = _gram_bounds(corpus, units, sides, parts[rows[owner], 1], gram_norms)
    bound[:, 3] = _numbers_bound(corpus, units, sides, parts[rows[owner], 3])
    hopeful = np.flatnonzero(fused_scores(bound, scale, story=False) > current[owner])
    del bound
    likely = sides.subset(hopeful)
    unit_parts[hopeful, 3] = _unit_numbers(corpus, units, likely, parts[rows[owner[hopeful]], 3])
    if grams is not None:
        gram_weights = np.asarray(grams.weights, dtype=np.float64)
        (unit_parts[hopeful, 1],) = _unit_cosine(
            likely,
            grams.token_index(),
            gram_norms,
            units.grams,
            units.gram_norms,
            [gram_weights**2],
        )
    likeness = np.full(len(owner), -1.0)
    likeness[hopeful] = fused_scores(unit_parts[hopeful], scale, story=False)
    # The best unit pair of each refined pair: sorted by owner, best first.
    order = np.lexsort((-likeness, owner))
    heads = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    better = likeness[heads] > current[owner[heads]]
    parts[rows[owner[heads[better]]], :5] = unit_parts[heads[better], :5]


@dataclass(frozen=True, slots=True)
class _Sides:
    """Both sides of each unit pair: clause rows (where ``*_clause``) and their sentences."""

    clause_a: Pairs
    clause_b: Pairs
    sentence_a: Pairs
    sentence_b: Pairs
    a_clause: npt.NDArray[np.bool_]
    b_clause: npt.NDArray[np.bool_]

    def subset(self, selected: Pairs) -> _Sides:
        return _Sides(
            self.clause_a[selected],
            self.clause_b[selected],
            self.sentence_a[selected],
            self.sentence_b[selected],
            self.a_clause[selected],
            self.b_clause[selected],
        )

    def norms(self, whole: Floats, clause: Floats) -> tuple[Floats, Floats]:
        return (
            np.where(self.a_clause, clause[np.maximum(self.clause_a, 0)], whole[self.sentence_a]),
            np.where(self.b_clause, clause[np.maximum(self.clause_b, 0)], whole[self.sentence_b]),
        )


def _unit_cosine(
    sides: _Sides,
    whole: TokenIndex,
    whole_norms: Floats,
    clauses: TokenIndex,
    clause_norms: Floats,
    values: list[Floats],
) -> list[Floats]:
    """The cosine (first of ``values``) and further overlap sums of each unit pair."""
    sums = [np.zeros(len(sides.clause_a), dtype=np.float64) for _ in values]
    a, b = sides.a_clause, sides.b_clause
    for selected, walk_rows, probe, probe_rows in (
        (np.flatnonzero(a & ~b), sides.clause_a, whole, sides.sentence_b),
        (np.flatnonzero(~a & b), sides.clause_b, whole, sides.sentence_a),
        (np.flatnonzero(a & b), sides.clause_a, clauses, sides.clause_b),
    ):
        found = cross_sums(clauses, walk_rows[selected], probe, probe_rows[selected], values)
        for total, part in zip(sums, found, strict=True):
            total[selected] = part
    norm_a, norm_b = sides.norms(whole_norms, clause_norms)
    denominator = norm_a * norm_b
    sums[0] = np.divide(sums[0], denominator, out=np.zeros_like(sums[0]), where=denominator > 0)
    return sums


def _gram_bounds(
    corpus: LinkCorpus, units: UnitIndex, sides: _Sides, whole_cosine: Floats, gram_norms: Floats
) -> Floats:
    """An upper bound of each unit pair's n-gram cosine, from its whole pair's.

    A clause's grams are among its sentence's, so the grams two units share are
    among those the two sentences share: their overlap is at most the whole pair's
    (cosine times norms), and at most the smaller unit's own. With borrowed context
    the whole cosine is not the plain one, and the bound is 1.
    """
    norm_a, norm_b = sides.norms(gram_norms, units.gram_norms)
    overlap = whole_cosine * gram_norms[sides.sentence_a] * gram_norms[sides.sentence_b]
    # Nor can two sets share more than the smaller one holds.
    overlap = np.minimum(overlap, np.minimum(norm_a, norm_b) ** 2)
    denominator = norm_a * norm_b
    bound = np.divide(overlap, denominator, out=np.ones_like(overlap), where=denominator > 0)
    borrowed = units.borrowed_row
    context = (borrowed[sides.sentence_a] >= 0) | (borrowed[sides.sentence_b] >= 0)
    # Float round-off must never cut a unit pair the bound should keep, hence the slack.
    return np.where(context, 1.0, np.minimum(bound * (1 + 1e-9), 1.0))


def _unit_information(corpus: LinkCorpus, units: UnitIndex, sides: _Sides) -> Floats:
    """The information of the less informative side of each unit pair (see score.information)."""
    from store.linking.score import information

    weights = np.asarray(corpus.weights, dtype=np.float64)
    rows = len(units.words.lengths)
    owners = np.repeat(np.arange(rows, dtype=np.int64), units.words.lengths)
    own = np.bincount(owners, weights=weights[units.words.indices], minlength=rows)
    whole = information(corpus)
    first = np.where(sides.a_clause, own[np.maximum(sides.clause_a, 0)], whole[sides.sentence_a])
    second = np.where(sides.b_clause, own[np.maximum(sides.clause_b, 0)], whole[sides.sentence_b])
    result: Floats = np.minimum(first, second)
    return result


def _unit_fuzzy(corpus: LinkCorpus, units: UnitIndex, sides: _Sides) -> Floats:
    sorted_texts = corpus.sorted_texts()
    text_a = np.where(
        sides.a_clause, units.texts[np.maximum(sides.clause_a, 0)], sorted_texts[sides.sentence_a]
    )
    text_b = np.where(
        sides.b_clause, units.texts[np.maximum(sides.clause_b, 0)], sorted_texts[sides.sentence_b]
    )
    return pair_ratios(text_a, text_b)


def _numbers_bound(corpus: LinkCorpus, units: UnitIndex, sides: _Sides, whole: Floats) -> Floats:
    """An upper bound of each unit pair's number term (:func:`_unit_numbers`), cheaply.

    Exact where both units keep their sentences' figures (the whole pair's term) or
    one states none (0); otherwise the term's maximum, 1.
    """
    keeps, has_a, has_b = _figure_sides(corpus, units, sides)
    return np.where(keeps, whole, np.where(has_a & has_b, 1.0, 0.0))


def _figure_sides(
    corpus: LinkCorpus, units: UnitIndex, sides: _Sides
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per unit pair: both units keep all their sentences' figures; each side states some."""
    same = np.zeros(len(units.values), dtype=bool)
    has_clause = np.zeros(len(units.values), dtype=bool)
    for sentence in np.flatnonzero(units.clause_count).tolist():
        begin = int(units.first_clause[sentence])
        for row in range(begin, begin + int(units.clause_count[sentence])):
            has_clause[row] = bool(units.values[row])
            same[row] = (units.values[row], units.ranges[row]) == (
                corpus.values[sentence],
                corpus.ranges[sentence],
            )
    has_whole = np.fromiter((bool(v) for v in corpus.values), dtype=bool, count=len(corpus))
    clause_a, clause_b = np.maximum(sides.clause_a, 0), np.maximum(sides.clause_b, 0)
    keeps = np.where(sides.a_clause, same[clause_a], True) & np.where(
        sides.b_clause, same[clause_b], True
    )
    has_a = np.where(sides.a_clause, has_clause[clause_a], has_whole[sides.sentence_a])
    has_b = np.where(sides.b_clause, has_clause[clause_b], has_whole[sides.sentence_b])
    return keeps, has_a, has_b


def _unit_numbers(corpus: LinkCorpus, units: UnitIndex, sides: _Sides, whole: Floats) -> Floats:
    """Soft number agreement of each unit pair; the whole pair's where both keep all figures."""
    from store.linking.score import soft_numbers

    keeps, has_a, has_b = _figure_sides(corpus, units, sides)
    result = np.where(keeps, whole, 0.0)
    for k in np.flatnonzero(~keeps & has_a & has_b).tolist():
        va, ra = _figures(corpus, units, int(sides.sentence_a[k]), int(sides.clause_a[k]))
        vb, rb = _figures(corpus, units, int(sides.sentence_b[k]), int(sides.clause_b[k]))
        result[k] = soft_numbers(va, vb, ra, rb)
    return result


def _figures(
    corpus: LinkCorpus, units: UnitIndex, sentence: int, clause: int
) -> tuple[tuple[float, ...], tuple[tuple[float, float], ...]]:
    if clause >= 0:
        return units.values[clause], units.ranges[clause]
    return corpus.values[sentence], corpus.ranges[sentence]
