"""The label picker: type to fuzzy-match a label (rapidfuzz), enter to choose."""

from __future__ import annotations

from typing import ClassVar

from rapidfuzz import fuzz, process
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from store.model import Label
from tui.bindings import bindings_for
from tui.safe_text import safe_text
from tui.screens.on_top import Dialog
from tui.widgets.key_footer import DialogFooter
from tui.widgets.text_field import TextField


def rank_labels(labels: list[Label], query: str) -> list[Label]:
    """Labels matching ``query`` by name or description, best first (all of them when empty)."""
    if not query.strip():
        return list(labels)
    choices = {n: f"{label.name} {label.description}" for n, label in enumerate(labels)}
    by_name = {n: label.name for n, label in enumerate(labels)}
    scores: dict[int, float] = {}
    for table, scorer in ((by_name, fuzz.WRatio), (choices, fuzz.partial_ratio)):
        for _c, score, n in process.extract(
            query, table, scorer=scorer, processor=str.lower, limit=None, score_cutoff=50
        ):
            scores[n] = max(scores.get(n, 0.0), float(score))
    return [labels[n] for n in sorted(scores, key=lambda n: (-scores[n], labels[n].position))]


def label_option(label: Label) -> Option:
    text = Text()
    text.append(f"{label.hotkey or ' '} ", style="dim")
    text.append("■ ", style=label.colour)
    text.append(label.name, style="bold")
    text.append("  ")
    text.append_text(safe_text(label.description, style="dim"))
    return Option(text, id=label.name)


class LabelPicker(Dialog[str | None]):
    """Returns the chosen label's name, or None when cancelled."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for("picker")  # type: ignore[assignment]

    def __init__(self, labels: list[Label], title: str = "Label") -> None:
        super().__init__()
        self.labels = labels
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box"):
            yield Static(Text(self.title_text, style="bold"))
            yield TextField(placeholder="type to filter labels", id="picker-query")
            yield OptionList(*[label_option(label) for label in self.labels], id="picker-options")
        yield DialogFooter()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0 if self.labels else None
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        ranked = rank_labels(self.labels, event.value)
        options.add_options([label_option(label) for label in ranked])
        options.highlighted = 0 if ranked else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_choose()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_choose(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        self.dismiss(options.get_option_at_index(options.highlighted).id)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()
