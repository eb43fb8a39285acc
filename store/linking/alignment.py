"""What accepted links say about the other sentences of the same two documents.

| caller                                          | calls                    |
|-------------------------------------------------|--------------------------|
| :func:`store.linking.suggest.compute_suggestions` | :func:`decision_factors` |
| :func:`store.linking.decisions.suggestions_for` | :func:`decision_factors` |
| ``benchmarks/link_learning.py``                 | :func:`decision_flags`, :func:`flag_factors` |

Two signals from the annotator's decisions, not from the text, each a factor on a
pair's score:

- *Taken*: a sentence already accepted as the partner of another sentence of my
  document is seldom mine too. A report states a fact once; a sentence carrying two
  facts is why this lowers the score instead of excluding the pair.
- *Between anchors*: two reports of one story tell their facts in a similar order,
  so a sentence between two accepted links of its document most likely pairs with a
  sentence between (or at) their partners.

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

# A partner already taken by another sentence of my document (see module docstring).
# Chosen inside the training half in 7 of 10 splits (the others: 0.5).
TAKEN = 0.25
# A partner between the partners of the accepted links around my sentence. The
# splits chose 1 to 2 (median 1.1-1.25); the lower, because our sample's reports
# are likely told in a more similar order than real ones.
BETWEEN = 1.1

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]


def decision_factors(
    document: Ints,
    accepted: Iterable[tuple[int, int]],
    pairs: Ints,
    *,
    taken: float = TAKEN,
    between: float = BETWEEN,
) -> Floats:
    """A factor for each of ``pairs`` (sentence indexes) from the ``accepted`` index pairs.

    ``document`` gives each sentence's document (any integer id); a document's
    sentences are contiguous and in text order. Pairs of two documents with no
    accepted link between them get 1.
    """
    return flag_factors(decision_flags(document, accepted, pairs), taken, between)


Flags = tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]


def flag_factors(flags: Flags, taken: float = TAKEN, between: float = BETWEEN) -> Floats:
    """The factors of :func:`decision_flags`' two flags (a caller trying several factors
    for one set of decisions finds the flags once)."""
    is_taken, is_between = flags
    return np.where(is_taken, taken, 1.0) * np.where(is_between, between, 1.0)


def decision_flags(document: Ints, accepted: Iterable[tuple[int, int]], pairs: Ints) -> Flags:
    """For each pair: whether a partner is taken, and whether it lies between anchors."""
    is_taken = np.zeros(len(pairs), dtype=bool)
    is_between = np.zeros(len(pairs), dtype=bool)
    # (sentence, other document) -> the sentence's accepted partners there.
    partners: dict[tuple[int, int], set[int]] = {}
    # (document, other document) -> accepted (sentence, partner), in text order.
    anchors: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for first, second in accepted:
        for one, other in ((int(first), int(second)), (int(second), int(first))):
            partners.setdefault((one, int(document[other])), set()).add(other)
            anchors.setdefault((int(document[one]), int(document[other])), []).append((one, other))
    if not anchors or len(pairs) == 0:
        return is_taken, is_between
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
        is_between[row] = _inside(anchors[(doc_one, doc_other)], one, other) or _inside(
            anchors[(doc_other, doc_one)], other, one
        )
    return is_taken, is_between


def _inside(anchors: list[tuple[int, int]], one: int, other: int) -> bool:
    """Whether ``other`` lies between (or at) the partners of the anchors around ``one``."""
    at = bisect.bisect_left(anchors, (one, -1))
    after = at
    while after < len(anchors) and anchors[after][0] == one:
        after += 1
    if at == 0 or after >= len(anchors):
        return False
    low, high = sorted((anchors[at - 1][1], anchors[after][1]))
    return low <= other <= high
