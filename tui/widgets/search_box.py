"""The reader's one-line search box: typing searches the active document.

The box only collects the query and says when it is done; the reader moves the
cursor. Escape is bound here, on the focused box, so it cancels the search instead
of reaching the reader's clear-selection key.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class SearchBox(Input):
    """Hidden until the reader opens it; ``Closed`` says whether to keep the match."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel search", show=False),
    ]

    DEFAULT_CSS = """
    SearchBox {
        dock: bottom;
        height: 1;
        border: none;
        padding: 0 1;
        display: none;
    }
    SearchBox.-open {
        display: block;
    }
    SearchBox.-no-match {
        text-style: reverse;
    }
    """

    class Closed(Message):
        """The search ended: ``keep`` (enter) or not (escape)."""

        def __init__(self, keep: bool) -> None:
            super().__init__()
            self.keep = keep

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Search (enter keeps, escape returns)", id=id)

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self) -> None:
        self.value = ""
        self.set_class(False, "-no-match")
        self.add_class("-open")
        self.focus()

    def close(self) -> None:
        self.remove_class("-open")

    def action_cancel(self) -> None:
        self.post_message(self.Closed(keep=False))

    async def action_submit(self) -> None:
        # Enter: no Input.Submitted round trip, the reader only needs to know to keep.
        self.post_message(self.Closed(keep=True))
