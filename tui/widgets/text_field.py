"""A one-line input box that never sends a control or bidi character to the terminal.

An input box draws its value as it is, and Textual's ``Input`` takes whatever is typed
or pasted: a U+202E pasted into the library filter, the reader's search box or a
picker's filter reached the terminal and reversed the rest of the row, borders too.
Every input box in the reader is this one (the note editor's adds whole-paste handling).
"""

from __future__ import annotations

from textual.widgets import Input

from tui.safe_text import field_line


class TextField(Input):
    """``Input`` whose typed and pasted text goes in as :func:`field_line` makes it."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(field_line(text), start, end)
