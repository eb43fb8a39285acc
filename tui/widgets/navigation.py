"""Where the cursor goes by word, sentence and paragraph, and word snapping.

Pure functions over the stored text and its sentence table, so the reader's
movement rules can be tested without a terminal.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_WORD = re.compile(r"\w+")
_LOOK_BACK = 4_000


def is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def word_forward(text: str, offset: int) -> int:
    """The end of the word at or after ``offset``."""
    match = _WORD.search(text, offset)
    if match is None:
        return len(text)
    if match.end() == offset:
        match = _WORD.search(text, offset + 1)
        return len(text) if match is None else match.end()
    return match.end()


def word_backward(text: str, offset: int) -> int:
    """The start of the word before ``offset``."""
    low = max(0, offset - _LOOK_BACK)
    last = None
    for match in _WORD.finditer(text, low, offset):
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
        while 0 < start < len(text) and is_word_char(text[start - 1]) and is_word_char(text[start]):
            start -= 1
        while 0 < end < len(text) and is_word_char(text[end - 1]) and is_word_char(text[end]):
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
    if not is_word_char(text[offset]):
        return offset, offset + 1
    return snap_to_words(text, offset, offset + 1, snap=True)
