"""The annotator picker: type to fuzzy-match an annotator's name (rapidfuzz), enter to choose."""

from __future__ import annotations

from typing import ClassVar

from rapidfuzz import fuzz, process
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.bindings import bindings_for
from tui.safe_text import safe_text
from tui.screens.on_top import Dialog
from tui.widgets.key_footer import DialogFooter
from tui.widgets.text_field import TextField


def rank_annotators(names: list[str], query: str) -> list[str]:
    """Names matching ``query``, best first (all of them, in order, when it is empty)."""
    if not query.strip():
        return list(names)
    found = process.extract(
        query, names, scorer=fuzz.WRatio, processor=str.lower, limit=None, score_cutoff=50
    )
    return [names[n] for _name, _score, n in sorted(found, key=lambda f: (-f[1], f[2]))]


class AnnotatorPicker(Dialog[str | None]):
    """Returns the chosen annotator's name, or None when cancelled."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for("picker")  # type: ignore[assignment]
    DEFAULT_CSS = """
    AnnotatorPicker {
        align: center middle;
    }
    """

    def __init__(self, names: list[str], me: str) -> None:
        super().__init__()
        self.names = names
        self.me = me
        self.shown: list[str] = list(names)

    def _option(self, number: int, name: str) -> Option:
        # Option ids are positions: names are untrusted text and need not be valid ids.
        text = safe_text(name, style="bold")
        if name == self.me:
            text.append(" (you)", style="dim")
        return Option(text, id=str(number))

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(Text("Show the spans of", style="bold"))
            yield TextField(placeholder="type to filter annotators", id="picker-query")
            yield OptionList(
                *[self._option(n, name) for n, name in enumerate(self.names)],
                id="picker-options",
            )
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0 if self.names else None
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        self.shown = rank_annotators(self.names, event.value)
        options.add_options([self._option(n, name) for n, name in enumerate(self.shown)])
        options.highlighted = 0 if self.shown else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_choose()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        options = self.query_one(OptionList)
        at = event.option_index
        if at >= options.option_count or options.get_option_at_index(at) is not event.option:
            # Chosen from the list before a key typed meanwhile filtered it: its position
            # names someone else now, or no one (IndexError ended the reader).
            return
        self.dismiss(self.shown[at])

    def action_choose(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        self.dismiss(self.shown[options.highlighted])

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()
