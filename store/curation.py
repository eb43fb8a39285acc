"""Curation: where annotators disagree in a document, and writing the settled version as gold.

Spans of all annotators in a document are grouped into regions of overlapping spans
(a connected stretch). A region is a disagreement when the annotators who annotated
the document (a live span in it, or marked it done) did not all mark the very same
spans there. Its kind says why, first match wins:

| kind      | meaning                                                   |
|-----------|-----------------------------------------------------------|
| missing   | some annotators marked something here, others nothing     |
| label     | everyone marked the same extent, with different labels    |
| extent    | overlapping spans with different start or end             |

A curator settles a region by choosing one annotator's version, writing an edited
set of spans, or rejecting it; the result is written as spans of the gold annotator
(``gold`` unless configured) in one undoable action of the curator each, so
``claimdesk export --annotator gold`` exports it and the curator's ctrl+z takes it
back. A region counts as resolved when gold has a span in it or a curator rejected
it: a rejected region has no span to show it, so the rejection is a row of its own
(``curation_rejections``, keyed by the region's extent: a region that grows with new
spans is open again). :func:`finish` (gold's status ``done``) records that every
region of the document was looked at.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from store import spans as span_store
from store.changelog import Action, Row, last_changed_by, user_action
from store.clock import now
from store.documents import get_document, get_status, set_status
from store.errors import ClaimdeskError
from store.model import Span

if TYPE_CHECKING:
    import sqlite_utils

DEFAULT_GOLD = "gold"
DisagreementKind = Literal["missing", "label", "extent"]
SpanTriple = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One region of one document where the annotators' spans differ."""

    doc_id: int
    start: int
    end: int
    kind: DisagreementKind
    versions: dict[str, tuple[Span, ...]]  # every compared annotator; empty: marked nothing
    gold: tuple[Span, ...]
    # A curator settled the region as "nothing to mark" (:func:`reject`).
    rejected: bool = False

    @property
    def resolved(self) -> bool:
        return bool(self.gold) or self.rejected

    def version(self, annotator: str) -> list[SpanTriple]:
        return [(s.start, s.end, s.label) for s in self.versions.get(annotator, ())]


def _regions(spans: Sequence[Span]) -> list[list[Span]]:
    """Spans grouped into maximal runs of overlapping extents, in document order."""
    regions: list[list[Span]] = []
    reach = -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.id)):
        if regions and span.start < reach:
            regions[-1].append(span)
            reach = max(reach, span.end)
        else:
            regions.append([span])
            reach = span.end
    return regions


def _kind(region: list[Span], annotators: Sequence[str]) -> DisagreementKind | None:
    marked = {
        a: sorted((s.start, s.end, s.label) for s in region if s.annotator == a) for a in annotators
    }
    versions = list(marked.values())
    if all(v == versions[0] for v in versions):
        return None
    if any(not v for v in versions):
        return "missing"
    extents = {(s.start, s.end) for s in region}
    if len(extents) == 1:
        return "label"
    return "extent"


# Curation's own actions on gold's spans, by their summaries (``{curator}: …``). Before
# schema 12 they were logged as the gold annotator's, so gold's name is in the log beside
# them: they do not make gold someone who annotates.
_CURATION_SUMMARIES = (
    "*: chose *'s version",
    "*: edited curated spans",
    "*: rejected a region",
    "*: copied agreed spans",
)


def annotates_as(db: sqlite_utils.Database, name: str) -> bool:
    """Whether someone has written spans as ``name`` themselves (not through curation)."""
    excluded = " AND ".join("coalesce(summary, '') NOT GLOB ?" for _ in _CURATION_SUMMARIES)
    row = db.conn.execute(
        "SELECT 1 FROM changes WHERE annotator = ? AND table_name = 'spans' AND kind = 'do'"
        f" AND {excluded} LIMIT 1",
        [name, *_CURATION_SUMMARIES],
    ).fetchone()
    return row is not None


def check_gold(db: sqlite_utils.Database, gold: str, *, curator: str) -> str:
    """``gold`` when curation may write into it; else ClaimdeskError says why.

    Curating replaces gold's spans in each region, so a gold name that is a person's
    would delete that person's own spans and put spans they never made under their name.
    """
    advice = "set gold_name in the config file to a name nobody annotates as"
    if gold == curator:
        raise ClaimdeskError(f"cannot curate as {gold!r}: it is your own name; {advice}")
    if annotates_as(db, gold):
        raise ClaimdeskError(
            f"cannot curate as {gold!r}: {gold} annotates too, and curating would replace"
            f" their spans; {advice}"
        )
    return gold


def document_annotators(
    db: sqlite_utils.Database, doc_id: int, *, gold: str = DEFAULT_GOLD
) -> list[str]:
    """Who annotated the document (a live span, or marked it done), gold excluded."""
    rows = db.conn.execute(
        "SELECT annotator FROM spans WHERE doc_id = ? AND deleted_at IS NULL"
        " UNION SELECT annotator FROM document_status WHERE doc_id = ? AND status = 'done'",
        [doc_id, doc_id],
    )
    return sorted({str(r[0]) for r in rows} - {gold})


def disagreements(
    db: sqlite_utils.Database,
    doc_id: int,
    *,
    annotators: Sequence[str] | None = None,
    gold: str = DEFAULT_GOLD,
) -> list[Disagreement]:
    """The document's regions where ``annotators`` (default: all who annotated it) differ."""
    get_document(db, doc_id)  # NotFound for a wrong id, rather than an empty answer
    compared = list(annotators) if annotators else document_annotators(db, doc_id, gold=gold)
    if gold in compared:
        raise ClaimdeskError(f"{gold!r} is the gold annotator; it cannot be compared")
    if len(compared) < 2:
        return []
    live = span_store.spans_for_document(db, doc_id, annotators=[*compared, gold])
    theirs = [s for s in live if s.annotator != gold]
    golds = [s for s in live if s.annotator == gold]
    rejected = _rejected_regions(db, doc_id, gold)
    found: list[Disagreement] = []
    for region in _regions(theirs):
        kind = _kind(region, compared)
        if kind is None:
            continue
        start = min(s.start for s in region)
        end = max(s.end for s in region)
        found.append(
            Disagreement(
                doc_id=doc_id,
                start=start,
                end=end,
                kind=kind,
                versions={a: tuple(s for s in region if s.annotator == a) for a in compared},
                gold=tuple(s for s in golds if s.start < end and start < s.end),
                rejected=(start, end) in rejected,
            )
        )
    return found


def _rejected_regions(db: sqlite_utils.Database, doc_id: int, gold: str) -> set[tuple[int, int]]:
    return {
        (start, end)
        for start, end in db.conn.execute(
            'SELECT start, "end" FROM curation_rejections WHERE doc_id = ? AND annotator = ?',
            [doc_id, gold],
        )
    }


def _set_rejected(action: Action, item: Disagreement, gold: str, rejected: bool) -> None:
    """Record or withdraw the curator's "nothing to mark" for the region, logged for undo."""
    key = {"doc_id": item.doc_id, "start": item.start, "end": item.end, "annotator": gold}
    row = action.db.conn.execute(
        "SELECT curator, created_at FROM curation_rejections"
        ' WHERE doc_id = ? AND start = ? AND "end" = ? AND annotator = ?',
        list(key.values()),
    ).fetchone()
    if rejected and row is None:
        after = {"curator": action.annotator, "created_at": now()}
        action.db.execute(
            "INSERT INTO curation_rejections"
            ' (doc_id, start, "end", annotator, curator, created_at) VALUES (?, ?, ?, ?, ?, ?)',
            [*key.values(), *after.values()],
        )
        action.record("curation_rejections", key, None, after)
    elif not rejected and row is not None:
        action.db.execute(
            "DELETE FROM curation_rejections"
            ' WHERE doc_id = ? AND start = ? AND "end" = ? AND annotator = ?',
            list(key.values()),
        )
        action.record("curation_rejections", key, {"curator": row[0], "created_at": row[1]}, None)


def agreed_spans(
    db: sqlite_utils.Database,
    doc_id: int,
    *,
    annotators: Sequence[str] | None = None,
    gold: str = DEFAULT_GOLD,
) -> list[SpanTriple]:
    """Spans every compared annotator marked identically (candidates to copy into gold)."""
    compared = list(annotators) if annotators else document_annotators(db, doc_id, gold=gold)
    if len(compared) < 2:
        return []
    theirs = span_store.spans_for_document(db, doc_id, annotators=compared)
    agreed: list[SpanTriple] = []
    for region in _regions(theirs):
        if _kind(region, compared) is None:
            agreed += sorted({(s.start, s.end, s.label) for s in region})
    return agreed


def _replace_gold(
    action: Action, doc_id: int, start: int, end: int, wanted: Sequence[SpanTriple], gold: str
) -> list[Span]:
    """Make gold's spans overlapping [start, end) exactly ``wanted``; keep identical ones."""
    current = [
        s
        for s in span_store.spans_for_document(action.db, doc_id, annotators=[gold])
        if s.start < end and start < s.end
    ]
    remaining = list(dict.fromkeys(wanted))
    kept: list[Span] = []
    for span in current:
        triple = (span.start, span.end, span.label)
        if triple in remaining:
            remaining.remove(triple)
            kept.append(span)
        else:
            span_store.delete_span(action, span.id)
    created = [
        span_store.create_span(action, doc_id, s, e, label, annotator=gold)
        for s, e, label in remaining
    ]
    return sorted([*kept, *created], key=lambda s: (s.start, -s.end, s.label))


def choose(
    db: sqlite_utils.Database,
    item: Disagreement,
    annotator: str,
    *,
    curator: str,
    gold: str = DEFAULT_GOLD,
) -> list[Span]:
    """Settle the region with ``annotator``'s version; the gold spans now there."""
    if annotator not in item.versions:
        raise ClaimdeskError(f"{annotator!r} has no version of this region")
    with user_action(db, curator, f"{curator}: chose {annotator}'s version") as action:
        check_gold(db, gold, curator=curator)
        wanted = item.version(annotator)
        _refuse_changed_since(db, item, annotator, gold)
        _refuse_settled_since(db, item, gold)
        _set_rejected(action, item, gold, not wanted)
        return _replace_gold(action, item.doc_id, item.start, item.end, wanted, gold)


def _refuse_changed_since(
    db: sqlite_utils.Database, item: Disagreement, annotator: str, gold: str
) -> None:
    """Refuse a version the annotator has changed since ``item`` was read.

    The screen reads the regions up to a second before a key: bob deleted his FIGURE,
    the curator's enter a moment later wrote it into gold, a label nobody held."""
    live = span_store.spans_for_document(db, item.doc_id, annotators=[annotator])
    now = sorted(
        (s.start, s.end, s.label) for s in live if s.start < item.end and item.start < s.end
    )
    if now != sorted(item.version(annotator)):
        raise ClaimdeskError(
            f"{annotator} changed their version of {item.start}-{item.end} since it was"
            " shown; nothing was taken (look again)"
        )


def _refuse_settled_since(db: sqlite_utils.Database, item: Disagreement, gold: str) -> None:
    """Refuse to settle a region that another curator settled since ``item`` was read.

    Two curators pressed enter on one region 11 ms apart: the second choice replaced the
    first in gold, and neither was told."""
    there = [
        s
        for s in span_store.spans_for_document(db, item.doc_id, annotators=[gold])
        if s.start < item.end and item.start < s.end
    ]
    now = sorted((s.start, s.end, s.label) for s in there)
    shown = sorted((s.start, s.end, s.label) for s in item.gold)
    rejected = (item.start, item.end) in _rejected_regions(db, item.doc_id, gold)
    if now == shown and rejected == item.rejected:
        return
    keys: list[tuple[str, Row]] = [("spans", {"id": s.id}) for s in there]
    keys.append(
        (
            "curation_rejections",
            {"annotator": gold, "doc_id": item.doc_id, "start": item.start, "end": item.end},
        )
    )
    names = [last_changed_by(db, table, key) for table, key in keys]
    who = next((name for name in names if name), "another curator")
    settled = ", ".join(f"{label} {start}-{end}" for start, end, label in now)
    raise ClaimdeskError(
        f"{who} settled {item.start}-{item.end} as {settled or 'nothing to mark'} since it was"
        " shown; nothing was changed (look again)"
    )


def write_edited(
    db: sqlite_utils.Database,
    item: Disagreement,
    wanted: Sequence[SpanTriple],
    *,
    curator: str,
    gold: str = DEFAULT_GOLD,
) -> list[Span]:
    """Settle the region with the curator's own spans (offsets may reach outside it)."""
    low = min([item.start, *(s for s, _, _ in wanted)])
    high = max([item.end, *(e for _, e, _ in wanted)])
    with user_action(db, curator, f"{curator}: edited curated spans") as action:
        check_gold(db, gold, curator=curator)
        _refuse_settled_since(db, item, gold)
        _refuse_reaching_settled(db, item, low, high, gold)
        # Nothing written is the curator's "nothing to mark", as :func:`reject`.
        _set_rejected(action, item, gold, not wanted)
        return _replace_gold(action, item.doc_id, low, high, wanted, gold)


def _refuse_reaching_settled(
    db: sqlite_utils.Database, item: Disagreement, low: int, high: int, gold: str
) -> None:
    """Refuse edited spans that reach a stretch settled apart from ``item``'s region.

    Gold's spans over the whole edited stretch are replaced: ``, 5-40 EVENT`` typed in the
    editor of region 400-450 deleted the CLAIM another curator had settled 0-11 with, and
    left 200-260's "nothing to mark" under the new span."""
    inside = (item.start, item.end)
    theirs = [
        f"{s.label} {s.start}-{s.end}"
        for s in span_store.spans_for_document(db, item.doc_id, annotators=[gold])
        if s.start < high and low < s.end and not (s.start < item.end and item.start < s.end)
    ]
    theirs += [
        f"nothing to mark at {start}-{end}"
        for start, end in sorted(_rejected_regions(db, item.doc_id, gold))
        if start < high and low < end and (start, end) != inside
    ]
    if theirs:
        raise ClaimdeskError(
            f"the spans reach {low}-{high}, where gold holds {', '.join(theirs[:3])} for another"
            " region; settle that region on its own row (nothing was changed)"
        )


def reject(
    db: sqlite_utils.Database, item: Disagreement, *, curator: str, gold: str = DEFAULT_GOLD
) -> None:
    """Settle the region as "nothing to mark": gold keeps no span there."""
    with user_action(db, curator, f"{curator}: rejected a region") as action:
        check_gold(db, gold, curator=curator)
        _refuse_settled_since(db, item, gold)
        _set_rejected(action, item, gold, True)
        _replace_gold(action, item.doc_id, item.start, item.end, [], gold)


def copy_agreed(
    db: sqlite_utils.Database,
    doc_id: int,
    *,
    curator: str,
    annotators: Sequence[str] | None = None,
    gold: str = DEFAULT_GOLD,
) -> int:
    """Copy every unanimous span into gold (skipping those gold has); how many were added."""
    agreed = agreed_spans(db, doc_id, annotators=annotators, gold=gold)
    with user_action(db, curator, f"{curator}: copied agreed spans") as action:
        check_gold(db, gold, curator=curator)
        have = {
            (s.start, s.end, s.label)
            for s in span_store.spans_for_document(db, doc_id, annotators=[gold])
        }
        added = 0
        for start, end, label in agreed:
            if (start, end, label) not in have:
                span_store.create_span(action, doc_id, start, end, label, annotator=gold)
                added += 1
        return added


def finish(
    db: sqlite_utils.Database, doc_id: int, *, curator: str, gold: str = DEFAULT_GOLD
) -> None:
    """Mark the document curated (gold's status ``done``); refused while a region is
    unsettled (the screen checked only what it had read, up to a second before)."""
    with user_action(db, curator, f"{curator}: finished curating") as action:
        check_gold(db, gold, curator=curator)
        open_regions = [d for d in disagreements(db, doc_id, gold=gold) if not d.resolved]
        if open_regions:
            raise ClaimdeskError(
                f"{len(open_regions)} disagreement(s) not settled yet (the first at"
                f" {open_regions[0].start}-{open_regions[0].end}); the document is not"
                " marked curated"
            )
        set_status(action, doc_id, "done", annotator=gold)


def is_finished(db: sqlite_utils.Database, doc_id: int, *, gold: str = DEFAULT_GOLD) -> bool:
    return get_status(db, doc_id, gold) == "done"
