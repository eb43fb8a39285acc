"""Finding typed text inside one document, for the reader's incremental search.

Matching ignores case and accents (``muller`` finds ``Müller``), and combining marks
standing on their own (``zalgo`` finds ``Z͓͑a͔lgo``, ``shalom`` a pointed Hebrew
spelling): each character is folded to one character, marks that NFC could not join
to their letter are left out, and :class:`Folded` keeps where each folded character
stood, so a match is given as offsets into the stored text and ``text[start:end]`` is
exactly what was found (its last letter's marks included).
"""

from __future__ import annotations

import bisect
import unicodedata
from array import array
from dataclasses import dataclass

from store.combining import splits_character


def fold_char(char: str) -> str:
    """One character, lower-cased and without accents; unchanged if that would not be
    one character (``ß`` stays ``ß``: ``ss`` would shift every later offset)."""
    lower = char.lower()
    if len(lower) != 1:
        return char
    base = unicodedata.normalize("NFD", lower)[0]
    return base if len(base) == 1 else lower


def _is_mark(char: str) -> bool:
    return unicodedata.combining(char) != 0


@dataclass(frozen=True, slots=True)
class Folded:
    """A text folded for searching: ``text`` without its standalone marks, and the
    stored offset of each of its characters (None when no mark was left out, so that
    a document without any costs nothing more than its folded copy)."""

    text: str
    offsets: array[int] | None
    size: int

    def stored(self, at: int) -> int:
        """The stored offset of folded position ``at`` (``len(text)``: the stored end)."""
        if self.offsets is None:
            return at
        return self.offsets[at] if at < len(self.offsets) else self.size

    def folded(self, offset: int) -> int:
        """The first folded position at or after stored ``offset``."""
        if self.offsets is None:
            return offset
        return bisect.bisect_left(self.offsets, offset)


def fold(text: str) -> Folded:
    """``text`` folded character by character for :func:`find_match`."""
    folded = [fold_char(char) for char in text]
    if not any(_is_mark(char) for char in folded):
        return Folded("".join(folded), None, len(text))
    kept = [at for at, char in enumerate(folded) if not _is_mark(char)]
    return Folded("".join(folded[at] for at in kept), array("q", kept), len(text))


def find_match(
    folded: Folded, query: str, start: int, direction: int = 1, *, text: str | None = None
) -> tuple[int, int] | None:
    """The stored ``[start, end)`` of the next match of ``query`` (forward from stored
    offset ``start``, or the last one beginning before it when ``direction`` is
    negative), wrapping round the document; None when the text holds no match at all.

    ``text`` (the stored text) lets the match take in the marks on its last letter."""
    needle = fold(query).text
    if not needle:
        return None
    haystack = folded.text
    begin = folded.folded(max(0, start))
    if direction >= 0:
        found = haystack.find(needle, begin)
        if found < 0:
            found = haystack.find(needle)
    else:
        found = haystack.rfind(needle, 0, max(0, begin - 1) + len(needle))
        if found < 0 or found >= begin:
            found = haystack.rfind(needle)
    if found < 0:
        return None
    first = folded.stored(found)
    end = folded.stored(found + len(needle) - 1) + 1
    if text is not None:
        # Whole characters as the reader draws them: a letter's marks, a flag's two halves,
        # an emoji joined by zero-width joiners (a search for 👩 selected the first of the
        # five code points of 👩‍👩‍👧, and a label key stored that half a family).
        while end < len(text) and (_is_mark(text[end]) or splits_character(text, end)):
            end += 1
        while splits_character(text, first):
            first -= 1
    return first, end
