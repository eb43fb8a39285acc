"""The reader's footer: its keys in priority order, built before the first frame and
rebuilt only when what it shows changes.

Textual's ``Footer`` recomposes (new key widgets, each restyled) after the next refresh
for every binding change it is told of. Opening the reader tells it several times
(focus moves, the screen stack changes), and the first frame went out without keys:
rebuilding the row each time cost more CPU than drawing the first screen's text.
"""

from __future__ import annotations

from textual.screen import Screen

from tui.widgets.key_footer import READER_HINTS, PriorityFooter


class ReaderFooter(PriorityFooter):
    """A ``Footer`` that rebuilds at once, and only when its row would change.

    The rebuild is queued, not run after the next refresh, so the keys are in the
    screen's first frame (the reader focuses its view while mounting, before that
    frame); :meth:`PriorityFooter.recompose` skips the rebuilds that would show the
    same row, which is most of them.
    """

    def __init__(self) -> None:
        super().__init__(READER_HINTS)

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_later(self.recompose)
