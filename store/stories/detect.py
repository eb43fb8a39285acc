"""The story computation over plain documents: boilerplate out, vectors, pairs, groups.

No database here, so the benchmark and the tests run the very same code the store
runs after ``import`` and ``link``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from store.stories.cluster import DEFAULT_THRESHOLD, centroid_linkage
from store.stories.pairs import Edges, PairSettings, story_edges
from store.stories.vectors import DocumentVectors, build_vectors, document_terms

# A sentence found word for word in this many documents of one outlet is that
# outlet's boilerplate ("Der Volltext dieses Artikels steht nicht mehr zur
# Verfügung"), not a story: on the real corpus it alone chained 9 unrelated articles.
BOILERPLATE_MIN_DOCS = 3
_SPACE = re.compile(r"\s+")
DEFAULT_SETTINGS = PairSettings()


@dataclass(frozen=True, slots=True)
class StoryInput:
    """What story detection reads of one document."""

    source_name: str
    outlet: str | None
    title: str | None
    published: str | None
    language: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Detection:
    """A group number per input document (the index of its group's first document)."""

    groups: list[int]
    edges: Edges
    vectors: DocumentVectors


# Boilerplate is found by exact repetition, so a rough split at end punctuation does:
# the store's segmenter (abbreviations, quotes) costs ten times as much here.
_ROUGH_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _sentences(text: str) -> list[str]:
    return [_SPACE.sub(" ", part).strip() for part in _ROUGH_SENTENCE_END.split(text) if part]


def strip_boilerplate(documents: Sequence[StoryInput]) -> list[str]:
    """Each document's text without the sentences its outlet repeats across articles."""
    split = [_sentences(doc.text) for doc in documents]
    seen: Counter[tuple[str | None, str]] = Counter()
    for doc, sentences in zip(documents, split, strict=True):
        for sentence in set(sentences):
            seen[(doc.outlet, sentence)] += 1
    return [
        " ".join(s for s in sentences if seen[(doc.outlet, s)] < BOILERPLATE_MIN_DOCS)
        for doc, sentences in zip(documents, split, strict=True)
    ]


def detect_stories(
    documents: Sequence[StoryInput],
    link_share: Mapping[tuple[int, int], float] | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    settings: PairSettings = DEFAULT_SETTINGS,
) -> Detection:
    """Group ``documents`` into stories; ``link_share`` is keyed by index pairs."""
    texts = strip_boilerplate(documents)
    terms = [
        document_terms(doc.title, text, doc.language)
        for doc, text in zip(documents, texts, strict=True)
    ]
    vectors = build_vectors(terms)
    dates = [doc.published for doc in documents]
    shares = link_share or {}
    edges = story_edges(vectors, dates, shares, settings)
    bonus = {pair: settings.link_weight * min(share, 1.0) for pair, share in shares.items()}
    groups = centroid_linkage(
        vectors,
        edges,
        bonus,
        dates,
        threshold,
        date_window_days=settings.date_window_days,
        date_decay=settings.date_decay,
    )
    return Detection(groups, edges, vectors)
