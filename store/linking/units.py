"""Scoring a pair of sentences through their other views: context and clauses.

:func:`store.linking.score.components` scores each candidate pair of whole
sentences, then calls :func:`refine`, which changes only the pairs where it can
matter:

| view    | pairs refined                        | what changes                          |
|---------|--------------------------------------|---------------------------------------|
| context | a side opens with an anaphor         | word and n-gram cosines, evidence     |
| clauses | a side divides into clauses          | all components, from the best unit    |

Context (:mod:`store.linking.context`): the anaphoric sentence's vector is
``u = (1 - α)·O + α·U`` with ``O`` its own weighted token set and ``U`` the same
plus the borrowed tokens (``O ⊆ U``), so borrowed tokens count ``α`` and own
tokens 1. Dot products of such vectors are sums of set overlaps, computed with
the score module's own lookups on a small corpus of the ``O`` and ``U`` rows of
the sentences involved.

Clauses (:mod:`store.linking.clauses`): each side is the whole sentence or one of
its clauses; every combination except whole-with-whole is scored like a
sentence pair, and the pair keeps the components of the combination whose
likeness (the fused score without the document factor) is highest. The whole
pair keeps its own components when no clause does better. Clause vectors are
built only for the sentences of refined pairs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from store.linking.context import CONTEXT_WEIGHT
from store.linking.features import LinkCorpus, view_corpus

Pairs = npt.NDArray[np.int64]
Parts = npt.NDArray[np.float64]


def refine(corpus: LinkCorpus, pairs: Pairs, parts: Parts) -> None:
    """Rewrite the rows of ``parts`` (see :func:`~store.linking.score.components`) in place."""
    if len(pairs) == 0:
        return
    if corpus.borrowed:
        _with_context(corpus, pairs, parts)
    if corpus.clauses:
        _best_clauses(corpus, pairs, parts)


def _marked(corpus: LinkCorpus, sentences: object) -> npt.NDArray[np.bool_]:
    mark = np.zeros(len(corpus), dtype=bool)
    mark[np.fromiter(sentences, dtype=np.int64)] = True  # type: ignore[call-overload]
    return mark


def _with_context(corpus: LinkCorpus, pairs: Pairs, parts: Parts) -> None:
    """Word and n-gram cosines and evidence with anaphoric sentences' context."""
    mark = _marked(corpus, corpus.borrowed)
    rows = np.flatnonzero(mark[pairs[:, 0]] | mark[pairs[:, 1]])
    if len(rows) == 0:
        return
    involved, inverse = np.unique(pairs[rows], return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    # Row 2k: sentence k's own tokens (O); row 2k + 1: with the borrowed ones (U).
    token_rows: list[list[int]] = []
    for sentence in involved.tolist():
        own = corpus.token_ids[sentence]
        token_rows.append(own)
        token_rows.append(own + corpus.borrowed.get(sentence, []))
    view = view_corpus(corpus, token_rows)
    own_a, own_b = 2 * inverse[:, 0], 2 * inverse[:, 1]
    weights = np.asarray(corpus.weights, dtype=np.float64)
    dot, evidence = _blend(view, own_a, own_b, [weights**2, weights])
    words_norm = _norms(view, own_a), _norms(view, own_b)
    parts[rows, 0] = _cosine(dot, *words_norm)
    parts[rows, 4] = evidence
    grams = view.grams
    if grams is not None:
        gram_weights = np.asarray(grams.weights, dtype=np.float64)
        (gram_dot,) = _blend(grams, own_a, own_b, [gram_weights**2])
        parts[rows, 1] = _cosine(gram_dot, _norms(grams, own_a), _norms(grams, own_b))


def _blend(
    view: LinkCorpus, own_a: Pairs, own_b: Pairs, values: list[npt.NDArray[np.float64]]
) -> list[npt.NDArray[np.float64]]:
    """Sums over shared tokens of ``(1-α)O + αU`` on both sides, for each of ``values``."""
    from store.linking.score import shared_sums  # score imports this module

    alpha = CONTEXT_WEIGHT
    oo = shared_sums(view, own_a, own_b, values)
    ou = shared_sums(view, own_a, own_b + 1, values)
    uo = shared_sums(view, own_a + 1, own_b, values)
    uu = shared_sums(view, own_a + 1, own_b + 1, values)
    return [
        (1 - alpha) ** 2 * a + alpha * (1 - alpha) * (b + c) + alpha**2 * d
        for a, b, c, d in zip(oo, ou, uo, uu, strict=True)
    ]


def _norms(view: LinkCorpus, own: Pairs) -> npt.NDArray[np.float64]:
    """The norm of ``(1-α)O + αU``: own tokens at 1, borrowed ones at α (O ⊆ U)."""
    norms = np.asarray(view.norms, dtype=np.float64)
    alpha = CONTEXT_WEIGHT
    squared = (1 - alpha**2) * norms[own] ** 2 + alpha**2 * norms[own + 1] ** 2
    return np.sqrt(squared)


def _cosine(
    dot: npt.NDArray[np.float64], first: npt.NDArray[np.float64], second: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    denominator = first * second
    return np.divide(dot, denominator, out=np.zeros_like(dot), where=denominator > 0)


def _best_clauses(corpus: LinkCorpus, pairs: Pairs, parts: Parts) -> None:
    """Each pair with a dividing side takes the components of its best unit pair."""
    from store.linking.score import components, evidence_scale, fused_scores

    mark = _marked(corpus, corpus.clauses)
    rows = np.flatnonzero(mark[pairs[:, 0]] | mark[pairs[:, 1]])
    if len(rows) == 0:
        return
    involved, inverse = np.unique(pairs[rows], return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    # Units of each involved sentence: the whole sentence first, then its clauses.
    token_rows: list[list[int]] = []
    texts: list[str] = []
    values: list[tuple[float, ...]] = []
    ranges: list[tuple[tuple[float, float], ...]] = []
    first_unit = np.zeros(len(involved), dtype=np.int64)
    unit_count = np.zeros(len(involved), dtype=np.int64)
    for position, sentence in enumerate(involved.tolist()):
        first_unit[position] = len(token_rows)
        token_rows.append(corpus.token_ids[sentence])
        texts.append(corpus.texts[sentence])
        values.append(corpus.values[sentence])
        ranges.append(corpus.ranges[sentence])
        for clause in corpus.clauses.get(sentence, ()):
            token_rows.append(list(clause.token_ids))
            texts.append(clause.text)
            values.append(clause.values)
            ranges.append(clause.ranges)
        unit_count[position] = len(token_rows) - first_unit[position]
    view = view_corpus(corpus, token_rows, texts, values, ranges)
    left, right = inverse[:, 0], inverse[:, 1]
    count_a, count_b = unit_count[left], unit_count[right]
    combinations = count_a * count_b
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), combinations)
    local = np.arange(int(combinations.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(combinations) - combinations, combinations
    )
    unit_a = first_unit[left][owner] + local // count_b[owner]
    unit_b = first_unit[right][owner] + local % count_b[owner]
    # Whole with whole is the pair's own row already.
    keep = local > 0
    owner, unit_a, unit_b = owner[keep], unit_a[keep], unit_b[keep]
    unit_parts = components(view, np.stack([unit_a, unit_b], axis=1), documents=False)
    scale = evidence_scale(corpus)
    likeness = fused_scores(unit_parts, scale, story=False)
    # The best unit pair of each refined pair: sorted by owner, best first.
    order = np.lexsort((-likeness, owner))
    heads = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    best_rows = rows[owner[heads]]
    current = fused_scores(parts[best_rows], scale, story=False)
    better = likeness[heads] > current
    parts[best_rows[better], :5] = unit_parts[heads[better], :5]
