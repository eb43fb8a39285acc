"""How the reader draws a span that differs between me and another annotator.

Text attributes, not colour, tell the kinds apart, so they stay distinct in
monochrome and with NO_COLOR: double underline = only one side has a span
(bold: only mine, italic: only theirs), reverse = label differs, strike = extent
differs. Spans both sides marked alike keep the ordinary span look (a tint; a
single underline without colour).
"""

from __future__ import annotations

from rich.style import Style

DIFFERENCE_STYLES: dict[str, Style] = {
    # Bold and italic are set both ways so an overlapping span's bold cannot blur the two.
    "only_mine": Style(bold=True, italic=False, underline=False, underline2=True),
    "only_theirs": Style(bold=False, italic=True, underline=False, underline2=True),
    "label": Style(reverse=True),
    "extent": Style(strike=True),
}
# When spans of several kinds cover one character, the first kind here is drawn.
DIFFERENCE_PRIORITY: tuple[str, ...] = ("extent", "label", "only_mine", "only_theirs")
# Shown on the screen and in the README so the attributes can be read without a key.
LEGEND = (
    "bold double underline: only you · italic double underline: only them"
    " · reverse: label differs · strike: extent differs"
)


def difference_style(kinds: set[str]) -> Style | None:
    """The attributes for a character covered by spans of ``kinds`` (None: no difference)."""
    for kind in DIFFERENCE_PRIORITY:
        if kind in kinds:
            return DIFFERENCE_STYLES[kind]
    return None
