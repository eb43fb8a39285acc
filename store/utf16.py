"""Code-point offsets (claimdesk's) to UTF-16 code units and back, for the consumers that
count as JavaScript and Java strings do: a character beyond U+FFFF (most emoji, every
flag's two regional indicators) is two units there and one code point here.

Shared by the doccano export and ``import-annotations --format doccano`` (doccano's
annotation screen takes its offsets from the browser's strings), so that both convert
alike; the doccano and xmi exports count what the conversion changed with
:class:`MovedSpans`, and say it in the same words.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass
class MovedSpans:
    """The spans, and the documents holding them, whose UTF-16 offsets differ from their
    code-point offsets: what an export that converts should tell the user, since the
    numbers in its file no longer match claimdesk's own."""

    spans: int = 0
    documents: int = 0

    def count(self, units: Utf16Offsets, ends: Iterable[int]) -> None:
        """Count one document's spans, given by their ends: a start that moves has an
        emoji before it, which moves the end too."""
        if not units.differs:
            return
        moved = sum(1 for end in ends if units.to_utf16(end) != end)
        self.spans += moved
        self.documents += 1 if moved else 0

    def note(self, whose: str, advice: str) -> str | None:
        """The export's note, ``whose`` count it is and ``advice`` after; None when no
        span moved."""
        if not self.spans:
            return None
        return (
            f"{self.spans} span(s) in {self.documents} document(s) have UTF-16 offsets"
            f" ({whose}: an emoji is two) other than their code-point offsets; {advice}"
        )
