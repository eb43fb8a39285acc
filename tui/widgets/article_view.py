"""The article pane's text: a Line-API widget with a cursor, a selection and spans.

Only visible lines are built, each into a cached ``Strip``; a cursor move or a
changed span refreshes just the rows it touches. Offsets are code points into the
stored text; the drawn text is :func:`tui.safe_text.visible` of it, which has the
same length, so offset ``i`` is always the ``i``-th drawn character.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from store.combining import splits_character
from tui.bindings import bindings_for
from tui.label_looks import LabelLook
from tui.safe_text import visible
from tui.widgets import navigation as nav
from tui.widgets.difference_marks import difference_style
from tui.widgets.line_index import LineIndex, text_cells

VIEW_ACTIONS = (
    "move(",
    "select(",
    "select_sentence",
    "select_word",
    "select_number",
    "set_mark",
    "clear_selection",
    "toggle_snap",
)
_WRAP_TICK_CHARS = 60_000
_MANY_CHANGES = 500
_PLAIN = Style()
_SELECTED = Style(reverse=True)
_CURSOR_FOCUSED = Style(reverse=True, bold=True)
_CURSOR_UNFOCUSED = Style(underline=True)
_CURSOR_IN_SELECTION = Style(reverse=False, underline=True, bold=True)
_UNREVERSE = Style(reverse=False)
_BLANKS = frozenset(" \u00a0\t")
# One cell left of the text: the tag of a span that starts a visual line.
GUTTER_CELLS = 1


@dataclass(frozen=True, slots=True)
class SpanMark:
    """A span as the view draws it."""

    id: str
    start: int
    end: int
    label: str
    colour: str
    # A kind from tui.widgets.difference_marks when the reader compares annotators.
    diff: str = ""
    # Whose span it is: the view can show some annotators' spans and hide the rest.
    annotator: str = ""


def _innermost_first(span: SpanMark) -> tuple[int, str, str]:
    """The order in which covering spans claim a character's colour.

    Two annotators' spans over the same text would otherwise be ordered by their
    random ids, so the colour shown could change from one run to the next.
    """
    return (span.end - span.start, span.label, span.id)


def _order(span: SpanMark) -> tuple[int, int, int, str, str]:
    """The drawing order of spans: by start, longest first, then innermost first."""
    return (span.start, -span.end, *_innermost_first(span))


class ArticleView(ScrollView, can_focus=True, inherit_bindings=False):
    """Shows one article; reports cursor moves with :class:`CursorMoved`.

    Every key comes from the registry (ScrollView's horizontal paging is no use to
    wrapped text)."""

    # The view draws its own selection (offsets into the stored text); Textual's
    # screen-wide text selection would paint a second, unrelated one.
    ALLOW_SELECT = False
    BINDINGS: ClassVar[list[BindingType]] = bindings_for(  # type: ignore[assignment]
        "reader", where=lambda spec: spec.action.startswith(VIEW_ACTIONS)
    )

    DEFAULT_CSS = """
    ArticleView {
        overflow-y: scroll;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        height: 1fr;
        padding: 0;
    }
    """

    class CursorMoved(Message):
        """The cursor or the selection changed."""

        def __init__(self, view: ArticleView) -> None:
            super().__init__()
            self.view = view

        @property
        def control(self) -> ArticleView:
            return self.view

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.display_text = ""
        self.sentences: list[tuple[int, int]] = []
        self._sentence_starts: list[int] = []
        self._sentence_ends: list[int] = []
        # Every span, drawn or not, in drawing order; which are drawn, and how differences
        # are marked, is the filter's business (show_only), so changing it touches no span.
        self._marks: list[SpanMark] = []
        self._by_id: dict[str, SpanMark] = {}
        self._shows: Callable[[str], bool] | None = None
        self._shown_annotators: dict[str, bool] = {}
        self._kinds: Mapping[str, str] = {}
        self._span_starts: list[int] = []
        self._longest_span = 0
        self.cursor = 0
        self.mark: int | None = None
        self.snap_words = True
        self._goal_cell: int | None = None
        self._index = LineIndex("", "", 80)
        self._cache: LRUCache[int, Strip] = LRUCache(2048)
        self._wrap_timer: Timer | None = None
        self._wrapped_in_render = False
        self._dragging = False
        self._base_style: Style | None = None
        self._span_styles: dict[tuple[str, str, bool, frozenset[str]], Style] = {}
        # Per annotator and in total, how many spans overlap each sentence (built on first
        # use), and how many sentences the drawn spans cover (None: count again). A filter
        # change then counts sentences, not spans.
        self._cover_counts: dict[str, list[int]] | None = None
        self._cover_total: list[int] = []
        self._covered_sentences: int | None = None
        self.looks: dict[str, LabelLook] = {}
        # Emacs transient mark (C-SPC): plain moves extend the selection while it is set.
        self.mark_active = False
        self.show_tags = True
        # Called at once on every cursor or selection change, before CursorMoved is
        # posted: the reader redraws the status line in the same frame as the cursor
        # (through the message it came a frame later, so every key cost two frames).
        self.cursor_listener: Callable[[ArticleView], None] | None = None

    # Data in -------------------------------------------------------------------
    def load(self, text: str, sentences: list[tuple[int, int]], spans: list[SpanMark]) -> None:
        """Show a new article (cursor at its start)."""
        self.text = text
        self.display_text = visible(text)
        self.sentences = sentences
        self._sentence_starts = [start for start, _ in sentences]
        self._sentence_ends = [end for _, end in sentences]
        self.cursor = 0
        self.mark = None
        self._set_spans(spans)
        self._rewrap()

    def set_spans(self, spans: list[SpanMark]) -> None:
        """Replace the spans, redrawing only rows where something changed."""
        old = self._by_id
        new = {s.id: s for s in spans}
        changed = [s for k, s in old.items() if new.get(k) != s]
        changed += [s for k, s in new.items() if old.get(k) != s]
        self._set_spans(spans)
        if len(changed) > _MANY_CHANGES:
            # Cheaper to redraw the visible rows than to locate every changed span's rows.
            self._cache.clear()
            self.refresh()
            return
        for span in changed:
            self._refresh_range(span.start, span.end)

    def update_spans(self, upserts: list[SpanMark], removed: set[str]) -> None:
        """Add or replace ``upserts`` and drop ``removed`` ids, touching only their rows.

        With 100,000 spans, :meth:`set_spans` (compare all, sort all) costs far more
        than a frame; this keeps the sorted list by bisection instead.
        """
        gone = removed | {mark.id for mark in upserts}
        if len(gone) > _MANY_CHANGES:
            # Many single inserts into a long list cost more than one sort.
            kept = {k: mark for k, mark in self._by_id.items() if k not in gone}
            self.set_spans([*kept.values(), *upserts])
            return
        changed: list[SpanMark] = []
        for span_id in gone:
            old = self._by_id.pop(span_id, None)
            if old is not None:
                index = bisect_left(self._marks, _order(old), key=_order)
                del self._marks[index]
                del self._span_starts[index]
                changed.append(old)
        for mark in upserts:
            index = bisect_left(self._marks, _order(mark), key=_order)
            self._marks.insert(index, mark)
            self._span_starts.insert(index, mark.start)
            self._by_id[mark.id] = mark
            # Only ever grows: it bounds how far back a span lookup searches.
            self._longest_span = max(self._longest_span, mark.end - mark.start)
            changed.append(mark)
        if self._cover_counts is not None:
            for span in changed:
                self._count_cover(span, 1 if self._by_id.get(span.id) is span else -1)
        for span in changed:
            self._refresh_range(span.start, span.end)

    def show_only(
        self, shows: Callable[[str], bool] | None, kinds: Mapping[str, str] | None = None
    ) -> None:
        """Draw only the spans of annotators ``shows`` accepts (None: every span), marking
        differences by span id from ``kinds``. ``kinds`` is read as drawn, so whoever
        changes it afterwards calls :meth:`redraw_range` (or :meth:`redraw_all`)."""
        self._shows = shows
        self._shown_annotators = {}
        self._kinds = kinds if kinds is not None else {}
        self._covered_sentences = None
        self.redraw_all()

    def redraw_range(self, start: int, end: int) -> None:
        """Draw ``[start, end)`` again (its spans' marks changed)."""
        self._refresh_range(start, end)

    def redraw_all(self) -> None:
        self._cache.clear()
        self.refresh()

    def _shown(self, annotator: str) -> bool:
        shown = self._shown_annotators.get(annotator)
        if shown is None:
            assert self._shows is not None
            shown = self._shown_annotators[annotator] = self._shows(annotator)
        return shown

    @property
    def spans(self) -> list[SpanMark]:
        """The drawn spans in drawing order, each with the difference it is marked as.

        Built on every call, for tests and tools; drawing reads the spans it needs directly.
        """
        kinds = self._kinds
        return [
            replace(s, diff=kinds[s.id]) if s.id in kinds else s
            for s in self._marks
            if self._shows is None or self._shown(s.annotator)
        ]

    def set_looks(self, looks: dict[str, LabelLook]) -> None:
        """How labels are drawn (colours, marks, tags); redraws everything."""
        self.looks = looks
        self._span_styles.clear()
        self._cache.clear()
        self.refresh()

    def toggle_tags(self) -> None:
        self.show_tags = not self.show_tags
        self._cache.clear()
        self.refresh()

    def _set_spans(self, spans: list[SpanMark]) -> None:
        self._marks = sorted(spans, key=_order)
        self._by_id = {s.id: s for s in self._marks}
        self._span_starts = [s.start for s in self._marks]
        self._longest_span = max((s.end - s.start for s in self._marks), default=0)
        self._cover_counts = None
        self._covered_sentences = None

    # Geometry --------------------------------------------------------------------
    @property
    def wrap_width(self) -> int:
        # One cell for the gutter, one for the cursor after a line's last character.
        return max(8, self.scrollable_content_region.width - GUTTER_CELLS - 1)

    @property
    def index(self) -> LineIndex:
        return self._index

    def _rewrap(self) -> None:
        self._index = LineIndex(self.text, self.display_text, self.wrap_width)
        if not self.scrollable_content_region.width:
            # Not laid out yet: wrapping at the 8-cell minimum would be drawn for a frame
            # and then thrown away; the first render_line wraps at the real width.
            return
        self._index.ensure_line(max(self.size.height, 1) * 2)
        self._cache.clear()
        self._update_virtual_size()
        if not self._index.complete and self.is_mounted and self._wrap_timer is None:
            self._wrap_timer = self.set_interval(0.02, self._wrap_tick)
        self.refresh()

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.wrap_width, self._index.estimated_lines())

    def _wrap_tick(self) -> None:
        done = self._index.wrap_more(_WRAP_TICK_CHARS)
        self._update_virtual_size()
        if done and self._wrap_timer is not None:
            self._wrap_timer.stop()
            self._wrap_timer = None

    def on_mount(self) -> None:
        if self.text:
            self._rewrap()

    def on_resize(self, event: events.Resize) -> None:
        if self._index.width != self.wrap_width:
            self._rewrap()
            self.scroll_to_cursor(center=True)
        elif self._wrapped_in_render:
            self.scroll_to_cursor(center=True)
        self._wrapped_in_render = False

    # Drawing ---------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._span_styles.clear()
        self._cache.clear()

    @property
    def base_style(self) -> Style:
        """The widget's own rich style, computed once per style change (it walks the DOM)."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def render_line(self, y: int) -> Strip:
        if self._index.width != self.wrap_width:
            # Laid out (or resized) since the last wrap, and the Resize event still queued:
            # wrap now, so this very frame shows the text at its width (on_resize then
            # brings the cursor back into view).
            self._rewrap()
            self._wrapped_in_render = True
        scroll_x, scroll_y = self.scroll_offset
        line = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.base_style
        if not self._index.ensure_line(line):
            return Strip.blank(width, base)
        strip = self._cache.get(line)
        if strip is None:
            strip = self._build_line(line, base)
            self._cache[line] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _styles(self) -> tuple[Style, Style, Style]:
        """Selection, cursor-in-text and cursor-in-selection styles: attributes, not colour
        alone, so they show in monochrome and with NO_COLOR."""
        if self.has_focus:
            return _SELECTED, _CURSOR_FOCUSED, _CURSOR_IN_SELECTION
        return _SELECTED, _CURSOR_UNFOCUSED, _CURSOR_IN_SELECTION

    def _span_style(self, covering: list[SpanMark], base: Style) -> Style:
        if not covering:
            return _PLAIN
        inner = min(covering, key=_innermost_first)
        nested = len(covering) > 1
        kinds = self._kinds
        diffs = frozenset(kind for s in covering if (kind := kinds.get(s.id, s.diff)))
        key = (inner.label, inner.colour, nested, diffs)
        style = self._span_styles.get(key)
        if style is None:
            look = self.looks.get(inner.label)
            if look is not None:
                under = base.bgcolor.get_truecolor().hex if base.bgcolor else None
                style = look.span_style(self.app.console.color_system, self.app.no_color, under)
                if nested:
                    style += Style(bold=True) if self.app.no_color else Style(underline=True)
            elif self.app.no_color:
                style = Style(underline=True, bold=nested)
            else:
                background = Color.from_rich_color(base.bgcolor) if base.bgcolor else Color(0, 0, 0)
                tint = background.blend(Color.parse(inner.colour), 0.45)
                style = Style(bgcolor=tint.rich_color, underline=nested)
            marked = difference_style(set(diffs))
            if marked is not None:
                style += marked
            self._span_styles[key] = style
        return style

    def _build_line(self, line: int, base: Style) -> Strip:
        start, end = self._index.line_range(line)
        selection = self.selection
        cursor_here = self._index.line_of(self.cursor) == line
        show_end_cell = cursor_here and self.cursor == end
        stop = end + 1 if show_end_cell else end
        cuts = {start, stop}
        spans = self._spans_between(start, end)
        for span in spans:
            cuts.update((max(start, span.start), min(end, span.end)))
        if selection:
            cuts.update((min(max(selection[0], start), stop), min(max(selection[1], start), stop)))
        if cursor_here:
            cuts.update((self.cursor, min(self.cursor + 1, stop)))
        gutter, tags, edges = self._tags_on_line(start, end, spans)
        for offset in (*tags, *edges):
            cuts.update((offset, offset + 1))
        select_style, cursor_style, cursor_in_selection = self._styles()
        points = sorted(c for c in cuts if start <= c <= stop)
        segments = [Segment(gutter[0], base + gutter[1]) if gutter else Segment(" ", base)]
        for a, b in pairwise(points):
            if a >= b:
                continue
            piece = self.display_text[a:b] if a < end else " "
            covering = [s for s in spans if s.start <= a < s.end] if a < end else []
            style = base + self._span_style(covering, base)
            if a in tags:
                piece, tag_style = tags[a]
                style = base + tag_style
            elif a in edges:
                style += edges[a]
            reversed_mark = bool(style.reverse)
            selected = selection is not None and selection[0] <= a < selection[1]
            if selected:
                style += select_style
            at_cursor = cursor_here and a == self.cursor
            if at_cursor:
                style += cursor_in_selection if selected else cursor_style
            if reversed_mark and (selected or at_cursor):
                # A reverse-drawn difference: the selection and cursor show by undoing it.
                style += _UNREVERSE
            segments.append(Segment(piece, style))
        return Strip(segments)

    def _tag_style(self, span: SpanMark) -> tuple[str, Style] | None:
        look = self.looks.get(span.label)
        if look is None:
            return None
        return look.tag, look.tag_style(self.app.console.color_system, self.app.no_color)

    def _tags_on_line(
        self, start: int, end: int, spans: list[SpanMark]
    ) -> tuple[tuple[str, Style] | None, dict[int, tuple[str, Style]], dict[int, Style]]:
        """Where this line shows label tags: the gutter cell (a span starting the line),
        the blank cell before a span, or, with no blank to spare, the span's first
        character drawn in the tag's colours (so adjacent spans never merge)."""
        gutter: tuple[str, Style] | None = None
        tags: dict[int, tuple[str, Style]] = {}
        edges: dict[int, Style] = {}
        text = self.display_text
        for span in sorted(spans, key=_innermost_first, reverse=True):
            if not start <= span.start < max(end, start + 1):
                continue
            tag = self._tag_style(span)
            if tag is None:
                continue
            before = span.start - 1
            if span.start == start:
                if self.show_tags:
                    gutter = tag
            elif text[before] in _BLANKS:
                if self.show_tags:
                    tags[before] = tag
            else:
                edges[span.start] = tag[1]
        return gutter, tags, edges

    def _spans_between(self, start: int, end: int) -> list[SpanMark]:
        low = bisect_left(self._span_starts, start - self._longest_span)
        high = bisect_left(self._span_starts, max(end, start + 1))
        if self._shows is None:
            return [s for s in self._marks[low:high] if s.end > start]
        shown = self._shown
        return [s for s in self._marks[low:high] if s.end > start and shown(s.annotator)]

    def _refresh_range(self, start: int, end: int) -> None:
        first = self._index.line_of(start)
        last = self._index.line_of(max(start, end))
        if last - first > len(self._cache):
            self._cache.clear()
        else:
            for line in range(first, last + 1):
                self._cache.discard(line)
        # Only rows in the viewport need a repaint; the others just lose their cached strip.
        top = max(first, self.scroll_offset.y)
        bottom = min(last + 1, self.scroll_offset.y + self.size.height)
        if bottom > top:
            self.refresh_lines(top, bottom - top)

    # Cursor and selection --------------------------------------------------------
    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected ``[start, end)`` as it would be labelled (snapped, trimmed)."""
        if self.mark is None or self.mark == self.cursor:
            return None
        start, end = sorted((self.mark, self.cursor))
        start, end = nav.snap_to_words(self.text, start, end, snap=self.snap_words)
        return (start, end) if end > start else None

    def _affected(self) -> tuple[int, int]:
        points = [self.cursor]
        if self.selection:
            points += list(self.selection)
        if self.mark is not None:
            points.append(self.mark)
        return min(points), max(points)

    def set_cursor(self, offset: int, *, extend: bool = False, keep_goal: bool = False) -> None:
        """Move the cursor (extending the selection from its anchor when ``extend``)."""
        before = self._affected()
        offset = max(0, min(len(self.text), offset))
        if extend:
            if self.mark is None:
                self.mark = self.cursor
        else:
            self.mark = None
            self.mark_active = False
        self.cursor = offset
        if not keep_goal:
            self._goal_cell = None
        after = self._affected()
        self._refresh_range(*before)
        self._refresh_range(*after)
        self.scroll_to_cursor()
        self._report_move()

    def _report_move(self) -> None:
        if self.cursor_listener is not None:
            self.cursor_listener(self)
        self.post_message(self.CursorMoved(self))

    def select_range(self, start: int, end: int) -> None:
        before = self._affected()
        self.mark, self.cursor = start, end
        self._refresh_range(*before)
        self._refresh_range(start, end)
        self.scroll_to_cursor()
        self._report_move()

    def scroll_to_cursor(self, *, center: bool = False) -> None:
        line = self._index.line_of(self.cursor)
        self._update_virtual_size()
        height = max(1, self.scrollable_content_region.height)
        top = self.scroll_offset.y
        if center:
            self.scroll_to(y=max(0, line - height // 2), animate=False, immediate=True)
        elif line < top:
            self.scroll_to(y=line, animate=False, immediate=True)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)

    def _target(self, unit: str, direction: int, extending: bool) -> int:
        text, cursor, index = self.text, self.cursor, self._index
        if unit == "char":
            target = cursor + direction
            # A combining mark shares its letter's cell: stepping onto it moved the cursor
            # nowhere visible, so a key seemed lost (two presses for one pointed letter).
            # Nor may a step stop inside a flag: 🇩 alone, half of 🇩🇪, became a span.
            while splits_character(text, target):
                target += direction
            return target
        if unit == "word":
            if direction > 0:
                return nav.word_forward(text, cursor)
            return nav.word_backward(text, cursor)
        if unit == "sentence":
            return nav.sentence_target(
                self._sentence_starts, self._sentence_ends, cursor, direction, to_end=extending
            )
        if unit == "paragraph":
            return nav.paragraph_target(
                index.paragraph_starts, index.paragraph_ends, cursor, direction, to_end=extending
            )
        if unit in ("line", "page"):
            line = index.line_of(cursor)
            if self._goal_cell is None:
                self._goal_cell = index.cell_of(cursor)
            step = 1 if unit == "line" else max(1, self.scrollable_content_region.height - 1)
            target = line + direction * step
            if target < 0:
                # Up from the first line goes to the start, as in a text editor.
                return 0
            if not index.ensure_line(target):
                return len(text) if direction > 0 else cursor
            if unit == "page":
                self.scroll_to(y=max(0, self.scroll_offset.y + direction * step), animate=False)
            return index.offset_at(target, self._goal_cell)
        if unit == "line_edge":
            start, end = index.line_range(index.line_of(cursor))
            if direction < 0:
                return start
            following = index.line_of(cursor) + 1
            if following < index.wrapped_lines and index.line_starts[following] == end:
                return max(start, end - 1)
            return end
        if unit == "document":
            if direction > 0:
                index.ensure_offset(len(text))
            return 0 if direction < 0 else len(text)
        raise ValueError(f"unknown movement unit {unit!r}")

    def action_move(self, unit: str, direction: int) -> None:
        vertical = unit in ("line", "page")
        if self.mark_active:
            self.set_cursor(self._target(unit, direction, True), extend=True, keep_goal=vertical)
            return
        self.set_cursor(self._target(unit, direction, False), keep_goal=vertical)

    def action_set_mark(self) -> None:
        """Set the mark at the cursor: moves now extend the selection until it is cleared."""
        self.set_cursor(self.cursor)
        self.mark = self.cursor
        self.mark_active = True
        self._report_move()

    def action_select_word(self) -> None:
        """Select the word or whole number at the cursor (else the next one)."""
        start, end = nav.word_at(self.text, self.cursor)
        if end - start <= 1 and not nav.is_word_char(self.text[start : start + 1] or " "):
            start = nav.word_backward(self.text, nav.word_forward(self.text, self.cursor))
            start, end = nav.word_at(self.text, start)
        if end > start:
            self.select_range(start, end)

    def action_select_number(self) -> None:
        """Select the next whole number after the cursor (4.700 stays one), wrapping to
        the start of the sentence when none is left in it; a FIGURE is then one label key."""
        sentence = nav.sentence_at(self.sentences, self.cursor)
        limit = sentence[1] if sentence else None
        found = nav.next_number(self.text, self.cursor, limit)
        if found is None and sentence is not None:
            found = nav.next_number(self.text, sentence[0], sentence[1])
        if found is None:
            found = nav.next_number(self.text, self.cursor)
        if found is None:
            self.notify("No number after the cursor", markup=False)
            return
        self.select_range(*found)

    def action_select(self, unit: str, direction: int) -> None:
        vertical = unit in ("line", "page")
        self.set_cursor(self._target(unit, direction, True), extend=True, keep_goal=vertical)

    def action_select_sentence(self) -> None:
        sentence = nav.sentence_at(self.sentences, self.cursor)
        if sentence is not None:
            self.select_range(*sentence)

    def action_clear_selection(self) -> None:
        self.set_cursor(self.cursor)

    def action_toggle_snap(self) -> None:
        self.snap_words = not self.snap_words
        start, end = self._affected()
        self._refresh_range(max(0, start - 100), min(len(self.text), end + 100))
        self.notify("Selections snap to words" if self.snap_words else "Character precision")
        self._report_move()

    # Spans under the cursor ------------------------------------------------------
    def span_ids_at(self, offset: int) -> list[str]:
        """Ids of the drawn spans covering ``offset``, innermost first."""
        covering = [s for s in self._spans_between(offset, offset + 1) if s.start <= offset]
        covering.sort(key=_innermost_first)
        return [s.id for s in covering]

    def next_span_start(self, direction: int) -> int | None:
        """Start of the nearest drawn span after (direction 1) or before (-1) the cursor."""
        marks = self._marks
        if direction > 0:
            indexes = range(bisect_right(self._span_starts, self.cursor), len(marks))
        else:
            indexes = range(bisect_left(self._span_starts, self.cursor) - 1, -1, -1)
        for index in indexes:
            if self._shows is None or self._shown(marks[index].annotator):
                return marks[index].start
        return None

    def _covered(self, start: int, end: int) -> bool:
        return any(s.start < end and s.end > start for s in self._spans_between(start, end))

    def sentence_number(self) -> int | None:
        """1-based number of the sentence holding the cursor (None between sentences)."""
        index = bisect_right(self._sentence_starts, self.cursor) - 1
        if index >= 0 and self.cursor < self.sentences[index][1]:
            return index + 1
        return None

    def next_unannotated_sentence(self) -> tuple[int, int] | None:
        first = bisect_right(self._sentence_starts, self.cursor)
        for start, end in self.sentences[first:]:
            if not self._covered(start, end):
                return start, end
        return None

    def coverage(self) -> float:
        """Share of sentences that overlap at least one drawn span."""
        if not self.sentences:
            return 0.0
        if self._cover_counts is None:
            self._cover_counts = {}
            self._cover_total = [0] * len(self.sentences)
            for span in self._marks:
                self._count_cover(span, 1)
        if self._covered_sentences is None:
            self._covered_sentences = self._count_covered(self._cover_counts)
        return self._covered_sentences / len(self.sentences)

    def _count_covered(self, counts: dict[str, list[int]]) -> int:
        """Sentences a drawn span overlaps, from the per-annotator counts."""
        if self._shows is None:
            return len(self._cover_total) - self._cover_total.count(0)
        drawn = [per_sentence for name, per_sentence in counts.items() if self._shown(name)]
        if len(drawn) == 1:
            return len(drawn[0]) - drawn[0].count(0)
        return sum(1 for overlaps in zip(*drawn, strict=True) if any(overlaps))

    def _count_cover(self, span: SpanMark, step: int) -> None:
        counts = self._cover_counts
        assert counts is not None
        own = counts.get(span.annotator)
        if own is None:
            own = counts[span.annotator] = [0] * len(self.sentences)
        total = self._cover_total
        first = bisect_right(self._sentence_ends, span.start)
        last = bisect_left(self._sentence_starts, span.end)
        for number in range(first, last):
            own[number] += step
            total[number] += step
        self._covered_sentences = None

    # Focus and mouse ---------------------------------------------------------------
    def on_focus(self) -> None:
        self._refresh_range(self.cursor, self.cursor)

    def on_blur(self) -> None:
        self._refresh_range(self.cursor, self.cursor)

    def _offset_at_mouse(self, event: events.MouseEvent) -> int | None:
        position = event.get_content_offset(self)
        if position is None:
            return None
        line = self.scroll_offset.y + position.y
        cell = self.scroll_offset.x + position.x - GUTTER_CELLS
        return self._index.offset_at(line, max(0, cell))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        offset = self._offset_at_mouse(event)
        if offset is None:
            return
        self.focus()
        self.set_cursor(offset, extend=event.shift)
        self._dragging = True
        self.capture_mouse()

    def on_click(self, event: events.Click) -> None:
        offset = self._offset_at_mouse(event)
        if offset is None or event.chain < 2:
            return
        if event.chain == 2:
            self.select_range(*nav.word_at(self.text, offset))
            return
        sentence = nav.sentence_at(self.sentences, offset)
        if sentence:
            self.select_range(*sentence)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = self._offset_at_mouse(event)
        if offset is not None and offset != self.cursor:
            self.set_cursor(offset, extend=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()


def covered_share(sentences: list[tuple[int, int]], spans: list[SpanMark]) -> float:
    """Share of ``sentences`` overlapping a span: one sweep over both sorted lists."""
    merged: list[list[int]] = []
    for span in sorted(spans, key=lambda s: s.start):
        if merged and span.start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span.end)
        else:
            merged.append([span.start, span.end])
    covered = 0
    j = 0
    for start, end in sentences:
        while j < len(merged) and merged[j][1] <= start:
            j += 1
        if j < len(merged) and merged[j][0] < end:
            covered += 1
    return covered / len(sentences) if sentences else 0.0


def cell_width(text: str) -> int:
    """Cells that ``text`` takes on screen (after placeholders)."""
    return text_cells(visible(text))
