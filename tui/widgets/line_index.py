"""Wrapping an article into visual lines, lazily, with offsets kept as code points.

The index wraps paragraphs in reading order and only as far as someone asked
(a line number, an offset, or a background tick), so a 1 MB article shows its
first screen after wrapping a few paragraphs. Line starts live in one sorted list
that :func:`bisect` turns back into line numbers.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from rich.cells import cell_len

_TOKEN = re.compile(r"[^ ]+ *| +")


def char_cells(char: str) -> int:
    return 1 if char.isascii() else cell_len(char)


def text_cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def wrap_paragraph(display: str, start: int, end: int, width: int) -> list[int]:
    """Start offsets of the visual lines of ``display[start:end]`` wrapped at ``width`` cells.

    Words move to the next line whole; a word wider than the line is cut; spaces
    after a word stay on its line (they may hang past the edge).
    """
    piece = display[start:end]
    ascii_only = piece.isascii()
    if not piece or (ascii_only and len(piece) <= width):
        return [start]
    starts = [start]
    used = 0
    for match in _TOKEN.finditer(piece):
        token = match.group()
        word = token.rstrip(" ")
        word_cells = len(word) if ascii_only else text_cells(word)
        if used and used + word_cells > width:
            starts.append(start + match.start())
            used = 0
        if word_cells > width:
            # Cut an over-long word at the cell limit.
            position = start + match.start()
            for char in word:
                cells = char_cells(char)
                if used and used + cells > width:
                    starts.append(position)
                    used = 0
                used += cells
                position += 1
            used += len(token) - len(word)
        else:
            used += word_cells + len(token) - len(word)
    return starts


class LineIndex:
    """Visual lines of one article at one width, wrapped on demand."""

    def __init__(self, text: str, display: str, width: int) -> None:
        self.text = text
        self.display = display
        self.width = max(1, width)
        newline_ends = [m.end() for m in re.finditer("\n", text)]
        self.paragraph_starts: list[int] = [0, *newline_ends]
        self.paragraph_ends: list[int] = [end - 1 for end in newline_ends] + [len(text)]
        self.line_starts: list[int] = []
        self.line_ends: list[int] = []
        self.wrapped_paragraphs = 0
        self._wrapped_chars = 0

    @property
    def complete(self) -> bool:
        return self.wrapped_paragraphs >= len(self.paragraph_starts)

    @property
    def wrapped_lines(self) -> int:
        return len(self.line_starts)

    def estimated_lines(self) -> int:
        """Lines wrapped so far plus a guess for the rest (exact once complete)."""
        if self.complete:
            return len(self.line_starts)
        remaining_paragraphs = len(self.paragraph_starts) - self.wrapped_paragraphs
        remaining_chars = len(self.text) - self._wrapped_chars
        return len(self.line_starts) + remaining_paragraphs + remaining_chars // self.width

    def wrap_more(self, char_budget: int) -> bool:
        """Wrap further paragraphs, about ``char_budget`` characters' worth; True when done."""
        done = 0
        starts, ends = self.paragraph_starts, self.paragraph_ends
        count = len(starts)
        while self.wrapped_paragraphs < count and done <= char_budget:
            index = self.wrapped_paragraphs
            start, end = starts[index], ends[index]
            line_starts = wrap_paragraph(self.display, start, end, self.width)
            self.line_starts.extend(line_starts)
            self.line_ends.extend(line_starts[1:])
            self.line_ends.append(end)
            self.wrapped_paragraphs += 1
            done += end - start + 1
            self._wrapped_chars = min(len(self.text), end + 1)
        return self.complete

    def ensure_line(self, line: int) -> bool:
        """Wrap until visual line ``line`` exists; False when the article is shorter."""
        while len(self.line_starts) <= line and not self.complete:
            self.wrap_more(20_000)
        return line < len(self.line_starts)

    def ensure_offset(self, offset: int) -> None:
        while not self.complete and self._wrapped_chars <= offset:
            self.wrap_more(20_000)

    def line_of(self, offset: int) -> int:
        """The visual line showing ``offset`` (an offset at a line's end stays on it
        only when the next line does not start there)."""
        self.ensure_offset(offset)
        return max(0, bisect_right(self.line_starts, offset) - 1)

    def line_range(self, line: int) -> tuple[int, int]:
        return self.line_starts[line], self.line_ends[line]

    def cell_of(self, offset: int) -> int:
        start = self.line_starts[self.line_of(offset)]
        return text_cells(self.display[start:offset])

    def offset_at(self, line: int, cell: int) -> int:
        """The offset drawn at ``cell`` of visual ``line`` (clamped to the line)."""
        if not self.ensure_line(line):
            return len(self.text)
        start, end = self.line_range(line)
        used = 0
        for position in range(start, end):
            cells = char_cells(self.display[position])
            if used + cells > cell:
                return position
            used += cells
        # Past the text: the line's end, unless that end belongs to the next line.
        if line + 1 < len(self.line_starts) and self.line_starts[line + 1] == end and end > start:
            return end - 1
        return end
