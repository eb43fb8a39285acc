"""Candidate pairs without comparing every sentence with every other.

Prefix filtering (Bayardo, Ma and Srikant, "Scaling up all pairs similarity
search", WWW 2007): order every sentence's tokens rarest first; a pair whose
weighted cosine reaches ``t`` must share a token within both sentences' prefixes,
where a prefix ends once the remaining tokens' weight could no longer reach ``t``.
Only prefix tokens are indexed, so frequent words, which sit in the suffixes, rarely
produce long posting lists. Two bounds keep the work linear in the corpus, and are
the only approximations: a posting list longer than ``max_postings`` is skipped
(sentences made only of very common words) unless its token is a number, date or
name, whose list is paired in sorted windows instead; and each sentence keeps the
``per_sentence`` candidates with which it shares the most prefix weight.
Pairs are generated and counted with numpy, a posting-list length at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from store.linking.features import LinkCorpus
from store.linking.pair_threads import in_order
from store.linking.ranking import best_of_either

DEFAULT_MIN_COSINE = 0.2
DEFAULT_MAX_POSTINGS = 50
DEFAULT_PER_SENTENCE = 50
# Partners per sentence from a too-long list of a number, date or name: enough to
# tie a story's repeated figure together, few enough to stay linear.
CROWDED_WINDOW = 10

Pairs = npt.NDArray[np.int64]


def prefix_tokens(corpus: LinkCorpus, index: int, min_cosine: float) -> list[int]:
    """The sentence's rarest tokens, as many as a pair reaching ``min_cosine`` needs."""
    frequency = corpus.document_frequency
    weights = corpus.weights
    ordered = sorted(corpus.token_ids[index], key=lambda t: (frequency[t], t))
    needed = (min_cosine * corpus.norms[index]) ** 2
    prefix: list[int] = []
    remaining = corpus.norms[index] ** 2
    for token in ordered:
        # Float round-off must never drop a token the bound needs, hence the slack.
        if remaining < needed * (1 - 1e-9) or remaining <= 0:
            break
        prefix.append(token)
        remaining -= weights[token] ** 2
    return prefix


def prefix_entries(corpus: LinkCorpus, min_cosine: float) -> tuple[Pairs, Pairs]:
    """:func:`prefix_tokens` of every sentence at once: ``(sentence, token)`` arrays.

    Sentences ascend, each one's tokens in its prefix order. The same floats as
    the loop: squares taken in Python, then subtracted one token at a time
    (``np.subtract.accumulate`` along each row of the sentences of one length).
    """
    index = corpus.token_index()
    count = len(corpus)
    vocabulary = len(corpus.weights)
    empty = np.zeros(0, dtype=np.int64)
    if count == 0 or vocabulary == 0 or len(index.indices) == 0:
        return empty, empty
    frequency = np.asarray(corpus.document_frequency, dtype=np.int64)
    # Rarest first, ties by token id: each token's place in that order.
    rank = np.empty(vocabulary, dtype=np.int64)
    rank[np.lexsort((np.arange(vocabulary, dtype=np.int64), frequency))] = np.arange(vocabulary)
    lengths, indptr = index.lengths, index.indptr
    owners = np.repeat(np.arange(count, dtype=np.int64), lengths)
    ids = index.indices.astype(np.int64, copy=False)
    ordered = ids[np.argsort(owners * vocabulary + rank[ids])]
    del owners
    squares = np.asarray([w**2 for w in corpus.weights], dtype=np.float64)
    start = np.asarray([n**2 for n in corpus.norms], dtype=np.float64)
    needed = np.asarray([(min_cosine * n) ** 2 for n in corpus.norms], dtype=np.float64)
    keep = np.zeros(len(ordered), dtype=bool)
    for length in np.unique(lengths).tolist():
        if length == 0:
            continue
        rows = np.flatnonzero(lengths == length)
        positions = indptr[rows][:, None] + np.arange(length)
        steps = np.empty((len(rows), length), dtype=np.float64)
        steps[:, 0] = start[rows]
        steps[:, 1:] = squares[ordered[positions[:, :-1]]]
        # What remains before each token, subtracted in order as the loop does.
        remaining = np.subtract.accumulate(steps, axis=1)
        # Float round-off must never drop a token the bound needs, hence the slack.
        fails = (remaining < (needed[rows] * (1 - 1e-9))[:, None]) | (remaining <= 0)
        keep[positions] = ~np.logical_or.accumulate(fails, axis=1)
    owners = np.repeat(np.arange(count, dtype=np.int64), lengths)
    return owners[keep], ordered[keep]


@dataclass(frozen=True, slots=True)
class _Postings:
    """Each prefix token's sentences, ascending: ``members[starts[k]:][:lengths[k]]``.

    Tokens in the order a sentence-by-sentence walk meets them first.
    """

    tokens: Pairs
    starts: Pairs
    lengths: Pairs
    members: Pairs


def _postings(corpus: LinkCorpus, min_cosine: float) -> _Postings:
    sentences, tokens = prefix_entries(corpus, min_cosine)
    if len(tokens) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _Postings(empty, empty, empty, empty)
    # Stable: each token's sentences stay in walk order, which ascends.
    by_token = np.argsort(tokens, kind="stable")
    grouped = tokens[by_token]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    lengths = np.diff(np.r_[starts, len(grouped)])
    # A group's first entry is where the walk first met its token.
    met = np.argsort(by_token[starts], kind="stable")
    return _Postings(grouped[starts][met], starts[met], lengths[met], sentences[by_token])


def candidate_pairs(
    corpus: LinkCorpus,
    *,
    min_cosine: float = DEFAULT_MIN_COSINE,
    max_postings: int = DEFAULT_MAX_POSTINGS,
    per_sentence: int | None = DEFAULT_PER_SENTENCE,
    different_outlets: bool = False,
) -> Pairs:
    """Unique index pairs ``(i, j)``, ``i < j``, of sentences in different documents.

    Every pair with weighted cosine >= ``min_cosine`` is found unless one of the
    tokens it would be found through has a posting list longer than
    ``max_postings``; such a list is skipped, or for a number, date or name, paired
    in windows (:func:`_window_pairs`). With ``per_sentence``, each sentence then
    keeps only that many candidates, those sharing the most prefix weight with it
    (a pair stays when either side keeps it); this bounds the scoring work per
    sentence.
    """
    postings = _postings(corpus, min_cosine)
    by_length: dict[int, Pairs] = {}
    tokens_by_length: dict[int, Pairs] = {}
    crowded: list[tuple[int, list[int]]] = []
    short = (postings.lengths >= 2) & (postings.lengths <= max_postings)
    # Lists of one length form one matrix; lengths in the order their first token
    # was met, as the loop over a dict of posting lists had them (the overlap sums
    # add a pair's shared weights in that order).
    listed = np.flatnonzero(short)
    sizes = postings.lengths[listed]
    met, first_met = np.unique(sizes, return_index=True)
    for length in met[np.argsort(first_met, kind="stable")].tolist():
        tokens_of = listed[sizes == length]
        starts = postings.starts[tokens_of]
        by_length[length] = postings.members[starts[:, None] + np.arange(length)]
        tokens_by_length[length] = postings.tokens[tokens_of]
    anchors = np.asarray(corpus.anchors, dtype=bool)
    for k in np.flatnonzero((postings.lengths > max_postings) & anchors[postings.tokens]).tolist():
        start, length = int(postings.starts[k]), int(postings.lengths[k])
        crowded.append((int(postings.tokens[k]), postings.members[start : start + length].tolist()))
    documents = np.fromiter((ref.doc_id for ref in corpus.refs), dtype=np.int64, count=len(corpus))
    outlet_codes = _outlet_codes(corpus) if different_outlets else None
    weights = np.asarray(corpus.weights, dtype=np.float64) ** 2
    size = np.int64(max(len(corpus), 1))
    key_chunks: list[Pairs] = []
    weight_chunks: list[npt.NDArray[np.float64]] = []
    for length, matrix in by_length.items():
        token_weights = weights[tokens_by_length[length]]
        left_index, right_index = np.triu_indices(length, 1)
        # Bound the temporary arrays: a few million pairs at a time.
        step = max(1, 4_000_000 // len(left_index))
        for begin in range(0, len(matrix), step):
            block = matrix[begin : begin + step]
            left = block[:, left_index].ravel()
            right = block[:, right_index].ravel()
            shared = np.repeat(token_weights[begin : begin + step], len(left_index))
            keep = documents[left] != documents[right]
            if outlet_codes is not None:
                keep &= (outlet_codes[left] != outlet_codes[right]) | (outlet_codes[left] < 0)
            left, right, shared = left[keep], right[keep], shared[keep]
            low, high = np.minimum(left, right), np.maximum(left, right)
            key_chunks.append(low * size + high)
            weight_chunks.append(shared)
    for token, members in crowded:
        left, right = _window_pairs(corpus, token, members, CROWDED_WINDOW)
        keep = documents[left] != documents[right]
        if outlet_codes is not None:
            keep &= (outlet_codes[left] != outlet_codes[right]) | (outlet_codes[left] < 0)
        left, right = left[keep], right[keep]
        key_chunks.append(np.minimum(left, right) * size + np.maximum(left, right))
        weight_chunks.append(np.full(len(left), weights[token]))
    if not key_chunks:
        return np.zeros((0, 2), dtype=np.int64)
    keys, overlap = _summed_by_key(key_chunks, weight_chunks, int(size) * int(size))
    del key_chunks, weight_chunks
    pairs = np.stack([keys // size, keys % size], axis=1)
    del keys
    if per_sentence is None:
        return pairs
    return _best_per_sentence(pairs, overlap, per_sentence)


# Raw pair keys summed at a time: bounds np.unique's temporaries (six arrays as
# long as its input) to a few hundred MB however many pairs a corpus generates.
_UNIQUE_CHUNK = 4_000_000


def _summed_by_key(
    key_chunks: list[Pairs], weight_chunks: list[npt.NDArray[np.float64]], key_limit: int
) -> tuple[Pairs, npt.NDArray[np.float64]]:
    """The distinct keys, sorted, and each one's summed weight.

    Done over key ranges, so that only one range's entries are sorted at a time; the
    sums add a key's entries in the order given, as one ``np.unique`` over all would.
    """
    total = sum(len(chunk) for chunk in key_chunks)
    parts = max(1, -(-total // _UNIQUE_CHUNK))
    width = -(-key_limit // parts)

    def sum_range(low: int) -> tuple[Pairs, npt.NDArray[np.float64]]:
        high = low + width
        picked = [(k >= low) & (k < high) for k in key_chunks] if parts > 1 else None
        if picked is None:
            keys_in, weights_in = np.concatenate(key_chunks), np.concatenate(weight_chunks)
        else:
            keys_in = np.concatenate([k[m] for k, m in zip(key_chunks, picked, strict=True)])
            weights_in = np.concatenate([w[m] for w, m in zip(weight_chunks, picked, strict=True)])
        del picked
        keys, inverse = np.unique(keys_in, return_inverse=True)
        del keys_in
        summed = np.bincount(inverse, weights=weights_in, minlength=len(keys))
        return keys, summed.astype(np.float64, copy=False)

    # Key ranges are disjoint and each is summed on its own: the same sums on threads.
    ranges = in_order(sum_range, range(0, key_limit, width))
    keys_out = [keys for keys, _sums in ranges]
    sums_out = [sums for _keys, sums in ranges]
    del ranges
    return np.concatenate(keys_out), np.concatenate(sums_out)


def _window_pairs(
    corpus: LinkCorpus, token: int, members: list[int], window: int
) -> tuple[Pairs, Pairs]:
    """Pairs from a too-long posting list of a number, date or name, in sorted windows.

    A figure that every outlet of a big story repeats can stand in hundreds of
    sentences; skipping its list would lose exactly those duplicates, and pairing
    all of them is quadratic. Ordered by each sentence's rarest other token, the
    sentences that share more than this token sit together, and each is paired
    with the ``window`` after it (Hernández and Stolfo's sorted neighbourhood).
    """
    frequency = corpus.document_frequency
    token_ids = corpus.token_ids

    def rarest_other(member: int) -> tuple[int, int]:
        others = [(frequency[t], t) for t in token_ids[member] if t != token]
        return min(others, default=(len(frequency) + 1, -1))

    ordered = np.asarray(sorted(members, key=lambda m: (*rarest_other(m), m)), dtype=np.int64)
    lefts, rights = [], []
    for distance in range(1, min(window, len(ordered) - 1) + 1):
        lefts.append(ordered[:-distance])
        rights.append(ordered[distance:])
    return np.concatenate(lefts), np.concatenate(rights)


def _best_per_sentence(pairs: Pairs, overlap: npt.NDArray[np.float64], limit: int) -> Pairs:
    """The pairs that are among the ``limit`` largest overlaps of either of their sentences."""
    return pairs[best_of_either(pairs, overlap, limit)]


def _outlet_codes(corpus: LinkCorpus) -> npt.NDArray[np.int64]:
    """An integer per outlet; -1 for an unknown outlet, which never counts as the same."""
    codes: dict[str, int] = {}
    values = [
        -1 if outlet is None else codes.setdefault(outlet.casefold(), len(codes))
        for outlet in corpus.outlets
    ]
    return np.asarray(values, dtype=np.int64)
