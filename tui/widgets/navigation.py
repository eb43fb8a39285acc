"""Where the cursor goes by word, sentence and paragraph, and word snapping.

Pure functions over the stored text and its sentence table, so the reader's
movement rules can be tested without a terminal.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from functools import lru_cache

from store.combining import INSIDE_WORD, JOINERS, attaches, splits_character
from tui.char_class import code_point_class

# A number with thousands or decimal separators (4.700, 12.000, 10,000, 3.5, 1.400km) is
# one word, as the export tokenizer keeps it; everything else splits at non-word characters.
# Combining marks belong to the word they follow, as in the export tokenizer: re's \w
# leaves them out, which cut Hindi (नमस्ते at its virama) and pointed Hebrew or Arabic
# after every letter, so a selection snapped to a lone vowel point.
# A bidi mark or isolate between two letters stays in the word too, as in the tokenizer
# (``store.combining.INSIDE_WORD``); one at the word's edge is no part of it.
_WORD_TAIL = r"[\w{marks}]*(?:[{bidi}][{inside}]*(?=\w)[\w{marks}]*)*"
_WORD_FORM = r"\d+(?:[.,]\d+)+" + _WORD_TAIL + r"|\w" + _WORD_TAIL
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LOOK_BACK = 4_000


@lru_cache(maxsize=1)
def _word_pattern() -> re.Pattern[str]:
    """``_WORD_FORM`` with the class of every combining mark (Mn, Mc, Me), built once."""
    marks = [code for code in range(0x300, 0x1F000) if unicodedata.category(chr(code))[0] == "M"]
    marks += range(0xE0100, 0xE01F0)  # variation selectors supplement
    marks += [ord(joiner) for joiner in JOINERS]  # inside a word, as the tokenizer keeps them
    # The first of a run is disjoint from the marks, so a word that ends does not try
    # every split of the run.
    bidi = code_point_class(ord(char) for char in INSIDE_WORD - JOINERS)
    inside = code_point_class(ord(char) for char in INSIDE_WORD)
    return re.compile(_WORD_FORM.format(marks=code_point_class(marks), bidi=bidi, inside=inside))


def is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _base_is_word(text: str, index: int) -> bool:
    """Whether the character the marks before ``index`` attach to is a word character.

    A bidi mark counts as inside only where a word character follows its run of format
    characters, as in the tokenizer: a combining mark after an RLM sits on the RLM, not on
    the letter before it."""
    while index > 0:
        before = text[index - 1]
        inside = before in INSIDE_WORD and _word_follows(text, index)
        if not (attaches(before) or before in JOINERS or inside):
            break
        index -= 1
    return index > 0 and is_word_char(text[index - 1])


def _word_follows(text: str, index: int) -> bool:
    """Whether the run of format characters at ``index`` is followed by a word character."""
    while index < len(text) and text[index] in INSIDE_WORD:
        index += 1
    return index < len(text) and is_word_char(text[index])


def _joined(text: str, index: int) -> bool:
    """Whether ``text[index - 1]`` and ``text[index]`` belong to one word or one number."""
    before, after = text[index - 1], text[index]
    if attaches(after):
        return True  # a mark never leaves the character it sits on
    if after in JOINERS and _base_is_word(text, index + 1):
        return True  # a joiner inside a word stays in it
    if after in INSIDE_WORD and _base_is_word(text, index) and _word_follows(text, index):
        return True  # so does a bidi mark between two letters
    if is_word_char(after) and (
        is_word_char(before)
        or ((attaches(before) or before in INSIDE_WORD) and _base_is_word(text, index))
    ):
        return True
    if before in ".," and after.isdigit():
        return index >= 2 and text[index - 2].isdigit()
    if after in ".," and before.isdigit():
        return index + 1 < len(text) and text[index + 1].isdigit()
    return False


def next_number(text: str, offset: int, limit: int | None = None) -> tuple[int, int] | None:
    """The first whole number starting at or after ``offset`` (and before ``limit``)."""
    start = offset
    # Not the tail of a number the cursor is already inside.
    while 0 < start < len(text) and _joined(text, start) and text[start - 1].isdigit():
        start += 1
    match = _NUMBER.search(text, start, len(text) if limit is None else limit)
    if match is None:
        return None
    return match.start(), match.end()


def word_forward(text: str, offset: int) -> int:
    """The end of the word at or after ``offset``."""
    match = _word_pattern().search(text, offset)
    if match is None:
        return len(text)
    if match.end() == offset:
        match = _word_pattern().search(text, offset + 1)
        return len(text) if match is None else match.end()
    return match.end()


def word_backward(text: str, offset: int) -> int:
    """The start of the word before ``offset``."""
    low = max(0, offset - _LOOK_BACK)
    last = None
    for match in _word_pattern().finditer(text, low, offset):
        if match.start() < offset:
            last = match
    if last is None:
        return low if low else 0
    return last.start()


def sentence_at(sentences: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """The sentence containing ``offset``, else the next one, else the last one."""
    if not sentences:
        return None
    index = bisect_right(sentences, (offset, 2**63)) - 1
    if index >= 0 and sentences[index][0] <= offset < sentences[index][1]:
        return sentences[index]
    if index + 1 < len(sentences):
        return sentences[index + 1]
    return sentences[-1]


def sentence_target(
    starts: list[int], ends: list[int], offset: int, direction: int, *, to_end: bool
) -> int:
    """Next sentence start (or, extending, the end of this/next sentence), or previous start.

    ``starts`` and ``ends`` are the sentence table's columns, both ascending.
    """
    if not starts:
        return offset
    if direction > 0:
        if to_end:
            index = bisect_right(ends, offset)
            return ends[index] if index < len(ends) else ends[-1]
        index = bisect_right(starts, offset)
        return starts[index] if index < len(starts) else ends[-1]
    index = bisect_left(starts, offset) - 1
    return starts[index] if index >= 0 else 0


def paragraph_target(
    starts: list[int], ends: list[int], offset: int, direction: int, *, to_end: bool
) -> int:
    """Next non-empty paragraph start (or, extending, this paragraph's end), or previous start."""
    index = bisect_right(starts, offset) - 1
    if direction > 0:
        if to_end:
            while index < len(ends) and (ends[index] <= offset or ends[index] == starts[index]):
                index += 1
            return ends[index] if index < len(ends) else ends[-1]
        index += 1
        while index < len(starts) and starts[index] == ends[index]:
            index += 1
        return starts[index] if index < len(starts) else ends[-1]
    if index >= 0 and starts[index] < offset:
        return starts[index]
    index -= 1
    while index > 0 and starts[index] == ends[index]:
        index -= 1
    return starts[index] if index >= 0 else 0


def snap_to_words(text: str, start: int, end: int, *, snap: bool) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words (when ``snap``) and trim surrounding whitespace."""
    if snap:
        while 0 < start < len(text) and _joined(text, start):
            start -= 1
        while 0 < end < len(text) and _joined(text, end):
            end += 1
    else:
        # Character precision still keeps a mark on its character: the terminal draws the
        # two in one cell, and a span of the lone mark is nothing a reader can see.
        # So does a flag's pair of regional indicators (🇩 alone is half of 🇩🇪).
        while splits_character(text, start):
            start -= 1
        while splits_character(text, end):
            end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def word_at(text: str, offset: int) -> tuple[int, int]:
    """The word around ``offset`` (or the single character there)."""
    if offset >= len(text):
        return len(text), len(text)
    if not is_word_char(text[offset]) and not attaches(text[offset]):
        inside = text[offset] in ".," or text[offset] in INSIDE_WORD
        if inside and offset > 0 and _joined(text, offset):
            return snap_to_words(text, offset, offset + 1, snap=True)
        return offset, offset + 1
    return snap_to_words(text, offset, offset + 1, snap=True)
