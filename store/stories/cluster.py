"""Average-linkage grouping over a sparse graph of pair scores.

Two groups merge only while the mean score over *all* their document pairs (pairs
without an edge count as 0) reaches the threshold. Unlike single-link, one shared
word between two articles cannot chain two stories together: the other pairs'
missing scores pull the mean down.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from datetime import date

from store.stories.pairs import DATE_DECAY, DATE_WINDOW_DAYS, Edges
from store.stories.vectors import DocumentVectors

DEFAULT_THRESHOLD = 0.25


def average_linkage(count: int, edges: Edges, threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """A group number for each of ``count`` items (groups numbered by their first item)."""
    size = [1] * count
    parent = list(range(count))
    # Sum of pair scores between live groups: sums[a][b] == sums[b][a].
    sums: dict[int, dict[int, float]] = {}
    for (i, j), value in edges.items():
        sums.setdefault(i, {})[j] = sums.setdefault(i, {}).get(j, 0.0) + value
        sums.setdefault(j, {})[i] = sums.setdefault(j, {}).get(i, 0.0) + value
    heap = [(-value, i, j) for (i, j), value in edges.items() if value >= threshold]
    heapq.heapify(heap)
    alive = [True] * count
    while heap:
        negative, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        current = sums.get(a, {}).get(b, 0.0) / (size[a] * size[b])
        if abs(current + negative) > 1e-12:
            # Stale entry: the groups changed since it was pushed.
            continue
        # Merge the smaller group into the larger one.
        keep, gone = (a, b) if size[a] >= size[b] else (b, a)
        alive[gone] = False
        parent[gone] = keep
        size[keep] += size[gone]
        keep_sums = sums.setdefault(keep, {})
        for other, value in sums.pop(gone, {}).items():
            if other == keep:
                continue
            keep_sums[other] = keep_sums.get(other, 0.0) + value
            other_sums = sums[other]
            other_sums.pop(gone, None)
            other_sums[keep] = keep_sums[other]
        keep_sums.pop(gone, None)
        for other, value in keep_sums.items():
            mean = value / (size[keep] * size[other])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, min(keep, other), max(keep, other)))

    return _labels(parent)


def centroid_linkage(
    vectors: DocumentVectors,
    edges: Edges,
    bonus: Edges,
    dates: Sequence[str | None],
    threshold: float = DEFAULT_THRESHOLD,
    *,
    date_window_days: int | None = DATE_WINDOW_DAYS,
    date_decay: float = DATE_DECAY,
) -> list[int]:
    """Group documents by the cosine of their groups' TF-IDF centroids.

    A group's centroid holds the words its reports share (names, places, figures),
    so the fifth day of a story still meets the group through them even when it
    shares little with the first day's report. Only groups joined by an edge of the
    sparse graph are compared, so unrelated articles never meet. ``bonus`` (the
    sentence-link evidence of a pair) is averaged over the two groups' pairs; groups
    whose dated reports all lie more than the window apart score ``date_decay`` times less.
    """
    count = len(vectors)
    centroid: dict[int, dict[int, float]] = {
        i: dict(zip(vectors.terms[i].tolist(), vectors.weights[i].tolist(), strict=True))
        for i in range(count)
    }
    size = [1] * count
    parent = list(range(count))
    days: list[list[int]] = [[_day(d)] if _day(d) is not None else [] for d in dates]  # type: ignore[list-item]
    bonus_sum: dict[int, dict[int, float]] = {}
    for (i, j), value in bonus.items():
        bonus_sum.setdefault(i, {})[j] = value
        bonus_sum.setdefault(j, {})[i] = value
    neighbours: dict[int, set[int]] = {i: set() for i in range(count)}
    for i, j in edges:
        neighbours[i].add(j)
        neighbours[j].add(i)
    norm = [1.0] * count

    def score(a: int, b: int) -> float:
        small, large = (
            (centroid[a], centroid[b])
            if len(centroid[a]) < len(centroid[b])
            else (
                centroid[b],
                centroid[a],
            )
        )
        dot = sum(value * large.get(term, 0.0) for term, value in small.items())
        text = dot / (norm[a] * norm[b])
        extra = bonus_sum.get(a, {}).get(b, 0.0) / (size[a] * size[b])
        value = text + extra
        if date_window_days is not None and days[a] and days[b]:
            gap = min(abs(x - y) for x in days[a] for y in days[b])
            if gap > date_window_days:
                value *= date_decay
        return value

    heap: list[tuple[float, int, int]] = []
    for i, j in edges:
        value = score(i, j)
        if value >= threshold:
            heap.append((-value, i, j))
    heapq.heapify(heap)
    version = [0] * count
    stamped: list[tuple[float, int, int, int, int]] = [(v, i, j, 0, 0) for v, i, j in heap]
    heapq.heapify(stamped)
    while stamped:
        _negative, a, b, va, vb = heapq.heappop(stamped)
        if parent[a] != a or parent[b] != b or version[a] != va or version[b] != vb:
            continue
        keep, gone = (a, b) if size[a] >= size[b] else (b, a)
        parent[gone] = keep
        size_keep, size_gone = size[keep], size[gone]
        merged = centroid[keep]
        for term, value in centroid.pop(gone).items():
            merged[term] = merged.get(term, 0.0) + value
        norm[keep] = math.sqrt(sum(v * v for v in merged.values()))
        size[keep] = size_keep + size_gone
        days[keep] = sorted(set(days[keep]) | set(days[gone]))
        keep_bonus = bonus_sum.setdefault(keep, {})
        for other, value in bonus_sum.pop(gone, {}).items():
            if other != keep:
                keep_bonus[other] = keep_bonus.get(other, 0.0) + value
                bonus_sum[other].pop(gone, None)
                bonus_sum[other][keep] = keep_bonus[other]
        keep_bonus.pop(gone, None)
        joined = (neighbours.pop(gone) | neighbours[keep]) - {keep, gone}
        neighbours[keep] = joined
        for other in joined:
            neighbours[other].discard(gone)
            neighbours[other].add(keep)
        version[keep] += 1
        for other in joined:
            value = score(keep, other)
            if value >= threshold:
                x, y = (keep, other) if keep < other else (other, keep)
                heapq.heappush(stamped, (-value, x, y, version[x], version[y]))

    return _labels(parent)


def _day(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def _labels(parent: list[int]) -> list[int]:
    """Each item's group, named by the group's first item, from a union-find parent list."""

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    roots = [root(i) for i in range(len(parent))]
    first: dict[int, int] = {}
    for i, r in enumerate(roots):
        first.setdefault(r, i)
    return [first[r] for r in roots]
