"""Finding typed text inside one document, for the reader's incremental search.

Matching ignores case and accents (``muller`` finds ``Müller``) by folding each
character to one character, so an offset into the folded text is the same offset
into the stored text and ``text[start:end]`` is exactly what was found.
"""

from __future__ import annotations

import unicodedata


def fold_char(char: str) -> str:
    """One character, lower-cased and without accents; unchanged if that would not be
    one character (``ß`` stays ``ß``: ``ss`` would shift every later offset)."""
    lower = char.lower()
    if len(lower) != 1:
        return char
    base = unicodedata.normalize("NFD", lower)[0]
    return base if len(base) == 1 else lower


def fold(text: str) -> str:
    """``text`` folded character by character: same length, same offsets."""
    return "".join(fold_char(char) for char in text)


def find_match(
    folded_text: str, query: str, start: int, direction: int = 1
) -> tuple[int, int] | None:
    """The ``[start, end)`` of the next match of ``query`` (forward from ``start``, or
    the last one beginning before ``start`` when ``direction`` is negative), wrapping
    round the document; None when the text holds no match at all."""
    needle = fold(query)
    if not needle:
        return None
    if direction >= 0:
        found = folded_text.find(needle, max(0, start))
        if found < 0:
            found = folded_text.find(needle)
    else:
        found = folded_text.rfind(needle, 0, max(0, start - 1) + len(needle))
        if found < 0 or found >= start:
            found = folded_text.rfind(needle)
    if found < 0:
        return None
    return found, found + len(needle)
