"""The reader's legend line: each label's key, tag and look, so colour is never needed;
short confirmations show here for a few seconds instead of covering the text."""

from __future__ import annotations

from rich.text import Text

from tui.label_looks import LabelLook
from tui.safe_text import visible
from tui.widgets.message_line import MessageLine


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


class LabelLegend(MessageLine):
    """One line under the panes; the reader calls :meth:`show` when labels change."""

    DEFAULT_CSS = """
    LabelLegend {
        height: 1;
        padding: 0 1;
    }
    """

    def show(self, looks: list[LabelLook], show_tags: bool) -> None:
        app = self.app
        self.show_base(legend_text(looks, app.console.color_system, app.no_color, show_tags))
