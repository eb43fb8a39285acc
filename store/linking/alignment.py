"""What accepted links say about the other sentences of the same two documents.

| caller                                          | calls                    |
|-------------------------------------------------|--------------------------|
| :func:`store.linking.suggest.compute_suggestions` | :func:`placed_scores`    |
| :func:`store.linking.decisions.suggestions_for` | :func:`placed_scores`    |
| ``benchmarks/link_learning.py``                 | :func:`decision_flags`, :func:`apply_flags` |

Two signals from the annotator's decisions, not from the text, each reshaping a
pair's score. Both read the accepted links and the links they imply: sentences joined
by a chain of accepted links through other documents report one fact, so an annotator
who linked each report to one other gives every pair of those documents anchors.

- *Taken*: a sentence already accepted as the partner of another sentence of my
  document is seldom mine too. A report states a fact once; a sentence carrying two
  facts is why this lowers the score instead of excluding the pair.
- *Window*: two reports of one story tell their facts in a similar order, so my
  sentence most likely pairs with a sentence inside the window its document's
  accepted links leave in the partner's document: between the partners of the
  anchors before and after it, or, past the first or last anchor, between that
  anchor's partner and the document's edge. The narrower the window, the more it
  says: a partner inside a window of ``w`` sentences has its score raised to
  ``1 - (1 - score) ** (1 + WINDOW / w)``: about ``1 + WINDOW / w`` times a low
  score, never past 1, so two boosted partners keep their order instead of both
  being cut to 1 (a window of one sentence all but names the partner; one of
  twenty barely moves it).

Reweighting the score's components learned nothing that held out on the
development gold (README, "Learning from decisions"); these two do, because they
carry information the components cannot: where the annotator has already matched.
The factors are chosen by nested cross-validation over facts in
``benchmarks/link_learning.py``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from store.linking.chains import Chains

# A partner already taken by another sentence of my document (see module docstring).
# Chosen inside the training half in 7 of 10 splits (the others: 0.5).
TAKEN = 0.25
# The weight of the window a partner lies in (see the module docstring).
WINDOW = 2.0
# A partner outside the window its anchors leave, where they leave one: kept at full
# score unless measured otherwise (see benchmarks/link_learning.py).
OUTSIDE = 1.0
# A chain of accepted links joining more sentences than this implies none of its
# missing pairs (see implied_pairs): a fact is seldom reported that often, and a
# giant chain is more likely multi-fact sentences bridging facts than one fact.
IMPLIED_LIMIT = 40

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def placed_scores(
    scores: Floats,
    document: Ints,
    accepted: Iterable[tuple[int, int]],
    pairs: Ints,
    *,
    taken: float = TAKEN,
    window: float = WINDOW,
) -> Floats:
    """``scores`` of ``pairs`` (sentence indexes) reshaped by the ``accepted`` index pairs
    and the pairs they imply (:func:`implied_pairs`).

    ``document`` gives each sentence's document (any integer id); a document's
    sentences are contiguous and in text order. Pairs of two documents with no
    accepted or implied link between them keep their score.
    """
    implied = implied_pairs(document, accepted)
    return apply_flags(scores, decision_flags(document, implied, pairs), taken, window)


def implied_pairs(
    document: Ints, accepted: Iterable[tuple[int, int]], *, limit: int = IMPLIED_LIMIT
) -> list[tuple[int, int]]:
    """The ``accepted`` pairs and those they imply: sentences of different documents joined
    by a chain of accepted links report one fact, as the fact clusters say.

    An annotator seldom links every report of a fact with every other; linking each to
    one is enough for the clusters, and then the documents never linked directly get
    their anchors from the chain. A chain of more than ``limit`` sentences keeps its
    direct links only.
    """
    chains = Chains()
    direct = [(int(first), int(second)) for first, second in accepted]
    for first, second in direct:
        chains.join(first, second)
    found = {(min(pair), max(pair)) for pair in direct}
    for members in chains.members():
        if len(members) > limit:
            continue
        members.sort()
        found.update(
            (one, other)
            for at, one in enumerate(members)
            for other in members[at + 1 :]
            if document[one] != document[other]
        )
    return sorted(found)


# Per pair: whether a partner is taken, the width of the narrowest window that holds it
# (0: none), and whether the anchors leave a window that does not hold it.
Flags = tuple[npt.NDArray[np.bool_], Ints, npt.NDArray[np.bool_]]


def apply_flags(
    scores: Floats,
    flags: Flags,
    taken: float = TAKEN,
    window: float = WINDOW,
    outside: float = OUTSIDE,
) -> Floats:
    """:func:`placed_scores` from :func:`decision_flags`' flags (a caller trying several
    factors for one set of decisions finds the flags once)."""
    is_taken, width, is_outside = flags
    lowered = np.where(is_taken, scores * taken, scores)
    lowered = np.clip(np.where(is_outside, lowered * outside, lowered), 0.0, 1.0)
    power = 1.0 + window / np.maximum(width, 1)
    # Only inside a window: 1 - (1 - s) ** 1 is not exactly s in floating point.
    placed: Floats = np.where(width > 0, 1.0 - (1.0 - lowered) ** power, lowered)
    return placed


def decision_flags(document: Ints, accepted: Iterable[tuple[int, int]], pairs: Ints) -> Flags:
    """For each pair: whether a partner is taken, the width of its window, and whether it
    lies outside the window its anchors leave."""
    is_taken = np.zeros(len(pairs), dtype=bool)
    width = np.zeros(len(pairs), dtype=np.int64)
    is_outside = np.zeros(len(pairs), dtype=bool)
    # (sentence, other document) -> the sentence's accepted partners there.
    partners: dict[tuple[int, int], set[int]] = {}
    # (document, other document) -> accepted (sentence, partner), in text order.
    anchors: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for first, second in accepted:
        for one, other in ((int(first), int(second)), (int(second), int(first))):
            partners.setdefault((one, int(document[other])), set()).add(other)
            anchors.setdefault((int(document[one]), int(document[other])), []).append((one, other))
    if not anchors or len(pairs) == 0:
        return is_taken, width, is_outside
    # Each document's first and last sentence (a document's sentences are contiguous).
    starts = np.flatnonzero(np.r_[True, document[1:] != document[:-1]])
    edges = {
        int(document[start]): (int(start), int(end) - 1)
        for start, end in zip(starts, [*starts[1:], len(document)], strict=True)
    }
    for found in anchors.values():
        found.sort()
    firsts, seconds = pairs[:, 0], pairs[:, 1]
    span = int(document.max()) + 1
    linked = np.asarray([a * span + b for a, b in anchors], dtype=np.int64)
    rows = np.flatnonzero(np.isin(document[firsts] * span + document[seconds], linked))
    nobody: set[int] = set()
    for row in rows.tolist():
        one, other = int(firsts[row]), int(seconds[row])
        doc_one, doc_other = int(document[one]), int(document[other])
        is_taken[row] = bool(
            partners.get((other, doc_one), nobody) - {one}
            or partners.get((one, doc_other), nobody) - {other}
        )
        widths = [
            _window(anchors[(doc_one, doc_other)], one, other, edges[doc_other]),
            _window(anchors[(doc_other, doc_one)], other, one, edges[doc_one]),
        ]
        width[row] = min((w for w in widths if w > 0), default=0)
        is_outside[row] = width[row] == 0 and any(w < 0 for w in widths)
    return is_taken, width, is_outside


def _window(anchors: list[tuple[int, int]], one: int, other: int, edge: tuple[int, int]) -> int:
    """The width of the window the anchors around ``one`` leave in ``other``'s document,
    if ``other`` lies in it (at its ends included); -1 when it lies outside; 0 when the
    anchors leave no window.

    ``edge`` is the first and last sentence of ``other``'s document, which close the
    window past the first or the last anchor.
    """
    at = bisect.bisect_left(anchors, (one, -1))
    after = at
    while after < len(anchors) and anchors[after][0] == one:
        after += 1
    if at == 0 and after >= len(anchors):
        return 0  # ``one``'s own links are the only anchors: nothing around it
    if at == 0:
        low, high = edge[0], anchors[after][1]
    elif after >= len(anchors):
        low, high = anchors[at - 1][1], edge[1]
    else:
        low, high = sorted((anchors[at - 1][1], anchors[after][1]))
    return high - low + 1 if low <= other <= high else -1
