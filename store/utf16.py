"""Code-point offsets (claimdesk's) to UTF-16 code units and back, for the consumers that
count as JavaScript and Java strings do: a character beyond U+FFFF (most emoji, every
flag's two regional indicators) is two units there and one code point here.

Shared by the doccano export and ``import-annotations --format doccano`` (doccano's
annotation screen takes its offsets from the browser's strings), so that both convert
alike.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import accumulate

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Offsets:
    """The UTF-16 offset of every code-point offset of one text, and back."""

    def __init__(self, text: str) -> None:
        # Most texts have no character beyond U+FFFF: both counts agree, no table needed.
        self._units: list[int] | None = None
        if _ASTRAL.search(text):
            widths = (2 if ord(char) > 0xFFFF else 1 for char in text)
            self._units = list(accumulate(widths, initial=0))
        self.length = len(text) if self._units is None else self._units[-1]

    @property
    def differs(self) -> bool:
        """Whether any offset of the text is counted differently in UTF-16."""
        return self._units is not None

    def to_utf16(self, offset: int) -> int:
        """The UTF-16 offset of the code-point ``offset`` (0 to the text's length)."""
        return offset if self._units is None else self._units[offset]

    def from_utf16(self, unit: int) -> int | None:
        """The code-point offset at UTF-16 ``unit``; None past the end or between the two
        halves of one character."""
        if not 0 <= unit <= self.length:
            return None
        if self._units is None:
            return unit
        offset = bisect_left(self._units, unit)
        return offset if self._units[offset] == unit else None
