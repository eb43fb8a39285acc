"""The label set editor: pick a label (or type a new name), edit its fields, save.

Saving goes through ``Session.save_label`` (validated, logged for undo); the form
stays open so several labels can be edited in a row. The name decides which label
the form is about: typing an existing label's name loads its fields, typing a new
name clears the fields that still hold another label's values.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static

from store.errors import ClaimdeskError
from store.model import Label
from store.session import Session
from tui.bindings import bindings_for
from tui.screens.label_picker import label_option
from tui.screens.on_top import Dialog
from tui.widgets.key_footer import DialogFooter
from tui.widgets.text_field import TextField

FIELDS = ("name", "colour", "hotkey", "description")


def _field_values(label: Label) -> dict[str, str]:
    """The form's values of ``label`` besides its name."""
    return {"colour": label.colour, "hotkey": label.hotkey or "", "description": label.description}


class LabelEditor(Dialog[bool]):
    """Returns True when at least one label was saved."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for(  # type: ignore[assignment]
        "picker", where=lambda spec: spec.action in ("choose", "cancel")
    )

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.labels = session.labels()
        self.saved = False
        # The label whose values the form was last filled with (None: a new name).
        self._shown: Label | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="label-editor"):
            yield Static(
                Text("Labels: choose one or type a new name; enter in a field saves", style="bold")
            )
            yield OptionList(*[label_option(label) for label in self.labels], id="label-list")
            for field in FIELDS:
                with Horizontal(classes="form-row"):
                    yield Static(Text(field), classes="form-label")
                    yield TextField(id=f"label-{field}", compact=True)
            yield Static(id="label-message")
        yield DialogFooter(choose="Save")

    def on_mount(self) -> None:
        if self.labels:
            self._fill(self.labels[0])
        self.query_one("#label-name", Input).focus()

    def _fill(self, label: Label, *, name: bool = True) -> None:
        self._shown = label
        if name:
            self.query_one("#label-name", Input).value = label.name
        for field, value in _field_values(label).items():
            self.query_one(f"#label-{field}", Input).value = value

    @on(Input.Changed, "#label-name")
    def _name_changed(self, event: Input.Changed) -> None:
        # The form used to keep the first label's fields whatever name was typed: a new
        # label got CLAIM's description, and an existing one had its own overwritten.
        name = event.value.strip().upper()
        found = next((label for label in self.labels if label.name == name), None)
        options = self.query_one(OptionList)
        if found is not None:
            if found != self._shown:
                self._fill(found, name=False)
            options.highlighted = self.labels.index(found)
            return
        if self._shown is not None:
            # What the user typed for the new label stays; the old label's values go.
            for field, value in _field_values(self._shown).items():
                box = self.query_one(f"#label-{field}", Input)
                if box.value == value:
                    box.value = ""
            self._shown = None
        options.highlighted = None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        for label in self.labels:
            # Not again for the label typed in the name (its case stays as typed).
            if label.name == event.option.id and label != self._shown:
                self._fill(label)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # The submitted box's value as it was at enter: a key typed just after it reaches
        # the box before this message reaches the screen (see NoteEditor).
        self.save({event.input.id or "": event.value})

    def action_choose(self) -> None:
        self.save()

    def save(self, submitted: dict[str, str] | None = None) -> None:
        at_enter = submitted or {}
        values = {
            f: at_enter.get(f"label-{f}", self.query_one(f"#label-{f}", Input).value).strip()
            for f in FIELDS
        }
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
        self._shown = next((lb for lb in self.labels if lb.name == name), None)
        message.update(Text(f"Saved {name}", style="bold"))

    def action_cancel(self) -> None:
        self.dismiss(self.saved)
