"""A document's status per annotator: the first span of one's own starts it; done stays done."""

from __future__ import annotations

import sqlite_utils

from store.session import Session
from tests.conftest import add_document

TEXT = "The council approved 300 flats. The mayor was pleased. Opponents warned of traffic."


def _overview_status(session: Session, doc: int) -> str:
    return str(next(row["status"] for row in session.overview() if row["id"] == doc))


def test_my_first_span_puts_the_document_in_progress(db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    alice = Session.for_db(db, "alice")
    assert alice.status(doc) == "todo"
    alice.add_span(doc, 0, 31, "CLAIM")
    assert alice.status(doc) == "in_progress"
    assert _overview_status(alice, doc) == "in_progress"
    # Per annotator: bob has made nothing here, so his status is untouched.
    bob = Session.for_db(db, "bob")
    assert bob.status(doc) == "todo"
    assert _overview_status(bob, doc) == "todo"


def test_undoing_the_span_undoes_the_status_with_it(db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    alice = Session.for_db(db, "alice")
    alice.add_span(doc, 0, 31, "CLAIM")
    alice.undo()
    assert alice.spans(doc) == []
    assert alice.status(doc) == "todo"
    alice.redo()
    assert alice.status(doc) == "in_progress"


def test_done_stays_done_when_spans_are_added(db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    alice = Session.for_db(db, "alice")
    alice.add_span(doc, 0, 31, "CLAIM")
    alice.set_status(doc, "done")
    alice.add_span(doc, 32, 54, "CLAIM")
    assert alice.status(doc) == "done"
    # Done is still what agreement and stats count.
    rows = db.execute(
        "SELECT annotator FROM document_status WHERE doc_id = ? AND status = 'done'", [doc]
    ).fetchall()
    assert rows == [("alice",)]


def test_a_span_made_for_another_annotator_leaves_my_status(db: sqlite_utils.Database) -> None:
    from store import spans
    from store.changelog import user_action

    doc = add_document(db, TEXT)
    with user_action(db, "curator", "curate") as action:
        spans.create_span(action, doc, 0, 31, "CLAIM", annotator="gold")
    assert Session.for_db(db, "curator").status(doc) == "todo"
    assert Session.for_db(db, "gold").status(doc) == "todo"


def test_a_link_that_creates_my_span_starts_the_document(db: sqlite_utils.Database) -> None:
    doc = add_document(db, TEXT)
    other = add_document(db, "Three hundred flats were approved. Traffic worries remain.", "b.txt")
    alice = Session.for_db(db, "alice")
    mine = alice.add_span(doc, 0, 31, "CLAIM")
    assert alice.status(other) == "todo"
    alice.link_spans((doc, mine.start, mine.end), (other, 0, 33), create_span_label="CLAIM")
    assert alice.status(other) == "in_progress"
