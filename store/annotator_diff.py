"""Mine vs theirs: where one annotator's spans differ from each other annotator's.

The regions and kinds of :func:`store.curation.disagreements`, compared pairwise (me
against each other annotator of the document) so a region shows who differs from me
and how, rather than every disagreement among the others. :func:`compare_pair` works
on spans already in memory (one pass over them in reading order), so the reader can
keep the answer current as spans change (:mod:`store.difference_tracker`). Kinds,
from my point of view:

| kind        | meaning                                              |
|-------------|------------------------------------------------------|
| only_mine   | I marked something here, the other annotator nothing |
| only_theirs | the other annotator marked something here, I nothing |
| label       | same extent(s), different label                      |
| extent      | overlapping spans with a different start or end      |
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from store.curation import document_annotators
from store.documents import get_document
from store.model import Span
from store.spans import spans_for_document

if TYPE_CHECKING:
    import sqlite_utils

DifferenceKind = Literal["only_mine", "only_theirs", "label", "extent"]
# Which kind a span shows when it takes part in several differences (against several
# annotators): the one that says most about the span itself.
KIND_ORDER: tuple[DifferenceKind, ...] = ("extent", "label", "only_mine", "only_theirs")
# ``disagreements`` excludes one "gold" annotator from comparison; mine-vs-theirs compares
# with everyone, gold included, so it passes a name no annotator can have.
_NO_GOLD = ""


@dataclass(frozen=True, slots=True)
class Difference:
    """One region of a document where ``other`` marked differently from ``me``."""

    doc_id: int
    start: int
    end: int
    kind: DifferenceKind
    me: str
    other: str
    mine: tuple[Span, ...]
    theirs: tuple[Span, ...]

    @property
    def span_ids(self) -> frozenset[str]:
        return frozenset(s.id for s in (*self.mine, *self.theirs))


def other_annotators(db: sqlite_utils.Database, doc_id: int, me: str) -> list[str]:
    """Everyone but ``me`` who annotated the document (a live span, or marked it done)."""
    return [a for a in document_annotators(db, doc_id, gold=_NO_GOLD) if a != me]


def finished_annotators(db: sqlite_utils.Database, doc_id: int) -> set[str]:
    """Who marked the document done: compared with me even without a span in it."""
    rows = db.conn.execute(
        "SELECT annotator FROM document_status WHERE doc_id = ? AND status = 'done'", [doc_id]
    )
    return {str(row[0]) for row in rows}


def compared_with(me: str, annotators: Iterable[str], finished: Iterable[str]) -> list[str]:
    """Whom ``me`` is compared with: ``annotators`` of live spans and ``finished``, sorted."""
    return sorted((set(annotators) | set(finished)) - {me, _NO_GOLD})


def reading_order(span: Span) -> tuple[int, int, str]:
    """The order regions are built in (as :mod:`store.curation` builds them)."""
    return (span.start, -span.end, span.id)


def compare_pair(doc_id: int, me: str, other: str, spans: Iterable[Span]) -> list[Difference]:
    """Where ``other`` differs from ``me`` among ``spans``, which must be in
    :func:`reading_order`; other annotators' spans are skipped. One pass: a region is a
    maximal run of overlapping spans of the two, as in :func:`store.curation.disagreements`.
    """
    found: list[Difference] = []
    region: list[Span] = []
    reach = -1
    for span in spans:
        if span.annotator != me and span.annotator != other:
            continue
        if region and span.start < reach:
            region.append(span)
            if span.end > reach:
                reach = span.end
            continue
        if region:
            difference = _region_difference(doc_id, me, other, region, reach)
            if difference is not None:
                found.append(difference)
        region = [span]
        reach = span.end
    if region:
        difference = _region_difference(doc_id, me, other, region, reach)
        if difference is not None:
            found.append(difference)
    return found


def _region_difference(
    doc_id: int, me: str, other: str, region: list[Span], end: int
) -> Difference | None:
    """The region's difference between ``me`` and ``other`` (None when they agree)."""
    if len(region) == 1:  # most regions in a sparse document: one side has nothing here
        alone = region[0]
        if alone.annotator == me:
            return Difference(doc_id, alone.start, end, "only_mine", me, other, (alone,), ())
        return Difference(doc_id, alone.start, end, "only_theirs", me, other, (), (alone,))
    mine = tuple(s for s in region if s.annotator == me)
    theirs = tuple(s for s in region if s.annotator == other)
    kind: DifferenceKind
    if not mine:
        kind = "only_theirs"
    elif not theirs:
        kind = "only_mine"
    elif sorted((s.start, s.end, s.label) for s in mine) == sorted(
        (s.start, s.end, s.label) for s in theirs
    ):
        return None
    elif len({(s.start, s.end) for s in region}) == 1:
        kind = "label"
    else:
        kind = "extent"
    return Difference(doc_id, region[0].start, end, kind, me, other, mine, theirs)


def differences(db: sqlite_utils.Database, doc_id: int, me: str) -> list[Difference]:
    """Every region where some other annotator differs from ``me``, in document order.

    Raises ``NotFound`` for a document that does not exist.
    """
    get_document(db, doc_id)  # NotFound for a wrong id, also when nobody else annotated
    live = spans_for_document(db, doc_id)
    live.sort(key=reading_order)
    others = compared_with(me, {s.annotator for s in live}, finished_annotators(db, doc_id))
    found = [d for other in others for d in compare_pair(doc_id, me, other, live)]
    found.sort(key=difference_order)
    return found


def difference_order(difference: Difference) -> tuple[int, int, str]:
    """Document order of differences; one region per pair, so this order is total."""
    return (difference.start, difference.end, difference.other)


def span_kinds(found: list[Difference]) -> dict[str, DifferenceKind]:
    """For each span id taking part in a difference, the kind it is drawn as."""
    kinds: dict[str, DifferenceKind] = {}
    for difference in found:
        for span_id in difference.span_ids:
            current = kinds.get(span_id)
            if current is None or KIND_ORDER.index(difference.kind) < KIND_ORDER.index(current):
                kinds[span_id] = difference.kind
    return kinds
