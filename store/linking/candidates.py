"""Candidate pairs without comparing every sentence with every other.

Prefix filtering (Bayardo, Ma and Srikant, "Scaling up all pairs similarity
search", WWW 2007): order every sentence's tokens rarest first; a pair whose
weighted cosine reaches ``t`` must share a token within both sentences' prefixes,
where a prefix ends once the remaining tokens' weight could no longer reach ``t``.
Only prefix tokens are indexed, so frequent words, which sit in the suffixes, never
produce long posting lists. A cap on posting-list length bounds the worst case
(sentences made only of very common words); it is the one approximation.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import numpy.typing as npt

from store.linking.features import LinkCorpus

DEFAULT_MIN_COSINE = 0.2
DEFAULT_MAX_POSTINGS = 2_000

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


def candidate_pairs(
    corpus: LinkCorpus,
    *,
    min_cosine: float = DEFAULT_MIN_COSINE,
    max_postings: int = DEFAULT_MAX_POSTINGS,
    different_outlets: bool = False,
) -> Pairs:
    """Unique index pairs ``(i, j)``, ``i < j``, of sentences in different documents.

    Every pair with weighted cosine >= ``min_cosine`` is included unless one of the
    tokens it would be found through has a posting list longer than ``max_postings``.
    """
    postings: dict[int, list[int]] = defaultdict(list)
    for index in range(len(corpus)):
        for token in prefix_tokens(corpus, index, min_cosine):
            postings[token].append(index)
    by_length: dict[int, list[list[int]]] = defaultdict(list)
    for members in postings.values():
        if 2 <= len(members) <= max_postings:
            by_length[len(members)].append(members)
    documents = np.fromiter((ref.doc_id for ref in corpus.refs), dtype=np.int64, count=len(corpus))
    outlet_codes = _outlet_codes(corpus) if different_outlets else None
    size = np.int64(max(len(corpus), 1))
    chunks: list[Pairs] = []
    for length, lists in by_length.items():
        matrix = np.asarray(lists, dtype=np.int64)
        left_index, right_index = np.triu_indices(length, 1)
        # Bound the temporary arrays: a few million pairs at a time.
        step = max(1, 4_000_000 // len(left_index))
        for begin in range(0, len(matrix), step):
            block = matrix[begin : begin + step]
            left = block[:, left_index].ravel()
            right = block[:, right_index].ravel()
            keep = documents[left] != documents[right]
            if outlet_codes is not None:
                keep &= (outlet_codes[left] != outlet_codes[right]) | (outlet_codes[left] < 0)
            left, right = left[keep], right[keep]
            low, high = np.minimum(left, right), np.maximum(left, right)
            chunks.append(np.unique(low * size + high))
    if not chunks:
        return np.zeros((0, 2), dtype=np.int64)
    keys = np.unique(np.concatenate(chunks))
    return np.stack([keys // size, keys % size], axis=1)


def _outlet_codes(corpus: LinkCorpus) -> npt.NDArray[np.int64]:
    """An integer per outlet; -1 for an unknown outlet, which never counts as the same."""
    codes: dict[str, int] = {}
    values = [
        -1 if outlet is None else codes.setdefault(outlet.casefold(), len(codes))
        for outlet in corpus.outlets
    ]
    return np.asarray(values, dtype=np.int64)
