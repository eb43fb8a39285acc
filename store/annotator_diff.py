"""Mine vs theirs: where one annotator's spans differ from each other annotator's.

Built on :func:`store.curation.disagreements`, compared pairwise (me against each
other annotator of the document) so a region shows who differs from me and how,
rather than every disagreement among the others. Kinds, from my point of view:

| kind        | meaning                                              |
|-------------|------------------------------------------------------|
| only_mine   | I marked something here, the other annotator nothing |
| only_theirs | the other annotator marked something here, I nothing |
| label       | same extent(s), different label                      |
| extent      | overlapping spans with a different start or end      |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sqlite_utils

from store.curation import disagreements, document_annotators
from store.documents import get_document
from store.model import Span

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


def differences(db: sqlite_utils.Database, doc_id: int, me: str) -> list[Difference]:
    """Every region where some other annotator differs from ``me``, in document order.

    Raises ``NotFound`` for a document that does not exist.
    """
    get_document(db, doc_id)  # NotFound for a wrong id, also when nobody else annotated
    found: list[Difference] = []
    for other in other_annotators(db, doc_id, me):
        for item in disagreements(db, doc_id, annotators=[me, other], gold=_NO_GOLD):
            mine = item.versions.get(me, ())
            theirs = item.versions.get(other, ())
            missing: DifferenceKind = "only_mine" if mine else "only_theirs"
            kind: DifferenceKind = missing if item.kind == "missing" else item.kind
            found.append(Difference(doc_id, item.start, item.end, kind, me, other, mine, theirs))
    found.sort(key=lambda d: (d.start, d.end, d.other))
    return found


def span_kinds(found: list[Difference]) -> dict[str, DifferenceKind]:
    """For each span id taking part in a difference, the kind it is drawn as."""
    kinds: dict[str, DifferenceKind] = {}
    for difference in found:
        for span_id in difference.span_ids:
            current = kinds.get(span_id)
            if current is None or KIND_ORDER.index(difference.kind) < KIND_ORDER.index(current):
                kinds[span_id] = difference.kind
    return kinds
