"""Language detection for articles whose file does not name their language."""

from __future__ import annotations

import re

import simplemma

LANGUAGES = ("de", "en", "fr", "es", "it", "nl", "pl")
"""Candidate languages; a small set keeps detection fast and its guesses plausible."""

SAMPLE_CHARS = 2_000
FALLBACK_SAMPLE_CHARS = 600
"""simplemma costs about 0.2 ms a word with its low-memory dictionaries: keep its sample short."""
MIN_SCORE = 0.5
MIN_LEAD = 0.2


# The most frequent function words of each candidate. Counting them settles ordinary
# news text in microseconds; simplemma's dictionaries (10-20 ms an article) are asked
# only when the count is not clear-cut, e.g. for short or mixed-language text.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "de": frozenset(
        "der die das und ist nicht ein eine einen dem den des mit sich auf für von zu im"
        " auch als wie wurde wurden hat haben sind bei aus nach noch über".split()
    ),
    "en": frozenset(
        "the and of to is was were that with for on are it by from has have this which"
        " be at as an not said after their been".split()
    ),
    "fr": frozenset(
        "le la les et des est une dans que qui pour pas sur au aux du ce sont par avec"
        " il elle été ont mais plus".split()
    ),
    "es": frozenset(
        "el los las y del que en por con una para es se no al lo como su más pero fue"
        " sus han este".split()
    ),
    "it": frozenset(
        "il lo gli e di che per una con non sono della del nel alla le si è anche come"
        " più ma stato dei".split()
    ),
    "nl": frozenset(
        "de het een en van is dat op te niet met voor zijn er aan ook als bij door naar"
        " om werd wordt heeft".split()
    ),
    "pl": frozenset(
        "i w na z że do się nie jest to o od po przez jak ale za dla są był była już".split()
    ),
}
_WORD = re.compile(r"[^\W\d_]+")
MIN_FUNCTION_SHARE = 0.12
MIN_FUNCTION_WORDS = 8


_LANGUAGES_OF_WORD: dict[str, tuple[str, ...]] = {}
for _code, _vocabulary in FUNCTION_WORDS.items():
    for _word in _vocabulary:
        _LANGUAGES_OF_WORD[_word] = (*_LANGUAGES_OF_WORD.get(_word, ()), _code)


def _by_function_words(sample: str) -> str | None:
    words = _WORD.findall(sample.lower())
    if len(words) < MIN_FUNCTION_WORDS * 3:
        return None
    counts = dict.fromkeys(FUNCTION_WORDS, 0)
    for word in words:
        for code in _LANGUAGES_OF_WORD.get(word, ()):
            counts[code] += 1
    ranked = sorted(((n, code) for code, n in counts.items()), reverse=True)
    (best, code), (runner_up, _) = ranked[0], ranked[1]
    if (
        best >= MIN_FUNCTION_WORDS
        and best >= MIN_FUNCTION_SHARE * len(words)
        and best >= 2 * runner_up
    ):
        return code
    return None


def detect_language(text: str) -> str | None:
    """Code of the language of ``text`` when one candidate is clearly ahead, else None.

    Only the first :data:`SAMPLE_CHARS` characters are looked at (cut at a space so no
    word is split): the start of an article is enough, and the cost stays bounded.
    """
    sample = text[:SAMPLE_CHARS]
    if len(text) > SAMPLE_CHARS and " " in sample:
        sample = sample.rsplit(" ", 1)[0]
    quick = _by_function_words(sample)
    if quick is not None:
        return quick
    sample = sample[:FALLBACK_SAMPLE_CHARS]
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
