"""The merge check: a yes/no question before a link joins facts annotators kept apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from store.linking.clusters import MergeCheck
from store.model import Link
from tui.bindings import bindings_for
from tui.widgets.link_text import merge_description

if TYPE_CHECKING:
    from tui.app import ClaimdeskApp


class MergeConfirm(ModalScreen[bool]):
    """Describes what :meth:`Session.merge_conflicts` found; True only on an explicit yes."""

    BINDINGS: ClassVar[list[Binding]] = bindings_for("confirm")  # type: ignore[assignment]

    def __init__(self, check: MergeCheck) -> None:
        super().__init__()
        self.check = check

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="modal-box", id="merge-box"):
            yield Static(merge_description(self.check), id="merge-text")
            yield Static(Text("Accept the link anyway?", style="bold"), id="merge-question")
        yield Footer()

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


def accept_checked(
    app: ClaimdeskApp,
    check: MergeCheck,
    accept: Callable[[], Link],
    done: Callable[[Link | None], None],
) -> None:
    """Run ``accept`` (through ``app.attempt``) at once when the check is clean, else only
    after the annotator confirms; ``done`` gets the link, or None when nothing was made."""
    if check.ok:
        done(app.attempt(accept))
        return

    def answered(yes: bool | None) -> None:
        if yes:
            done(app.attempt(accept))
        else:
            app.notify("Link not accepted", markup=False)
            done(None)

    app.push_screen(MergeConfirm(check), answered)


def key_hint(screen: Screen[Any], ids: dict[str, str]) -> str:
    """``r back · ^z undo`` for the keys that action ids are bound to on ``screen`` now
    (so a keymap's keys are named, not the defaults)."""
    found: dict[str, str] = {}
    for active in screen.active_bindings.values():
        binding_id = active.binding.id
        if binding_id in ids and binding_id not in found:
            found[binding_id] = screen.app.get_key_display(active.binding)
    return " · ".join(f"{found[i]} {word}" for i, word in ids.items() if i in found)
