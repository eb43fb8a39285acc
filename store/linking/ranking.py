"""Ranks within groups, and the selections built on them, for millions of pairs at once.

The selections: each sentence's best K partners per other document, and its best
N overall.

Keeping "the best K of each sentence" is a sort by (group, strength). One sort of
a packed 64-bit key (the group in the high bits, the strength in the low bits) is
several times faster than ``numpy.lexsort`` over the separate columns, which was
the largest single cost of linking a 10,000-article corpus.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from store.linking.features import LinkCorpus
from store.linking.pair_threads import in_order

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

# A non-negative float32's bit pattern orders like its value and fits in 31 bits.
STRENGTH_BITS = 31
_STRENGTH_MAX = (1 << STRENGTH_BITS) - 1


def strength_code(strength: Floats) -> Ints:
    """An integer that orders like ``strength`` (which must be >= 0), in STRENGTH_BITS bits."""
    clipped = np.maximum(strength, 0.0).astype(np.float32)
    return clipped.view(np.int32).astype(np.int64)


# Entries ranked at a time: above this, ranks_within works through ranges of groups,
# which bounds its temporaries (six arrays as long as its input) for tens of millions.
_RANK_CHUNK = 4_000_000


def ranks_within(groups: Ints, strength: Floats) -> Ints:
    """For each entry, how many entries of its group are stronger (0 = the strongest).

    ``groups`` must be non-negative and below 2**32. Equal strengths are ranked in
    a fixed order that depends only on the input arrays, so a run is reproducible.
    """
    count = len(groups)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    if int(groups.max()) >= 1 << (63 - STRENGTH_BITS) or int(groups.min()) < 0:
        raise ValueError("group ids must be in [0, 2**32)")
    if count <= _RANK_CHUNK:
        return _ranks(groups, strength)
    # A group never spans two ranges, so ranking range by range is the same ranking.
    parts = -(-count // _RANK_CHUNK)
    width = -(-(int(groups.max()) + 1) // parts)
    rank = np.empty(count, dtype=np.int64)

    def rank_range(low: int) -> None:
        members = np.flatnonzero((groups >= low) & (groups < low + width))
        rank[members] = _ranks(groups[members], strength[members])

    # The same ranges with or without threads, each writing its own members' ranks.
    in_order(rank_range, range(0, int(groups.max()) + 1, width))
    return rank


def _ranks(groups: Ints, strength: Floats) -> Ints:
    count = len(groups)
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    key = (groups << STRENGTH_BITS) | (_STRENGTH_MAX - strength_code(strength))
    order = np.argsort(key)
    del key
    ordered = groups[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    del ordered
    in_order = np.arange(count) - np.repeat(starts, np.diff(np.r_[starts, count]))
    rank = np.empty(count, dtype=np.int64)
    rank[order] = in_order
    return rank


def best_of_either(pairs: Ints, strength: Floats, limit: int) -> npt.NDArray[np.bool_]:
    """Pairs among the ``limit`` strongest of either of their sentences.

    The ranking of :func:`ranks_within` over both columns, range of sentences by
    range: the same entries in the same order per range (so the same ranks, ties
    included) without the two columns concatenated, or a rank per entry, at once
    (for millions of candidates, three arrays of hundreds of megabytes).
    """
    count = len(pairs)
    firsts, seconds = pairs[:, 0], pairs[:, 1]
    if 2 * count <= _RANK_CHUNK:
        rank = ranks_within(np.concatenate([firsts, seconds]), np.concatenate([strength, strength]))
        return (rank[:count] < limit) | (rank[count:] < limit)
    highest = max(int(firsts.max()), int(seconds.max()))
    if highest >= 1 << (63 - STRENGTH_BITS) or min(int(firsts.min()), int(seconds.min())) < 0:
        raise ValueError("group ids must be in [0, 2**32)")
    chosen = np.zeros(count, dtype=bool)
    width = -(-(highest + 1) // -(-2 * count // _RANK_CHUNK))

    def choose_range(low: int) -> None:
        # ranks_within's members of this range: the first column's, then the second's.
        first_rows = np.flatnonzero((firsts >= low) & (firsts < low + width))
        second_rows = np.flatnonzero((seconds >= low) & (seconds < low + width))
        top = (
            _ranks(
                np.concatenate([firsts[first_rows], seconds[second_rows]]),
                np.concatenate([strength[first_rows], strength[second_rows]]),
            )
            < limit
        )
        # Two ranges may mark one pair (one through each sentence), but marks only ever
        # set a byte to True: the result does not depend on the order ranges run in.
        chosen[first_rows[top[: len(first_rows)]]] = True
        chosen[second_rows[top[len(first_rows) :]]] = True

    in_order(choose_range, range(0, highest + 1, width))
    return chosen


def document_positions(corpus: LinkCorpus) -> Ints:
    """For each sentence, its document's position in the corpus (documents are contiguous)."""
    documents = np.fromiter((r.doc_id for r in corpus.refs), dtype=np.int64, count=len(corpus))
    return np.cumsum(np.r_[False, documents[1:] != documents[:-1]]).astype(np.int64)


def top_per_document(
    pairs: Ints,
    scores: Floats,
    document: Ints,
    top_k: int,
) -> npt.NDArray[np.bool_]:
    """Pairs among the ``top_k`` best partners of either sentence in the other's document.

    Ordered by (sentence, partner), a sentence's partners in one document form a
    run, because a document's sentences are contiguous; only runs longer than
    ``top_k`` need ranking, and in a large corpus those are few.
    """
    chosen = np.zeros(len(pairs), dtype=bool)

    def choose(sides: tuple[Ints, Ints]) -> None:
        own, other = sides
        order = np.lexsort((other, own))
        sentence, partner_doc = own[order], document[other[order]]
        starts = np.flatnonzero(
            np.r_[True, (sentence[1:] != sentence[:-1]) | (partner_doc[1:] != partner_doc[:-1])]
        )
        sizes = np.diff(np.r_[starts, len(order)])
        top = np.repeat(sizes <= top_k, sizes)
        crowded = np.flatnonzero(~top)
        if len(crowded):
            run = np.repeat(np.arange(len(starts), dtype=np.int64), sizes)
            top[crowded] = ranks_within(run[crowded], scores[order][crowded]) < top_k
        # Both directions only ever set marks: their order does not matter.
        chosen[order[top]] = True

    in_order(choose, [(pairs[:, 0], pairs[:, 1]), (pairs[:, 1], pairs[:, 0])])
    return chosen


def best_per_sentence(
    pairs: Ints,
    scores: Floats,
    chosen: npt.NDArray[np.bool_],
    limit: int,
) -> npt.NDArray[np.bool_]:
    """Pairs among the ``limit`` best chosen ones of either of their sentences."""
    index = np.flatnonzero(chosen)
    keep = np.zeros(len(pairs), dtype=bool)
    keep[index[best_of_either(pairs[index], scores[index], limit)]] = True
    return keep
