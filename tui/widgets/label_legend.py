"""The reader's legend line: each label's key, tag and look, so colour is never needed;
short confirmations show here for a few seconds instead of covering the text."""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from tui.label_looks import LabelLook
from tui.safe_text import visible

# How long a confirmation stays on the legend line.
MESSAGE_SECONDS = 4.0


def legend_text(
    looks: list[LabelLook], color_system: str | None, no_color: bool, show_tags: bool
) -> Text:
    """``1 C CLAIM  2 F FIGURE …``: key, tag, then the name drawn as its spans are."""
    line = Text(no_wrap=True, overflow="ellipsis")
    for look in looks:
        if line:
            line.append("  ")
        if look.key:
            line.append(f"{look.key} ", style="bold")
        line.append(look.tag, style=look.tag_style(color_system, no_color))
        line.append(" ")
        line.append(visible(look.name), style=look.span_style(color_system, no_color, None))
    line.append("  · tags " + ("on" if show_tags else "off"), style="dim")
    return line


class LabelLegend(Static):
    """One line under the panes; the reader calls :meth:`show` when labels change."""

    DEFAULT_CSS = """
    LabelLegend {
        height: 1;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._legend = Text()
        self._message: Text | None = None
        self._clear_timer: Timer | None = None

    def show(self, looks: list[LabelLook], show_tags: bool) -> None:
        app = self.app
        self._legend = legend_text(looks, app.console.color_system, app.no_color, show_tags)
        self._draw()

    def show_message(self, message: Text, seconds: float = MESSAGE_SECONDS) -> None:
        """A short confirmation on this line (replacing the legend) for ``seconds``."""
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
    def message(self) -> str:
        return self._message.plain if self._message is not None else ""

    def _draw(self) -> None:
        if self._message is None:
            self.update(self._legend, layout=False)
            return
        line = Text("» ", style="bold", no_wrap=True, overflow="ellipsis")
        line.append_text(self._message)
        self.update(line, layout=False)
