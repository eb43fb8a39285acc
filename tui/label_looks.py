"""How each label is told apart on screen: colour per colour system, a mark, a tag.

A label's own ``#rrggbb`` colour is used as it is only in true colour. In 256 and
16 colours nearby hues collapse (a pale violet becomes grey, blue and green tints
end up on the same dark cell), so every label is given one of a few hue slots whose
colours stay distinct after Rich's downgrade to either palette. Without colour
(``NO_COLOR``) each label gets its own text attribute instead, and everywhere a
one-letter tag stands at the span's start.

| who                         | uses                                          |
|-----------------------------|-----------------------------------------------|
| ``tui.widgets.article_view`` | :meth:`LabelLook.span_style`, :meth:`tag_style` |
| ``tui.widgets.label_legend`` | the same, for the legend line under the panes |
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from textual.color import Color

from store.model import Label

# Hue slots: (hue in degrees, a colour exact in the xterm 256 palette whose nearest
# 16-colour match is a different ANSI colour for every slot).
_SLOTS: tuple[tuple[float, str], ...] = (
    (0.0, "#af0000"),  # red (256: 124)
    (45.0, "#af8700"),  # yellow (256: 136)
    (120.0, "#00af00"),  # green (256: 34)
    (180.0, "#00afaf"),  # cyan (256: 37)
    (220.0, "#005fff"),  # blue (256: 27)
    (290.0, "#af00af"),  # magenta (256: 127)
)
# Text attributes for NO_COLOR, in label order; none is "reverse", which the
# selection and the cursor use.
_MARKS: tuple[Style, ...] = (
    Style(underline=True),
    Style(bold=True),
    Style(italic=True),
    Style(underline2=True),
    Style(bold=True, italic=True),
    Style(underline=True, italic=True),
    Style(bold=True, underline=True),
    Style(strike=True),
    Style(dim=True),
)
_TAG_TEXT = Style(color="black", bold=True)
# ``Console.color_system`` names the system as a string.
TRUECOLOR = "truecolor"


@dataclass(frozen=True, slots=True)
class LabelLook:
    name: str
    key: str
    tag: str
    colour: str
    slot_colour: str
    mark: Style

    def background(self, color_system: str | None) -> str:
        """The colour that fills this label's spans in ``color_system``."""
        if color_system == TRUECOLOR:
            return self.colour
        return self.slot_colour

    def span_style(self, color_system: str | None, no_color: bool, background: str | None) -> Style:
        """A span of this label over ``background`` (the widget's own, for the tint)."""
        if no_color:
            return self.mark
        if color_system != TRUECOLOR:
            return Style(bgcolor=self.slot_colour)
        under = Color.parse(background) if background else Color(0, 0, 0)
        return Style(bgcolor=under.blend(Color.parse(self.colour), 0.45).hex)

    def tag_style(self, color_system: str | None, no_color: bool) -> Style:
        """The tag cell: black on the label's colour; bold reversed without colour."""
        if no_color:
            return Style(bold=True, reverse=True)
        return _TAG_TEXT + Style(bgcolor=self.background(color_system))


def _hue(colour: str) -> tuple[float, float]:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, _, saturation = colorsys.rgb_to_hls(red, green, blue)
    return hue * 360, saturation


def _hue_distance(a: float, b: float) -> float:
    gap = abs(a - b) % 360
    return min(gap, 360 - gap)


def _tags(labels: Sequence[Label]) -> list[str]:
    """One character per label: its initial when that is unique, else its key or a digit."""
    initials = [label.name[:1] for label in labels]
    tags: list[str] = []
    for number, (label, initial) in enumerate(zip(labels, initials, strict=True), start=1):
        if initials.count(initial) == 1:
            tags.append(initial)
        elif label.hotkey and label.hotkey not in initials:
            tags.append(label.hotkey)
        else:
            tags.append(str(number % 10))
    return tags


def label_looks(labels: Sequence[Label], keys: Sequence[str] | None = None) -> dict[str, LabelLook]:
    """Each label's look; hue slots go in label order, each to the nearest free slot."""
    free = list(range(len(_SLOTS)))
    looks: dict[str, LabelLook] = {}
    tags = _tags(labels)
    for number, label in enumerate(labels):
        hue, saturation = _hue(label.colour)
        if not free:
            free = list(range(len(_SLOTS)))
        # A grey colour has no hue worth keeping: it takes the first free slot.
        slot = min(free, key=lambda s: _hue_distance(hue, _SLOTS[s][0]) if saturation > 0.15 else s)
        free.remove(slot)
        key = keys[number] if keys is not None and number < len(keys) else (label.hotkey or "")
        looks[label.name] = LabelLook(
            name=label.name,
            key=key,
            tag=tags[number],
            colour=label.colour,
            slot_colour=_SLOTS[slot][1],
            mark=_MARKS[number % len(_MARKS)],
        )
    return looks
