"""A story's short label: the title words its documents share that other titles lack."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence

from store.linking.normalize import STOPWORDS, fold
from store.stories.vectors import EXTRA_STOPWORDS

LABEL_WORDS = 3
_TITLE_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+(?:[.,]\d+)*")


def _title_words(title: str | None) -> dict[str, str]:
    """Folded token → first surface form, for the content words of one title."""
    words: dict[str, str] = {}
    for match in _TITLE_WORD.finditer(title or ""):
        raw = match.group()
        lowered = raw.lower()
        # Figures say little without their noun; a label names actors and places.
        if (
            len(lowered) < 3
            or lowered in STOPWORDS
            or lowered in EXTRA_STOPWORDS
            or raw[0].isdigit()
        ):
            continue
        words.setdefault(fold(lowered), raw)
    return words


def title_frequency(titles: Sequence[str | None]) -> Counter[str]:
    """In how many titles each folded word occurs."""
    frequency: Counter[str] = Counter()
    for title in titles:
        frequency.update(_title_words(title).keys())
    return frequency


def story_label(
    titles: Sequence[str | None], frequency: Mapping[str, int], total: int, fallback: str
) -> str:
    """Up to :data:`LABEL_WORDS` title words, ranked by (titles of the story using it) × IDF."""
    score: dict[str, float] = {}
    surface: dict[str, Counter[str]] = {}
    for title in titles:
        for token, raw in _title_words(title).items():
            idf = math.log((total + 1) / (frequency.get(token, 0) + 1)) + 1.0
            score[token] = score.get(token, 0.0) + idf
            surface.setdefault(token, Counter())[raw] += 1
    if not score:
        return fallback
    ranked = sorted(score, key=lambda t: (-score[t], t))[:LABEL_WORDS]
    return " ".join(surface[t].most_common(1)[0][0] for t in ranked)
