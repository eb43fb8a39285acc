"""The label set editor: pick a label (or type a new name), edit its fields, save.

Saving goes through ``Session.save_label`` (validated, logged for undo); the form
stays open so several labels can be edited in a row.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static

from store.errors import ClaimdeskError
from store.model import Label
from store.session import Session
from tui.bindings import bindings_for
from tui.screens.label_picker import label_option

FIELDS = ("name", "colour", "hotkey", "description")


class LabelEditor(ModalScreen[bool]):
    """Returns True when at least one label was saved."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for(  # type: ignore[assignment]
        "picker", where=lambda spec: spec.action == "cancel"
    )

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.labels = session.labels()
        self.saved = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="label-editor"):
            yield Static(
                Text("Labels: choose one or type a new name; enter in a field saves", style="bold")
            )
            yield OptionList(*[label_option(label) for label in self.labels], id="label-list")
            for field in FIELDS:
                with Horizontal(classes="form-row"):
                    yield Static(Text(field), classes="form-label")
                    yield Input(id=f"label-{field}")
            yield Static(id="label-message")

    def on_mount(self) -> None:
        if self.labels:
            self._fill(self.labels[0])
        self.query_one("#label-name", Input).focus()

    def _fill(self, label: Label) -> None:
        self.query_one("#label-name", Input).value = label.name
        self.query_one("#label-colour", Input).value = label.colour
        self.query_one("#label-hotkey", Input).value = label.hotkey or ""
        self.query_one("#label-description", Input).value = label.description

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        for label in self.labels:
            if label.name == event.option.id:
                self._fill(label)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.save()

    def save(self) -> None:
        values = {f: self.query_one(f"#label-{f}", Input).value.strip() for f in FIELDS}
        name = values["name"].upper()
        existing = {label.name: label for label in self.labels}
        position = existing[name].position if name in existing else len(self.labels) + 1
        label = Label(
            name,
            values["colour"] or "#888888",
            values["hotkey"] or None,
            values["description"],
            position,
        )
        message = self.query_one("#label-message", Static)
        try:
            self.session.save_label(label)
        except ClaimdeskError as error:
            message.update(Text(str(error), style="bold red"))
            return
        self.saved = True
        self.labels = self.session.labels()
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([label_option(lb) for lb in self.labels])
        message.update(Text(f"Saved {name}", style="bold"))

    def action_cancel(self) -> None:
        self.dismiss(self.saved)
