"""Whose spans the reader shows: all, mine, others, one annotator, or mine vs theirs.

Kept apart from the screen so the filtering, the marks and the words on the status
line can be read (and tested) without a running app. The differences themselves
come from the store (:mod:`store.annotator_diff`), kept current as spans change by a
:class:`store.difference_tracker.DifferenceTracker` per open document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text

from store.annotator_diff import Difference, span_kinds
from store.difference_tracker import DifferenceTracker
from store.model import Span
from tui.safe_text import visible
from tui.widgets.article_view import SpanMark

FilterMode = Literal["all", "mine", "others", "one", "versus"]
# The order the filter key steps through; "one" is reached through the annotator picker.
CYCLE: tuple[FilterMode, ...] = ("all", "mine", "others", "versus")
DEFAULT_COLOUR = "#888888"


@dataclass(frozen=True, slots=True)
class AnnotatorFilter:
    """A filter mode; ``annotator`` is the chosen one in mode ``one``."""

    mode: FilterMode = "all"
    annotator: str | None = None

    def following(self) -> AnnotatorFilter:
        """The next mode of the filter key's cycle (from "one" back to "all")."""
        if self.mode not in CYCLE:
            return AnnotatorFilter("all")
        return AnnotatorFilter(CYCLE[(CYCLE.index(self.mode) + 1) % len(CYCLE)])

    @property
    def name(self) -> str:
        """How the mode reads in the header and in notifications."""
        if self.mode == "one":
            return f"spans: {visible(self.annotator or '')}"
        if self.mode == "versus":
            return "mine vs theirs"
        return f"spans: {self.mode}"

    def shows(self, span: Span, me: str) -> bool:
        return self.shows_annotator(span.annotator, me)

    def shows_annotator(self, annotator: str, me: str) -> bool:
        """Whether this mode shows ``annotator``'s spans to ``me``."""
        if self.mode == "mine":
            return annotator == me
        if self.mode == "others":
            return annotator != me
        if self.mode == "one":
            return annotator == self.annotator
        return True


def span_marks(
    spans: list[Span], colours: dict[str, str], differences: list[Difference] | None = None
) -> list[SpanMark]:
    """The spans as the view draws them; with ``differences``, each marked by its kind."""
    kinds: dict[str, str] = dict(span_kinds(differences)) if differences else {}
    return [
        SpanMark(
            s.id,
            s.start,
            s.end,
            s.label,
            colours.get(s.label, DEFAULT_COLOUR),
            kinds.get(s.id, ""),
            s.annotator,
        )
        for s in spans
    ]


def _versions(spans: tuple[Span, ...], with_extent: bool) -> str:
    parts = []
    for span in sorted(spans, key=lambda s: (s.start, s.end, s.label)):
        part = visible(span.label)
        if with_extent:
            part += f" {span.start}–{span.end}"
        parts.append(part)
    return ", ".join(parts)


def describe(difference: Difference) -> str:
    """One difference in words, from the viewer's side: "only bob: FIGURE"."""
    other = visible(difference.other)
    if difference.kind == "only_mine":
        return f"only you: {_versions(difference.mine, False)} (not {other})"
    if difference.kind == "only_theirs":
        return f"only {other}: {_versions(difference.theirs, False)}"
    if difference.kind == "label":
        mine = _versions(difference.mine, False)
        return f"label differs: you {mine}, {other} {_versions(difference.theirs, False)}"
    mine = _versions(difference.mine, True)
    return f"extent differs: you {mine}, {other} {_versions(difference.theirs, True)}"


def difference_status(differences: DifferenceTracker, offset: int) -> Text | None:
    """The status line for the differences under ``offset``; None when there are none."""
    here = differences.at(offset)
    if not here:
        return None
    number = differences.number_of(here[0])
    line = Text(f"difference {number}/{len(differences)} · ", style="dim")
    line.append(" · ".join(describe(d) for d in here), style="bold")
    return line
