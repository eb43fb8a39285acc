"""A line that says what it always says, and for a few seconds a short confirmation instead.

Textual's toasts cover the lower right of the screen, where the review queue shows the
second sentence and the curation screen its list: the text being decided on."""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

# How long a confirmation stays on the line.
MESSAGE_SECONDS = 4.0


class MessageLine(Static):
    """:meth:`show_base` sets what the line says; :meth:`show_message` takes the place of
    its first line a while."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._base = Text()
        self._message: Text | None = None
        self._clear_timer: Timer | None = None

    def show_base(self, base: Text) -> None:
        self._base = base
        self._draw()

    def show_message(self, message: Text, seconds: float = MESSAGE_SECONDS) -> None:
        self._message = message
        if self._clear_timer is not None:
            self._clear_timer.stop()
        self._clear_timer = self.set_timer(seconds, self._clear_message)
        self._draw()

    def _clear_message(self) -> None:
        self._message = None
        self._clear_timer = None
        self._draw()

    @property
    def base(self) -> str:
        return self._base.plain

    @property
    def message(self) -> str:
        return self._message.plain if self._message is not None else ""

    def _draw(self) -> None:
        if self._message is None:
            self.update(self._base, layout=False)
            return
        line = Text("» ", style="bold", no_wrap=True, overflow="ellipsis")
        line.append_text(self._message)
        # Only the first line gives way: the curation header's second line is the count
        # of settled disagreements, which the confirmation is about.
        below = self._base.split("\n", allow_blank=True)[1:]
        for rest in below:
            line.append("\n")
            line.append_text(rest)
        self.update(line, layout=False)
