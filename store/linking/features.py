"""The corpus being linked, as weighted token sets: one entry per sentence.

Weights are inverse sentence frequencies computed on this corpus only, so words
that a topical corpus uses everywhere ("Polizei", "Hochwasser") count for little
while a number, a name or a rare word counts for much. Numbers and names get a
further boost because they identify a fact, and in a topical corpus their
frequency is inflated by exactly the duplicate reports we are looking for.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import cast

import numpy as np
import numpy.typing as npt

from store.linking.aliases import alias_tokens, corpus_aliases, defined_tokens
from store.linking.clauses import clause_spans
from store.linking.context import borrowed_tokens, opens_with_anaphor, previous_sentences
from store.linking.days import day_tokens, published_date
from store.linking.normalize import (
    DAY_PREFIX,
    MONTH_PREFIX,
    NUMBER_PREFIX,
    Normalised,
    Stemmer,
    normalise,
)
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
    # ``documents.published`` (``YYYY-MM-DD…``): "am Dienstag" and "gestern" resolve against it.
    published: str | None = None


@dataclass(frozen=True, slots=True)
class SentenceRef:
    """Where a sentence of the corpus stands in the store."""

    sentence_id: int | None
    doc_id: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause of a sentence that divides into several (see :mod:`store.linking.clauses`)."""

    # Code points into the document text: text[start:end] is the clause.
    start: int
    end: int
    token_ids: tuple[int, ...]
    # The normalised tokens joined (rapidfuzz's input), number values and ranges.
    text: str
    values: tuple[float, ...]
    ranges: tuple[tuple[float, float], ...]


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


@dataclass(frozen=True, slots=True)
class UnitIndex:
    """Clause rows and borrowed-context rows of a corpus, weighed as its sentences.

    Sentence ``s`` has the clause rows ``first_clause[s]`` onwards (``clause_count[s]``
    of them, 0 when it does not divide) and the borrowed row ``borrowed_row[s]``
    (-1 when it borrows nothing). Token and gram ids are the corpus's own.
    """

    words: TokenIndex
    grams: TokenIndex
    word_norms: npt.NDArray[np.float64]
    gram_norms: npt.NDArray[np.float64]
    # Per clause row: its tokens sorted and joined (rapidfuzz's input), figures.
    texts: npt.NDArray[np.object_]
    values: list[tuple[float, ...]]
    ranges: list[tuple[tuple[float, float], ...]]
    first_clause: npt.NDArray[np.int64]
    clause_count: npt.NDArray[np.int64]
    borrowed_row: npt.NDArray[np.int64]


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
    # Per sentence that divides, its clauses; per sentence that opens with an
    # anaphor, the previous sentence's informative tokens it lacks (store.linking.units).
    clauses: dict[int, tuple[Clause, ...]] = field(default_factory=dict)
    borrowed: dict[int, list[int]] = field(default_factory=dict)
    units: UnitIndex | None = field(default=None, repr=False, compare=False)
    # On a gram corpus: each word's gram ids (CSR by word id), to build gram sets of
    # other token sets (clauses, context) with the same gram ids and weights.
    gram_starts: npt.NDArray[np.int64] | None = field(default=None, repr=False, compare=False)
    gram_ids: npt.NDArray[np.int64] | None = field(default=None, repr=False, compare=False)
    # Built on first use and kept: scoring looks tokens up in several passes.
    lookup: TokenIndex | None = field(default=None, repr=False, compare=False)
    sorted_lookup: npt.NDArray[np.object_] | None = field(default=None, repr=False, compare=False)
    by_document: LinkCorpus | None = field(default=None, repr=False, compare=False)
    # The median sentence information, computed once (see score.evidence_scale).
    evidence: float | None = field(default=None, repr=False, compare=False)
    # Per sentence, its information (summed word IDF), computed once (score.information).
    information: npt.NDArray[np.float64] | None = field(default=None, repr=False, compare=False)
    # Per pair of languages, the factor of its document cosines (store.linking.languages).
    language_scales: dict[tuple[str, str], float] | None = field(
        default=None, repr=False, compare=False
    )

    def __len__(self) -> int:
        return len(self.refs)

    def documents_view(self) -> LinkCorpus:
        """The corpus's documents as word sets, IDF over documents (built once, kept)."""
        if self.by_document is None:
            # Each document's distinct words, sorted: the sentences' (document, word)
            # keys sorted once, duplicates dropped.
            owners = np.fromiter((ref.doc_id for ref in self.refs), np.int64, count=len(self))
            position = np.cumsum(np.r_[False, owners[1:] != owners[:-1]]).astype(np.int64)
            position = position[: len(owners)]  # none for an empty corpus
            documents = int(position[-1]) + 1 if len(position) else 0
            index = self.token_index()
            vocabulary = max(len(self.weights), 1)
            keys = np.repeat(position, index.lengths) * vocabulary + index.indices
            keys.sort()
            keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
            tokens = keys % vocabulary
            lengths = np.bincount(keys // vocabulary, minlength=documents).astype(np.int64)
            view = LinkCorpus(refs=[SentenceRef(None, i, 0, 0) for i in range(documents)])
            # The view's token index is these keys already (what token_index() builds).
            indptr = np.r_[0, np.cumsum(lengths)].astype(np.int64)
            view.lookup = TokenIndex(lengths, indptr, tokens, keys, vocabulary, documents)
            frequency = np.bincount(tokens, minlength=len(self.weights)).tolist()
            total = documents
            view.document_frequency = frequency
            view.weights = [math.log((total + 1) / (df + 1)) for df in frequency]
            # One int object per token id, shared by every document that has it (as
            # the sentences' lists share the vocabulary's): millions of entries at scale.
            shared_ids = list(range(vocabulary))
            flat = list(map(shared_ids.__getitem__, tokens.tolist()))
            bounds = np.r_[0, np.cumsum(lengths)].tolist()
            view.token_ids = [flat[bounds[k] : bounds[k + 1]] for k in range(documents)]
            del flat, shared_ids
            view.norms = _sequential_norms(view.weights, tokens, lengths)
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
            lengths, indices = _flat_ids(self.token_ids)
            self.lookup = _indexed(lengths, indices, max(len(self.weights), 1))
        return self.lookup


def _flat_ids(
    token_ids: Sequence[list[int]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each row's length and all rows' ids in one array, row after row."""
    lengths = np.fromiter(map(len, token_ids), dtype=np.int64, count=len(token_ids))
    indices = np.fromiter(
        itertools.chain.from_iterable(token_ids), dtype=np.int64, count=int(lengths.sum())
    )
    return lengths, indices


def _indexed(
    lengths: npt.NDArray[np.int64], indices: npt.NDArray[np.int64], vocabulary: int
) -> TokenIndex:
    indptr = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    owners = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    keys = np.sort(owners * vocabulary + indices)
    return TokenIndex(lengths, indptr, indices, keys, vocabulary, len(lengths))


def _sequential_norms(
    weights: Sequence[float], tokens: npt.NDArray[np.int64], lengths: npt.NDArray[np.int64]
) -> list[float]:
    """``sqrt(sum(weights[t] ** 2 for t in row))`` of each row, with the same floats.

    Squares are taken in Python and added left to right (``np.cumsum`` along the
    rows of one length), as the built-in ``sum`` adds them.
    """
    squares = np.asarray([w**2 for w in weights], dtype=np.float64)
    totals = np.zeros(len(lengths), dtype=np.float64)
    starts = np.r_[0, np.cumsum(lengths)[:-1]].astype(np.int64)
    for length in np.unique(lengths).tolist():
        if length == 0:
            continue
        rows = np.flatnonzero(lengths == length)
        matrix = squares[tokens[starts[rows][:, None] + np.arange(length)]]
        totals[rows] = np.cumsum(matrix, axis=1)[:, -1]
    norms: list[float] = np.sqrt(totals).tolist()
    return norms


Values = tuple[float, ...]
Ranges = tuple[tuple[float, float], ...]
# A clause as matching sees it: its offsets, tokens in order, number values, ranges.
ClauseTokens = tuple[int, int, list[str], Values, Ranges]
# Acronym definitions as tokens: (short form, the long form's tokens).
Defined = tuple[tuple[str, tuple[str, ...]], ...]
# A sentence as matching sees it: its tokens in order, those that are names, its
# number values and its ranges, its clauses (none unless it divides), whether it
# opens with an anaphor, and the acronyms it defines (store.linking.aliases).
Tokens = tuple[list[str], set[str], Values, Ranges, list[ClauseTokens], bool, Defined]


def _normalise_document(document: DocInput, stemmer: Stemmer) -> list[Tokens]:
    result: list[Tokens] = []
    text, language = document.text, document.language
    published = published_date(document.published)
    for _sentence_id, start, end in document.sentences:
        sentence = text[start:end]
        normalised = normalise(sentence, language, stemmer=stemmer)
        _add_days(normalised, sentence, language, published)
        clauses: list[ClauseTokens] = []
        for clause_start, clause_end in clause_spans(text, start, end, language):
            clause = text[clause_start:clause_end]
            part = normalise(clause, language, stemmer=stemmer)
            _add_days(part, clause, language, published)
            clauses.append(
                (clause_start, clause_end, part.tokens, *_figures(part.numbers, part.ranges))
            )
        result.append(
            (
                normalised.tokens,
                normalised.names,
                *_figures(normalised.numbers, normalised.ranges),
                clauses,
                opens_with_anaphor(sentence, language),
                # Normalised here, in the worker: the parent never loads a lemma dictionary.
                tuple(defined_tokens(sentence, language, stemmer)) if "(" in sentence else (),
            )
        )
    return result


def _add_days(normalised: Normalised, text: str, language: str, published: date | None) -> None:
    """The days ``text`` names (store.linking.days) as tokens after its words."""
    # Without a publication date only a written date gives a day, and that names a
    # month, which normalise has found ("am 11.3." reads as "am 11. März" there too).
    if published is not None or normalised.months:
        tokens = normalised.tokens
        tokens += [token for token in day_tokens(text, language, published) if token not in tokens]


def _figures(
    numbers: Sequence[Decimal], ranges: Sequence[tuple[Decimal, Decimal]]
) -> tuple[Values, Ranges]:
    if not numbers:
        # No number, so no range either: most sentences.
        return (), ()
    return tuple(float(v) for v in numbers), tuple((float(a), float(b)) for a, b in ranges)


def _normalise_all(
    documents: Sequence[DocInput], stemmer: Stemmer, workers: int
) -> Iterator[tuple[DocInput, list[Tokens]]]:
    """Each document with its sentences normalised, in order; on ``workers`` processes.

    Normalising is pure Python and most of a large run's time, so a big corpus is
    spread over processes; results come back in document order, which keeps the
    token ids, and so every score, the same as a single-process run.
    """
    with _collector_paused():
        yield from _normalise_each(documents, stemmer, workers)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the corpus is built, as it was after.

    Normalising and building allocate millions of lists, sets and tuples and
    free them by reference counting (they form no cycles); the collector would
    walk the growing corpus again and again for nothing (~1.5 s at 10,000
    articles). Forked workers start with it off too.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _normalise_each(
    documents: Sequence[DocInput], stemmer: Stemmer, workers: int
) -> Iterator[tuple[DocInput, list[Tokens]]]:
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


_NO_NUMBERS: frozenset[str] = frozenset()


# The most worker processes `link --workers` accepts: every one is forked at once, and
# past a few per CPU they only compete for the same cores (and memory).
MAX_WORKERS = 64


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def build_corpus(
    documents: Iterable[DocInput],
    *,
    stemmer: Stemmer = "lemma",
    boost: bool = True,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    clauses: bool = True,
    context: bool = True,
    aliases: bool = True,
) -> LinkCorpus:
    """Normalise every sentence and weight every token by its rarity in this corpus.

    ``progress(done, total)`` is called after each document. ``clauses`` and
    ``context`` keep the clauses of dividing sentences and the context of
    anaphoric ones (see :mod:`store.linking.units`); off, for comparison, the
    linker scores whole sentences only. ``aliases`` lends the acronyms the corpus
    defines (:mod:`store.linking.aliases`) through the same context rows.
    """
    documents = list(documents)
    corpus = LinkCorpus()
    vocabulary = corpus.vocabulary
    name_tokens: set[str] = set()
    # (anaphoric sentence, the sentence before it): context is borrowed once weights exist.
    anaphoric: list[tuple[int, int]] = []
    # (short form token, long form tokens) per acronym definition seen.
    defined: list[tuple[str, tuple[str, ...]]] = []
    for done, (document, normalised) in enumerate(
        _normalise_all(documents, stemmer, workers), start=1
    ):
        if progress is not None:
            progress(done, len(documents))
        first = len(corpus.refs)
        for (sentence_id, start, end), (tokens, names, values, ranges, pieces, _, new) in zip(
            document.sentences, normalised, strict=True
        ):
            ids = _token_ids(tokens, vocabulary)
            if names:
                name_tokens |= names
            corpus.refs.append(SentenceRef(sentence_id, document.doc_id, start, end))
            corpus.outlets.append(document.outlet)
            corpus.languages.append(document.language)
            corpus.token_ids.append(ids)
            joined = " ".join(tokens)
            corpus.texts.append(joined)
            corpus.quotes.append(document.text[start:end])
            if aliases and new:
                defined += new
            # Most sentences state no figure: one shared empty set, not 200 bytes each.
            numbers = _NO_NUMBERS
            if NUMBER_PREFIX in joined:
                numbers = frozenset(t for t in tokens if t.startswith(NUMBER_PREFIX)) or _NO_NUMBERS
            corpus.numbers.append(numbers)
            corpus.values.append(values)
            corpus.ranges.append(ranges)
            if pieces and clauses:
                own = set(ids)
                corpus.clauses[len(corpus.refs) - 1] = tuple(
                    Clause(
                        a,
                        b,
                        # Only the sentence's own tokens: a clause is part of it.
                        tuple(
                            dict.fromkeys(
                                vocabulary[t] for t in words if vocabulary.get(t, -1) in own
                            )
                        ),
                        " ".join(words),
                        clause_values,
                        clause_ranges,
                    )
                    for a, b, words, clause_values, clause_ranges in pieces
                )
        anaphoric += previous_sentences(corpus.refs, first, [entry[5] for entry in normalised])
    # A sentence's ids are distinct: a token's sentence frequency is its count among all ids.
    lengths, indices = _flat_ids(corpus.token_ids)
    frequency: list[int] = np.bincount(indices, minlength=len(vocabulary)).tolist()
    corpus.document_frequency = frequency
    total = len(corpus.refs)
    weights = [math.log((total + 1) / (df + 1)) for df in frequency]
    corpus.anchors = [
        token.startswith((NUMBER_PREFIX, MONTH_PREFIX, DAY_PREFIX)) or token in name_tokens
        for token in vocabulary
    ]
    if boost:
        for token, token_id in vocabulary.items():
            if token.startswith((NUMBER_PREFIX, MONTH_PREFIX)):
                weights[token_id] *= NUMBER_BOOST
            elif token in name_tokens:
                weights[token_id] *= NAME_BOOST
    corpus.weights = weights
    # The same squares added in the same order as ``sum(weights[t] ** 2 for t in ids)``.
    squares = [weight**2 for weight in weights]
    corpus.norms = [math.sqrt(sum(map(squares.__getitem__, ids))) for ids in corpus.token_ids]
    # The ids gathered above, kept as the corpus's token index (build_grams needs it).
    corpus.lookup = _indexed(lengths, indices, max(len(weights), 1))
    if context:
        corpus.borrowed = borrowed_tokens(corpus, anaphoric)
    if defined:
        found = [
            (vocabulary[short], tuple(vocabulary[t] for t in long))
            for short, long in defined
            if short in vocabulary and all(t in vocabulary for t in long)
        ]
        lent = alias_tokens(corpus.token_ids, corpus_aliases(found))
        for sentence, lent_ids in lent.items():
            have = corpus.borrowed.setdefault(sentence, [])
            have += [t for t in lent_ids if t not in have]
    corpus.grams = build_grams(corpus)
    if corpus.clauses or corpus.borrowed:
        corpus.units = build_units(corpus)
    return corpus


def _token_ids(tokens: list[str], vocabulary: dict[str, int]) -> list[int]:
    """The distinct token ids of a sentence in order; new tokens join the vocabulary.

    Most sentences hold known tokens only: they are looked up in C, and only a
    sentence with a new one walks its tokens (ids are given in order of first
    appearance, as a corpus always had). Sentence frequencies are counted once all
    sentences have their ids (:func:`build_corpus`).
    """
    looked = list(map(vocabulary.get, tokens))
    if None in looked:
        for position, token in enumerate(tokens):
            if looked[position] is None:
                token_id = vocabulary.get(token)
                if token_id is None:
                    token_id = vocabulary[token] = len(vocabulary)
                looked[position] = token_id
    return cast(list[int], list(dict.fromkeys(looked)))


def word_grams(token: str) -> list[str]:
    """The character n-grams (GRAM_SIZES) of one token, padded so that its ends count."""
    if token.startswith((NUMBER_PREFIX, MONTH_PREFIX, DAY_PREFIX)):
        return [token]
    padded = f"<{token}>"
    return [
        padded[begin : begin + size]
        for size in GRAM_SIZES
        for begin in range(max(1, len(padded) - size + 1))
    ]


def _row_keys(index: TokenIndex, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Sorted ``row * vocabulary + token`` keys of the given ``rows`` (ascending) only.

    The n-gram index is kept without keys (they would double its size); a caller
    that looks grams up in a few rows builds the keys of those rows only.
    """
    count = index.lengths[rows]
    total = int(count.sum())
    position = np.repeat(index.indptr[rows] - (np.cumsum(count) - count), count)
    position += np.arange(total, dtype=np.int64)
    # Each row's ids are sorted and unique and the rows ascend: the keys come out sorted.
    keys: npt.NDArray[np.int64] = np.repeat(rows, count) * index.vocabulary + index.indices[
        position
    ].astype(np.int64)
    return keys


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
    grams.gram_starts = np.asarray(starts, dtype=np.int64)
    grams.gram_ids = np.asarray(flat, dtype=np.int64)
    size = max(len(vocabulary), 1)
    # Only the 32-bit gram ids are kept (a sentence has a hundred or more), taken
    # from the keys a block of sentences at a time: all keys at once would be 64-bit
    # twice over (the blocks and their concatenation).
    index_chunks: list[npt.NDArray[np.int32]] = []
    lengths = np.zeros(len(corpus), dtype=np.int64)
    words = corpus.token_index()
    for first, last, keys in _gram_key_blocks(grams, words, size):
        index_chunks.append((keys % size).astype(np.int32))
        lengths[first:last] = np.bincount(keys // size - first, minlength=last - first)
        del keys
    indices = np.concatenate(index_chunks) if index_chunks else np.zeros(0, dtype=np.int32)
    del index_chunks
    indptr = np.r_[0, np.cumsum(lengths)].astype(np.int64)
    frequency = np.bincount(indices, minlength=len(vocabulary))
    sentences = max(len(corpus), 1)
    weights = np.log((sentences + 1) / (frequency + 1.0))
    squared = np.zeros(len(corpus), dtype=np.float64)
    # A block of sentences at a time: the same sums (each sentence's grams in order)
    # without three arrays as long as the whole index.
    block = 20_000
    for first in range(0, len(corpus), block):
        last = min(first + block, len(corpus))
        squared[first:last] = np.bincount(
            np.repeat(np.arange(last - first, dtype=np.int64), lengths[first:last]),
            weights=weights[indices[indptr[first] : indptr[last]]] ** 2,
            minlength=last - first,
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


def _gram_keys(grams: LinkCorpus, words: TokenIndex, size: int) -> npt.NDArray[np.int64]:
    """``row * size + gram`` for every gram of every row of ``words``, sorted and unique."""
    key_chunks = [keys for _first, _last, keys in _gram_key_blocks(grams, words, size)]
    return np.concatenate(key_chunks) if key_chunks else np.zeros(0, dtype=np.int64)


def _gram_key_blocks(
    grams: LinkCorpus, words: TokenIndex, size: int
) -> Iterator[tuple[int, int, npt.NDArray[np.int64]]]:
    """:func:`_gram_keys` a block of rows at a time: ``(first row, last row + 1, keys)``."""
    assert grams.gram_starts is not None
    assert grams.gram_ids is not None
    word_start, word_grams_flat = grams.gram_starts, grams.gram_ids
    # A block of sentences at a time bounds the expanded (sentence, gram) array.
    block = 20_000
    for first in range(0, words.sentences, block):
        last = min(first + block, words.sentences)
        entries = words.indices[words.indptr[first] : words.indptr[last]]
        owners = np.repeat(np.arange(first, last, dtype=np.int64), words.lengths[first:last])
        counts = word_start[entries + 1] - word_start[entries]
        total = int(counts.sum())
        offsets = np.repeat(word_start[entries] - (np.cumsum(counts) - counts), counts)
        gram_ids = word_grams_flat[offsets + np.arange(total, dtype=np.int64)]
        # Sorted, then duplicates dropped: numpy's hash-based unique is slower here.
        keys = np.sort(np.repeat(owners, counts) * size + gram_ids)
        yield first, last, keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def build_units(corpus: LinkCorpus) -> UnitIndex:
    """The clauses of dividing sentences and the borrowed context of anaphoric ones, indexed.

    Needs ``corpus.clauses``, ``corpus.borrowed`` and ``corpus.grams``. A borrowed
    row's n-grams are those of the borrowed words that the sentence's own words
    lack, so a sentence's own and borrowed grams never overlap.
    """
    assert corpus.grams is not None
    count = len(corpus)
    first_clause = np.zeros(count, dtype=np.int64)
    clause_count = np.zeros(count, dtype=np.int64)
    borrowed_row = np.full(count, -1, dtype=np.int64)
    rows: list[list[int]] = []
    texts: list[str] = []
    values: list[Values] = []
    ranges: list[Ranges] = []
    for sentence, clauses in corpus.clauses.items():
        first_clause[sentence] = len(rows)
        clause_count[sentence] = len(clauses)
        for clause in clauses:
            rows.append(list(clause.token_ids))
            texts.append(" ".join(sorted(clause.text.split())))
            values.append(clause.values)
            ranges.append(clause.ranges)
    owners = []
    for sentence, tokens in corpus.borrowed.items():
        borrowed_row[sentence] = len(rows)
        owners.append(sentence)
        rows.append(tokens)
    total = len(rows)
    holder = LinkCorpus(refs=[SentenceRef(None, -1, 0, 0)] * total, token_ids=rows)
    holder.weights = corpus.weights
    words = holder.token_index()
    weights = np.asarray(corpus.weights, dtype=np.float64)
    grams = corpus.grams
    size = max(len(grams.weights), 1)
    keys = _gram_keys(grams, words, size)
    if owners:
        # Borrowed rows keep only the grams their sentence does not already have.
        row_of = keys // size
        borrowed_keys = row_of >= total - len(owners)
        sentence_of = np.asarray(owners, dtype=np.int64)[
            np.maximum(row_of - (total - len(owners)), 0)
        ]
        main = _row_keys(grams.token_index(), np.unique(np.asarray(owners, dtype=np.int64)))
        if len(main):
            wanted = sentence_of * size + keys % size
            found = np.minimum(np.searchsorted(main, wanted), len(main) - 1)
            keys = keys[~(borrowed_keys & (main[found] == wanted))]
    gram_lengths = np.bincount(keys // size, minlength=total).astype(np.int64)
    gram_index = TokenIndex(
        gram_lengths,
        np.r_[0, np.cumsum(gram_lengths)].astype(np.int64),
        keys % size,
        keys,
        size,
        total,
    )
    return UnitIndex(
        words=words,
        grams=gram_index,
        word_norms=_row_norms(words, weights, total),
        gram_norms=_row_norms(gram_index, np.asarray(grams.weights, dtype=np.float64), total),
        texts=np.asarray(texts, dtype=object),
        values=values,
        ranges=ranges,
        first_clause=first_clause,
        clause_count=clause_count,
        borrowed_row=borrowed_row,
    )


def _row_norms(
    index: TokenIndex, weights: npt.NDArray[np.float64], rows: int
) -> npt.NDArray[np.float64]:
    owners = np.repeat(np.arange(rows, dtype=np.int64), index.lengths)
    squared = np.bincount(owners, weights=weights[index.indices] ** 2, minlength=rows)
    return np.sqrt(squared)
