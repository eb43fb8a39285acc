"""Informative-token TF-IDF vectors of whole documents.

A story is told through its actors, places and figures, so tokens are content words
(function words dropped), folded to lower case; a word written capitalised that the
lemma dictionary does not know (a name or place, see
:func:`store.linking.normalize.is_name`) and a number count more than an ordinary
word. Names survive translation, which lets a German and an English report of one
event meet. Title words count twice: the headline states what the article is about.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from store.linking.normalize import STOPWORDS, fold, is_name

# Multipliers on a token's TF-IDF weight, chosen on the sample gold (see the README's
# Stories section); numbers are weighted less than names because dates and round
# figures recur across unrelated reports.
NAME_BOOST = 2.0
NUMBER_BOOST = 1.5
TITLE_REPEAT = 2
MIN_WORD_CHARS = 3

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+(?:[.,\s]\d+)*")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$")
EXTRA_STOPWORDS = frozenset(
    """
    sagt sagte sagten erklärte heißt hieß gibt gab geht ging kommt kam immer bereits
    wieder allerdings jetzt heute gestern morgen dabei damit darauf daher dazu einem
    eines einer zwei drei vier fünf sechs sieben acht neun zehn jahr jahre jahren
    prozent uhr told added just more most other into over after before only first
    last new one two three four five year years percent per cent since being would
    """.split()
)


def _number_token(raw: str) -> str:
    """One spelling for a figure: ``11.000``, ``11,000`` and ``11 000`` are one token."""
    compact = re.sub(r"\s", "", raw)
    if _THOUSANDS.match(raw):
        return "#" + re.sub(r"[.,\s]", "", raw)
    return "#" + compact.replace(",", ".")


def document_terms(title: str | None, text: str, language: str | None) -> Counter[str]:
    """Weighted term counts of one document (before IDF)."""
    lang = "en" if (language or "").startswith("en") else "de"
    raw_counts: Counter[str] = Counter(_WORD.findall(text))
    for _ in range(TITLE_REPEAT):
        raw_counts.update(_WORD.findall(title or ""))
    counts: Counter[str] = Counter()
    names: set[str] = set()
    numbers: set[str] = set()
    # Each distinct spelling is looked at once: most words repeat within an article.
    for raw, count in raw_counts.items():
        token = _token(raw.strip())
        if token is None:
            continue
        if token.startswith("#"):
            numbers.add(token)
        elif token not in names and is_name(raw, lang):
            names.add(token)
        counts[token] += count
    boosted: Counter[str] = Counter()
    for token, count in counts.items():
        boost = NAME_BOOST if token in names else NUMBER_BOOST if token in numbers else 1.0
        # Sublinear term frequency: a name repeated ten times is not ten times the story.
        boosted[token] = round(100 * boost * (1.0 + math.log(count)))
    return boosted


@lru_cache(maxsize=200_000)
def _token(raw: str) -> str | None:
    """The term of one spelling, or None for function words, short words and single digits."""
    if raw[0].isdigit():
        return _number_token(raw) if len(raw) >= 2 else None
    lowered = raw.lower()
    if len(lowered) < MIN_WORD_CHARS or lowered in STOPWORDS or lowered in EXTRA_STOPWORDS:
        return None
    return fold(lowered)


@dataclass(slots=True)
class DocumentVectors:
    """Sparse, L2-normalised TF-IDF rows: for row ``i``, ``terms[i]`` and ``weights[i]``."""

    terms: list[npt.NDArray[np.int64]]
    weights: list[npt.NDArray[np.float64]]
    document_frequency: npt.NDArray[np.int64]
    vocabulary: list[str]

    def __len__(self) -> int:
        return len(self.terms)


def build_vectors(term_counts: Sequence[Counter[str]]) -> DocumentVectors:
    """TF-IDF over the given documents; IDF is ``log((n + 1) / (df + 1)) + 1``."""
    index: dict[str, int] = {}
    rows: list[tuple[list[int], list[float]]] = []
    for counts in term_counts:
        ids = [index.setdefault(term, len(index)) for term in counts]
        rows.append((ids, [counts[t] / 100.0 for t in counts]))
    frequency = np.zeros(len(index), dtype=np.int64)
    for ids, _ in rows:
        frequency[ids] += 1
    n = len(rows)
    idf = np.log((n + 1) / (frequency + 1)) + 1.0
    terms: list[npt.NDArray[np.int64]] = []
    weights: list[npt.NDArray[np.float64]] = []
    for ids, values in rows:
        ids_array = np.asarray(ids, dtype=np.int64)
        row = np.asarray(values, dtype=np.float64) * idf[ids_array]
        norm = float(np.linalg.norm(row))
        terms.append(ids_array)
        weights.append(row / norm if norm > 0 else row)
    vocabulary = [""] * len(index)
    for term, position in index.items():
        vocabulary[position] = term
    return DocumentVectors(terms, weights, frequency, vocabulary)
