"""Language detection for articles whose file does not name their language."""

from __future__ import annotations

import simplemma

LANGUAGES = ("de", "en", "fr", "es", "it", "nl", "pl")
"""Candidate languages; a small set keeps detection fast and its guesses plausible."""

SAMPLE_CHARS = 2_000
MIN_SCORE = 0.5
MIN_LEAD = 0.2


def detect_language(text: str) -> str | None:
    """Code of the language of ``text`` when one candidate is clearly ahead, else None.

    Only the first :data:`SAMPLE_CHARS` characters are looked at (cut at a space so no
    word is split): the start of an article is enough, and the cost stays bounded.
    """
    sample = text[:SAMPLE_CHARS]
    if len(text) > SAMPLE_CHARS and " " in sample:
        sample = sample.rsplit(" ", 1)[0]
    # low_memory: the streaming dictionaries load in under half the time, same answers.
    scores = [
        (code, score)
        for code, score in simplemma.langdetect(sample, lang=LANGUAGES, low_memory=True)
        if code != "unk"
    ]
    if not scores:
        return None
    best_code, best = scores[0]
    runner_up = scores[1][1] if len(scores) > 1 else 0.0
    if best >= MIN_SCORE and best - runner_up >= MIN_LEAD:
        return str(best_code)
    return None
