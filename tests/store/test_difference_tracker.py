"""The mine-vs-theirs tracker stays equal to a comparison from scratch as spans change.

The reference is :func:`store.curation.disagreements`, run pairwise the way the
reader's differences are defined; the tracker only re-compares regions near each
change, so every step of a random session of adds, relabels, deletes, undos, other
annotators' writes and status changes is checked against it.
"""

from __future__ import annotations

import random

import pytest
import sqlite_utils

from store import difference_tracker
from store.annotator_diff import (
    Difference,
    DifferenceKind,
    differences,
    finished_annotators,
    span_kinds,
)
from store.curation import disagreements, document_annotators
from store.difference_tracker import DifferenceTracker
from store.session import Session
from store.span_changes import latest_change, spans_changed_since
from tests.conftest import add_document

TEXT = " ".join(
    f"Report {n} says {n * 37 % 1000} homes flooded near the river on day {n}." for n in range(40)
)
LABELS = ("CLAIM", "FIGURE", "SOURCE")
ME = "alice"


def reference(db: sqlite_utils.Database, doc_id: int, me: str) -> list[Difference]:
    """Mine vs theirs computed as curation compares a pair: the definition checked against."""
    found: list[Difference] = []
    for other in document_annotators(db, doc_id, gold=""):
        if other == me:
            continue
        for item in disagreements(db, doc_id, annotators=[me, other], gold=""):
            mine, theirs = item.versions.get(me, ()), item.versions.get(other, ())
            missing: DifferenceKind = "only_mine" if mine else "only_theirs"
            kind: DifferenceKind = missing if item.kind == "missing" else item.kind
            found.append(Difference(doc_id, item.start, item.end, kind, me, other, mine, theirs))
    return sorted(found, key=lambda d: (d.start, d.end, d.other))


class Follower:
    """A tracker fed from the change log, as the reader feeds it."""

    def __init__(self, db: sqlite_utils.Database, doc_id: int) -> None:
        self.db, self.doc_id = db, doc_id
        self.seen = latest_change(db)
        spans = Session.for_db(db, ME).spans(doc_id)
        self.tracker = DifferenceTracker(doc_id, ME, spans, finished_annotators(db, doc_id))

    def catch_up(self) -> None:
        before = dict(self.tracker.kinds)
        live, gone, self.seen = spans_changed_since(self.db, self.doc_id, self.seen)
        windows = self.tracker.update(live, gone)
        if self.tracker.set_finished(finished_annotators(self.db, self.doc_id)):
            windows = None
        expected = reference(self.db, self.doc_id, ME)
        assert self.tracker.differences == expected
        assert self.tracker.kinds == span_kinds(expected)
        assert len(self.tracker) == len(expected)
        if windows is None:
            return
        # Every span whose mark changed lies in a window the tracker reported.
        spans = {s.id: s for s in Session.for_db(self.db, ME).spans(self.doc_id)}
        for span_id in set(before) | set(self.tracker.kinds):
            if before.get(span_id) != self.tracker.kinds.get(span_id) and span_id in spans:
                span = spans[span_id]
                assert any(low <= span.start and span.end <= high for low, high in windows)


def random_extent(rng: random.Random) -> tuple[int, int]:
    # Few distinct places, so spans often share or cross extents.
    start = rng.randrange(0, len(TEXT) - 40, 7)
    return start, start + rng.choice((5, 9, 14, 21, 30))


def random_step(db: sqlite_utils.Database, doc_id: int, rng: random.Random) -> None:
    who = Session.for_db(db, rng.choice((ME, ME, "bob", "carol")))
    own = [s for s in who.spans(doc_id) if s.annotator == who.annotator]
    roll = rng.random()
    if roll < 0.45 or not own:
        who.add_span(doc_id, *random_extent(rng), rng.choice(LABELS))
    elif roll < 0.6:
        target = rng.choice(own)
        others = [label for label in LABELS if label != target.label]
        who.relabel_span(target.id, rng.choice(others))
    elif roll < 0.8:
        who.delete_span(rng.choice(own).id)
    elif roll < 0.9:
        who.undo()
    else:
        who.set_status(doc_id, rng.choice(("done", "in_progress")))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tracker_equals_a_fresh_comparison_after_every_change(
    db: sqlite_utils.Database, seed: int
) -> None:
    doc_id = add_document(db, TEXT)
    rng = random.Random(seed)
    follower = Follower(db, doc_id)
    for _ in range(150):
        random_step(db, doc_id, rng)
        follower.catch_up()


def test_tracker_matches_the_store_function(db: sqlite_utils.Database) -> None:
    doc_id = add_document(db, TEXT)
    rng = random.Random(9)
    for _ in range(80):
        random_step(db, doc_id, rng)
    tracker = Follower(db, doc_id).tracker
    assert tracker.differences == differences(db, doc_id, ME) == reference(db, doc_id, ME)


def test_many_changes_at_once_recompare_everything(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(difference_tracker, "BULK_CHANGES", 3)
    doc_id = add_document(db, TEXT)
    rng = random.Random(4)
    follower = Follower(db, doc_id)
    for _ in range(12):
        for _ in range(rng.randint(1, 6)):
            random_step(db, doc_id, rng)
        follower.catch_up()


def test_someone_who_marked_it_done_is_compared_without_spans(
    db: sqlite_utils.Database,
) -> None:
    doc_id = add_document(db, TEXT)
    Session.for_db(db, ME).add_span(doc_id, 0, 6, "CLAIM")
    follower = Follower(db, doc_id)
    assert len(follower.tracker) == 0
    Session.for_db(db, "zoe").set_status(doc_id, "done")
    follower.catch_up()
    assert [(d.other, d.kind) for d in follower.tracker.differences] == [("zoe", "only_mine")]
    Session.for_db(db, "zoe").set_status(doc_id, "in_progress")
    follower.catch_up()
    assert follower.tracker.differences == []


def test_lookups_agree_with_the_list(db: sqlite_utils.Database) -> None:
    doc_id = add_document(db, TEXT)
    rng = random.Random(5)
    for _ in range(120):
        random_step(db, doc_id, rng)
    tracker = Follower(db, doc_id).tracker
    found = tracker.differences
    assert found, "the random session should leave differences"
    starts = sorted({d.start for d in found})
    for offset in range(0, len(TEXT), 3):
        here = [d for d in found if d.start <= offset < d.end]
        assert tracker.at(offset) == here
        for d in here:
            assert tracker.number_of(d) == found.index(d) + 1
        later = [s for s in starts if s > offset]
        earlier = [s for s in starts if s < offset]
        assert tracker.next_start(offset, 1) == (later[0] if later else None)
        assert tracker.next_start(offset, -1) == (earlier[-1] if earlier else None)
