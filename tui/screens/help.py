"""The help screen: the keys in force on the screen below, read from its live bindings.

Generated from ``Screen.active_bindings`` after the keymap is applied, so it
always shows the keys the user actually has, never a hand-written list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tui.actions import BY_ID
from tui.bindings import dialog_bindings
from tui.screens.on_top import Dialog


@dataclass(frozen=True, slots=True)
class KeyHelp:
    keys: str
    description: str
    action_id: str


def bindings_in_force(screen: Screen[object]) -> list[KeyHelp]:
    """One row per action bound on ``screen`` (and the app), keys joined, in registry order."""
    keys_by_id: dict[str, list[str]] = {}
    bindings = [active.binding for active in screen.active_bindings.values()]
    if screen.is_modal:
        bindings += dialog_bindings(screen)
    for binding in bindings:
        if binding.id is None:
            continue
        shown = screen.app.get_key_display(Binding(binding.key, binding.action))
        keys_by_id.setdefault(binding.id, [])
        if shown not in keys_by_id[binding.id]:
            keys_by_id[binding.id].append(shown)
    order = {action_id: n for n, action_id in enumerate(BY_ID)}
    rows = [
        KeyHelp(
            ", ".join(keys),
            BY_ID[action_id].description if action_id in BY_ID else action_id,
            action_id,
        )
        for action_id, keys in keys_by_id.items()
    ]
    return sorted(rows, key=lambda row: order.get(row.action_id, len(order)))


class HelpScreen(Dialog[None]):
    """Lists the bindings in force; any of escape, q or the help key closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close", show=False)]

    def __init__(self, rows: list[KeyHelp]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Text("Keys in force (escape closes)"), id="help-title")
            table: DataTable[Text] = DataTable(
                id="help-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns(Text("Keys"), Text("Action"), Text("Id"))
            for row in self.rows:
                table.add_row(
                    Text(row.keys), Text(row.description), Text(row.action_id, style="dim")
                )
            yield table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
