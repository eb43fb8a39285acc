"""The reader's footer: its keys in priority order, rebuilt at most twice for a burst of
binding changes.

Textual's ``Footer`` recomposes (new key widgets, each restyled) once per binding change
it is told of. Opening the reader tells it five times within one refresh (focus moves,
the screen stack changes), which cost more CPU than drawing the first screen's text.
"""

from __future__ import annotations

from textual.screen import Screen

from tui.widgets.key_footer import READER_HINTS, PriorityFooter


class ReaderFooter(PriorityFooter):
    """A ``Footer`` whose rebuilds do not queue up behind each other.

    The first change rebuilds as Textual does (so the first frame has its keys); changes
    that come while that rebuild waits or runs are folded into one more rebuild after it,
    so the footer never misses the last change.
    """

    def __init__(self) -> None:
        super().__init__(READER_HINTS)
        self._rebuild_waiting = False
        self._changed_meanwhile = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._rebuild_waiting:
            self._changed_meanwhile = True
            return
        self._rebuild_waiting = True
        super().bindings_changed(screen)  # recomposes after the next refresh
        self.call_after_refresh(self._rebuilt, screen)  # runs after that recompose

    def _rebuilt(self, screen: Screen[object]) -> None:
        self._rebuild_waiting = False
        if self._changed_meanwhile:
            self._changed_meanwhile = False
            self.bindings_changed(screen)
