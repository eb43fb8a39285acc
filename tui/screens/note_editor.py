"""The note editor: one line of free text for the span under the cursor.

An input box draws its value raw, so the line holds the note as
:func:`tui.safe_text.editable_line` makes it (line breaks and tabs as spaces, bidi and
other invisible characters but joiners left out), and so does text pasted into it. A note that
had such characters says so, and keeps them unless the user changes it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from store.model import MAX_NOTE_CHARS
from tui.bindings import bindings_for
from tui.safe_text import editable_line, safe_text
from tui.screens.on_top import Dialog
from tui.widgets.key_footer import DialogFooter
from tui.widgets.text_field import TextField


class NoteInput(TextField):
    """The note's line, held to the store's cap; text that would pass it is refused
    whole, with a word why (Textual's own refusal is only a bell)."""

    def replace(self, text: str, start: int, end: int) -> None:
        # What is typed here is stored: every invisible character goes, as the box says.
        Input.replace(self, editable_line(text), start, end)

    def _on_paste(self, event: events.Paste) -> None:
        # Textual's input keeps a paste's first line only: a reviewer's three-line comment
        # was saved as its first line, without a word. The whole paste goes in, its line
        # breaks as spaces (replace cleans it).
        event.prevent_default()
        event.stop()
        if not event.text:
            return
        text = event.text.replace("\r\n", "\n")
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    def restricted(self) -> None:
        super().restricted()
        self.notify(
            f"A note is at most {MAX_NOTE_CHARS:,} characters: that text was not added",
            severity="warning",
            markup=False,
        )


class NoteEditor(Dialog[str | None]):
    """Returns the edited note ("" clears it), or None when cancelled."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for(  # type: ignore[assignment]
        "picker", where=lambda spec: spec.action in ("choose", "cancel")
    )

    def __init__(self, note: str | None, quote: str) -> None:
        super().__init__()
        self.note = note or ""
        self.quote = quote
        # What the line shows of the note; enter on it unchanged keeps the note as stored.
        self.shown = editable_line(self.note)

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(
                Text(
                    f"Note, at most {MAX_NOTE_CHARS:,} characters"
                    " (enter saves, empty clears, escape cancels)",
                    style="bold",
                )
            )
            quote = safe_text(self.quote.replace("\n", " "), style="italic")
            quote.truncate(200, overflow="ellipsis")
            yield Static(quote, classes="note-quote")
            # A longer note stored before the cap can still be shortened here.
            room = max(MAX_NOTE_CHARS, len(self.note))
            yield NoteInput(value=self.shown, max_length=room, id="note-input")
            if self.shown != self.note:
                yield Static(
                    Text(
                        "This note has line breaks, tabs or invisible characters a one-line"
                        " box cannot show: they appear as spaces or not at all, and are kept"
                        " unless you change the note.",
                        style="italic",
                    ),
                    id="note-changed",
                )
        yield DialogFooter(choose="Save")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # The value as it was at enter: the box handles its keys before the screen handles
        # this message, and a `#` typed just after enter was saved as the note's last letter.
        event.stop()
        self._save(event.value)

    def action_choose(self) -> None:
        self._save(self.query_one(Input).value)

    def _save(self, value: str) -> None:
        self.dismiss(self.note if value == self.shown else value)

    def action_cancel(self) -> None:
        self.dismiss(None)
