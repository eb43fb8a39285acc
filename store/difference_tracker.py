"""Mine vs theirs for one document, kept current as its spans change.

Comparing 100,000 spans from scratch takes the better part of a second, far more
than a keypress may cost, so the reader builds a tracker once per document and then
tells it which spans changed. A change can only alter the regions its old and new
extents touch: the tracker widens each changed extent to whole regions (of the spans
now, and of the differences before) and compares only inside those windows.

| call                  | by the reader when                            | cost                  |
|-----------------------|-----------------------------------------------|-----------------------|
| ``DifferenceTracker`` | a document is opened or re-read               | every span, once      |
| ``update``            | the change log names changed spans            | the regions touched   |
| ``set_finished``      | someone marked the document done (or undid)   | a pair, when it comes |
| ``at``, ``number_of``,| the cursor moves, a jump key                  | a bisection per pair  |
| ``next_start``        |                                               |                       |

``differences`` (every difference in document order) and ``kinds`` (how each span
taking part is drawn) equal :func:`store.annotator_diff.differences` and
:func:`store.annotator_diff.span_kinds` for the same spans at every step.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable

from store.annotator_diff import (
    KIND_ORDER,
    Difference,
    DifferenceKind,
    compare_pair,
    compared_with,
    difference_order,
    reading_order,
)
from store.model import Span

# More changes than this at once (an import, a bulk undo) re-sort and re-compare all.
BULK_CHANGES = 1_000
Window = tuple[int, int]
_KIND_RANK = {kind: rank for rank, kind in enumerate(KIND_ORDER)}


class DifferenceTracker:
    """Where each other annotator's spans differ from ``me``'s in one document."""

    def __init__(
        self, doc_id: int, me: str, spans: Iterable[Span], finished: Iterable[str] = ()
    ) -> None:
        self.doc_id = doc_id
        self.me = me
        self._finished = frozenset(finished)
        self._by_id: dict[str, Span] = {}
        self._spans: list[Span] = []
        self._longest = 0
        self._per_annotator: Counter[str] = Counter()
        # Per other annotator: its differences from me (disjoint, by start) and their starts.
        self._pairs: dict[str, list[Difference]] = {}
        self._starts: dict[str, list[int]] = {}
        # Span id -> the kind it is drawn as, for spans taking part in a difference. A span
        # lies in one region per pair, so its differences are found by bisection when
        # needed rather than remembered per span (that cost 15 MB at 100,000 spans).
        self.kinds: dict[str, DifferenceKind] = {}
        self._reindex(spans)
        self._sync_pairs()

    # Spans in reading order ---------------------------------------------------------
    def _reindex(self, spans: Iterable[Span]) -> None:
        self._by_id.update((s.id, s) for s in spans)
        self._spans = sorted(self._by_id.values(), key=reading_order)
        self._longest = max((s.end - s.start for s in self._spans), default=0)
        self._per_annotator = Counter(s.annotator for s in self._spans)

    def _insert(self, span: Span) -> None:
        index = bisect_left(self._spans, reading_order(span), key=reading_order)
        self._spans.insert(index, span)
        self._by_id[span.id] = span
        self._per_annotator[span.annotator] += 1
        # Only ever grows: it bounds how far back a search for overlapping spans looks.
        self._longest = max(self._longest, span.end - span.start)

    def _remove(self, span: Span) -> None:
        index = bisect_left(self._spans, reading_order(span), key=reading_order)
        del self._spans[index]
        del self._by_id[span.id]
        self._per_annotator[span.annotator] -= 1

    def _overlapping(self, low: int, high: int, pair: tuple[str, str]) -> list[Span]:
        """The pair's spans overlapping ``[low, high)``, in reading order."""
        first = bisect_left(self._spans, low - self._longest, key=_start)
        last = bisect_left(self._spans, high, key=_start)
        return [s for s in self._spans[first:last] if s.end > low and s.annotator in pair]

    # Pairs: me and each other annotator ---------------------------------------------
    @property
    def others(self) -> list[str]:
        """Whom I am compared with: everyone with a live span here, or who marked it done."""
        present = (name for name, count in self._per_annotator.items() if count > 0)
        return compared_with(self.me, present, self._finished)

    def _sync_pairs(self) -> bool:
        """Start or drop pairs for annotators who came or went; whether any did."""
        wanted = self.others
        gone = [other for other in self._pairs if other not in wanted]
        new = [other for other in wanted if other not in self._pairs]
        dropped: set[str] = set()
        for other in gone:
            dropped.update(i for d in self._pairs.pop(other) for i in d.span_ids)
            del self._starts[other]
        self._rekind(dropped)
        for other in new:
            self._compare_all(other)
        return bool(gone or new)

    def _compare_everything(self) -> None:
        self._pairs.clear()
        self._starts.clear()
        self.kinds.clear()  # cleared in place: a view may hold this very dict
        self._sync_pairs()

    def _compare_all(self, other: str) -> None:
        found = compare_pair(self.doc_id, self.me, other, self._spans)
        self._pairs[other] = found
        self._starts[other] = [d.start for d in found]
        # A new pair can only add kinds, so the strongest so far is kept without a search.
        kinds = self.kinds
        for difference in found:
            kind, rank = difference.kind, _KIND_RANK[difference.kind]
            for span in (*difference.mine, *difference.theirs):
                current = kinds.get(span.id)
                if current is None or rank < _KIND_RANK[current]:
                    kinds[span.id] = kind

    def _kind_of(self, span: Span) -> DifferenceKind | None:
        """The strongest kind of the differences ``span`` takes part in (None: none)."""
        best: DifferenceKind | None = None
        for other, found in self._pairs.items():
            if span.annotator != self.me and span.annotator != other:
                continue
            # Regions of a pair are disjoint: one holding the span's start is the span's.
            index = bisect_right(self._starts[other], span.start) - 1
            if index >= 0 and found[index].end > span.start:
                kind = found[index].kind
                if best is None or _KIND_RANK[kind] < _KIND_RANK[best]:
                    best = kind
        return best

    def _rekind(self, span_ids: Iterable[str]) -> None:
        for span_id in span_ids:
            span = self._by_id.get(span_id)
            kind = self._kind_of(span) if span is not None else None
            if kind is None:
                self.kinds.pop(span_id, None)
            else:
                self.kinds[span_id] = kind

    # Changes ------------------------------------------------------------------------
    def update(self, upserts: Iterable[Span], removed: Iterable[str]) -> list[Window] | None:
        """Apply changed spans (``upserts``: their current values) and ids no longer live.

        Returns the ``[start, end)`` windows whose marks may have changed, or None when
        everything may have (many changes, or someone came or went).
        """
        live = list(upserts)
        changed = set(removed) | {s.id for s in live}
        olds = [self._by_id[i] for i in changed if i in self._by_id]
        if len(olds) + len(live) > BULK_CHANGES:
            for old in olds:
                del self._by_id[old.id]
            self._reindex(live)
            self._compare_everything()
            return None
        for old in olds:
            self._remove(old)
        for span in live:
            self._insert(span)
        if self.others != sorted(self._pairs):
            self._compare_everything()
            return None
        touched = [*olds, *live]
        windows: list[Window] = []
        rekind: set[str] = {s.id for s in touched}
        for other in self._pairs:
            extents = [(s.start, s.end) for s in touched if s.annotator in (self.me, other)]
            windows += self._recompare(other, extents, rekind)
        # After every pair is current: a span of mine takes its kind from all of them.
        self._rekind(rekind)
        return windows

    def set_finished(self, finished: Iterable[str]) -> bool:
        """Who marked the document done now; whether that changed whom I am compared with."""
        self._finished = frozenset(finished)
        return self._sync_pairs()

    def _recompare(self, other: str, extents: list[Window], rekind: set[str]) -> list[Window]:
        """Re-compare me and ``other`` in whole regions around ``extents``; the ids of
        spans in differences that went or came are added to ``rekind``."""
        pair = (self.me, other)
        windows = _merged(extents)
        while True:
            grown = _merged([self._grow(pair, low, high) for low, high in windows])
            if grown == windows:
                break
            windows = grown
        found = self._pairs[other]
        starts = self._starts[other]
        for low, high in reversed(windows):
            first, last = self._differences_within(other, low, high)
            fresh = compare_pair(self.doc_id, self.me, other, self._overlapping(low, high, pair))
            for difference in (*found[first:last], *fresh):
                rekind.update(difference.span_ids)
            found[first:last] = fresh
            starts[first:last] = [d.start for d in fresh]
        return windows

    def _grow(self, pair: tuple[str, str], low: int, high: int) -> Window:
        """Widen ``[low, high)`` until no span of the pair, and no difference recorded
        before, crosses its edges: it then holds whole regions, before and after."""
        while True:
            wider_low, wider_high = low, high
            for span in self._overlapping(low, high, pair):
                wider_low = min(wider_low, span.start)
                wider_high = max(wider_high, span.end)
            first, last = self._differences_within(pair[1], low, high)
            for difference in self._pairs[pair[1]][first:last]:
                wider_low = min(wider_low, difference.start)
                wider_high = max(wider_high, difference.end)
            if (wider_low, wider_high) == (low, high):
                return low, high
            low, high = wider_low, wider_high

    def _differences_within(self, other: str, low: int, high: int) -> tuple[int, int]:
        """Index range of ``other``'s differences overlapping ``[low, high)``."""
        found, starts = self._pairs[other], self._starts[other]
        first = bisect_left(starts, low)
        if first > 0 and found[first - 1].end > low:
            first -= 1  # disjoint regions: only the one before can reach into the window
        return first, bisect_left(starts, high)

    # Reading ------------------------------------------------------------------------
    def __len__(self) -> int:
        return sum(len(found) for found in self._pairs.values())

    @property
    def differences(self) -> list[Difference]:
        """Every difference in document order (built on each call: for tests and tools)."""
        return list(heapq.merge(*self._pairs.values(), key=difference_order))

    def at(self, offset: int) -> list[Difference]:
        """The differences whose region holds ``offset``, in document order."""
        here = []
        for other, found in self._pairs.items():
            index = bisect_left(self._starts[other], offset + 1) - 1
            if index >= 0 and found[index].end > offset:
                here.append(found[index])
        return sorted(here, key=difference_order)

    def number_of(self, difference: Difference) -> int:
        """The 1-based position of ``difference`` in :attr:`differences`."""
        key = difference_order(difference)
        before = 0
        for other, found in self._pairs.items():
            index = bisect_left(self._starts[other], difference.start)
            before += index
            if index < len(found) and difference_order(found[index]) < key:
                before += 1  # the one region of this pair that starts at the same offset
        return before + 1

    def next_start(self, cursor: int, direction: int) -> int | None:
        """Start of the nearest difference after (direction 1) or before (-1) ``cursor``."""
        candidates = []
        for starts in self._starts.values():
            if direction > 0:
                index = bisect_left(starts, cursor + 1)
                if index < len(starts):
                    candidates.append(starts[index])
            else:
                index = bisect_left(starts, cursor) - 1
                if index >= 0:
                    candidates.append(starts[index])
        if not candidates:
            return None
        return min(candidates) if direction > 0 else max(candidates)


def _start(span: Span) -> int:
    return span.start


def _merged(windows: list[Window]) -> list[Window]:
    """Windows sorted, with overlapping or touching ones joined."""
    merged: list[Window] = []
    for low, high in sorted(windows):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged
