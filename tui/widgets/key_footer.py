"""A footer that shows the keys a screen needs most, whole, in priority order.

Textual's ``Footer`` lists every ``show=True`` binding in binding order and lets the
row run off the right edge, so at 80 columns the reader lost `m`, `r` and `c` and a
hint could be cut mid-word. :class:`PriorityFooter` instead walks a list of action ids
(most important first), takes whatever key the keymap in force binds to each, and
keeps a hint only if all of it fits; the rest drop whole. `?` (help) lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui.bindings import dialog_bindings


@dataclass(frozen=True, slots=True)
class Hint:
    """One footer entry: the action's id, the word shown, the key shown."""

    action_id: str
    word: str
    key: str
    key_display: str
    action: str
    enabled: bool


# The reader's hints, most needed first, with the short word the footer shows (the
# registry's longer description stays in help and the command palette).
READER_HINTS: tuple[tuple[str, str], ...] = (
    ("app.help", "Keys"),
    ("reader.select_sentence", "Sentence"),
    ("reader.pick_label", "Label"),
    ("links.matches", "Matches"),
    ("links.accept", "Accept"),
    ("links.reject", "Reject"),
    ("links.review", "Review"),
    ("links.clusters", "Clusters"),
    ("reader.search", "Search"),
    ("reader.delete_span", "Delete"),
    ("reader.edit_note", "Note"),
    ("reader.next_pane", "Pane"),
    ("app.undo", "Undo"),
    ("app.quit", "Quit"),
    ("app.command_palette", "Commands"),
)


LIBRARY_HINTS: tuple[tuple[str, str], ...] = (
    ("library.open", "Open"),
    ("app.help", "Keys"),
    ("app.quit", "Quit"),
    ("library.filter", "Filter"),
    ("library.mark", "Mark"),
    ("library.open_marked", "Open marked"),
    ("library.open_story", "Open story"),
    ("library.search_text", "Search text"),
    ("library.sort", "Sort"),
    ("app.command_palette", "Commands"),
)

# The review queue: its decisions first, then the reasons for a no (the registry's
# "No: near miss" words left all three and the way back no room at 80 columns).
REVIEW_HINTS: tuple[tuple[str, str], ...] = (
    ("links.accept", "Accept"),
    ("links.reject", "Reject"),
    ("links.skip", "Skip"),
    ("app.help", "Keys"),
    ("review.reject_near_miss", "Near miss"),
    ("review.reject_other_figure", "Other figure"),
    ("review.reject_other_event", "Other event"),
    ("links.review", "Back"),
    ("review.scope", "Scope"),
    ("app.undo", "Undo"),
    ("app.quit", "Quit"),
    ("app.command_palette", "Commands"),
)

CLUSTERS_HINTS: tuple[tuple[str, str], ...] = (
    ("links.choose", "Open claim"),
    ("links.clusters", "Back"),
    ("app.help", "Keys"),
    ("app.undo", "Undo"),
    ("app.quit", "Quit"),
    ("app.command_palette", "Commands"),
)

CURATION_HINTS: tuple[tuple[str, str], ...] = (
    # Short: at 80 columns "Take this version" left no room for "f Mark curated", the key
    # that finishes the job. The highlighted row says which version.
    ("curation.choose", "Take"),
    ("app.help", "Keys"),
    ("curation.close", "Back"),
    ("curation.reject", "Reject"),
    ("curation.edit", "Edit"),
    ("curation.copy_agreed", "Copy agreed"),
    ("curation.finish", "Mark curated"),
    ("app.undo", "Undo"),
    ("app.quit", "Quit"),
)


# A dialog's keys. Its footer replaces the one of the screen beneath, whose keys do
# nothing while the dialog is open (Textual stops key bindings at a modal screen).
DIALOG_HINTS: tuple[tuple[str, str], ...] = (
    ("picker.choose", "Choose"),
    ("picker.cancel", "Cancel"),
    ("curation.close", "Cancel"),
    ("app.help", "Keys"),
)


def hint_width(hint: Hint) -> int:
    """Cells a hint takes in the compact footer: key, blank, word, one cell of margin."""
    return len(hint.key_display) + 1 + len(hint.word) + 1


def hints_that_fit(hints: Iterable[Hint], width: int) -> list[Hint]:
    """The hints in priority order, skipping any that would not fit whole."""
    chosen: list[Hint] = []
    used = 0
    for hint in hints:
        # The last hint's margin may fall off the edge.
        if used + hint_width(hint) - 1 <= width:
            chosen.append(hint)
            used += hint_width(hint)
    return chosen


class PriorityFooter(Footer):
    """A compact footer of ``hints`` (action id, word), as many as fit, most needed first."""

    def __init__(self, hints: tuple[tuple[str, str], ...], *, id: str | None = None) -> None:
        super().__init__(id=id, show_command_palette=False, compact=True)
        self.hints = hints
        # What the keys now mounted show: a rebuild that would show the same is skipped.
        self._shown: list[Hint] | None = None

    def bindings_by_id(self) -> dict[str, list[tuple[Binding, bool]]]:
        """The bindings in force on this screen, with whether each is enabled, by action id."""
        by_id: dict[str, list[tuple[Binding, bool]]] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.id:
                by_id.setdefault(binding.id, []).append((binding, enabled))
        return by_id

    def active_hints(self) -> list[Hint]:
        """Each wanted action that has a key on this screen now, with its shortest key."""
        by_id = self.bindings_by_id()
        found: list[Hint] = []
        for action_id, word in self.hints:
            bound = by_id.get(action_id)
            if not bound:
                continue
            # The shortest key keeps the row short: `?` rather than `f1`, `d` not `delete`.
            displays = [(self.app.get_key_display(b), b, enabled) for b, enabled in bound]
            display, binding, enabled = min(displays, key=lambda item: len(item[0]))
            found.append(Hint(action_id, word, binding.key, display, binding.action, enabled))
        return found

    def hints_to_show(self) -> list[Hint]:
        """The hints that fit the footer's width now (none before the bindings are known)."""
        if not self._bindings_ready:
            return []
        return hints_that_fit(self.active_hints(), self.size.width or self.app.size.width)

    def compose(self) -> ComposeResult:
        self._shown = self.hints_to_show()
        for hint in self._shown:
            # Built compact (the footer always is) rather than bound to the footer's
            # reactive: binding restyles each key once more as it mounts.
            yield FooterKey(
                hint.key,
                hint.key_display,
                hint.word,
                hint.action,
                disabled=not hint.enabled,
                classes="-compact",
            )

    async def recompose(self) -> None:
        # Textual asks for a rebuild on every focus change, binding refresh and resize;
        # each one mounts and styles every key anew, though the row mostly stays the same.
        # A rebuild queued by a resize may come after the screen has closed.
        if not self.is_attached:
            return
        if self._shown is not None and self.hints_to_show() == self._shown:
            return
        await super().recompose()

    def on_resize(self) -> None:
        # Which hints fit depends on the width.
        self.call_after_refresh(self.recompose)


class DialogFooter(PriorityFooter):
    """The footer of a modal dialog: the keys that work in it (:func:`dialog_bindings`)."""

    def __init__(self, choose: str = "Choose") -> None:
        super().__init__(tuple((i, choose if i == "picker.choose" else w) for i, w in DIALOG_HINTS))

    def bindings_by_id(self) -> dict[str, list[tuple[Binding, bool]]]:
        by_id: dict[str, list[tuple[Binding, bool]]] = {}
        for binding in dialog_bindings(self.screen):
            by_id.setdefault(str(binding.id), []).append((binding, True))
        return by_id
