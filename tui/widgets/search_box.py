"""The reader's one-line search box: typing searches the active document.

The box only collects the query; the reader moves the cursor. Opening and closing
happen at once (not on a later message): keys typed fast after `/`, or right after
enter, are already queued, and each must land where it was meant to: in the box
while it is open, with the reader's one-letter keys once it is closed.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events

from tui.keynames import is_typing_key
from tui.widgets.text_field import TextField


class SearchBox(TextField):
    """Hidden until :meth:`open`; enter or escape calls ``closed(keep)`` straight away."""

    DEFAULT_CSS = """
    SearchBox, SearchBox:focus {
        height: 1;
        border: none;
        padding: 0 1;
        display: none;
    }
    SearchBox.-no-match {
        text-style: reverse;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="Search (enter keeps, escape returns)", id=id)
        self._when_closed: Callable[[bool], None] | None = None
        self._again: Callable[[], None] | None = None
        self._again_keys: frozenset[str] = frozenset()

    @property
    def is_open(self) -> bool:
        return self.display

    def allow_focus(self) -> bool:
        # Textual's auto-focus ignores display: none. Focused while closed, the box would
        # hand every key back to the app, which gives it to the box again (_on_key):
        # every key lost and a CPU core spinning.
        return self.display and super().allow_focus()

    def open(
        self,
        closed: Callable[[bool], None],
        *,
        again: Callable[[], None] | None = None,
        again_keys: frozenset[str] = frozenset(),
    ) -> None:
        """Show the box with focus; ``again`` runs for ``again_keys`` pressed in it.

        Keys that type a character are never ``again`` keys: `/` pressed in the box is
        part of the query (``km/h``, ``1/2``, ``[/b]``).
        """
        self._when_closed = closed
        self._again = again
        self._again_keys = frozenset(key for key in again_keys if not is_typing_key(key))
        self.value = ""
        self.set_class(False, "-no-match")
        self.display = True
        # set_focus, not focus(): the latter waits for a refresh.
        self.screen.set_focus(self)

    def close(self) -> None:
        self.display = False

    def finish(self, keep: bool) -> None:
        closed, self._when_closed = self._when_closed, None
        if closed is not None:
            closed(keep)

    async def action_submit(self) -> None:
        self.finish(keep=True)

    async def _on_key(self, event: events.Key) -> None:
        # A key queued here before enter closed the box is the reader's: hand it back to
        # the app, which gives it to the text (now focused) and its bindings.
        if not self.display:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        if event.key in ("enter", "escape"):
            # Here, in the order the keys came, not as bindings: those are looked up only
            # once the key has bubbled to the app, after keys queued behind it were typed.
            event.stop()
            event.prevent_default()
            self.finish(keep=event.key == "enter")
            return
        if event.key in self._again_keys and self._again is not None:
            event.stop()
            event.prevent_default()
            self._again()
            return
        await super()._on_key(event)
