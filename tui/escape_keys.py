"""Escape pressed just before a letter, read back as the two keys the annotator pressed.

A terminal sends ``alt+j`` as ESC followed by ``j``, and Textual can only tell the two
apart by the time between the bytes. Over SSH the annotator's escape (clear the
selection, close a panel) and the key typed right after it often arrive in one packet,
and Textual reads them as ``alt+j``: with nothing bound to that, both keys were lost.
An ``alt+`` key with no binding where it arrives is therefore split back into escape and
the key; an ``alt+`` key that a keymap binds (the emacs keymap binds several) is left as
it is. Nothing is split while a text field holding text has focus: there escape throws
the text away (a note, a label's name), and a deliberate alt must not cost it.
"""

from __future__ import annotations

from collections.abc import Container

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea

ESCAPE = "escape"


def escape_then_key(
    event: events.Key, bound: Container[str], focused: Widget | None
) -> list[events.Key] | None:
    """The escape and the plain key ``event`` stands for when it is an unbound ``alt+``
    letter or digit (``bound``: the keys with a binding where it arrives) and ``focused``
    holds no typed text; else None."""
    character = event.character
    if (
        not event.key.startswith("alt+")
        or _holds_typing(focused)
        or event.key in bound
        or character is None
        or len(character) != 1
        or not character.isalnum()
    ):
        return None
    return [events.Key(ESCAPE, "\x1b"), events.Key(character, character)]


def _holds_typing(widget: Widget | None) -> bool:
    if isinstance(widget, Input):
        return bool(widget.value)
    if isinstance(widget, TextArea):
        return bool(widget.text)
    return False
