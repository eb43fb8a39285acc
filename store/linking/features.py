"""The corpus being linked, as weighted token sets: one entry per sentence.

Weights are inverse sentence frequencies computed on this corpus only, so words
that a topical corpus uses everywhere ("Polizei", "Hochwasser") count for little
while a number, a name or a rare word counts for much. Numbers and names get a
further boost because they identify a fact, and in a topical corpus their
frequency is inflated by exactly the duplicate reports we are looking for.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from store.linking.normalize import MONTH_PREFIX, NUMBER_PREFIX, Stemmer, normalise

NUMBER_BOOST = 1.5
NAME_BOOST = 1.25


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


@dataclass(slots=True)
class LinkCorpus:
    """Sentences with their token ids, weights and normalised text, index-aligned."""

    refs: list[SentenceRef] = field(default_factory=list)
    outlets: list[str | None] = field(default_factory=list)
    token_ids: list[list[int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    numbers: list[frozenset[str]] = field(default_factory=list)
    vocabulary: dict[str, int] = field(default_factory=dict)
    document_frequency: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    norms: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.refs)

    def token_weights(self, index: int) -> dict[int, float]:
        weights = self.weights
        return {t: weights[t] for t in self.token_ids[index]}


def build_corpus(
    documents: Iterable[DocInput], *, stemmer: Stemmer = "lemma", boost: bool = True
) -> LinkCorpus:
    """Normalise every sentence and weight every token by its rarity in this corpus."""
    corpus = LinkCorpus()
    vocabulary = corpus.vocabulary
    frequency: list[int] = []
    name_tokens: set[str] = set()
    for document in documents:
        for sentence_id, start, end in document.sentences:
            quote = document.text[start:end]
            normalised = normalise(quote, document.language, stemmer=stemmer)
            ids: list[int] = []
            seen: set[int] = set()
            for token in normalised.tokens:
                token_id = vocabulary.get(token)
                if token_id is None:
                    token_id = vocabulary[token] = len(frequency)
                    frequency.append(0)
                if token_id not in seen:
                    seen.add(token_id)
                    ids.append(token_id)
                    frequency[token_id] += 1
            name_tokens |= normalised.names
            corpus.refs.append(SentenceRef(sentence_id, document.doc_id, start, end))
            corpus.outlets.append(document.outlet)
            corpus.token_ids.append(ids)
            corpus.texts.append(normalised.text)
            corpus.quotes.append(quote)
            corpus.numbers.append(
                frozenset(t for t in normalised.tokens if t.startswith(NUMBER_PREFIX))
            )
    corpus.document_frequency = frequency
    total = len(corpus.refs)
    weights = [math.log((total + 1) / (df + 1)) for df in frequency]
    if boost:
        for token, token_id in vocabulary.items():
            if token.startswith((NUMBER_PREFIX, MONTH_PREFIX)):
                weights[token_id] *= NUMBER_BOOST
            elif token in name_tokens:
                weights[token_id] *= NAME_BOOST
    corpus.weights = weights
    corpus.norms = [math.sqrt(sum(weights[t] ** 2 for t in ids)) for ids in corpus.token_ids]
    return corpus
