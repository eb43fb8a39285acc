"""The merge check: a yes/no question before accepting a link that needs a second look.

What is at stake differs, and the dialog says which: a link that overrides a rejected
link brings together claims annotators kept apart; one that only joins claims whose
numbers or months differ says so, with the values (``300 vs 600``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from store.linking.clusters import Disagreement, MergeCheck
from store.model import Link
from tui.bindings import bindings_for
from tui.safe_text import safe_text, visible_line
from tui.screens.on_top import Dialog
from tui.widgets.link_text import disagreement_lines, one_line

if TYPE_CHECKING:
    from tui.app import ClaimdeskApp


class MergeConfirm(Dialog[bool]):
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

    def on_mount(self) -> None:
        # Focused, the box scrolls with the arrow keys when the description is taller
        # than the terminal (at 40x10 only its first lines showed, with no way down).
        self.query_one("#merge-box").focus()

    def action_yes(self) -> None:
        self._answer(True)

    def action_no(self) -> None:
        self._answer(False)

    def _answer(self, yes: bool) -> None:
        # Keys typed with the answer were meant for the question: `y y` answered it and
        # accepted the next pair of the review queue, unseen.
        if self.is_active:
            app: ClaimdeskApp = self.app  # type: ignore[assignment]
            app.drop_keys_typed_until_now("Keys typed with the answer were ignored")
        self.dismiss(yes)


def accept_checked(
    app: ClaimdeskApp,
    check: MergeCheck,
    accept: Callable[[], Link | None],
    done: Callable[[Link | None], None],
) -> None:
    """Run ``accept`` (through ``app.attempt``) at once when the check is clean, else only
    after the annotator confirms; ``done`` gets the link, or None when nothing was made
    (``accept`` too may make nothing and return None)."""
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


def _kind_words(disagreement: Disagreement) -> str:
    return "numbers" if disagreement.kind == "number" else "months"


def values_at_stake(disagreement: Disagreement) -> str:
    """``300 vs 600``: the distinct values the claims state, in their order."""
    stated = dict.fromkeys(", ".join(values) for _claim, values in disagreement.values)
    return " vs ".join(stated)


def merge_description(check: MergeCheck) -> Text:
    """What the merge check found, saying only what is actually at stake."""
    stakes: list[Text] = []
    if check.rejected:
        count = len(check.rejected)
        stakes.append(
            Text(
                f"overrides {count} rejected link{'' if count == 1 else 's'}: claims"
                " annotators kept apart would become one fact"
            )
        )
    if check.disagreements:
        differ = Text("joins two facts whose " if check.merges else "puts claims whose ")
        for number, disagreement in enumerate(check.disagreements):
            if number:
                differ.append(" and ")
            differ.append(f"{_kind_words(disagreement)} differ (")
            differ.append_text(safe_text(visible_line(values_at_stake(disagreement))))
            differ.append(")")
        if not check.merges:
            differ.append(" in one fact")
        stakes.append(differ)
    elif check.merges and not check.rejected:
        stakes.append(Text("joins two facts (clusters) into one"))
    shown = Text("This link ", style="bold")
    for number, stake in enumerate(stakes or [Text("needs a second look")]):
        if number:
            shown.append("; and it ")
        stake.stylize("bold")
        shown.append_text(stake)
    shown.append(".\n")
    for link in check.rejected:
        shown.append("\nRejected earlier")
        if link.annotator:
            shown.append(" by ")
            shown.append_text(safe_text(visible_line(link.annotator)))
        if link.reason:
            shown.append(" as ")
            shown.append_text(safe_text(visible_line(link.reason)))
        shown.append(":\n  ")
        shown.append_text(one_line(link.a_quote, 60))
        shown.append("\n  ↔ ")
        shown.append_text(one_line(link.b_quote, 60))
        shown.append("\n")
    if check.disagreements:
        shown.append("\nWho states what:\n")
        for line in disagreement_lines(check.disagreements):
            shown.append("  ")
            shown.append_text(line)
            shown.append("\n")
    return shown
