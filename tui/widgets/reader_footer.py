"""The reader's footer: Textual's, rebuilt once per burst of binding changes.

Textual's ``Footer`` recomposes (new key widgets, each restyled) once per binding change
it is told of. Opening the reader tells it five times within one refresh (focus moves,
the screen stack changes), which cost more CPU than drawing the first screen's text; a
change that comes while a rebuild is already waiting now joins it.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class ReaderFooter(Footer):
    """A ``Footer`` that coalesces binding changes into one rebuild after the next refresh."""

    def __init__(self) -> None:
        super().__init__()
        self._rebuild_waiting = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._rebuild_waiting:
            return
        self._rebuild_waiting = True
        self.call_after_refresh(self._rebuild, screen)

    def _rebuild(self, screen: Screen[object]) -> None:
        # From here on a further change schedules its own rebuild; Textual's method makes
        # its checks and rebuilds after the refresh that follows.
        self._rebuild_waiting = False
        super().bindings_changed(screen)
