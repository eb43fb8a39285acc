"""Headless curation: finding disagreements and writing the settled spans as gold."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlite_utils

from store import changelog, curation
from store.changelog import user_action
from store.documents import get_status
from store.errors import ClaimdeskError
from store.session import Session
from store.spans import create_span
from tests.conftest import add_document, add_document_to_file

TEXT = "Mayor Ana Ruiz said 300 homes flooded. Rain fell for two days. Schools reopen Friday."
#       0     6   10   15   20  24    30  35 38  42   47  51  55  59 62 63     70     77   84


@pytest.fixture
def doc(db: sqlite_utils.Database) -> int:
    doc_id = add_document(db, TEXT)
    alice, bob = Session.for_db(db, "alice"), Session.for_db(db, "bob")
    # Agreed: both mark "300 homes flooded" as CLAIM.
    alice.add_span(doc_id, 20, 37, "CLAIM")
    bob.add_span(doc_id, 20, 37, "CLAIM")
    # Same extent, different label.
    alice.add_span(doc_id, 6, 14, "SOURCE")
    bob.add_span(doc_id, 6, 14, "QUOTE")
    # Only alice marks the rain sentence.
    alice.add_span(doc_id, 39, 62, "EVENT")
    # Overlapping, different extents.
    alice.add_span(doc_id, 63, 84, "CLAIM")
    bob.add_span(doc_id, 63, 70, "CLAIM")
    return doc_id


def test_disagreements_are_found_with_their_kind(db: sqlite_utils.Database, doc: int) -> None:
    found = curation.disagreements(db, doc)
    assert [(d.start, d.end, d.kind) for d in found] == [
        (6, 14, "label"),
        (39, 62, "missing"),
        (63, 84, "extent"),
    ]
    assert found[0].version("alice") == [(6, 14, "SOURCE")]
    assert found[0].version("bob") == [(6, 14, "QUOTE")]
    assert found[1].version("bob") == []
    assert not any(d.resolved for d in found)
    assert curation.agreed_spans(db, doc) == [(20, 37, "CLAIM")]


def test_an_annotator_who_did_not_annotate_the_document_is_not_missing(
    db: sqlite_utils.Database, doc: int
) -> None:
    Session.for_db(db, "carol").add_span(
        add_document(db, "Elsewhere.", name="x.txt"), 0, 9, "CLAIM"
    )
    assert len(curation.disagreements(db, doc)) == 3
    # Named explicitly, carol (no spans here) disagrees with every region.
    assert len(curation.disagreements(db, doc, annotators=["alice", "bob", "carol"])) == 4


def test_choose_edit_reject_write_gold_and_resolve(db: sqlite_utils.Database, doc: int) -> None:
    label, missing, extent = curation.disagreements(db, doc)
    curation.choose(db, label, "alice", curator="cur")
    curation.write_edited(db, extent, [(63, 77, "CLAIM")], curator="cur")
    curation.reject(db, missing, curator="cur")
    added = curation.copy_agreed(db, doc, curator="cur")
    assert added == 1
    assert curation.copy_agreed(db, doc, curator="cur") == 0
    gold = Session.for_db(db, "gold").spans(doc, annotators=["gold"])
    assert [(s.start, s.end, s.label, s.quote) for s in gold] == [
        (6, 14, "SOURCE", "Ana Ruiz"),
        (20, 37, "CLAIM", "300 homes flooded"),
        (63, 77, "CLAIM", "Schools reopen"),
    ]
    after = curation.disagreements(db, doc)
    # The rejected region is settled too, though gold has no span there to show it.
    assert [(d.resolved, d.rejected) for d in after] == [(True, False), (True, True), (True, False)]
    # Choosing another version replaces the gold spans of the region, not adds to them.
    curation.choose(db, after[0], "bob", curator="cur")
    assert [
        s.label for s in Session.for_db(db, "gold").spans(doc, annotators=["gold"]) if s.start == 6
    ] == ["QUOTE"]
    # Changes are the curator's own actions (gold's spans), undone by the curator.
    assert changelog.undo(db, "gold") is None
    assert changelog.undo(db, "cur") == "cur: chose bob's version"
    assert [
        s.label for s in Session.for_db(db, "gold").spans(doc, annotators=["gold"]) if s.start == 6
    ] == ["SOURCE"]
    curation.finish(db, doc, curator="cur")
    assert curation.is_finished(db, doc)
    assert get_status(db, doc, "cur") != "done"
    # Gold never counts as an annotator that disagrees.
    assert curation.document_annotators(db, doc) == ["alice", "bob"]


def test_a_version_changed_since_it_was_shown_is_not_taken(
    db: sqlite_utils.Database, doc: int
) -> None:
    # bob deleted his QUOTE a moment before the curator's enter on it: gold got the QUOTE,
    # a label no annotator held any more.
    label = curation.disagreements(db, doc)[0]
    bob = Session.for_db(db, "bob")
    (quote,) = [s for s in bob.spans(doc, annotators=["bob"]) if s.label == "QUOTE"]
    bob.delete_span(quote.id)
    with pytest.raises(ClaimdeskError, match="bob changed their version of 6-14 since"):
        curation.choose(db, label, "bob", curator="cur")
    assert Session.for_db(db, "gold").spans(doc, annotators=["gold"]) == []
    # Read again, the region offers what bob holds now.
    fresh = curation.disagreements(db, doc)[0]
    assert fresh.version("bob") == []
    curation.choose(db, fresh, "alice", curator="cur")


def test_a_region_another_curator_settled_since_it_was_shown_is_left_as_settled(
    db: sqlite_utils.Database, doc: int
) -> None:
    # alice and carol curated one document; their enters on one region 11 ms apart: the
    # second replaced the first's choice in gold, and neither was told.
    alices, _missing, extent = curation.disagreements(db, doc)
    carols = curation.disagreements(db, doc)[0]
    curation.choose(db, alices, "alice", curator="alice")
    gold = Session.for_db(db, "x")

    def settled() -> list[tuple[int, int, str]]:
        return [(s.start, s.end, s.label) for s in gold.spans(doc, annotators=["gold"])]

    refused = "alice settled 6-14 as SOURCE 6-14 since it was shown; nothing was changed"
    with pytest.raises(ClaimdeskError, match=refused):
        curation.choose(db, carols, "bob", curator="carol")
    with pytest.raises(ClaimdeskError, match=refused):
        curation.reject(db, carols, curator="carol")
    with pytest.raises(ClaimdeskError, match=refused):
        curation.write_edited(db, carols, [(6, 14, "QUOTE")], curator="carol")
    assert settled() == [(6, 14, "SOURCE")]
    # A rejection is a settlement too.
    stale = curation.disagreements(db, doc)[2]
    curation.reject(db, extent, curator="alice")
    with pytest.raises(ClaimdeskError, match="alice settled 63-84 as nothing to mark since"):
        curation.choose(db, stale, "alice", curator="carol")
    # Read again, carol may replace alice's choice on purpose.
    curation.choose(db, curation.disagreements(db, doc)[0], "bob", curator="carol")
    assert settled() == [(6, 14, "QUOTE")]


def test_an_edit_reaching_a_region_settled_apart_is_refused(
    db: sqlite_utils.Database, doc: int
) -> None:
    # ", 5-40 EVENT" typed in the editor of another region deleted the SOURCE another
    # curator had settled 6-14 with, and left 39-62's "nothing to mark" under it.
    label, missing, extent = curation.disagreements(db, doc)
    curation.choose(db, label, "alice", curator="cur2")
    curation.reject(db, missing, curator="cur2")
    extent = curation.disagreements(db, doc)[2]
    with pytest.raises(
        ClaimdeskError, match=r"^the spans reach 5-84, where gold holds SOURCE 6-14"
    ):
        curation.write_edited(db, extent, [(63, 84, "CLAIM"), (5, 40, "EVENT")], curator="cur1")
    with pytest.raises(ClaimdeskError, match="nothing to mark at 39-62"):
        curation.write_edited(db, extent, [(45, 84, "CLAIM")], curator="cur1")
    gold = Session.for_db(db, "x").spans(doc, annotators=["gold"])
    assert [(s.start, s.end, s.label) for s in gold] == [(6, 14, "SOURCE")]
    # Within its own region (and beyond it where nothing is settled) the edit is taken.
    curation.write_edited(db, extent, [(63, 85, "CLAIM")], curator="cur1")


def test_finishing_with_a_region_unsettled_is_refused(db: sqlite_utils.Database, doc: int) -> None:
    # The screen refused `f` from what it had read; a span landing in the second before
    # was marked curated with its region unsettled, and --status done exported it.
    with pytest.raises(ClaimdeskError, match=r"^3 disagreement\(s\) not settled yet"):
        curation.finish(db, doc, curator="cur")
    assert not curation.is_finished(db, doc)
    label, missing, extent = curation.disagreements(db, doc)
    curation.choose(db, label, "alice", curator="cur")
    curation.reject(db, missing, curator="cur")
    curation.choose(db, extent, "bob", curator="cur")
    curation.finish(db, doc, curator="cur")
    assert curation.is_finished(db, doc)


def test_a_rejection_is_stored_undone_and_withdrawn_by_a_later_choice(
    db: sqlite_utils.Database, doc: int
) -> None:
    # Kept only on the screen, a rejection was lost when it closed, and finishing the
    # document was then refused as unsettled.
    missing = curation.disagreements(db, doc)[1]
    assert missing.kind == "missing"
    assert not missing.resolved
    curation.reject(db, missing, curator="cur")
    assert curation.disagreements(db, doc)[1].rejected
    assert changelog.undo(db, "cur") == "cur: rejected a region"
    assert not curation.disagreements(db, doc)[1].resolved
    assert changelog.redo(db, "cur") == "cur: rejected a region"
    again = curation.disagreements(db, doc)[1]
    assert again.rejected
    # Taking a version that marks something there withdraws the rejection.
    marked = next(a for a in again.versions if again.version(a))
    curation.choose(db, again, marked, curator="cur")
    settled = curation.disagreements(db, doc)[1]
    assert (settled.rejected, bool(settled.gold)) == (False, True)
    assert db.conn.execute("SELECT count(*) FROM curation_rejections").fetchone() == (0,)
    # An empty edit is the same "nothing to mark".
    curation.write_edited(db, settled, [], curator="cur")
    assert curation.disagreements(db, doc)[1].rejected


def test_gold_name_is_configurable(db: sqlite_utils.Database, doc: int) -> None:
    first = curation.disagreements(db, doc, gold="adjudicated")[0]
    curation.choose(db, first, "bob", curator="cur", gold="adjudicated")
    assert sorted(s.annotator for s in Session.for_db(db, "x").spans(doc) if s.start == 6) == [
        "adjudicated",
        "alice",
        "bob",
    ]
    with pytest.raises(ClaimdeskError, match="gold annotator"):
        curation.disagreements(db, doc, annotators=["alice", "gold"])
    with pytest.raises(ClaimdeskError, match="no version"):
        curation.choose(db, first, "zed", curator="cur")


def test_a_gold_name_that_is_an_annotators_or_the_curators_is_refused(
    db: sqlite_utils.Database, doc: int
) -> None:
    # With gold "bob", taking alice's version deleted bob's QUOTE span and wrote a
    # SOURCE span under bob's name that bob never made.
    first = curation.disagreements(db, doc)[0]
    before = Session.for_db(db, "x").spans(doc)
    with pytest.raises(ClaimdeskError, match="cannot curate as 'bob': bob annotates too"):
        curation.choose(db, first, "alice", curator="cur", gold="bob")
    with pytest.raises(ClaimdeskError, match="bob annotates too"):
        curation.copy_agreed(db, doc, curator="cur", gold="bob")
    with pytest.raises(ClaimdeskError, match="bob annotates too"):
        curation.finish(db, doc, curator="cur", gold="bob")
    with pytest.raises(ClaimdeskError, match="cannot curate as 'cur': it is your own name"):
        curation.reject(db, first, curator="cur", gold="cur")
    assert Session.for_db(db, "x").spans(doc) == before
    assert curation.check_gold(db, "gold", curator="cur") == "gold"


def test_curation_logged_as_gold_before_schema_12_does_not_make_gold_an_annotator(
    db: sqlite_utils.Database, doc: int
) -> None:
    with user_action(db, "gold", "cur: chose alice's version") as action:
        create_span(action, doc, 6, 14, "SOURCE", annotator="gold")
    with user_action(db, "gold", "cur: copied agreed spans") as action:
        create_span(action, doc, 20, 37, "CLAIM", annotator="gold")
    assert curation.check_gold(db, "gold", curator="cur") == "gold"
    # Spans gold's name made itself, in the reader, are an annotator's.
    Session.for_db(db, "gold").add_span(doc, 39, 62, "EVENT")
    with pytest.raises(ClaimdeskError, match="gold annotates too"):
        curation.check_gold(db, "gold", curator="cur")


def test_gold_spans_export_with_annotator_gold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from claimdesk.cli import main

    path = tmp_path / "curated.db"
    doc_id = add_document_to_file(path, TEXT, name="flood.txt")
    with Session(path, "alice") as alice, Session(path, "bob") as bob:
        alice.add_span(doc_id, 6, 14, "SOURCE")
        bob.add_span(doc_id, 6, 14, "QUOTE")
        item = curation.disagreements(alice.db, doc_id)[0]
        curation.choose(alice.db, item, "bob", curator="carol")
    assert main(["--db", str(path), "export", "--format", "jsonl", "--annotator", "gold"]) == 0
    (record,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(s["start"], s["end"], s["label"]) for s in record["spans"]] == [(6, 14, "QUOTE")]
