"""A one-line input box that never sends a control or bidi character to the terminal.

An input box draws its value as it is, and Textual's ``Input`` takes whatever is typed
or pasted: a U+202E pasted into the library filter, the reader's search box or a
picker's filter reached the terminal and reversed the rest of the row, borders too.
Every input box in the reader is this one (the note editor's adds whole-paste handling).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tui.safe_text import field_line

# Typed as keys of their own (ZWNJ is shift+space on a Persian layout; tmux sends a typed
# ZWJ emoji's joiners so); Textual's Input drops every key that is not printable.
_TYPED_JOINERS = ("\u200c", "\u200d")


class TextField(Input):
    """``Input`` whose typed and pasted text goes in as :func:`field_line` makes it."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(field_line(text), start, end)

    async def _on_key(self, event: events.Key) -> None:
        if event.character in _TYPED_JOINERS:
            # A search typed with its joiners found nothing where the same text pasted did.
            event.stop()
            event.prevent_default()
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(event.character)
            else:
                self.replace(event.character, *selection)
            return
        if not event.is_printable and await self.app._check_bindings(event.key):
            # The box's own keys (home, backspace, enter…) are bindings, which Textual runs
            # only once the key has bubbled up to the app, while a letter behind it goes in
            # at once: `home z` typed in one read (fast typing, SSH) gave `abcz`, and `end
            # backspace 7 enter` saved a label with no key. Run here, they keep their order.
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)
