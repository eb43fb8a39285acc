"""The corpus being linked, as weighted token sets: one entry per sentence.

Weights are inverse sentence frequencies computed on this corpus only, so words
that a topical corpus uses everywhere ("Polizei", "Hochwasser") count for little
while a number, a name or a rare word counts for much. Numbers and names get a
further boost because they identify a fact, and in a topical corpus their
frequency is inflated by exactly the duplicate reports we are looking for.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from store.linking.normalize import MONTH_PREFIX, NUMBER_PREFIX, Stemmer, normalise
from store.linking.workers import parent_death_pool

NUMBER_BOOST = 1.5
# Character n-gram lengths: 3-5 catch compound parts and inflection endings.
GRAM_SIZES = (3, 4, 5)
NAME_BOOST = 1.25
# Below this many documents a worker pool costs more to start than it saves.
PARALLEL_MIN_DOCUMENTS = 400


@dataclass(frozen=True, slots=True)
class DocInput:
    """One document to link: its sentences as (sentence id or None, start, end)."""

    doc_id: int
    outlet: str | None
    language: str
    text: str
    sentences: Sequence[tuple[int | None, int, int]]


@dataclass(frozen=True, slots=True)
class SentenceRef:
    """Where a sentence of the corpus stands in the store."""

    sentence_id: int | None
    doc_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TokenIndex:
    """Every (sentence, token) of a corpus as one integer, sorted, for bulk lookups.

    Sentence ``i`` has the tokens ``indices[indptr[i]:indptr[i + 1]]``; ``keys``
    holds ``sentence * vocabulary + token`` for all of them, sorted, or is empty
    (the character n-gram index, too big to double: looked up by merging).
    """

    lengths: npt.NDArray[np.int64]
    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int64] | npt.NDArray[np.int32]
    keys: npt.NDArray[np.int64]
    vocabulary: int
    sentences: int


@dataclass(slots=True)
class LinkCorpus:
    """Sentences with their token ids, weights and normalised text, index-aligned."""

    refs: list[SentenceRef] = field(default_factory=list)
    outlets: list[str | None] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    token_ids: list[list[int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    numbers: list[frozenset[str]] = field(default_factory=list)
    vocabulary: dict[str, int] = field(default_factory=dict)
    document_frequency: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    norms: list[float] = field(default_factory=list)
    # Per token id: a number, a month or a name, the tokens that identify a fact.
    anchors: list[bool] = field(default_factory=list)
    # Per sentence: its number values and ``low..high`` ranges, for soft agreement.
    values: list[tuple[float, ...]] = field(default_factory=list)
    ranges: list[tuple[tuple[float, float], ...]] = field(default_factory=list)
    # The same sentences as sets of character n-grams of their tokens (see build_grams).
    grams: LinkCorpus | None = field(default=None, repr=False, compare=False)
    # Built on first use and kept: scoring looks tokens up in several passes.
    lookup: TokenIndex | None = field(default=None, repr=False, compare=False)
    sorted_lookup: npt.NDArray[np.object_] | None = field(default=None, repr=False, compare=False)
    by_document: LinkCorpus | None = field(default=None, repr=False, compare=False)
    # The median sentence information, computed once (see score.evidence_scale).
    evidence: float | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.refs)

    def documents_view(self) -> LinkCorpus:
        """The corpus's documents as word sets, IDF over documents (built once, kept)."""
        if self.by_document is None:
            owners = [ref.doc_id for ref in self.refs]
            grouped: list[set[int]] = []
            for index, ids in enumerate(self.token_ids):
                if index == 0 or owners[index] != owners[index - 1]:
                    grouped.append(set())
                grouped[-1].update(ids)
            view = LinkCorpus(refs=[SentenceRef(None, i, 0, 0) for i in range(len(grouped))])
            frequency = [0] * len(self.weights)
            for words in grouped:
                for token in words:
                    frequency[token] += 1
            total = len(grouped)
            view.weights = [math.log((total + 1) / (df + 1)) for df in frequency]
            view.token_ids = [sorted(words) for words in grouped]
            view.norms = [
                math.sqrt(sum(view.weights[t] ** 2 for t in ids)) for ids in view.token_ids
            ]
            self.by_document = view
        return self.by_document

    def sorted_texts(self) -> npt.NDArray[np.object_]:
        """Each sentence's normalised tokens sorted and joined (token_sort_ratio's input)."""
        if self.sorted_lookup is None or len(self.sorted_lookup) != len(self):
            self.sorted_lookup = np.asarray(
                [" ".join(sorted(t.split())) for t in self.texts], dtype=object
            )
        return self.sorted_lookup

    def token_index(self) -> TokenIndex:
        if self.lookup is None or self.lookup.sentences != len(self):
            lengths = np.fromiter(
                (len(ids) for ids in self.token_ids), dtype=np.int64, count=len(self)
            )
            indptr = np.r_[0, np.cumsum(lengths)].astype(np.int64)
            indices = np.fromiter(
                (t for ids in self.token_ids for t in ids), dtype=np.int64, count=int(indptr[-1])
            )
            vocabulary = max(len(self.weights), 1)
            owners = np.repeat(np.arange(len(self), dtype=np.int64), lengths)
            keys = np.sort(owners * vocabulary + indices)
            self.lookup = TokenIndex(lengths, indptr, indices, keys, vocabulary, len(self))
        return self.lookup


# A sentence as matching sees it: its tokens in order, those that are names, its
# number values and its ranges.
Tokens = tuple[list[str], set[str], tuple[float, ...], tuple[tuple[float, float], ...]]


def _normalise_document(document: DocInput, stemmer: Stemmer) -> list[Tokens]:
    result = []
    for _sentence_id, start, end in document.sentences:
        normalised = normalise(document.text[start:end], document.language, stemmer=stemmer)
        result.append(
            (
                normalised.tokens,
                normalised.names,
                tuple(float(v) for v in normalised.numbers),
                tuple((float(a), float(b)) for a, b in normalised.ranges),
            )
        )
    return result


def _normalise_all(
    documents: Sequence[DocInput], stemmer: Stemmer, workers: int
) -> Iterator[tuple[DocInput, list[Tokens]]]:
    """Each document with its sentences normalised, in order; on ``workers`` processes.

    Normalising is pure Python and most of a large run's time, so a big corpus is
    spread over processes; results come back in document order, which keeps the
    token ids, and so every score, the same as a single-process run.
    """
    if workers <= 1 or len(documents) < PARALLEL_MIN_DOCUMENTS:
        for document in documents:
            yield document, _normalise_document(document, stemmer)
        return
    done = 0
    try:
        # Workers end with this process, even when it is killed with kill -9.
        with parent_death_pool(workers) as pool:
            results = pool.map(
                _normalise_document,
                documents,
                [stemmer] * len(documents),
                chunksize=max(1, min(64, len(documents) // (workers * 8))),
            )
            for document, normalised in zip(documents, results, strict=True):
                yield document, normalised
                done += 1
    except (OSError, BrokenProcessPool):
        # A shared server may refuse new processes (a process limit, no /dev/shm):
        # the rest is normalised in this process rather than the link failing.
        for document in documents[done:]:
            yield document, _normalise_document(document, stemmer)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def build_corpus(
    documents: Iterable[DocInput],
    *,
    stemmer: Stemmer = "lemma",
    boost: bool = True,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> LinkCorpus:
    """Normalise every sentence and weight every token by its rarity in this corpus.

    ``progress(done, total)`` is called after each document.
    """
    documents = list(documents)
    corpus = LinkCorpus()
    vocabulary = corpus.vocabulary
    frequency: list[int] = []
    name_tokens: set[str] = set()
    for done, (document, normalised) in enumerate(
        _normalise_all(documents, stemmer, workers), start=1
    ):
        if progress is not None:
            progress(done, len(documents))
        for (sentence_id, start, end), (tokens, names, values, ranges) in zip(
            document.sentences, normalised, strict=True
        ):
            ids: list[int] = []
            seen: set[int] = set()
            for token in tokens:
                token_id = vocabulary.get(token)
                if token_id is None:
                    token_id = vocabulary[token] = len(frequency)
                    frequency.append(0)
                if token_id not in seen:
                    seen.add(token_id)
                    ids.append(token_id)
                    frequency[token_id] += 1
            name_tokens |= names
            corpus.refs.append(SentenceRef(sentence_id, document.doc_id, start, end))
            corpus.outlets.append(document.outlet)
            corpus.languages.append(document.language)
            corpus.token_ids.append(ids)
            corpus.texts.append(" ".join(tokens))
            corpus.quotes.append(document.text[start:end])
            corpus.numbers.append(frozenset(t for t in tokens if t.startswith(NUMBER_PREFIX)))
            corpus.values.append(values)
            corpus.ranges.append(ranges)
    corpus.document_frequency = frequency
    total = len(corpus.refs)
    weights = [math.log((total + 1) / (df + 1)) for df in frequency]
    corpus.anchors = [
        token.startswith((NUMBER_PREFIX, MONTH_PREFIX)) or token in name_tokens
        for token in vocabulary
    ]
    if boost:
        for token, token_id in vocabulary.items():
            if token.startswith((NUMBER_PREFIX, MONTH_PREFIX)):
                weights[token_id] *= NUMBER_BOOST
            elif token in name_tokens:
                weights[token_id] *= NAME_BOOST
    corpus.weights = weights
    corpus.norms = [math.sqrt(sum(weights[t] ** 2 for t in ids)) for ids in corpus.token_ids]
    corpus.grams = build_grams(corpus)
    return corpus


def word_grams(token: str) -> list[str]:
    """The character n-grams (GRAM_SIZES) of one token, padded so that its ends count."""
    if token.startswith((NUMBER_PREFIX, MONTH_PREFIX)):
        return [token]
    padded = f"<{token}>"
    return [
        padded[begin : begin + size]
        for size in GRAM_SIZES
        for begin in range(max(1, len(padded) - size + 1))
    ]


def build_grams(corpus: LinkCorpus) -> LinkCorpus:
    """The corpus's sentences as IDF-weighted sets of character n-grams of their tokens.

    Over the matching-normalised tokens (lemmas, folded, numbers canonical), so
    ``Hochwasserschutzplan`` and ``Schutzplan ... Hochwasser`` share most of their
    grams with no compound dictionary. Shares ``refs`` with ``corpus`` and reuses
    its token machinery (:meth:`LinkCorpus.token_index`).
    """
    grams = LinkCorpus(refs=corpus.refs)
    vocabulary: dict[str, int] = {}
    # Each word's gram ids, as one flat array with offsets (CSR): built once per word.
    starts = [0]
    flat: list[int] = []
    for word in corpus.vocabulary:
        for gram in dict.fromkeys(word_grams(word)):
            flat.append(vocabulary.setdefault(gram, len(vocabulary)))
        starts.append(len(flat))
    word_start = np.asarray(starts, dtype=np.int64)
    word_grams_flat = np.asarray(flat, dtype=np.int64)
    size = max(len(vocabulary), 1)
    words = corpus.token_index()
    index_chunks: list[npt.NDArray[np.int32]] = []
    length_chunks: list[npt.NDArray[np.int64]] = []
    # A block of sentences at a time bounds the expanded (sentence, gram) array; only
    # the 32-bit gram ids are kept (a sentence has a hundred or more).
    block = 20_000
    for first in range(0, len(corpus), block):
        last = min(first + block, len(corpus))
        entries = words.indices[words.indptr[first] : words.indptr[last]]
        owners = np.repeat(np.arange(last - first, dtype=np.int64), words.lengths[first:last])
        counts = word_start[entries + 1] - word_start[entries]
        total = int(counts.sum())
        offsets = np.repeat(word_start[entries] - (np.cumsum(counts) - counts), counts)
        gram_ids = word_grams_flat[offsets + np.arange(total, dtype=np.int64)]
        keys = np.unique(np.repeat(owners, counts) * size + gram_ids)
        index_chunks.append((keys % size).astype(np.int32))
        length_chunks.append(np.bincount(keys // size, minlength=last - first).astype(np.int64))
    indices = np.concatenate(index_chunks) if index_chunks else np.zeros(0, dtype=np.int32)
    del index_chunks
    lengths = (
        np.concatenate(length_chunks) if length_chunks else np.zeros(len(corpus), dtype=np.int64)
    )
    indptr = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    frequency = np.bincount(indices, minlength=len(vocabulary))
    sentences = max(len(corpus), 1)
    weights = np.log((sentences + 1) / (frequency + 1.0))
    squared = np.bincount(
        np.repeat(np.arange(len(corpus), dtype=np.int64), lengths),
        weights=weights[indices] ** 2,
        minlength=len(corpus),
    )
    grams.vocabulary = vocabulary
    grams.document_frequency = frequency.tolist()
    grams.weights = weights.tolist()
    grams.norms = np.sqrt(squared).tolist()
    # The sets live only in the index (no per-sentence lists): a sentence has a
    # hundred or more grams, and Python lists of them would cost gigabytes. Without
    # the (sentence, gram) keys, which would double it: looked up by merging.
    empty = np.zeros(0, dtype=np.int64)
    grams.lookup = TokenIndex(lengths, indptr, indices, empty, size, len(corpus))
    return grams
