"""The note editor: one line of free text for the span under the cursor."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui.bindings import bindings_for
from tui.safe_text import safe_text


class NoteEditor(ModalScreen[str | None]):
    """Returns the edited note ("" clears it), or None when cancelled."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for(  # type: ignore[assignment]
        "picker", where=lambda spec: spec.action in ("choose", "cancel")
    )

    def __init__(self, note: str | None, quote: str) -> None:
        super().__init__()
        self.note = note or ""
        self.quote = quote

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(Text("Note (enter saves, empty clears, escape cancels)", style="bold"))
            quote = safe_text(self.quote.replace("\n", " "), style="italic")
            quote.truncate(200, overflow="ellipsis")
            yield Static(quote, classes="note-quote")
            yield Input(value=self.note, id="note-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_choose()

    def action_choose(self) -> None:
        self.dismiss(self.query_one(Input).value)

    def action_cancel(self) -> None:
        self.dismiss(None)
