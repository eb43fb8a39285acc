"""Candidates from related documents: every sentence pair of two reports of one story.

Sentence-level candidate generation (:mod:`store.linking.candidates`) finds a pair
only through words the two sentences share. Two reports of one fact often share
almost none: a paraphrase, a compound split in two, or a German and an English
sentence that share one name. Measured on the development gold, every gold pair the
linker missed had never become a candidate, while the score ranked nearly all of
those it was given first or second: the score needs the chance to see them.

Documents are compared as wholes (word sets weighted by document frequency, the
same view the document factor uses); each document's few most related others are
its partners, and every sentence of one is paired with every sentence of the
other. The work is bounded twice: ``per_document`` partners per document, and a
total of ``budget_per_sentence`` pairs per sentence of the corpus, spent on the
most related document pairs first, so a corpus of ten thousand articles costs a
bounded amount more than candidate generation already costs.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt

from store.linking.candidates import Pairs, candidate_pairs
from store.linking.features import LinkCorpus
from store.linking.pair_threads import in_order
from store.linking.score import shared_by_merge

DEFAULT_PER_DOCUMENT = 3
DEFAULT_BUDGET_PER_SENTENCE = 60
# Reports of one event in two languages share little more than names and figures:
# on the development gold their document cosine is 0.01-0.09.
MIN_DOCUMENT_COSINE = 0.01
# At scale only the most related document pairs are expanded: a constant cost on
# top of candidate generation (0.5 M pairs is ~40 per sentence at 12,000 sentences,
# a corpus of some 400 articles, and about 2 seconds of scoring).
MAX_PAIRS = 500_000
# Documents compared exactly per document, before the choice per language.
SHORTLIST = 40
# A posting list longer than this is a word most documents have, not evidence.
MAX_DOCUMENT_POSTINGS = 40
# Pairs looked up at a time by DocumentPairs.of (a few 8-byte temporaries each).
_OF_CHUNK = 1_000_000


def document_bounds(corpus: LinkCorpus) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each document's first sentence index and one past its last (sentences are contiguous)."""
    owners = np.fromiter((ref.doc_id for ref in corpus.refs), dtype=np.int64, count=len(corpus))
    if len(owners) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]).astype(np.int64)
    ends = np.r_[starts[1:], len(owners)].astype(np.int64)
    return starts, ends


def related_documents(
    corpus: LinkCorpus, per_document: int = DEFAULT_PER_DOCUMENT
) -> list[tuple[float, int, int]]:
    """``(cosine, a, b)`` for each document's most related others, most related first.

    ``a`` and ``b`` are positions in :meth:`LinkCorpus.documents_view` (document order).
    """
    view = corpus.documents_view()
    if len(view) < 2:
        return []
    starts, _ends = document_bounds(corpus)
    languages = [
        corpus.languages[int(start)] if len(corpus.languages) == len(corpus) else ""
        for start in starts
    ]
    searchable = dataclasses.replace(
        view,
        anchors=[False] * len(view.weights),
        # The token index stays: it depends only on the word lists, which are the same.
        sorted_lookup=None,
        by_document=None,
        grams=None,
    )
    pairs = candidate_pairs(
        searchable,
        min_cosine=MIN_DOCUMENT_COSINE,
        max_postings=MAX_DOCUMENT_POSTINGS,
        per_sentence=SHORTLIST,
    )
    cosines = _cosines(view, pairs)
    kept = cosines >= MIN_DOCUMENT_COSINE
    cosines, pairs = cosines[kept], pairs[kept]
    # Most related first; ties broken by position so a run is reproducible.
    order = np.lexsort((pairs[:, 1], pairs[:, 0], -cosines))
    scored = list(
        zip(
            cosines[order].tolist(),
            pairs[order, 0].tolist(),
            pairs[order, 1].tolist(),
            strict=True,
        )
    )
    # A document's partners are chosen per language of the partner: the reports of
    # one story in another language share only names and figures, so they would
    # never outrank the same-language reports.
    taken: dict[tuple[int, str], int] = {}
    chosen: list[tuple[float, int, int]] = []
    for item in scored:
        _cosine, a, b = item
        first, second = (a, languages[b]), (b, languages[a])
        if taken.get(first, 0) < per_document or taken.get(second, 0) < per_document:
            taken[first] = taken.get(first, 0) + 1
            taken[second] = taken.get(second, 0) + 1
            chosen.append(item)
    return chosen


@dataclasses.dataclass(frozen=True, slots=True)
class DocumentPairs:
    """The sentence pairs of related documents, and which document pairs they came from."""

    pairs: Pairs
    # ``a * documents + b`` (a < b, document positions) of each related pair used, sorted.
    related: npt.NDArray[np.int64]
    documents: int
    # Each sentence's document position.
    position: npt.NDArray[np.int64]

    def of(self, pairs: Pairs) -> npt.NDArray[np.bool_]:
        """For each sentence pair, whether its two documents are a related pair."""
        known = np.zeros(len(pairs), dtype=bool)
        if len(self.related) == 0 or len(pairs) == 0:
            return known

        def look_up(begin: int) -> None:
            chunk = pairs[begin : begin + _OF_CHUNK]
            first, second = self.position[chunk[:, 0]], self.position[chunk[:, 1]]
            keys = np.minimum(first, second) * self.documents + np.maximum(first, second)
            # ``related`` is sorted: a binary search per pair, where np.isin would sort
            # the millions of keys together with it (several arrays as long as ``pairs``).
            found = np.minimum(np.searchsorted(self.related, keys), len(self.related) - 1)
            known[begin : begin + _OF_CHUNK] = self.related[found] == keys

        # Each pair's answer is its own: chunks on the threads of pair_threads.
        in_order(look_up, range(0, len(pairs), _OF_CHUNK))
        return known


def _cosines(view: LinkCorpus, pairs: Pairs) -> npt.NDArray[np.float64]:
    """The weighted cosine of each pair of the documents view, in bulk."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float64)
    weights = np.asarray(view.weights, dtype=np.float64)
    norms = np.asarray(view.norms, dtype=np.float64)
    shared = shared_by_merge(view.token_index(), pairs[:, 0], pairs[:, 1], weights**2)
    denominator = norms[pairs[:, 0]] * norms[pairs[:, 1]]
    return np.divide(shared, denominator, out=np.zeros(len(pairs)), where=denominator > 0)


def document_pair_candidates(
    corpus: LinkCorpus,
    *,
    per_document: int = DEFAULT_PER_DOCUMENT,
    budget_per_sentence: int = DEFAULT_BUDGET_PER_SENTENCE,
    different_outlets: bool = False,
) -> DocumentPairs:
    """Every sentence pair ``(i, j)``, ``i < j``, of each related document pair, within budget."""
    starts, ends = document_bounds(corpus)
    position = np.repeat(np.arange(len(starts), dtype=np.int64), ends - starts)
    empty = np.zeros(0, dtype=np.int64)
    none = DocumentPairs(empty.reshape(0, 2), empty, len(starts), position)
    if len(corpus) == 0 or per_document <= 0:
        return none
    budget = min(budget_per_sentence * len(corpus), MAX_PAIRS)
    chunks: list[Pairs] = []
    related: list[int] = []
    documents = len(starts)
    spent = 0
    for _cosine, a, b in related_documents(corpus, per_document):
        if different_outlets and _same_outlet(corpus.outlets[starts[a]], corpus.outlets[starts[b]]):
            continue
        left = np.arange(starts[a], ends[a], dtype=np.int64)
        right = np.arange(starts[b], ends[b], dtype=np.int64)
        size = len(left) * len(right)
        if spent + size > budget:
            continue
        spent += size
        related.append(min(a, b) * documents + max(a, b))
        grid = np.stack(np.meshgrid(left, right, indexing="ij"), axis=-1).reshape(-1, 2)
        chunks.append(np.sort(grid, axis=1))
    if not chunks:
        return none
    return DocumentPairs(
        np.concatenate(chunks),
        np.unique(np.asarray(related, dtype=np.int64)),
        documents,
        position,
    )


def _same_outlet(first: str | None, second: str | None) -> bool:
    # An unknown outlet never counts as the same (as in candidate generation).
    return first is not None and second is not None and first.casefold() == second.casefold()


def union_pairs(first: Pairs, second: Pairs, size: int) -> Pairs:
    """The distinct pairs of both arrays, in (i, j) order."""
    if len(second) == 0:
        return first
    width = np.int64(max(size, 1))
    keys = np.r_[first[:, 0] * width + first[:, 1], second[:, 0] * width + second[:, 1]]
    # Sorted, then duplicates dropped: numpy's hash-based unique is several times
    # slower on these keys (measured 8.8 s against ~1 s for 6.8 million pairs).
    keys.sort()
    keys = keys[np.r_[True, keys[1:] != keys[:-1]]]
    return np.stack([keys // width, keys % width], axis=1)
